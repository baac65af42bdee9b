// WWW-Authenticate (RFC 7235 section 4.1): the challenges a 401 offers, parsed without trusting
// the server. Pure: no libcurl, so the fuzz build compiles it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "probe/core/result.h"

namespace probe::http {

/// One challenge: `NTLM`, `Negotiate oYG...`, `Basic realm="x", charset="UTF-8"`.
struct Challenge {
  std::string scheme;  // as sent; compare with SchemeIs()
  std::optional<std::string> token68;
  std::vector<std::pair<std::string, std::string>> params;  // names lower-cased, values unquoted

  bool SchemeIs(std::string_view name) const;  // case-insensitive
};

// Grammar (RFC 7235 2.1, RFC 9110 11.6.1):
//   WWW-Authenticate = 1#challenge
//   challenge = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
//   auth-param = token BWS "=" BWS ( token / quoted-string )
//   token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
/// Parses one header value (which may hold several challenges). kMalformed names the offset.
Result<std::vector<Challenge>> ParseWwwAuthenticate(std::string_view value);

/// Parses every WWW-Authenticate value of a response, in order.
Result<std::vector<Challenge>> ParseWwwAuthenticateHeaders(const std::vector<std::string>& values);

/// The first challenge whose scheme is `scheme` (case-insensitive), or nullptr.
const Challenge* FindChallenge(const std::vector<Challenge>& challenges, std::string_view scheme);

}  // namespace probe::http
