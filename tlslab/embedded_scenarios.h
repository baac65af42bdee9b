// The scenario files of fixtures/scenarios/, compiled into the binary so `tlslab --scenario NAME`
// works from any directory. The definition is generated at build time by embed_scenarios.cmake.
#pragma once

#include <span>
#include <string_view>

namespace tlslab {

/// One embedded scenario file: its name (the file's stem) and its YAML text.
struct EmbeddedScenario {
  std::string_view name;
  std::string_view text;
};

/// Every embedded scenario, sorted by name.
std::span<const EmbeddedScenario> EmbeddedScenarios();

}  // namespace tlslab
