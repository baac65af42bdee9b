#include "probe/cli/run_command.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <memory>
#include <set>

#include "probe/cli/common.h"
#include "probe/report/junit_report.h"
#include "probe/report/nagios_report.h"
#include "probe/report/output_file.h"
#include "probe/report/prometheus_report.h"
#include "probe/report/run_report.h"
#include "probe/runner/plan.h"
#include "probe/runner/runner.h"

namespace probe::cli {
namespace {

struct RunArgs {
  std::string plan;
  std::string format = "text";
  std::string output;
  int jobs = 0;
  int per_host = 0;
  double timeout_seconds = 0;
  std::vector<std::string> warning;
  std::vector<std::string> critical;
  bool list_checks = false;
  bool dry_run = false;
  bool verbose = false;
};

// A bar with counts on stderr, redrawn in place; only when stderr is a terminal.
class ProgressBar : public runner::ProgressObserver {
 public:
  void Progress(const runner::RunCounts& c) override {
    constexpr int kWidth = 30;
    int filled = c.total ? static_cast<int>(kWidth * c.done / c.total) : kWidth;
    fmt::print(stderr, "\r[{:<{}}] {}/{}  ok {}  warning {}  critical {}  unknown {}",
               std::string(filled, '#'), kWidth, c.done, c.total, c.by_code[0], c.by_code[1],
               c.by_code[2], c.by_code[3]);
    if (c.done == c.total) fmt::print(stderr, "\n");
  }
};

int ListChecks() {
  for (const auto* kind : runner::ModuleKinds()) {
    fmt::print("{:<8} {}\n", kind->name, kind->description);
  }
  return 0;
}

// What would run, and which hosts would receive stored credentials; nothing is sent.
int DryRun(const runner::Plan& plan) {
  std::set<std::string> credential_hosts;
  for (const auto& job : runner::PlanJobs(plan)) {
    fmt::print("{} {} ({})\n", job.target->name, job.module->name, job.module->kind->name);
    if (job.module->module->uses_credentials()) {
      credential_hosts.insert(runner::TargetHost(job.target->target.target));
    }
  }
  for (const auto& host : credential_hosts) fmt::print("credentials would go to: {}\n", host);
  return 0;
}

Result<std::unique_ptr<report::RunWriter>> MakeWriter(const RunArgs& args, std::FILE* out) {
  if (args.format != "nagios" && (!args.warning.empty() || !args.critical.empty())) {
    return Fail(ErrorCode::kInvalidArgument, "-w/-c apply to --format nagios only");
  }
  if (args.format == "text") return report::MakeTextWriter(out, args.verbose);
  if (args.format == "json") return report::MakeJsonWriter(out);
  if (args.format == "junit") return report::MakeJunitWriter(out);
  if (args.format == "prometheus") return report::MakePrometheusWriter(out);
  if (args.format == "nagios") {
    auto thresholds = report::ParseNagiosThresholds(args.warning, args.critical);
    if (!thresholds) return Fail(thresholds.error());
    return report::MakeNagiosWriter(out, std::move(*thresholds));
  }
  return Fail(ErrorCode::kInvalidArgument,
              fmt::format("--format '{}' is not one of: text, json, junit, prometheus, nagios",
                          args.format));
}

Result<runner::RunOptions> Options(const RunArgs& args, const runner::Plan& plan) {
  runner::RunOptions options{plan.jobs, plan.per_host_connections, plan.timeout};
  if (args.jobs < 0 || args.jobs > 1024) {
    return Fail(ErrorCode::kInvalidArgument, "--jobs must be from 1 to 1024");
  }
  if (args.jobs) options.jobs = args.jobs;
  if (args.per_host < 0 || args.per_host > 1024) {
    return Fail(ErrorCode::kInvalidArgument, "--per-host must be from 1 to 1024");
  }
  if (args.per_host) options.per_host_connections = args.per_host;
  if (args.timeout_seconds != 0) {
    if (!std::isfinite(args.timeout_seconds) || args.timeout_seconds < 0 ||
        args.timeout_seconds > 86400) {
      return Fail(ErrorCode::kInvalidArgument,
                  "--timeout must be a number of seconds above 0 and at most 86400");
    }
    options.timeout =
        std::chrono::milliseconds(static_cast<long long>(std::ceil(args.timeout_seconds * 1000)));
  }
  return options;
}

int Run(const RunArgs& args) {
  if (args.list_checks) return ListChecks();
  if (args.plan.empty()) return UsageError("run: give a PLAN.yaml (or --list-checks)");
  auto plan = runner::LoadPlan(args.plan);
  if (!plan) return UsageError("run: " + plan.error().message);
  if (args.dry_run) return DryRun(*plan);
  auto options = Options(args, *plan);
  if (!options) return UsageError("run: " + options.error().message);
  auto output = report::OutputFile::Open(args.output);
  if (!output) return UsageError("run: --output: " + output.error().message);
  auto writer = MakeWriter(args, output->get());
  if (!writer) return UsageError("run: " + writer.error().message);

  auto jobs = runner::PlanJobs(*plan);
  auto started = std::chrono::steady_clock::now();
  (*writer)->Begin({args.plan, jobs.size(), static_cast<std::int64_t>(std::time(nullptr))});
  ProgressBar bar;
  auto counts = runner::RunJobs(jobs, *options, **writer, isatty(STDERR_FILENO) ? &bar : nullptr);
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  (*writer)->End(counts, ms);
  if (auto committed = output->Commit(); !committed) {
    return UsageError("run: " + committed.error().message);
  }
  return static_cast<int>((*writer)->Exit(counts));
}

}  // namespace

std::function<int()> AddRunCommand(CLI::App& app) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand(
      "run", "Scheduled synthetic checks: every target x module of a plan, concurrently");
  cmd->add_option("plan", args->plan, "the plan (YAML: modules, targets)")->type_name("PLAN.yaml");
  cmd->add_option("--format", args->format, "text, json, junit, prometheus or nagios")
      ->capture_default_str();
  cmd->add_option("-o,--output", args->output,
                  "write the report here, atomically (temporary file + rename; for "
                  "node_exporter's textfile collector)")
      ->type_name("FILE");
  cmd->add_option("-j,--jobs", args->jobs, "checks in flight at once (default: the plan's, 8)");
  cmd->add_option("--per-host", args->per_host,
                  "connections in flight to one host (default: the plan's, 6)");
  cmd->add_option("--timeout", args->timeout_seconds,
                  "deadline in seconds for the whole run (default: the plan's, 30 min)");
  cmd->add_option("-w,--warning", args->warning,
                  "nagios: NAME=RANGE, e.g. cert_days=30: or handshake_time=0.5 (repeatable)")
      ->type_name("NAME=RANGE");
  cmd->add_option("-c,--critical", args->critical,
                  "nagios: NAME=RANGE, e.g. cert_days=7: or handshake_time=2 (repeatable)")
      ->type_name("NAME=RANGE");
  cmd->add_flag("--list-checks", args->list_checks, "list the check kinds a module can name");
  cmd->add_flag("--dry-run", args->dry_run,
                "list what would run and every host that would receive credentials");
  cmd->add_flag("-v,--verbose", args->verbose, "text: every finding of every check");
  return [args] { return Run(*args); };
}

}  // namespace probe::cli
