// Text and JSON reports of `exprobe auth`: the legs with their connection and decoded, masked
// tokens, then the findings.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "probe/checks/auth_check.h"
#include "probe/core/finding.h"
#include "probe/report/text_report.h"

namespace probe::report {

/// The exit code of an auth run: the worst finding, or UNKNOWN when the run hit an error.
ExitCode AuthExitCode(const checks::AuthCheckResult& result);

/// `show_secrets` (--show-secrets, for a lab) prints responses, keys and MICs in hex.
nlohmann::json AuthReportJson(const checks::AuthCheckResult& result, bool show_secrets = false);
std::string AuthReportText(const checks::AuthCheckResult& result, const TextOptions& options);

}  // namespace probe::report
