// The decoded-token view model: every field of an NTLM, SPNEGO or Kerberos token as a tree that
// text and JSON reports render alike. Secrets (LM/NT responses, NTProofStr, session keys, MICs,
// Kerberos tickets) are masked by default: a length and a short fingerprint.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "probe/auth/token.h"

namespace probe::auth {

struct ViewOptions {
  bool show_secrets = false;  // for a lab: print masked bytes in hex
};

/// One node of a decoded token: a scalar (`value`) or a group (`children`, a JSON array when
/// `list` is set). `summary` is a group's one-line text rendering; children it already covers
/// are `text_hidden`: text reports skip them, JSON keeps them.
struct TokenField {
  using Value =
      std::variant<std::monostate, std::string, std::uint64_t, bool, std::vector<std::string>>;

  std::string key;
  Value value;
  std::vector<TokenField> children;
  bool list = false;
  std::string summary;
  bool text_hidden = false;
};

/// The whole token as a tree rooted at key "token"; its summary names the protocol and message.
TokenField ViewAuthToken(const AuthToken& token, const ViewOptions& options);

/// "2012-12-19T16:22:33.6720507Z": a FILETIME (100 ns ticks since 1601) in UTC.
std::string FormatFiletime(std::uint64_t filetime);
/// The first 4 bytes of SHA-256 of `data` in hex: enough to compare two masked values.
std::string Fingerprint(ByteView data);

}  // namespace probe::auth
