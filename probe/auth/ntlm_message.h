// The three NTLM messages ([MS-NLMP] 2.2.1) as typed values: bounds-checked decoders for
// diagnosis (every message type, NTLMv1 and NTLMv2), and encoders the client and tlslab share.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "probe/auth/crypto.h"
#include "probe/auth/ntlm_av_pairs.h"
#include "probe/auth/ntlm_wire.h"
#include "probe/core/bytes.h"
#include "probe/core/result.h"

namespace probe::auth {

/// VERSION ([MS-NLMP] 2.2.2.10): debug information only, read as a Windows build.
struct NtlmVersion {
  std::uint8_t major = 0;
  std::uint8_t minor = 0;
  std::uint16_t build = 0;
  std::uint8_t revision = kNtlmRevisionW2k3;

  std::string ToString() const;  // "10.0.17763"
  bool operator==(const NtlmVersion&) const = default;
};

/// A payload field's 8-byte descriptor as read from the wire (Len, MaxLen, BufferOffset).
struct NtlmFieldRef {
  std::uint16_t length = 0;
  std::uint16_t max_length = 0;
  std::uint32_t offset = 0;
};

struct NtlmNegotiate {
  std::uint32_t flags = 0;
  std::string domain;       // OEM; sent only with NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED
  std::string workstation;  // OEM; sent only with NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED
  std::optional<NtlmVersion> version;
  // Filled by the decoder only.
  NtlmFieldRef domain_ref;
  NtlmFieldRef workstation_ref;
  Bytes raw;
};

struct NtlmChallenge {
  std::uint32_t flags = 0;
  std::string target_name;
  Block8 server_challenge{};
  bool has_target_info_fields = true;  // false for the 32-byte form of old servers
  AvPairList target_info;
  std::optional<NtlmVersion> version;
  // Filled by the decoder only. `raw` is what the MIC covers.
  NtlmFieldRef target_name_ref;
  NtlmFieldRef target_info_ref;
  Bytes raw;
};

/// An NTLMv2 NtChallengeResponse: NTProofStr followed by the client "blob" (2.2.2.7).
struct NtlmV2Response {
  Key16 nt_proof_str{};
  std::uint8_t resp_type = 1;
  std::uint8_t hi_resp_type = 1;
  std::uint64_t timestamp = 0;  // FILETIME
  Block8 client_challenge{};
  AvPairList av_pairs;  // trailing_bytes: the zeros after MsvAvEOL (4 from the spec, 8 on Win7)
  Bytes blob;           // everything after NTProofStr, exactly as hashed
};

/// What the NtChallengeResponse length says about the client.
enum class NtResponseKind { kEmpty, kNtlmV1, kNtlmV2 };

struct NtlmAuthenticate {
  std::uint32_t flags = 0;
  Bytes lm_response;
  Bytes nt_response;
  std::string domain;
  std::string user;
  std::string workstation;
  Bytes encrypted_random_session_key;
  std::optional<NtlmVersion> version;  // the header's VERSION slot, when it has one
  std::optional<Key16> mic;            // the header's MIC slot, when it has one
  // Filled by the decoder only.
  NtlmFieldRef lm_ref, nt_ref, domain_ref, user_ref, workstation_ref, session_key_ref;
  std::size_t header_size = 0;
  std::optional<NtlmV2Response> ntlmv2;
  Bytes raw;

  NtResponseKind ResponseKind() const;
};

using NtlmMessage = std::variant<NtlmNegotiate, NtlmChallenge, NtlmAuthenticate>;

/// True when `data` starts with "NTLMSSP\0".
bool LooksLikeNtlm(ByteView data);

/// Decodes any NTLM message. Errors are kMalformed and name the message, the field and the offset:
/// "CHALLENGE TargetInfo at offset 72 with length 900 lies outside the 120-byte message".
Result<NtlmMessage> DecodeNtlmMessage(ByteView data);
Result<NtlmNegotiate> DecodeNegotiate(ByteView data);
Result<NtlmChallenge> DecodeChallenge(ByteView data);
Result<NtlmAuthenticate> DecodeAuthenticate(ByteView data);

/// 40 bytes with VERSION when `version` is set (what Windows sends), else 32.
Result<Bytes> EncodeNegotiate(const NtlmNegotiate& message);
Result<Bytes> EncodeChallenge(const NtlmChallenge& message);

/// Payload order of an AUTHENTICATE. The spec examples and Windows put the names first;
/// Chromium puts the (empty) session key and the responses first.
enum class PayloadOrder { kNamesFirst, kResponsesFirst };

/// The header is 88 bytes when `mic` is set, 72 with only `version`, else 64.
Result<Bytes> EncodeAuthenticate(const NtlmAuthenticate& message,
                                 PayloadOrder order = PayloadOrder::kNamesFirst);

}  // namespace probe::auth
