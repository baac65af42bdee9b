#include "probe/report/nagios_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>

namespace probe::report {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::optional<double> Number(std::string_view text) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::string_view StateName(ExitCode code) {
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

// Worse of two states, UNKNOWN over CRITICAL as the run's exit code ranks them.
ExitCode Worse(ExitCode a, ExitCode b) {
  auto rank = [](ExitCode c) { return c == ExitCode::kUnknown ? 4 : static_cast<int>(c); };
  return rank(a) >= rank(b) ? a : b;
}

bool KnownMeasure(std::string_view name) {
  for (const auto* kind : runner::ModuleKinds()) {
    for (auto m : kind->measures) {
      if (m == name) return true;
    }
  }
  return false;
}

std::string Known() {
  std::vector<std::string_view> names;
  for (const auto* kind : runner::ModuleKinds()) {
    for (auto m : kind->measures) {
      if (std::find(names.begin(), names.end(), m) == names.end()) names.push_back(m);
    }
  }
  std::string out;
  for (auto n : names) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

}  // namespace

bool NagiosRange::Alerts(double value) const {
  bool in = value >= start && value <= end;
  return inside ? in : !in;
}

Result<NagiosRange> ParseNagiosRange(std::string_view text) {
  NagiosRange r;
  r.text = std::string(text);
  auto bad = [&] {
    return Fail(
        ErrorCode::kInvalidArgument,
        fmt::format("'{}' is not a threshold range ([@]start:end, e.g. 30: or ~:2 or 10)", r.text));
  };
  if (text.starts_with('@')) {
    r.inside = true;
    text.remove_prefix(1);
  }
  if (text.empty()) return bad();
  auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    auto end = Number(text);
    if (!end) return bad();
    r.start = 0;
    r.end = *end;
    return r;
  }
  std::string_view start = text.substr(0, colon), end = text.substr(colon + 1);
  if (start == "~") {
    r.start = -kInf;
  } else if (start.empty()) {
    r.start = 0;
  } else if (auto s = Number(start)) {
    r.start = *s;
  } else {
    return bad();
  }
  if (end.empty()) {
    r.end = kInf;
  } else if (auto e = Number(end)) {
    r.end = *e;
  } else {
    return bad();
  }
  if (r.start > r.end) return bad();
  return r;
}

Result<NagiosThresholds> ParseNagiosThresholds(const std::vector<std::string>& warning,
                                               const std::vector<std::string>& critical) {
  NagiosThresholds out;
  for (auto [list, option] : {std::pair{&warning, "-w"}, std::pair{&critical, "-c"}}) {
    for (const auto& item : *list) {
      auto eq = item.find('=');
      if (eq == std::string::npos) {
        return Fail(ErrorCode::kInvalidArgument,
                    fmt::format("{} '{}': give NAME=RANGE (names: {})", option, item, Known()));
      }
      std::string name = item.substr(0, eq);
      if (!KnownMeasure(name)) {
        return Fail(ErrorCode::kInvalidArgument,
                    fmt::format("{} '{}': no check measures '{}' (names: {})", option, item, name,
                                Known()));
      }
      auto range = ParseNagiosRange(std::string_view(item).substr(eq + 1));
      if (!range) return Fail(range.error().With(std::string(option)));
      auto& t = out[name];
      (std::string_view(option) == "-w" ? t.warning : t.critical) = std::move(*range);
    }
  }
  return out;
}

std::string PerfLabel(std::string_view label) {
  std::string out = "'";
  for (char c : label) {
    if (c == '\'') {
      out += "''";
    } else if (c == '=') {
      out += '_';
    } else {
      out += c;
    }
  }
  return out + "'";
}

namespace {

class NagiosWriter : public RunWriter {
 public:
  NagiosWriter(std::FILE* out, NagiosThresholds thresholds)
      : out_(out), thresholds_(std::move(thresholds)) {}

