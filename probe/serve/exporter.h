// Exporter: what `exprobe serve` does with a request, apart from HTTP. /probe runs a module
// against a target (or reads the cached result of a scheduled module) and answers Prometheus
// exposition text, as blackbox_exporter's multi-target pattern expects; /metrics reports the
// exporter's own health. Modules with stored credentials serve only the targets the plan lists
// with them.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "probe/runner/plan.h"
#include "probe/serve/query.h"
#include "probe/serve/work_pool.h"

namespace probe::serve {

struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

struct ExporterOptions {
  int probe_threads = 8;         // checks run at once for scrapes
  std::size_t probe_queue = 64;  // scrapes waiting beyond that: 503
  double timeout_offset = 0.5;   // seconds kept back from Prometheus's scrape timeout
  bool run_schedules = true;     // false: scheduled modules never run (tests)
};

class Exporter {
 public:
  Exporter(runner::Plan plan, ExporterOptions options);
  ~Exporter();  // Stop()
  Exporter(const Exporter&) = delete;
  Exporter& operator=(const Exporter&) = delete;

  /// Starts the scheduler thread (one, for every scheduled module).
  void Start();
  /// `scrape_timeout`: the X-Prometheus-Scrape-Timeout-Seconds header, when sent. `done` is
  /// called exactly once, on this thread or a pool thread.
  void Handle(const RequestTarget& request, std::optional<double> scrape_timeout,
              std::function<void(Response)> done);
  void Stop();

 private:
  struct CachedResult {
    runner::CheckOutcome outcome;
    std::chrono::steady_clock::time_point finished;
  };
  using Key = std::pair<std::string, std::string>;  // module, target

  Response Probe(const RequestTarget& request, std::optional<double> scrape_timeout,
                 std::function<void(Response)>& done);
  Response FromCache(const runner::PlanModule& module, const std::string& target, bool debug);
  runner::ModuleTarget TargetFor(const std::string& target, const std::string& hostname) const;
  Response Metrics() const;
  void Schedule();
  void RunScheduled(const runner::PlanModule& module);
  void Count(const std::string& module, bool success);
  void CountRequest(const std::string& path, int status);

  runner::Plan plan_;
  ExporterOptions options_;
  WorkPool pool_;
  std::chrono::system_clock::time_point started_ = std::chrono::system_clock::now();

  mutable std::mutex mutex_;  // guards everything below
  std::condition_variable wake_;
  bool stopping_ = false;
  std::map<Key, CachedResult> cache_;
  std::map<Key, std::uint64_t> probes_;    // (module, "success"|"failure") -> count
  std::map<Key, std::uint64_t> requests_;  // (path, status) -> count
  std::map<std::string, std::uint64_t> scheduled_runs_;
  std::map<std::string, double> scheduled_last_;  // module -> Unix seconds
  std::thread scheduler_;
};

}  // namespace probe::serve
