// Base64 (RFC 4648, standard alphabet) as HTTP Authorization and WWW-Authenticate headers carry it.
#pragma once

#include <string>
#include <string_view>

#include "probe/core/bytes.h"
#include "probe/core/result.h"

namespace probe::auth {

std::string Base64Encode(ByteView data);
/// Decodes `text`, ignoring ASCII whitespace; padding may be present or missing. Fails with
/// kInvalidArgument naming the first character that is not base64, or an impossible length.
Result<Bytes> Base64Decode(std::string_view text);

}  // namespace probe::auth