  void Begin(const RunInfo&) override {}

  void Add(runner::RunResult r) override {
    ExitCode state = r.outcome.exit_code();
    std::string why = Headline(r.outcome);
    for (const auto& m : r.outcome.measures) {
      ExitCode measured = Judge(m);
      if (Worse(measured, state) != state) {  // the threshold makes it worse than the findings
        why = fmt::format("{} {:.3f}{} outside the {} range", m.name, m.value, m.unit,
                          measured == ExitCode::kCritical ? "critical" : "warning");
        state = measured;
      }
      AddPerf(r, m);
    }
    ++counts_[static_cast<int>(state)];
    worst_ = Worse(worst_, state);
    if (state == ExitCode::kOk) return;
    std::string line = fmt::format("{} {}: {}", StateName(state), ResultName(r), why);
    if (!first_problem_ || Worse(state, first_state_) != first_state_) {
      first_problem_ = fmt::format("{}: {}", ResultName(r), why);
      first_state_ = state;
    }
    long_text_ += line + "\n";
  }

  void End(const runner::RunCounts& c, double duration_ms) override {
    std::string text = fmt::format("{} checks: {} ok, {} warning, {} critical, {} unknown", c.done,
                                   counts_[0], counts_[1], counts_[2], counts_[3]);
    if (first_problem_) {
      std::string problem = *first_problem_;
      if (problem.size() > 100) problem = problem.substr(0, 97) + "...";
      text += "; " + problem;
    }
    std::string perf = fmt::format(
        "'checks_ok'={};;;0;{} 'checks_warning'={};;;0;{} "
        "'checks_critical'={};;;0;{} 'checks_unknown'={};;;0;{} "
        "'run_time'={:.3f}s;;;0;",
        counts_[0], c.done, counts_[1], c.done, counts_[2], c.done, counts_[3], c.done,
        duration_ms / 1000.0);
    // Newlines and '|' in the text would break the plugin output's structure.
    for (char& ch : text) {
      if (ch == '|' || ch == '\n') ch = ' ';
    }
    fmt::print(out_, "EXPROBE {} - {} | {}\n{}", StateName(worst_), text, perf, long_text_);
    if (!perf_.empty()) fmt::print(out_, "|{}\n", perf_);
  }

  ExitCode Exit(const runner::RunCounts&) const override { return worst_; }

 private:
  ExitCode Judge(const runner::Measure& m) const {
    auto it = thresholds_.find(m.name);
    if (it == thresholds_.end()) return ExitCode::kOk;
    if (it->second.critical && it->second.critical->Alerts(m.value)) return ExitCode::kCritical;
    if (it->second.warning && it->second.warning->Alerts(m.value)) return ExitCode::kWarning;
    return ExitCode::kOk;
  }

  void AddPerf(const runner::RunResult& r, const runner::Measure& m) {
    std::string warn, crit;
    if (auto it = thresholds_.find(m.name); it != thresholds_.end()) {
      if (it->second.warning) warn = it->second.warning->text;
      if (it->second.critical) crit = it->second.critical->text;
    }
    std::string value = fmt::format("{:.3f}", m.value);
    perf_ += fmt::format(" {}={}{};{};{};;", PerfLabel(ResultName(r) + " " + std::string(m.name)),
                         value, m.unit, warn, crit);
  }

  std::FILE* out_;
  NagiosThresholds thresholds_;
  std::array<std::size_t, 4> counts_{};
  ExitCode worst_ = ExitCode::kOk;
  std::optional<std::string> first_problem_;
  ExitCode first_state_ = ExitCode::kOk;
  std::string long_text_;
  std::string perf_;
};

}  // namespace

std::unique_ptr<RunWriter> MakeNagiosWriter(std::FILE* out, NagiosThresholds thresholds) {
  return std::make_unique<NagiosWriter>(out, std::move(thresholds));
}

}  // namespace probe::report
