// --probe-epa: the same handshake again with each channel-binding mode, within the account's
// attempt budget, and the findings that prove (or rule out) Extended Protection. Internal to the
// auth check: RunAuthCheck calls it after its own run.
#pragma once

#include "probe/checks/auth_check.h"

namespace probe::checks {

/// Runs the trials the budget allows and adds auth.epa_* findings to `result`.
void ProbeEpa(const AuthCheckOptions& options, AuthCheckResult& result);

}  // namespace probe::checks
