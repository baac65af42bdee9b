// The Autodiscover v2 (JSON) answer: {"Protocol":"Ews","Url":"..."} or the error form
// {"ErrorCode":"...","ErrorMessage":"..."} (reference section 1.10). Informational only: v2
// never carries MAPI or RPC settings.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "probe/core/result.h"

namespace probe::exchange {

struct JsonV2Answer {
  std::string protocol;
  std::string url;
  std::string error_code;  // e.g. "ProtocolNotSupported", "MissingProtocol"
  std::string error_message;

  bool IsError() const { return !error_code.empty(); }
};

struct JsonV2Limits {
  std::size_t max_bytes = 64 * 1024;
  std::size_t max_depth = 8;  // a real answer is one flat object
};

/// Parses a v2 answer. kMalformed for: not JSON, over a limit, not an object, a field of the
/// wrong type, neither Url nor ErrorCode present.
Result<JsonV2Answer> ParseAutodiscoverJson(std::string_view body, const JsonV2Limits& limits = {});

}  // namespace probe::exchange
