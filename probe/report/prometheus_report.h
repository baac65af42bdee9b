// Prometheus text exposition (format 0.0.4) of check outcomes: what `exprobe serve` answers a
// /probe with, and the textfile `exprobe run --format prometheus` writes for node_exporter.
// Names follow blackbox_exporter where it has the metric (probe_success, probe_ssl_*, ...) and
// carry the exprobe_ prefix otherwise; every family is a gauge, base units, _info gauges are 1.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "probe/report/output_file.h"
#include "probe/report/run_writer.h"
#include "probe/runner/module.h"

namespace probe::report {

/// Label values escaped as the text format says: backslash, double quote and newline.
std::string EscapeLabelValue(std::string_view value);
/// Shortest round-trip decimal; NaN, +Inf, -Inf spelled as Prometheus parses them.
std::string FormatMetricValue(double value);
/// `name{a="1",b="2"} value\n`, with `outer` labels first.
std::string SampleLine(std::string_view name, const runner::Labels& outer,
                       const runner::Labels& labels, double value);
/// `# HELP` and `# TYPE ... gauge` lines.
std::string FamilyHeader(const runner::MetricFamily& family);

/// Every sample of an outcome: probe_success, probe_duration_seconds, exprobe_check_status, one
/// exprobe_finding{id,severity} per finding, then the module's own samples.
std::vector<runner::MetricSample> OutcomeSamples(const runner::CheckOutcome& outcome);

/// Exposition of `samples` grouped by family, in the order of `families` (samples of a family
/// not listed are dropped: every family is declared before it is written).
std::string Exposition(std::span<const runner::MetricFamily> families,
                       const std::vector<runner::MetricSample>& samples);

/// What `exprobe serve` answers a /probe with: the outcome's samples (see OutcomeSamples) plus
/// probe_timeout_seconds (when the scrape had one) and exprobe_result_age_seconds (0 for a
/// fresh run; how old the cached result of a scheduled module is).
std::string ProbeExposition(const runner::CheckOutcome& outcome, const runner::ModuleKind& kind,
                            std::optional<double> timeout_seconds, double age_seconds);

/// The families a run over every registered kind can emit: the common ones, then each kind's,
/// without duplicates.
std::vector<runner::MetricFamily> AllFamilies();

/// `--format prometheus`: samples labelled {target, module}, spooled per family so the output is
/// grouped as the format requires while memory stays flat, plus exprobe_run_* families.
std::unique_ptr<RunWriter> MakePrometheusWriter(std::FILE* out);

}  // namespace probe::report
