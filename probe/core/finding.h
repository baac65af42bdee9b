// Finding: one proven fact about an endpoint, healthy or not, with its evidence and its fix.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace probe {

/// Ordered from best to worst; the worst finding of a run decides the exit code.
enum class Severity { kOk, kInfo, kWarning, kCritical };

std::string_view SeverityName(Severity s);  // "ok", "info", "warning", "critical"
std::optional<Severity> ParseSeverity(std::string_view name);

/// Monitoring-plugins exit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
enum class ExitCode { kOk = 0, kWarning = 1, kCritical = 2, kUnknown = 3 };
ExitCode ExitCodeFor(Severity worst);
std::string_view ExitCodeName(ExitCode code);  // "ok", "warning", "critical", "unknown"

/// A finding as reported. `id`, `severity`, `cause`, `remediation` and `references` come from
/// the one catalogue (probe/diagnosis); `summary` and `evidence` are this endpoint's specifics.
struct Finding {
  std::string id;
  Severity severity = Severity::kInfo;
  std::string summary;                // one sentence, with the values that matter
  std::vector<std::string> evidence;  // what proves it: versions, alerts, headers, bytes
  std::string cause;
  std::string remediation;
  std::vector<std::string> references;
};

/// The worst severity of `findings` (kOk for none).
Severity WorstSeverity(const std::vector<Finding>& findings);

}  // namespace probe
