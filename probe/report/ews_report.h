// `exprobe ews` reports: JSON (schema "exprobe/1", "command":"ews") and text: each EWS call with
// its answer and the front end's routing headers, then the findings worst first.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "probe/checks/ews_check.h"
#include "probe/report/text_report.h"

namespace probe::report {

ExitCode EwsExitCode(const checks::EwsCheckResult& result);

/// One call: operation, HTTP status, routing headers, server version, messages or fault.
nlohmann::json EwsCallJson(const checks::EwsCall& call);
std::string EwsCallText(const checks::EwsCall& call);

nlohmann::json EwsReportJson(const checks::EwsCheckResult& result);
std::string EwsReportText(const checks::EwsCheckResult& result, const TextOptions& options);

}  // namespace probe::report
