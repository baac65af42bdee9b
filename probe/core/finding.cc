#include "probe/core/finding.h"

#include <algorithm>

namespace probe {

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kOk:
      return "ok";
    case Severity::kInfo:
      return "info";
    case Severity::kWarning:
      return "warning";
    case Severity::kCritical:
      return "critical";
  }
  return "critical";
}

std::optional<Severity> ParseSeverity(std::string_view name) {
  for (Severity s : {Severity::kOk, Severity::kInfo, Severity::kWarning, Severity::kCritical}) {
    if (SeverityName(s) == name) return s;
  }
  return std::nullopt;
}

ExitCode ExitCodeFor(Severity worst) {
  switch (worst) {
    case Severity::kOk:
    case Severity::kInfo:
      return ExitCode::kOk;
    case Severity::kWarning:
      return ExitCode::kWarning;
    case Severity::kCritical:
      return ExitCode::kCritical;
  }
  return ExitCode::kUnknown;
}

std::string_view ExitCodeName(ExitCode code) {
  switch (code) {
    case ExitCode::kOk:
      return "ok";
    case ExitCode::kWarning:
      return "warning";
    case ExitCode::kCritical:
      return "critical";
    case ExitCode::kUnknown:
      return "unknown";
  }
  return "unknown";
}

Severity WorstSeverity(const std::vector<Finding>& findings) {
  Severity worst = Severity::kOk;
  for (const Finding& f : findings) worst = std::max(worst, f.severity);
  return worst;
}

}  // namespace probe
