// RunWriter: a streaming writer of `exprobe run` results (text, JSON, JUnit, Prometheus,
// Nagios). It receives results one at a time as they finish and keeps only what its format
// needs at the end, so a 1,000-target plan is written with memory bounded by the checks in
// flight.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "probe/runner/runner.h"

namespace probe::report {

struct RunInfo {
  std::string plan;  // the plan file as named
  std::size_t checks = 0;
  std::int64_t started = 0;  // Unix seconds
};

class RunWriter : public runner::ResultSink {
 public:
  virtual void Begin(const RunInfo& info) = 0;
  /// Finishes the document. `duration_ms` is the run's wall time.
  virtual void End(const runner::RunCounts& counts, double duration_ms) = 0;
  /// The exit code of the run as this format decides it (Nagios adds its thresholds).
  virtual ExitCode Exit(const runner::RunCounts& counts) const { return counts.worst(); }
};

/// "127.0.0.1:4433 tls": how a result is named in one line.
std::string ResultName(const runner::RunResult& result);

/// The summary of a finding-less or failed result: its error, else its worst non-ok finding's
/// summary, else the first finding's.
std::string Headline(const runner::CheckOutcome& outcome);

}  // namespace probe::report
