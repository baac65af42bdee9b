#include "probe/report/prometheus_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace probe::report {

using runner::Labels;
using runner::MetricFamily;
using runner::MetricSample;

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatMetricValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", value);
}

std::string SampleLine(std::string_view name, const Labels& outer, const Labels& labels,
                       double value) {
  std::string out(name);
  if (!outer.empty() || !labels.empty()) {
    out += '{';
    bool first = true;
    for (const auto* list : {&outer, &labels}) {
      for (const auto& [k, v] : *list) {
        if (!first) out += ',';
        first = false;
        out += fmt::format("{}=\"{}\"", k, EscapeLabelValue(v));
      }
    }
    out += '}';
  }
  out += ' ';
  out += FormatMetricValue(value);
  out += '\n';
  return out;
}

std::string FamilyHeader(const MetricFamily& f) {
  return fmt::format("# HELP {} {}\n# TYPE {} gauge\n", f.name, f.help, f.name);
}

std::vector<MetricSample> OutcomeSamples(const runner::CheckOutcome& o) {
  std::vector<MetricSample> out;
  out.push_back({"probe_success", {}, o.success() ? 1.0 : 0.0});
  out.push_back({"probe_duration_seconds", {}, o.duration_ms / 1000.0});
  out.push_back({"exprobe_check_status", {}, static_cast<double>(static_cast<int>(o.exit_code()))});
  // One sample per (id, severity): a check may report an id twice (two names, two legs).
  std::vector<std::pair<std::string, std::string>> seen;
  for (const auto& f : o.findings) {
    std::pair<std::string, std::string> key{f.id, std::string(SeverityName(f.severity))};
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
    seen.push_back(key);
    out.push_back({"exprobe_finding", {{"id", key.first}, {"severity", key.second}}, 1});
  }
  out.insert(out.end(), o.samples.begin(), o.samples.end());
  return out;
}

std::string Exposition(std::span<const MetricFamily> families,
                       const std::vector<MetricSample>& samples) {
  std::string out;
  for (const auto& family : families) {
    bool header = false;
    for (const auto& s : samples) {
      if (s.family != family.name) continue;
      if (!header) out += FamilyHeader(family);
      header = true;
      out += SampleLine(s.family, {}, s.labels, s.value);
    }
  }
  return out;
}

std::string ProbeExposition(const runner::CheckOutcome& outcome, const runner::ModuleKind& kind,
                            std::optional<double> timeout_seconds, double age_seconds) {
  static constexpr MetricFamily kServe[] = {
      {"probe_timeout_seconds", "The time the check was given, in seconds."},
      {"exprobe_result_age_seconds",
       "Age of the result: 0 when run for this scrape, else the time since the scheduled run."},
  };
  std::vector<MetricFamily> families(runner::CommonFamilies().begin(),
                                     runner::CommonFamilies().end());
  families.insert(families.end(), std::begin(kServe), std::end(kServe));
  families.insert(families.end(), kind.families.begin(), kind.families.end());
  std::vector<MetricSample> samples = OutcomeSamples(outcome);
  if (timeout_seconds) samples.push_back({"probe_timeout_seconds", {}, *timeout_seconds});
  samples.push_back({"exprobe_result_age_seconds", {}, age_seconds});
  return Exposition(families, samples);
}

std::vector<MetricFamily> AllFamilies() {
  std::vector<MetricFamily> out(runner::CommonFamilies().begin(), runner::CommonFamilies().end());
  for (const auto* kind : runner::ModuleKinds()) {
    for (const auto& f : kind->families) {
      bool known = std::any_of(out.begin(), out.end(),
                               [&](const MetricFamily& g) { return g.name == f.name; });
      if (!known) out.push_back(f);
    }
  }
  return out;
}

namespace {

constexpr MetricFamily kRunFamilies[] = {
    {"exprobe_run_checks", "Checks of the last run by monitoring-plugins state."},
    {"exprobe_run_duration_seconds", "Wall time of the last run, in seconds."},
    {"exprobe_run_last_completion_timestamp_seconds", "When the last run finished, Unix seconds."},
};

class PrometheusWriter : public RunWriter {
 public:
  explicit PrometheusWriter(std::FILE* out) : out_(out), families_(AllFamilies()) {
    spools_.resize(families_.size());
  }

  void Begin(const RunInfo&) override {}

  void Add(runner::RunResult r) override {
    Labels outer{{"target", r.target}, {"module", r.module->name}};
    for (const auto& s : OutcomeSamples(r.outcome)) {
      for (std::size_t i = 0; i < families_.size(); ++i) {
        if (families_[i].name == s.family) {
          spools_[i].Write(SampleLine(s.family, outer, s.labels, s.value));
          break;
        }
      }
    }
  }

  void End(const runner::RunCounts& counts, double duration_ms) override {
    for (std::size_t i = 0; i < families_.size(); ++i) {
      if (spools_[i].empty()) continue;
      std::fputs(FamilyHeader(families_[i]).c_str(), out_);
      spools_[i].CopyTo(out_);
    }
    std::string run = FamilyHeader(kRunFamilies[0]);
    for (int code = 0; code < 4; ++code) {
      run += SampleLine(kRunFamilies[0].name, {},
                        {{"status", std::string(ExitCodeName(static_cast<ExitCode>(code)))}},
                        static_cast<double>(counts.by_code[code]));
    }
    run += FamilyHeader(kRunFamilies[1]);
    run += SampleLine(kRunFamilies[1].name, {}, {}, duration_ms / 1000.0);
    run += FamilyHeader(kRunFamilies[2]);
    auto now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch());
    run += SampleLine(kRunFamilies[2].name, {}, {}, std::floor(now.count()));
    std::fputs(run.c_str(), out_);
  }

 private:
  std::FILE* out_;
  std::vector<MetricFamily> families_;
  std::vector<Spool> spools_;
};

}  // namespace

std::unique_ptr<RunWriter> MakePrometheusWriter(std::FILE* out) {
  return std::make_unique<PrometheusWriter>(out);
}

}  // namespace probe::report
