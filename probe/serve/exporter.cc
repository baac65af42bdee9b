#include "probe/serve/exporter.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cmath>
#include <fstream>

#include "probe/report/prometheus_report.h"
#include "probe/report/run_report.h"
#include "probe/runner/runner.h"

namespace probe::serve {
namespace {

using Clock = std::chrono::steady_clock;
constexpr char kExposition[] = "text/plain; version=0.0.4; charset=utf-8";

Response Text(int status, std::string body) {
  return Response{status, "text/plain; charset=utf-8", body + "\n"};
}

double UnixNow() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

long ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * sysconf(_SC_PAGESIZE);
}

// A sink that keeps each scheduled result, without its (large) JSON document.
class CacheSink : public runner::ResultSink {
 public:
  explicit CacheSink(std::function<void(runner::RunResult)> keep) : keep_(std::move(keep)) {}
  void Add(runner::RunResult result) override {
    result.outcome.report = nullptr;
    keep_(std::move(result));
  }

 private:
  std::function<void(runner::RunResult)> keep_;
};

}  // namespace

Exporter::Exporter(runner::Plan plan, ExporterOptions options)
    : plan_(std::move(plan)),
      options_(options),
      pool_(std::max(1, options.probe_threads), options.probe_queue) {}

Exporter::~Exporter() { Stop(); }

void Exporter::Start() {
  if (!options_.run_schedules) return;
  scheduler_ = std::thread([this] { Schedule(); });
}

void Exporter::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (scheduler_.joinable()) scheduler_.join();
  pool_.Stop();
}

void Exporter::Handle(const RequestTarget& request, std::optional<double> scrape_timeout,
                      std::function<void(Response)> done) {
  auto counted = [this, path = request.path, done = std::move(done)](Response r) {
    CountRequest(path, r.status);
    done(std::move(r));
  };
  if (request.path == "/probe") {
    std::function<void(Response)> later = counted;
    Response now = Probe(request, scrape_timeout, later);
    if (now.status != 0) counted(std::move(now));  // status 0: the pool answers later
    return;
  }
  if (request.path == "/metrics") return counted(Metrics());
  if (request.path == "/" || request.path == "/-/healthy") {
    std::string body = "exprobe serve: GET /probe?target=HOST:PORT&module=NAME, /metrics\nmodules:";
    for (const auto& m : plan_.modules) {
      body +=
          fmt::format("\n  {} ({}{})", m.name, m.kind->name,
                      m.schedule ? fmt::format(", every {} s", m.schedule->count() / 1000) : "");
    }
    return counted(Text(200, body));
  }
  counted(Text(404, "not found: try /probe or /metrics"));
}

runner::ModuleTarget Exporter::TargetFor(const std::string& target,
                                         const std::string& hostname) const {
  runner::ModuleTarget out{target, hostname, {}};
  // A target the plan lists keeps its network options (connect_to, resolve) and SNI.
  for (const auto& t : plan_.targets) {
    if (t.target.target == target) {
      out = t.target;
      if (!hostname.empty()) out.sni = hostname;
      break;
    }
  }
  return out;
}

Response Exporter::Probe(const RequestTarget& request, std::optional<double> scrape_timeout,
                         std::function<void(Response)>& done) {
  auto param = [&](std::string_view name) {
    auto it = request.params.find(name);
    return it == request.params.end() ? std::string() : it->second;
  };
  std::string target = param("target"), module_name = param("module");
  if (target.empty()) return Text(400, "target parameter is missing");
  if (module_name.empty()) return Text(400, "module parameter is missing");
  const runner::PlanModule* module = plan_.FindModule(module_name);
  if (!module) return Text(400, fmt::format("unknown module '{}'", runner::Shown(module_name)));
  runner::ModuleTarget where = TargetFor(target, param("hostname"));
  if (auto valid = module->module->ValidateTarget(where); !valid) {
    return Text(400, fmt::format("target '{}': {}", runner::Shown(target), valid.error().message));
  }
  if (module->module->uses_credentials() && !plan_.Lists(module->name, target)) {
    return Text(403, fmt::format("module '{}' uses stored credentials: it probes only the targets "
                                 "the plan lists with it",
                                 module->name));
  }
  bool debug = param("debug") == "true";
  if (module->schedule) return FromCache(*module, target, debug);

  // blackbox_exporter's rule: the scrape timeout less an offset; the module's when smaller.
  auto budget = module->timeout;
  if (scrape_timeout) {
    double seconds = *scrape_timeout - options_.timeout_offset;
    if (seconds <= 0) return Text(400, "the scrape timeout leaves no time to probe");
    budget = std::min(budget, std::chrono::milliseconds(static_cast<long long>(seconds * 1000)));
  }
  auto deadline = Clock::now() + budget;
  auto task = [this, module, where, target, deadline, budget, debug, done] {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return done(Text(503, "the probe waited too long for a free worker"));
    runner::RunResult result{0, target, module, where, runner::RunModule(*module, where, left)};
    Count(module->name, result.outcome.success());
    std::string body = report::ProbeExposition(result.outcome, *module->kind,
                                               std::chrono::duration<double>(budget).count(), 0);
    if (debug) body = report::RunResultJson(result).dump(2) + "\n\n" + body;
    done(Response{200, debug ? "text/plain; charset=utf-8" : kExposition, body});
  };
  if (!pool_.Submit(task)) return Text(503, "too many probes in flight; try again");
  return Response{0, "", ""};
}

