#include "probe/report/run_report.h"

#include <fmt/format.h>

#include "probe/report/json_report.h"
#include "probe/tls/certificate.h"

namespace probe::report {

using nlohmann::json;

json RunResultJson(const runner::RunResult& r) {
  const auto& o = r.outcome;
  json findings = json::array();
  for (const auto& f : o.findings) findings.push_back(ToJson(f));
  json report = o.report;
  if (report.is_object()) {
    // The findings are listed once, beside the result.
    report.erase("findings");
    report.erase("schema");
  }
  json error = nullptr;
  if (o.error) error = json{{"code", ErrorCodeName(o.error->code)}, {"message", o.error->message}};
  return json{{"index", r.index},
              {"target", r.target},
              {"address", r.where.target},
              {"module", r.module->name},
              {"check", std::string(r.module->kind->name)},
              {"status", ExitCodeName(o.exit_code())},
              {"worst_severity", SeverityName(o.worst())},
              {"exit_code", static_cast<int>(o.exit_code())},
              {"success", o.success()},
              {"duration_ms", o.duration_ms},
              {"error", error},
              {"findings", findings},
              {"report", report.is_object() ? report : json(nullptr)}};
}

namespace {

class JsonWriter : public RunWriter {
 public:
  explicit JsonWriter(std::FILE* out) : out_(out) {}

  void Begin(const RunInfo& info) override {
    json head{{"schema", "exprobe/1"},
              {"command", "run"},
              {"plan", info.plan},
              {"started", tls::FormatUtc(info.started)},
              {"checks", info.checks}};
    std::string text = head.dump();
    text.pop_back();  // the closing brace: results follow
    fmt::print(out_, "{},\"results\":[", text);
  }

  void Add(runner::RunResult r) override {
    fmt::print(out_, "{}\n{}", first_ ? "" : ",", RunResultJson(r).dump());
    first_ = false;
  }

  void End(const runner::RunCounts& c, double duration_ms) override {
    json summary{{"ok", c.by_code[0]},
                 {"warning", c.by_code[1]},
                 {"critical", c.by_code[2]},
                 {"unknown", c.by_code[3]}};
    fmt::print(out_, "],\"summary\":{},\"status\":\"{}\",\"exit_code\":{},\"duration_ms\":{}}}\n",
               summary.dump(), ExitCodeName(c.worst()), static_cast<int>(c.worst()),
               json(duration_ms).dump());
  }

 private:
  std::FILE* out_;
  bool first_ = true;
};

std::string_view Upper(ExitCode code) {
  switch (code) {
    case ExitCode::kOk:
      return "OK";
    case ExitCode::kWarning:
      return "WARNING";
    case ExitCode::kCritical:
      return "CRITICAL";
    case ExitCode::kUnknown:
      break;
  }
  return "UNKNOWN";
}

class TextWriter : public RunWriter {
 public:
  TextWriter(std::FILE* out, bool verbose) : out_(out), verbose_(verbose) {}

  void Begin(const RunInfo& info) override {
    fmt::print(out_, "exprobe run {}: {} check(s)\n", info.plan, info.checks);
  }

  void Add(runner::RunResult r) override {
    const auto& o = r.outcome;
    fmt::print(out_, "{:<8} {:<40} {:<12} {:>7.0f} ms  {}\n", Upper(o.exit_code()), r.target,
               r.module->name, o.duration_ms, Headline(o));
    if (!verbose_) return;
    for (const auto& f : o.findings) {
      fmt::print(out_, "         {:<8} {} {}\n", SeverityName(f.severity), f.id, f.summary);
    }
  }

  void End(const runner::RunCounts& c, double duration_ms) override {
    fmt::print(out_,
               "Result: {} - {} check(s) in {:.1f} s: {} ok, {} warning, {} critical, {} unknown\n",
               Upper(c.worst()), c.done, duration_ms / 1000.0, c.by_code[0], c.by_code[1],
               c.by_code[2], c.by_code[3]);
  }

 private:
  std::FILE* out_;
  bool verbose_;
};

}  // namespace

std::unique_ptr<RunWriter> MakeJsonWriter(std::FILE* out) {
  return std::make_unique<JsonWriter>(out);
}

std::unique_ptr<RunWriter> MakeTextWriter(std::FILE* out, bool verbose) {
  return std::make_unique<TextWriter>(out, verbose);
}

}  // namespace probe::report
