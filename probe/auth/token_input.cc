#include "probe/auth/token_input.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <vector>

#include "probe/auth/base64.h"

namespace probe::auth {
namespace {

constexpr std::string_view kHeaders[] = {"Authorization", "WWW-Authenticate", "Proxy-Authorization",
                                         "Proxy-Authenticate"};
constexpr std::string_view kOurSchemes[] = {"NTLM", "Negotiate"};
constexpr std::string_view kOtherSchemes[] = {"Basic", "Digest", "Bearer", "Kerberos"};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Strips "Header-Name:" when it is one of the authentication headers; returns the header's
// canonical spelling through `header`.
std::string_view StripHeaderName(std::string_view text, std::string& header) {
  std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) return text;
  std::string_view name = Trim(text.substr(0, colon));
  for (std::string_view known : kHeaders) {
    if (EqualsIgnoreCase(name, known)) {
      header = known;
      return Trim(text.substr(colon + 1));
    }
  }
  return text;
}

struct Candidate {
  std::string scheme;
  std::string_view token;
};

// One comma-separated challenge or credential: "<scheme> <token>", a bare scheme, or a token.
void Classify(std::string_view part, std::vector<Candidate>& tokens,
              std::vector<std::string>& bare_offers) {
  std::size_t space = part.find_first_of(" \t");
  std::string_view first = part.substr(0, space);
  std::string_view rest = space == std::string_view::npos ? "" : Trim(part.substr(space));
  for (std::string_view scheme : kOurSchemes) {
    if (!EqualsIgnoreCase(first, scheme)) continue;
    if (rest.empty()) {
      bare_offers.emplace_back(scheme);
    } else {
      tokens.push_back({std::string(scheme), rest});
    }
    return;
  }
  for (std::string_view other : kOtherSchemes) {
    if (EqualsIgnoreCase(first, other)) return;
  }
  tokens.push_back({"", part});
}

bool LooksLikeHex(std::string_view token) {
  return std::all_of(token.begin(), token.end(), [](char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || IsSpace(c);
  });
}

Result<Candidate> PickToken(std::string_view text) {
  std::vector<Candidate> tokens;
  std::vector<std::string> bare_offers;
  for (std::size_t start = 0; start <= text.size();) {
    std::size_t comma = std::min(text.find(',', start), text.size());
    std::string_view part = Trim(text.substr(start, comma - start));
    if (!part.empty()) Classify(part, tokens, bare_offers);
    start = comma + 1;
  }
  if (tokens.size() == 1) return tokens.front();
  if (tokens.size() > 1) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("the text carries {} tokens; paste one", tokens.size()));
  }
  if (!bare_offers.empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("the text offers {} but carries no token (the first 401 of a "
                            "handshake has none)",
                            fmt::join(bare_offers, ", ")));
  }
  return Fail(ErrorCode::kInvalidArgument, "no NTLM or Negotiate token in the text");
}

}  // namespace

Result<TokenText> ParseTokenText(std::string_view text) {
  TokenText out;
  auto candidate = PickToken(StripHeaderName(Trim(text), out.header));
  if (!candidate) return Fail(candidate.error());
  out.scheme = candidate->scheme;
  std::string_view token = candidate->token;
  Result<Bytes> bytes = Bytes();
  if (LooksLikeHex(token)) {
    out.encoding = "hex";
    bytes = FromHex(token);
  } else {
    out.encoding = "base64";
    bytes = Base64Decode(token);
  }
  if (!bytes) return Fail(bytes.error().With(fmt::format("{} token", out.encoding)));
  if (bytes->empty()) return Fail(ErrorCode::kInvalidArgument, "the token is empty");
  out.bytes = std::move(*bytes);
  return out;
}

}  // namespace probe::auth
