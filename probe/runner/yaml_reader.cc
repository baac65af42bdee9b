#include "probe/runner/yaml_reader.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace probe::runner {

tl::unexpected<Error> YamlReader::Invalid(const YAML::Node& at, std::string_view what) const {
  int line = at.IsDefined() ? at.Mark().line : -1;
  if (line < 0) return Fail(ErrorCode::kInvalidArgument, fmt::format("{}: {}", source_, what));
  return Fail(ErrorCode::kInvalidArgument, fmt::format("{}:{}: {}", source_, line + 1, what));
}

Result<void> YamlReader::Keys(const YAML::Node& node, std::string_view where,
                              std::initializer_list<std::string_view> known) const {
  if (!node.IsMap()) return Invalid(node, fmt::format("{}: expected a mapping of keys", where));
  std::vector<std::string> seen;
  for (const auto& kv : node) {
    if (!kv.first.IsScalar()) {
      return Invalid(kv.first, fmt::format("{}: keys must be plain names", where));
    }
    const std::string& key = kv.first.Scalar();
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      return Invalid(kv.first, fmt::format("{}: unknown key '{}' (expected {})", where, Shown(key),
                                           fmt::join(known, ", ")));
    }
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      return Invalid(kv.first, fmt::format("{}: duplicate key '{}'", where, key));
    }
    seen.push_back(key);
  }
  return {};
}

YAML::Node YamlReader::At(const YAML::Node& map, std::string_view key) const {
  for (const auto& kv : map) {
    if (kv.first.IsScalar() && kv.first.Scalar() == key) {
      return kv.second.IsNull() ? kv.first : kv.second;
    }
  }
  return map;
}

Result<std::string> YamlReader::Text(const YAML::Node& map, std::string_view key,
                                     std::string_view where, bool required) const {
  YAML::Node value = map[std::string(key)];
  if (!value.IsDefined()) {
    if (required) return Invalid(map, fmt::format("{}: missing '{}'", where, key));
    return std::string();
  }
  if (!value.IsScalar() || value.Scalar().empty()) {
    return Invalid(At(map, key), fmt::format("{}: '{}' must be a non-empty string", where, key));
  }
  return value.Scalar();
}

Result<std::vector<std::string>> YamlReader::TextList(const YAML::Node& map, std::string_view key,
                                                      std::string_view where) const {
  YAML::Node value = map[std::string(key)];
  std::vector<std::string> out;
  if (!value.IsDefined()) return out;
  if (value.IsScalar() && !value.Scalar().empty()) return std::vector{value.Scalar()};
  if (!value.IsSequence()) {
    return Invalid(At(map, key), fmt::format("{}: '{}' must be a list", where, key));
  }
  for (const auto& item : value) {
    if (!item.IsScalar() || item.Scalar().empty()) {
      return Invalid(item,
                     fmt::format("{}: every entry of '{}' must be a non-empty string", where, key));
    }
    out.push_back(item.Scalar());
  }
  return out;
}

Result<std::optional<bool>> YamlReader::Flag(const YAML::Node& map, std::string_view key,
                                             std::string_view where) const {
  YAML::Node value = map[std::string(key)];
  if (!value.IsDefined()) return std::optional<bool>();
  if (value.IsScalar()) {
    const std::string& s = value.Scalar();
    if (s == "true" || s == "yes" || s == "on") return std::optional<bool>(true);
    if (s == "false" || s == "no" || s == "off") return std::optional<bool>(false);
  }
  return Invalid(At(map, key), fmt::format("{}: '{}' must be true or false", where, key));
}

Result<std::optional<long>> YamlReader::Integer(const YAML::Node& map, std::string_view key,
                                                std::string_view where, long min, long max) const {
  YAML::Node value = map[std::string(key)];
  if (!value.IsDefined()) return std::optional<long>();
  long n = 0;
  if (value.IsScalar()) {
    const std::string& s = value.Scalar();
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec == std::errc() && end == s.data() + s.size() && n >= min && n <= max) {
      return std::optional<long>(n);
    }
  }
  return Invalid(At(map, key), fmt::format("{}: '{}' must be a whole number from {} to {}", where,
                                           key, min, max));
}

Result<std::optional<std::chrono::milliseconds>> YamlReader::Duration(
    const YAML::Node& map, std::string_view key, std::string_view where,
    std::chrono::milliseconds max) const {
  YAML::Node value = map[std::string(key)];
  if (!value.IsDefined()) return std::optional<std::chrono::milliseconds>();
  if (value.IsScalar()) {
    auto d = ParseDuration(value.Scalar());
    if (d && d->count() > 0 && *d <= max) return std::optional(*d);
  }
  return Invalid(At(map, key),
                 fmt::format("{}: '{}' must be a duration above 0 and at most {} s (10s, 500ms, "
                             "5m, 1h or seconds)",
                             where, key, max.count() / 1000));
}

std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  double number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || !std::isfinite(number) || number < 0) return std::nullopt;
  std::string_view unit(end, text.data() + text.size() - end);
  double ms_per_unit = 0;
  if (unit.empty() || unit == "s") ms_per_unit = 1000;
  if (unit == "ms") ms_per_unit = 1;
  if (unit == "m") ms_per_unit = 60 * 1000;
  if (unit == "h") ms_per_unit = 3600 * 1000;
  if (ms_per_unit == 0 || number * ms_per_unit > 1e12) return std::nullopt;
  return std::chrono::milliseconds(static_cast<long long>(std::ceil(number * ms_per_unit)));
}

std::string Shown(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 60)) {
    out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
  }
  if (text.size() > 60) out += "...";
  return out;
}

}  // namespace probe::runner
