// `exprobe run --format nagios`: the monitoring-plugins contract. One status line
// "EXPROBE <STATE> - <text> | <perfdata>", long text after it, exit 0/1/2/3. Perfdata is
// 'label'=value[UOM];[warn];[crit];[min];[max]; -w/-c take NAME=RANGE with the plugins' range
// syntax ([@]start:end, ~ for minus infinity; alert outside the range, inside with @).
#pragma once

#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "probe/core/result.h"
#include "probe/report/run_writer.h"

namespace probe::report {

/// A monitoring-plugins threshold range.
struct NagiosRange {
  std::string text;  // as given, repeated in perfdata
  double start = 0;
  double end = 0;
  bool inside = false;  // '@': alert inside [start, end]
  bool Alerts(double value) const;
};
Result<NagiosRange> ParseNagiosRange(std::string_view text);

struct NagiosThreshold {
  std::optional<NagiosRange> warning;
  std::optional<NagiosRange> critical;
};
/// Measure name -> thresholds, from repeatable -w NAME=RANGE and -c NAME=RANGE. Names must be
/// measures some registered module reports (cert_days, handshake_time).
using NagiosThresholds = std::map<std::string, NagiosThreshold, std::less<>>;
Result<NagiosThresholds> ParseNagiosThresholds(const std::vector<std::string>& warning,
                                               const std::vector<std::string>& critical);

/// A perfdata label: quoted, '' for a quote, '=' (not allowed) replaced by '_'.
std::string PerfLabel(std::string_view label);

std::unique_ptr<RunWriter> MakeNagiosWriter(std::FILE* out, NagiosThresholds thresholds);

}  // namespace probe::report
