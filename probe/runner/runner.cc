#include "probe/runner/runner.h"

#include <fmt/format.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <thread>

#include "probe/core/deadline.h"

namespace probe::runner {
namespace {

// The admission state of the pool, guarded by one mutex: a job starts when its host has room
// for its connections (or nothing in flight, so a module wider than the cap still runs alone).
class Scheduler {
 public:
  Scheduler(const std::vector<RunJob>& jobs, int per_host) : per_host_(per_host) {
    for (const auto& job : jobs) pending_.push_back(&job);
  }

  // The next job this worker may run, or nullptr when none is left.
  const RunJob* Take() {
    std::unique_lock lock(mutex_);
    for (;;) {
      if (pending_.empty()) return nullptr;
      for (auto it = pending_.begin(); it != pending_.end(); ++it) {
        const RunJob* job = *it;
        int& in_flight = in_flight_[TargetHost(job->target->target.target)];
        if (in_flight == 0 || in_flight + Width(*job) <= per_host_) {
          in_flight += Width(*job);
          pending_.erase(it);
          return job;
        }
      }
      changed_.wait(lock);
    }
  }

  void Done(const RunJob& job) {
    {
      std::lock_guard lock(mutex_);
      in_flight_[TargetHost(job.target->target.target)] -= Width(job);
    }
    changed_.notify_all();
  }

 private:
  static int Width(const RunJob& job) { return std::max(1, job.module->module->connections()); }

  int per_host_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<const RunJob*> pending_;
  std::map<std::string, int> in_flight_;
};

}  // namespace

ExitCode RunCounts::worst() const {
  if (by_code[3]) return ExitCode::kUnknown;
  if (by_code[2]) return ExitCode::kCritical;
  if (by_code[1]) return ExitCode::kWarning;
  return ExitCode::kOk;
}

std::vector<RunJob> PlanJobs(const Plan& plan) {
  std::vector<RunJob> jobs;
  for (const auto& target : plan.targets) {
    for (const auto& name : target.modules) {
      jobs.push_back(RunJob{jobs.size(), &target, plan.FindModule(name)});
    }
  }
  return jobs;
}

CheckOutcome RunModule(const PlanModule& module, const ModuleTarget& target,
                       std::chrono::milliseconds timeout) {
  auto started = Clock::now();
  CheckOutcome outcome;
  try {
    outcome = module.module->Run(target, timeout);
  } catch (const std::exception& e) {
    outcome = CheckOutcome{};
    outcome.error = Error{ErrorCode::kInternal, fmt::format("internal error in the {} check: {}",
                                                            module.kind->name, e.what())};
  }
  if (outcome.duration_ms == 0) {
    outcome.duration_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  }
  return outcome;
}

RunCounts RunJobs(const std::vector<RunJob>& jobs, const RunOptions& options, ResultSink& sink,
                  ProgressObserver* progress) {
  Deadline deadline = Deadline::After(options.timeout);
  Scheduler scheduler(jobs, options.per_host_connections);
  RunCounts counts;
  counts.total = jobs.size();
  std::mutex sink_mutex;

  auto deliver = [&](const RunJob& job, CheckOutcome outcome) {
    std::lock_guard lock(sink_mutex);
    ++counts.done;
    ++counts.by_code[static_cast<int>(outcome.exit_code())];
    sink.Add(
        RunResult{job.index, job.target->name, job.module, job.target->target, std::move(outcome)});
    if (progress) progress->Progress(counts);
  };
  auto work = [&] {
    while (const RunJob* job = scheduler.Take()) {
      auto left = std::chrono::milliseconds(deadline.RemainingMs());
      CheckOutcome outcome;
      if (left.count() == 0) {
        outcome.error =
            Error{ErrorCode::kTimeout, "the run's deadline passed before this check started"};
      } else {
        outcome =
            RunModule(*job->module, job->target->target, std::min(job->module->timeout, left));
      }
      scheduler.Done(*job);
      deliver(*job, std::move(outcome));
    }
  };
  int workers = std::max(1, std::min<int>(options.jobs, static_cast<int>(jobs.size())));
  {
    std::vector<std::jthread> pool;
    for (int i = 0; i < workers; ++i) pool.emplace_back(work);
  }
  return counts;
}

}  // namespace probe::runner
