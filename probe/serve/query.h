// The request target of a scrape ("/probe?target=...&module=..."): path and decoded parameters.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace probe::serve {

struct RequestTarget {
  std::string path;
  std::map<std::string, std::string, std::less<>> params;  // a repeated name keeps the first
};

/// Splits and percent-decodes ('+' is a space in a query). nullopt for a malformed escape.
std::optional<RequestTarget> ParseRequestTarget(std::string_view text);
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space);

}  // namespace probe::serve
