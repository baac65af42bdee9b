// Any authentication token a user pastes or a server sends: raw NTLM, SPNEGO (with its inner
// mechanism token decoded), or a Kerberos GSS-API token (recognised, not decoded).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>

#include "probe/auth/gss_mechs.h"
#include "probe/auth/ntlm_message.h"
#include "probe/auth/spnego.h"
#include "probe/core/bytes.h"
#include "probe/core/result.h"

namespace probe::auth {

/// A Kerberos GSS-API token (RFC 4121 framing: [APPLICATION 0] { OID, TOK_ID, message }).
struct KerberosToken {
  Mech mech = Mech::kKerberos;
  std::uint16_t tok_id = 0;  // 0x0100 AP-REQ, 0x0200 AP-REP, 0x0300 KRB-ERROR
  Bytes raw;
};
std::string_view KerberosTokIdName(std::uint16_t tok_id);

/// A mechanism token exprobe does not decode.
struct OpaqueToken {
  Bytes raw;
};

using MechToken = std::variant<NtlmMessage, KerberosToken, OpaqueToken>;

/// A SPNEGO token and, decoded, the mechToken or responseToken it carries.
struct SpnegoMessage {
  SpnegoToken token;
  std::optional<MechToken> inner;
};

using AuthToken = std::variant<NtlmMessage, SpnegoMessage, KerberosToken>;

/// Sniffs and decodes: "NTLMSSP\0" is NTLM; [APPLICATION 0] with the SPNEGO OID or a bare
/// [0]/[1] is SPNEGO; [APPLICATION 0] with a Kerberos OID is Kerberos. A malformed inner NTLM
/// token fails the whole decode, with "SPNEGO mechToken: " before the NTLM error.
Result<AuthToken> DecodeAuthToken(ByteView data);
/// The inner token of SPNEGO: NTLM, Kerberos, or opaque bytes.
Result<MechToken> DecodeMechToken(ByteView data);

}  // namespace probe::auth
