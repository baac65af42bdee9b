// `exprobe run` as text (one line per target x check as it finishes, then a summary) and as one
// exprobe/1 JSON document ("command":"run") streamed result by result.
#pragma once

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "probe/report/run_writer.h"

namespace probe::report {

/// One result as the run document and `serve`'s debug answer show it: index, target, module,
/// check, status, exit code, duration, error, findings and the check's own report.
nlohmann::json RunResultJson(const runner::RunResult& result);

std::unique_ptr<RunWriter> MakeJsonWriter(std::FILE* out);
/// `verbose`: every finding of every result, not just the headline.
std::unique_ptr<RunWriter> MakeTextWriter(std::FILE* out, bool verbose);

}  // namespace probe::report
