// Join: the one list-to-text helper the report writers share.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace probe::report {

/// "a, b, c" for {"a", "b", "c"} with sep ", ".
inline std::string Join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += sep;
    out += item;
  }
  return out;
}

}  // namespace probe::report
