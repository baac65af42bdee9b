// Scenario catalog: finds a scenario by name among the embedded fixtures, or reads a YAML file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tlslab/scenario.h"

namespace tlslab {

/// The scenario tlslab serves when none is named.
inline constexpr std::string_view kDefaultScenario = "coexistence";

/// Names of the embedded scenarios (fixtures/scenarios/*.yaml at build time), sorted.
std::vector<std::string> EmbeddedScenarioNames();

/// Loads `name_or_file`: an embedded scenario when a name matches exactly, otherwise the YAML
/// file at that path.
Result<Scenario> LoadScenario(std::string_view name_or_file);

}  // namespace tlslab
