// The runner: a bounded pool of `jobs` workers runs every target x module of a plan, never more
// than `per_host_connections` connections in flight to one host, every check within its own
// timeout and the run's. Results go to a sink as they finish, one at a time, so writers stream
// and memory grows with the checks in flight, not with the plan.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "probe/runner/module.h"
#include "probe/runner/plan.h"

namespace probe::runner {

/// One target x module of a run, and what came of it.
struct RunResult {
  std::size_t index = 0;  // position in plan order (targets, then their modules)
  std::string target;     // the target's name
  const PlanModule* module = nullptr;
  ModuleTarget where;
  CheckOutcome outcome;
};

/// Receives results one at a time (never concurrently), in the order they finish.
class ResultSink {
 public:
  virtual ~ResultSink() = default;
  virtual void Add(RunResult result) = 0;
};

/// Counts by exit code, for progress and the summary.
struct RunCounts {
  std::size_t total = 0;
  std::size_t done = 0;
  std::array<std::size_t, 4> by_code{};  // index = ExitCode
  ExitCode worst() const;
};

/// Told after every result (from the thread that delivered it to the sink).
class ProgressObserver {
 public:
  virtual ~ProgressObserver() = default;
  virtual void Progress(const RunCounts& counts) = 0;
};

struct RunOptions {
  int jobs = 8;
  int per_host_connections = 6;
  std::chrono::milliseconds timeout{std::chrono::minutes(30)};  // the whole run
};

struct RunJob {
  std::size_t index = 0;
  const PlanTarget* target = nullptr;
  const PlanModule* module = nullptr;
};

/// Every target x module of `plan`, in plan order.
std::vector<RunJob> PlanJobs(const Plan& plan);

/// Runs `jobs` on the pool. Returns the counts; every job reaches the sink, those the run's
/// deadline left no time for as UNKNOWN.
RunCounts RunJobs(const std::vector<RunJob>& jobs, const RunOptions& options, ResultSink& sink,
                  ProgressObserver* progress = nullptr);

/// One module run on the calling thread, with the exception boundary: an exception from a check
/// is a bug, recorded as an UNKNOWN result, never a crash of the run.
CheckOutcome RunModule(const PlanModule& module, const ModuleTarget& target,
                       std::chrono::milliseconds timeout);

}  // namespace probe::runner
