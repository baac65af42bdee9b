// `exprobe logs` reports: the JSON contract (schema "exprobe/1", "command":"logs") and the text a
// person reads.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "probe/logs/analysis.h"
#include "probe/report/text_report.h"

namespace probe::report {

nlohmann::json LogsReportJson(const logs::LogsAnalysis& analysis);
std::string LogsReportText(const logs::LogsAnalysis& analysis, const TextOptions& options);

}  // namespace probe::report
