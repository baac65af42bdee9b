// The `cert` module: RunCertCheck against HOST[:PORT]. Options (under `cert:`): ca_file, names,
// msstd (msstd:NAME, or none; default msstd:<sni or host> as `exprobe cert`), warn_days,
// crit_days, revocation (default true), fetch_aia (default false).
#pragma once

#include "probe/runner/module.h"

namespace probe::runner {

const ModuleKind& CertModuleKind();

}  // namespace probe::runner
