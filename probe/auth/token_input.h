// Turns what a user pastes into token bytes: "NTLM <b64>", "Negotiate <b64>", a whole
// "Authorization: ..." or "WWW-Authenticate: ..." header line, bare base64, or hex.
#pragma once

#include <string>
#include <string_view>

#include "probe/core/bytes.h"
#include "probe/core/result.h"

namespace probe::auth {

struct TokenText {
  std::string header;    // "Authorization", "WWW-Authenticate", ... or empty
  std::string scheme;    // "NTLM", "Negotiate", or empty for a bare token
  std::string encoding;  // "base64" or "hex"
  Bytes bytes;
};

/// Finds the one NTLM or Negotiate token in `text` (other schemes of a comma-joined header,
/// such as Basic, are skipped) and decodes it. kInvalidArgument says what is missing or wrong:
/// a bare "Negotiate" offer without a token, two tokens, a character that is not base64.
Result<TokenText> ParseTokenText(std::string_view text);

}  // namespace probe::auth
