// YamlReader: typed, schema-checked reads of plan YAML. Every problem is one sentence
// "<source>:<line>: <where>: <problem>", so a bad plan names its file, line and field.
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probe/core/result.h"

namespace probe::runner {

class YamlReader {
 public:
  explicit YamlReader(std::string source) : source_(std::move(source)) {}

  const std::string& source() const { return source_; }

  /// kInvalidArgument "<source>:<line of at>: <what>".
  tl::unexpected<Error> Invalid(const YAML::Node& at, std::string_view what) const;

  /// `node` must be a mapping whose keys are all in `known`, each once.
  Result<void> Keys(const YAML::Node& node, std::string_view where,
                    std::initializer_list<std::string_view> known) const;
  /// The node where a problem with `key`'s value is reported (the key when the value is empty:
  /// yaml-cpp marks an empty value at the next token, often on the next line).
  YAML::Node At(const YAML::Node& map, std::string_view key) const;

  /// A non-empty string; "" when absent and not required.
  Result<std::string> Text(const YAML::Node& map, std::string_view key, std::string_view where,
                           bool required = false) const;
  /// A list of non-empty strings (a single string is a list of one).
  Result<std::vector<std::string>> TextList(const YAML::Node& map, std::string_view key,
                                            std::string_view where) const;
  Result<std::optional<bool>> Flag(const YAML::Node& map, std::string_view key,
                                   std::string_view where) const;
  Result<std::optional<long>> Integer(const YAML::Node& map, std::string_view key,
                                      std::string_view where, long min, long max) const;
  /// "10s", "1.5s", "500ms", "5m", "1h" or a number of seconds; above 0 and at most `max`.
  Result<std::optional<std::chrono::milliseconds>> Duration(const YAML::Node& map,
                                                            std::string_view key,
                                                            std::string_view where,
                                                            std::chrono::milliseconds max) const;

 private:
  std::string source_;
};

/// "10s", "500ms", "5m", "1h", "2.5" (seconds); nullopt when it is none of these.
std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text);

/// User text fit for a one-line message: at most 60 characters, control characters replaced.
std::string Shown(std::string_view text);

}  // namespace probe::runner
