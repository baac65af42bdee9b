// `exprobe logs` as a whole: scan the paths, then turn the groups into catalogue findings.
#pragma once

#include <string>
#include <vector>

#include "probe/core/finding.h"
#include "probe/core/result.h"
#include "probe/logs/scanner.h"

namespace probe::logs {

struct LogsAnalysis {
  std::vector<std::string> paths;
  ScanOptions options;
  ScanResult scan;
  std::vector<Error> path_errors;  // named paths that could not be read at all
  std::vector<Finding> findings;
  double duration_ms = 0;
};

/// Scans every path (a bad path is recorded and the others are still read) and diagnoses.
LogsAnalysis AnalyzeLogs(const std::vector<std::string>& paths, const ScanOptions& options);

/// The findings for a scan: one per pattern found (its groups as evidence), malformed lines,
/// unreadable files, and `logs.ok` when nothing worse than info was found.
std::vector<Finding> LogsFindings(const ScanResult& scan);

/// UNKNOWN when a named path could not be read, else the worst finding's code.
ExitCode LogsExitCode(const LogsAnalysis& analysis);

/// "CONTOSO\user from 10.0.0.50, RpcHttp" (the parts a group has).
std::string GroupSubject(const Group& group);

}  // namespace probe::logs
