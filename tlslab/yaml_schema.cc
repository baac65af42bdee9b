#include "tlslab/yaml_schema.h"

#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>

namespace tlslab {

using probe::ErrorCode;
using probe::Result;

const YamlField* YamlMapping::Find(std::string_view name) const {
  for (const auto& f : fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

tl::unexpected<probe::Error> YamlSchema::InvalidAt(const YAML::Node& at,
                                                   const std::string& what) const {
  int line = at.Mark().line;
  if (line < 0) return probe::Fail(ErrorCode::kInvalidArgument, source_ + ": " + what);
  return probe::Fail(ErrorCode::kInvalidArgument,
                     fmt::format("{}:{}: {}", source_, line + 1, what));
}

Result<YamlMapping> YamlSchema::Mapping(const YAML::Node& node, const std::string& where,
                                        std::initializer_list<std::string_view> known) const {
  if (!node.IsMap()) return Invalid(node, "{}: expected a mapping of keys", where);
  YamlMapping m{node, {}};
  for (const auto& kv : node) {
    const YAML::Node& key = kv.first;
    if (!key.IsScalar()) return Invalid(key, "{}: keys must be plain names", where);
    const std::string& k = key.Scalar();
    if (std::find(known.begin(), known.end(), k) == known.end()) {
      return Invalid(key, "{}: unknown key '{}' (expected {})", where, Shown(k),
                     fmt::join(known, ", "));
    }
    if (m.Find(k)) return Invalid(key, "{}: duplicate key '{}'", where, k);
    m.fields.push_back(YamlField{k, key, kv.second});
  }
  return m;
}

Result<std::string> YamlSchema::Text(const YamlMapping& m, std::string_view key,
                                     const std::string& where, bool required) const {
  const YamlField* field = m.Find(key);
  if (!field) {
    if (required) return Invalid(m.node, "{}: missing '{}'", where, key);
    return std::string();
  }
  if (!field->value.IsScalar() || field->value.Scalar().empty()) {
    return Invalid(field->At(), "{}: '{}' must be a non-empty string", where, key);
  }
  return field->value.Scalar();
}

Result<std::vector<std::string>> YamlSchema::TextList(const YamlField& field,
                                                      const std::string& where) const {
  if (!field.value.IsSequence()) {
    return Invalid(field.At(), "{}: '{}' must be a list", where, field.name);
  }
  std::vector<std::string> out;
  for (const auto& item : field.value) {
    if (!item.IsScalar() || item.Scalar().empty()) {
      return Invalid(item, "{}: every entry of '{}' must be a non-empty string", where, field.name);
    }
    out.push_back(item.Scalar());
  }
  return out;
}

Result<std::string> YamlSchema::Name(const YamlMapping& m, const std::string& where) const {
  auto name = Text(m, "name", where, true);
  if (!name) return name;
  if (!IsName(*name)) {
    return Invalid(m.Find("name")->At(),
                   "{}: name '{}' must be 1-64 letters, digits, '_', '-' or '.'", where,
                   Shown(*name));
  }
  return name;
}

Result<unsigned> YamlSchema::Number(const YamlField& field, const std::string& where,
                                    unsigned max) const {
  std::string text = field.value.IsScalar() ? field.value.Scalar() : std::string();
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value > max) {
    return Invalid(field.At(), "{}: {} must be a number from 0 to {}, not '{}'", where, field.name,
                   max, Shown(text));
  }
  return value;
}

std::string YamlSchema::EntryName(std::string_view section, const YAML::Node& entry,
                                  std::size_t index) {
  if (entry.IsMap()) {
    for (const auto& kv : entry) {
      if (kv.first.IsScalar() && kv.first.Scalar() == "name" && kv.second.IsScalar() &&
          IsName(kv.second.Scalar())) {
        return fmt::format("{} '{}'", section, kv.second.Scalar());
      }
    }
  }
  return fmt::format("{} #{}", section, index + 1);
}

std::string Shown(std::string_view text) {
  constexpr std::size_t kMax = 60;
  std::string out;
  for (char c : text.substr(0, kMax)) {
    out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
  }
  if (text.size() > kMax) out += "...";
  return out;
}

bool IsName(std::string_view text) {
  if (text.empty() || text.size() > 64) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  });
}

}  // namespace tlslab
