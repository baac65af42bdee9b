#include "tlslab/scenario_catalog.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "tlslab/embedded_scenarios.h"

namespace tlslab {
namespace {

// Larger than any scenario (the parser caps at 1 MiB too); stops `--scenario /dev/zero`.
constexpr std::size_t kMaxFileBytes = 1 << 20;

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return probe::Fail(ErrorCode::kInvalidArgument,
                       fmt::format("{}: {}", path, std::strerror(errno)));
  }
  std::string text(kMaxFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) return probe::Fail(ErrorCode::kIo, fmt::format("{}: read failed", path));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxFileBytes) {
    return probe::Fail(
        ErrorCode::kInvalidArgument,
        fmt::format("{}: larger than {} bytes: not a scenario", path, kMaxFileBytes));
  }
  return text;
}

}  // namespace

std::vector<std::string> EmbeddedScenarioNames() {
  std::vector<std::string> names;
  for (const auto& s : EmbeddedScenarios()) names.emplace_back(s.name);
  return names;
}

Result<Scenario> LoadScenario(std::string_view name_or_file) {
  for (const auto& s : EmbeddedScenarios()) {
    if (s.name == name_or_file) return ParseScenario(s.text, fmt::format("{}.yaml", s.name));
  }
  const bool looks_like_path = name_or_file.find('/') != std::string_view::npos ||
                               name_or_file.ends_with(".yaml") || name_or_file.ends_with(".yml");
  if (!looks_like_path) {
    return probe::Fail(ErrorCode::kInvalidArgument,
                       fmt::format("no scenario named '{}' (built in: {}; or give a YAML file)",
                                   name_or_file, fmt::join(EmbeddedScenarioNames(), ", ")));
  }
  std::string path(name_or_file);
  auto text = ReadFile(path);
  if (!text) return tl::unexpected(text.error());
  return ParseScenario(*text, path);
}

}  // namespace tlslab
