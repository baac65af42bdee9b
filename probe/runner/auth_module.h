// The `auth` module: RunAuthCheck against an https:// URL with stored credentials, named by
// reference only. Options (under `auth:`): user (DOMAIN\user), password_env or password_file,
// scheme (auto, ntlm, negotiate, basic, kerberos), attempt_budget, ca_file, insecure.
// Lockout-safe across a run (and a `serve` process): runs for one account never overlap, a
// rejection stops every later attempt for the account, and failed attempts are counted against
// attempt_budget (a successful logon resets the count, as a domain controller's does).
#pragma once

#include "probe/runner/module.h"

namespace probe::runner {

const ModuleKind& AuthModuleKind();

}  // namespace probe::runner
