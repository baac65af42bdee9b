// One HTTP header as the exchange codecs produce and consume it (no transport dependency).
#pragma once

#include <string>

namespace probe::exchange {

/// A header name and value; Line() is the "Name: value" form http::HttpRequest takes.
struct HeaderField {
  std::string name;
  std::string value;

  std::string Line() const { return name + ": " + value; }
  bool operator==(const HeaderField&) const = default;
};

}  // namespace probe::exchange
