// Any bytes as a WWW-Authenticate value: must parse or fail cleanly, never overrun. A parsed
// value must hold only non-empty schemes, and parsing it split at a comma must not crash either.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "probe/http/www_authenticate.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = probe::http::ParseWwwAuthenticate(text);
  if (parsed) {
    for (const auto& c : *parsed) {
      if (c.scheme.empty()) std::abort();
      (void)probe::http::FindChallenge(*parsed, c.scheme);
    }
  }
  if (auto comma = text.find(','); comma != std::string_view::npos)
    (void)probe::http::ParseWwwAuthenticateHeaders(
        {std::string(text.substr(0, comma)), std::string(text.substr(comma + 1))});
  return 0;
}
