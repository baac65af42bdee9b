// Module: one configured check of a plan (blackbox_exporter's word), and ModuleKind, the registry
// entry of a check kind (tls, cert, auth, ...). A module runs against one target and returns a
// CheckOutcome: findings, the check's own exprobe/1 document, metric samples and the numbers
// Nagios thresholds apply to. Every writer reads only CheckOutcome, so a new kind needs no
// writer change.
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "probe/core/finding.h"
#include "probe/core/result.h"
#include "probe/net/address.h"
#include "probe/runner/yaml_reader.h"

namespace probe::runner {

/// What a module is pointed at: the target as the plan (or a scrape) names it.
struct ModuleTarget {
  std::string target;  // HOST[:PORT], or a URL for HTTP checks
  std::string sni;     // empty: derived from the target
  net::NetOptions net;
};

using Labels = std::vector<std::pair<std::string, std::string>>;

/// One Prometheus metric family a module may emit (all gauges: each value is a measurement).
struct MetricFamily {
  std::string_view name;
  std::string_view help;
};

/// One sample of a declared family.
struct MetricSample {
  std::string_view family;
  Labels labels;
  double value = 0;
};

/// A number a Nagios threshold can judge (-w/-c NAME=RANGE) and perfdata reports.
struct Measure {
  std::string_view name;  // "cert_days", "handshake_time"
  double value = 0;
  std::string_view unit;  // perfdata UOM: "" or "s"
};

/// What one module run found out.
struct CheckOutcome {
  std::vector<Finding> findings;
  std::optional<Error> error;  // could not run the check (bad credentials file, bug): UNKNOWN
  double duration_ms = 0;
  nlohmann::json report;  // the check's own exprobe/1 document; null when it did not run
  std::vector<MetricSample> samples;
  std::vector<Measure> measures;

  ExitCode exit_code() const;
  Severity worst() const { return WorstSeverity(findings); }
  /// probe_success: the check ran and found nothing critical.
  bool success() const { return exit_code() != ExitCode::kCritical && !error; }
};

/// One configured module. Run() may be called from several threads at once.
class Module {
 public:
  virtual ~Module() = default;
  virtual CheckOutcome Run(const ModuleTarget& target, std::chrono::milliseconds timeout) const = 0;
  /// The most connections one run opens to the target at once (the per-host cap counts these).
  virtual int connections() const = 0;
  /// True when the module sends stored credentials: `serve` then probes only allowlisted targets.
  virtual bool uses_credentials() const { return false; }
  /// Checks a target's syntax before anything runs (a plan error, or a 400 for a scrape).
  virtual Result<void> ValidateTarget(const ModuleTarget& target) const = 0;
};

/// Where a module's options come from: `options` is the mapping under the kind's own key
/// (`tls: {...}` for kind tls); relative file names are taken from `base_dir`.
struct ModuleContext {
  const YamlReader& reader;
  YAML::Node options;  // undefined when the module has no options mapping
  std::string where;   // "module 'tls_quick'"
  std::string base_dir;
  std::string Path(const std::string& name) const;  // base_dir-relative unless absolute
};

/// A registry entry: how to build a module of this kind from its YAML options.
struct ModuleKind {
  std::string_view name;
  std::string_view description;
  std::span<const MetricFamily> families;      // what its samples may name
  std::span<const std::string_view> measures;  // what its Measures may name (Nagios -w/-c)
  Result<std::unique_ptr<Module>> (*parse)(const ModuleContext& context);
};

/// The registry: every check kind a plan or `serve` can name (modules.cc, one line each).
std::span<const ModuleKind* const> ModuleKinds();
const ModuleKind* FindModuleKind(std::string_view name);

/// Families every module's outcome carries (probe_success, exprobe_finding, ...).
std::span<const MetricFamily> CommonFamilies();

/// The host a target names: HOST of HOST[:PORT], or the host of a URL. Used for the per-host
/// connection cap and for allowlists.
std::string TargetHost(std::string_view target);

}  // namespace probe::runner
