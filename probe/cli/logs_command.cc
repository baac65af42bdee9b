#include "probe/cli/logs_command.h"

#include <fmt/format.h>

#include <cmath>
#include <memory>

#include "probe/cli/common.h"
#include "probe/logs/analysis.h"
#include "probe/report/logs_report.h"

namespace probe::cli {
namespace {

struct LogsArgs {
  std::vector<std::string> paths;
  std::string since;
  std::string until;
  std::string user;
  std::string protocol;
  double window_minutes = 15;
  int loop_threshold = 5;
  CommonOptions common;  // only --format and -v are registered
};

Result<std::optional<logs::TimeMs>> ParseTime(std::string_view option, const std::string& text) {
  if (text.empty()) return std::optional<logs::TimeMs>();
  auto t = logs::ParseIsoTime(text);
  if (!t) {
    return Fail(
        ErrorCode::kInvalidArgument,
        fmt::format("{} '{}' is not an ISO 8601 time such as 2023-01-07T08:30:00Z", option, text));
  }
  return std::optional<logs::TimeMs>(*t);
}

Result<logs::ScanOptions> ParseScanOptions(const LogsArgs& args) {
  logs::ScanOptions options;
  auto since = ParseTime("--since", args.since);
  if (!since) return Fail(since.error());
  auto until = ParseTime("--until", args.until);
  if (!until) return Fail(until.error());
  if (*since && *until && **since > **until)
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("--since {} is after --until {}", args.since, args.until));
  if (!std::isfinite(args.window_minutes) || args.window_minutes <= 0 ||
      args.window_minutes > 7 * 24 * 60) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("--window {} is not a number of minutes above 0 and at most 10080",
                            args.window_minutes));
  }
  if (args.loop_threshold < 2 || args.loop_threshold > 1000) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("--loop-threshold {} is not a number of 401s from 2 to 1000",
                            args.loop_threshold));
  }
  options.since = *since;
  options.until = *until;
  options.user = args.user;
  options.protocol = args.protocol;
  options.detector.window = static_cast<logs::TimeMs>(std::llround(args.window_minutes * 60000));
  options.detector.loop_threshold = static_cast<std::uint32_t>(args.loop_threshold);
  return options;
}

int RunLogs(const LogsArgs& args) {
  auto format = ParseFormat(args.common);
  if (!format) return UsageError("logs: " + format.error().message);
  auto options = ParseScanOptions(args);
  if (!options) return UsageError("logs: " + options.error().message);

  logs::LogsAnalysis analysis = logs::AnalyzeLogs(args.paths, *options);
  // One sentence per path that could not be read; the others are still reported.
  for (const auto& e : analysis.path_errors) UsageError("logs: cannot read " + e.message);
  if (*format == Format::kJson) {
    fmt::print("{}\n", report::LogsReportJson(analysis).dump(2));
  } else {
    fmt::print("{}", report::LogsReportText(analysis, {.verbose = args.common.verbose}));
  }
  return static_cast<int>(logs::LogsExitCode(analysis));
}

}  // namespace

std::function<int()> AddLogsCommand(CLI::App& app) {
  auto args = std::make_shared<LogsArgs>();
  CLI::App* cmd = app.add_subcommand(
      "logs",
      "Find 401 loops, the KB3140410 InvalidToken pattern and proxy failures in Exchange "
      "HttpProxy logs and IIS W3C logs");
  cmd->add_option("path", args->paths,
                  "log files or folders (read recursively: *.log and *.gz, gzip by content)")
      ->required()
      ->type_name("PATH");
  cmd->add_option("--since", args->since,
                  "only requests at or after this time (ISO 8601; no zone means UTC)")
      ->type_name("TIME");
  cmd->add_option("--until", args->until, "only requests at or before this time (ISO 8601)")
      ->type_name("TIME");
  cmd->add_option("--user", args->user,
                  "only requests whose user or anchor mailbox contains this (case-insensitive; "
                  "drops the anonymous handshake legs)")
      ->type_name("USER");
  cmd->add_option("--protocol", args->protocol,
                  "only this protocol: RpcHttp, Mapi, Ews, Autodiscover, Owa, ...")
      ->type_name("NAME");
  cmd->add_option("--window", args->window_minutes,
                  "minutes without a request that end a group (and a run of 401s)")
      ->capture_default_str();
  cmd->add_option("--loop-threshold", args->loop_threshold,
                  "401s in a row without a success that make a loop")
      ->capture_default_str();
  cmd->add_option("--format", args->common.format, "report format: text or json")
      ->capture_default_str();
  cmd->add_flag("-v,--verbose", args->common.verbose,
                "every file read, whole sample lines, evidence for every finding");
  return [args] { return RunLogs(*args); };
}

}  // namespace probe::cli