Response Exporter::FromCache(const runner::PlanModule& module, const std::string& target,
                             bool debug) {
  if (!plan_.Lists(module.name, target)) {
    return Text(404, fmt::format("module '{}' runs on a schedule for the plan's targets; '{}' is "
                                 "not one of them",
                                 module.name, runner::Shown(target)));
  }
  std::lock_guard lock(mutex_);
  auto it = cache_.find({module.name, target});
  if (it == cache_.end()) return Text(503, "no result yet: the scheduled run has not finished");
  double age = std::chrono::duration<double>(Clock::now() - it->second.finished).count();
  std::string body = report::ProbeExposition(it->second.outcome, *module.kind, std::nullopt, age);
  (void)debug;  // cached results keep no JSON document
  return Response{200, kExposition, body};
}

void Exporter::Schedule() {
  std::map<std::string, Clock::time_point> due;
  for (const auto& m : plan_.modules) {
    if (m.schedule) due[m.name] = Clock::now();
  }
  if (due.empty()) return;
  for (;;) {
    auto next = std::min_element(due.begin(), due.end(),
                                 [](const auto& a, const auto& b) { return a.second < b.second; });
    {
      std::unique_lock lock(mutex_);
      if (wake_.wait_until(lock, next->second, [this] { return stopping_; })) return;
    }
    const runner::PlanModule* module = plan_.FindModule(next->first);
    RunScheduled(*module);
    next->second = Clock::now() + *module->schedule;
  }
}

void Exporter::RunScheduled(const runner::PlanModule& module) {
  std::vector<runner::RunJob> jobs;
  for (const auto& job : runner::PlanJobs(plan_)) {
    if (job.module == &module) jobs.push_back(job);
  }
  CacheSink sink([this](runner::RunResult r) {
    Count(r.module->name, r.outcome.success());
    std::lock_guard lock(mutex_);
    cache_[{r.module->name, r.where.target}] = CachedResult{std::move(r.outcome), Clock::now()};
  });
  runner::RunJobs(jobs, {plan_.jobs, plan_.per_host_connections, plan_.timeout}, sink);
  std::lock_guard lock(mutex_);
  ++scheduled_runs_[module.name];
  scheduled_last_[module.name] = UnixNow();
}

void Exporter::Count(const std::string& module, bool success) {
  std::lock_guard lock(mutex_);
  ++probes_[{module, success ? "success" : "failure"}];
}

void Exporter::CountRequest(const std::string& path, int status) {
  // Only known paths are labels: a scanner must not grow the label set.
  std::string label = (path == "/probe" || path == "/metrics" || path == "/") ? path : "other";
  std::lock_guard lock(mutex_);
  ++requests_[{label, std::to_string(status)}];
}

Response Exporter::Metrics() const {
  using report::SampleLine;
  std::string out;
  auto family = [&](std::string_view name, std::string_view type, std::string_view help) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  };
  std::lock_guard lock(mutex_);
  family("exprobe_serve_probes_total", "counter", "Probes run, by module and result.");
  for (const auto& [key, n] : probes_) {
    out += SampleLine("exprobe_serve_probes_total", {},
                      {{"module", key.first}, {"result", key.second}}, static_cast<double>(n));
  }
  family("exprobe_serve_http_requests_total", "counter", "HTTP requests, by path and status.");
  for (const auto& [key, n] : requests_) {
    out += SampleLine("exprobe_serve_http_requests_total", {},
                      {{"path", key.first}, {"code", key.second}}, static_cast<double>(n));
  }
  family("exprobe_serve_probes_in_flight", "gauge", "Probes queued or running for scrapes.");
  out += SampleLine("exprobe_serve_probes_in_flight", {}, {}, static_cast<double>(pool_.busy()));
  family("exprobe_serve_scheduled_runs_total", "counter", "Scheduled runs finished, by module.");
  for (const auto& [m, n] : scheduled_runs_) {
    out += SampleLine("exprobe_serve_scheduled_runs_total", {}, {{"module", m}},
                      static_cast<double>(n));
  }
  family("exprobe_serve_scheduled_last_run_timestamp_seconds", "gauge",
         "When the module's last scheduled run finished, Unix seconds.");
  for (const auto& [m, t] : scheduled_last_) {
    out += SampleLine("exprobe_serve_scheduled_last_run_timestamp_seconds", {}, {{"module", m}},
                      std::floor(t));
  }
  family("process_start_time_seconds", "gauge", "Start time of the process, Unix seconds.");
  out += SampleLine("process_start_time_seconds", {}, {},
                    std::floor(std::chrono::duration<double>(started_.time_since_epoch()).count()));
  family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
  out += SampleLine("process_resident_memory_bytes", {}, {}, static_cast<double>(ResidentBytes()));
  return Response{200, kExposition, out};
}

}  // namespace probe::serve
