#include "probe/runner/module.h"

#include <algorithm>

namespace probe::runner {

ExitCode CheckOutcome::exit_code() const {
  if (error) return ExitCode::kUnknown;
  return ExitCodeFor(worst());
}

std::string ModuleContext::Path(const std::string& name) const {
  if (name.empty() || name.front() == '/' || base_dir.empty()) return name;
  return base_dir + "/" + name;
}

const ModuleKind* FindModuleKind(std::string_view name) {
  for (const ModuleKind* kind : ModuleKinds()) {
    if (kind->name == name) return kind;
  }
  return nullptr;
}

std::span<const MetricFamily> CommonFamilies() {
  static constexpr MetricFamily kCommon[] = {
      {"probe_success", "Whether the check ran and found nothing critical (1) or not (0)."},
      {"probe_duration_seconds", "How long the check took, in seconds."},
      {"exprobe_check_status",
       "The check's monitoring-plugins state: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN."},
      {"exprobe_finding", "One sample per finding of the check, by catalogue id and severity."},
  };
  return kCommon;
}

std::string TargetHost(std::string_view target) {
  if (auto scheme = target.find("://"); scheme != std::string_view::npos) {
    target.remove_prefix(scheme + 3);
    target = target.substr(0, target.find_first_of("/?#"));
    if (auto at = target.rfind('@'); at != std::string_view::npos) target.remove_prefix(at + 1);
  }
  if (auto parsed = net::ParseHostPort(target, 1)) return parsed->host;
  return std::string(target);
}

}  // namespace probe::runner
