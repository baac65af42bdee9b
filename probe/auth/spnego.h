// SPNEGO (RFC 4178, [MS-SPNG]) as HTTP Negotiate carries it: NegTokenInit (in the RFC 2743
// InitialContextToken wrapper) and NegTokenResp, and the NTLM mechListMIC.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "probe/auth/gss_mechs.h"
#include "probe/auth/ntlm_crypto.h"
#include "probe/core/bytes.h"
#include "probe/core/result.h"

namespace probe::auth {

enum class NegState : std::uint8_t {
  kAcceptCompleted = 0,
  kAcceptIncomplete = 1,
  kReject = 2,
  kRequestMic = 3,
};
std::string_view NegStateName(NegState state);  // "accept-completed", ...

struct NegTokenInit {
  std::vector<Bytes> mech_types;   // OID contents octets, the initiator's preference first
  Bytes mech_type_list;            // DER of the MechTypeList as sent: the mechListMIC input
  std::optional<Bytes> req_flags;  // ContextFlags BIT STRING contents
  std::optional<Bytes> mech_token;
  std::optional<std::string> neg_hints_name;  // [MS-SPNG] NegTokenInit2 negHints.hintName
  std::optional<Bytes> mech_list_mic;
};

struct NegTokenResp {
  std::optional<NegState> neg_state;
  std::optional<Bytes> supported_mech;  // OID contents octets
  std::optional<Bytes> response_token;
  std::optional<Bytes> mech_list_mic;
};

using SpnegoToken = std::variant<NegTokenInit, NegTokenResp>;

/// True when `data` starts like a SPNEGO token: an InitialContextToken (0x60) or a bare
/// NegotiationToken ([0] or [1]).
bool LooksLikeSpnego(ByteView data);

// Wire layout (DER, EXPLICIT tags):
//   InitialContextToken ::= [APPLICATION 0] { thisMech OID 1.3.6.1.5.5.2, NegotiationToken }
//   NegotiationToken ::= [0] NegTokenInit | [1] NegTokenResp
//   NegTokenInit  ::= SEQUENCE { [0] SEQUENCE OF OID, [1] BIT STRING OPT, [2] OCTET STRING OPT,
//                                [3] OCTET STRING OPT (mechListMIC) |
//                                [3] NegHints OPT and [4] OCTET STRING OPT (NegTokenInit2) }
//   NegTokenResp  ::= SEQUENCE { [0] ENUMERATED OPT, [1] OID OPT, [2] OCTET STRING OPT,
//                                [3] OCTET STRING OPT }
/// Decodes a NegTokenInit (wrapped or bare) or a NegTokenResp. Errors are kMalformed and name
/// the field and its offset in the token.
Result<SpnegoToken> DecodeSpnego(ByteView token);

/// DER of a MechTypeList (SEQUENCE OF OID).
Bytes EncodeMechTypeList(std::span<const Mech> mechs);
/// The NegTokenInit inside an InitialContextToken. Uses `mech_type_list` as is when set (so the
/// bytes the MIC covers are the bytes sent), else encodes `mech_types`.
Bytes EncodeNegTokenInit(const NegTokenInit& token);
Bytes EncodeNegTokenResp(const NegTokenResp& token);

/// The NTLM mechListMIC: the first NTLMSSP signature (sequence number 0) in `direction` over
/// the MechTypeList DER. Client to server for the initiator's MIC, server to client for the
/// acceptor's.
Result<Bytes> NtlmMechListMic(ByteView exported_session_key, std::uint32_t flags,
                              ByteView mech_type_list, Direction direction);

}  // namespace probe::auth
