// Schema-checked reading of YAML for tlslab's files: each section names the keys it knows, values
// are typed, and every problem is one sentence "<source>:<line>: <where>: <problem>". The
// scenario's sections use it, and so will those later issues add (users, mailboxes, faults).
#pragma once

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "probe/core/result.h"

namespace tlslab {

/// One key of a YAML mapping and its value.
struct YamlField {
  std::string name;
  YAML::Node key;
  YAML::Node value;

  /// Where a problem with the value is reported: yaml-cpp marks an empty (null) value at the
  /// token after it, often on the next line, so such problems point at the key.
  const YAML::Node& At() const { return value.IsNull() ? key : value; }
};

/// A YAML mapping whose keys were checked against the keys its section knows.
struct YamlMapping {
  YAML::Node node;
  std::vector<YamlField> fields;

  const YamlField* Find(std::string_view name) const;
};

/// Reads the nodes of one source and words its errors. It throws nothing itself, but yaml-cpp
/// may: callers parse inside one try block (see ParseScenario).
class YamlSchema {
 public:
  explicit YamlSchema(std::string source) : source_(std::move(source)) {}

  /// kInvalidArgument "<source>:<line of at>: <message>".
  template <class... Args>
  tl::unexpected<probe::Error> Invalid(const YAML::Node& at, fmt::format_string<Args...> format,
                                       Args&&... args) const {
    return InvalidAt(at, fmt::format(format, std::forward<Args>(args)...));
  }

  /// `node` as a mapping whose keys are all in `known`, each at most once.
  probe::Result<YamlMapping> Mapping(const YAML::Node& node, const std::string& where,
                                     std::initializer_list<std::string_view> known) const;
  /// The non-empty string at `key`; "" when absent and not required.
  probe::Result<std::string> Text(const YamlMapping& m, std::string_view key,
                                  const std::string& where, bool required) const;
  /// A list of non-empty strings.
  probe::Result<std::vector<std::string>> TextList(const YamlField& field,
                                                   const std::string& where) const;
  /// The required `name` key, checked with IsName().
  probe::Result<std::string> Name(const YamlMapping& m, const std::string& where) const;
  /// A decimal number from 0 to `max`.
  probe::Result<unsigned> Number(const YamlField& field, const std::string& where,
                                 unsigned max) const;

  /// How messages name a list entry: "listener 'frontend'" when it has a usable name (so even
  /// its unknown keys are reported against that name), else "listener #2".
  static std::string EntryName(std::string_view section, const YAML::Node& entry,
                               std::size_t index);

 private:
  tl::unexpected<probe::Error> InvalidAt(const YAML::Node& at, const std::string& what) const;

  std::string source_;
};

/// User text fit for a one-line message: at most 60 characters, control characters replaced.
std::string Shown(std::string_view text);

/// True for 1-64 characters of [A-Za-z0-9_.-]: names of scenarios, listeners, certificates.
bool IsName(std::string_view text);

}  // namespace tlslab
