// NTLM's one-way functions, responses and keys ([MS-NLMP] 3.3, 3.4): NTLMv1 (for diagnosis and
// the spec vectors), NTLMv2, key exchange, the MIC, and the NTLMSSP signature that SPNEGO's
// mechListMIC is made of. Every input is a parameter, so tests can pin them to the spec values.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "probe/auth/crypto.h"
#include "probe/core/bytes.h"
#include "probe/core/result.h"

namespace probe::auth {

// ---- one-way functions (3.3.1, 3.3.2) ------------------------------------------------------

/// NTOWFv1 = MD4(UTF-16LE(password)): the NT hash.
Result<Key16> NtOwfV1(std::string_view password);
/// LMOWFv1: DES of "KGS!@#$%" under the upper-cased, 14-byte OEM password.
Result<Key16> LmOwfV1(std::string_view password);
/// NTOWFv2 = HMAC_MD5(NT hash, UTF-16LE(Uppercase(user) || domain)); the domain keeps its case.
Result<Key16> NtOwfV2(std::string_view password, std::string_view user, std::string_view domain);
Result<Key16> NtOwfV2FromHash(const Key16& nt_hash, std::string_view user, std::string_view domain);

// ---- NTLMv1 (3.3.1) -------------------------------------------------------------------------

/// DESL: three DES encryptions of `data` under the 16-byte key split into 7-byte DES keys.
Result<Bytes> Desl(const Key16& key, const Block8& data);
/// The LM and NT responses of NTLMv1; with extended session security (a client challenge) the
/// LM response is ClientChallenge || Z(16).
struct NtlmV1Responses {
  Bytes lm;
  Bytes nt;
};
Result<NtlmV1Responses> ComputeNtlmV1(const Key16& nt_hash, const Key16& lm_hash,
                                      const Block8& server_challenge,
                                      const std::optional<Block8>& ess_client_challenge);
/// KXKEY for NTLMv1 (3.4.5.1), chosen by ESS, LM_KEY and REQUEST_NON_NT_SESSION_KEY in `flags`.
/// The NTLMv1 session base key is MD4(NT hash).
Result<Key16> KeyExchangeKeyV1(std::uint32_t flags, const Key16& session_base_key,
                               const Key16& lm_hash, ByteView lm_response,
                               const Block8& server_challenge);

// ---- NTLMv2 (3.3.2) -------------------------------------------------------------------------

/// "temp": 01 01 Z(6) TimeStamp ClientChallenge Z(4) AvPairs Z(4). `av_pairs` must already end
/// with MsvAvEOL.
Bytes NtlmV2Blob(std::uint64_t timestamp, const Block8& client_challenge, ByteView av_pairs);
/// NTProofStr = HMAC_MD5(ResponseKeyNT, ServerChallenge || blob).
Result<Key16> NtProofStr(const Key16& response_key, const Block8& server_challenge, ByteView blob);
/// LMv2 = HMAC_MD5(ResponseKeyLM, ServerChallenge || ClientChallenge) || ClientChallenge.
Result<Bytes> LmV2Response(const Key16& response_key, const Block8& server_challenge,
                           const Block8& client_challenge);
/// SessionBaseKey = HMAC_MD5(ResponseKeyNT, NTProofStr); it is also NTLMv2's KeyExchangeKey.
Result<Key16> NtlmV2SessionBaseKey(const Key16& response_key, const Key16& nt_proof_str);

// ---- keys and MIC (3.1.5.1.2, 3.4.5) --------------------------------------------------------

/// EncryptedRandomSessionKey = RC4K(KeyExchangeKey, ExportedSessionKey); also its inverse.
Result<Bytes> Rc4SessionKey(const Key16& key_exchange_key, ByteView session_key);
/// HMAC_MD5(ExportedSessionKey, NEGOTIATE || CHALLENGE || AUTHENTICATE) with the AUTHENTICATE's
/// MIC field (offset 72) zeroed. The messages are the raw bytes as sent and received.
Result<Key16> ComputeMic(ByteView exported_session_key, ByteView negotiate, ByteView challenge,
                         ByteView authenticate);

enum class Direction { kClientToServer, kServerToClient };

/// SIGNKEY: MD5(ExportedSessionKey || "session key to <dir> signing key magic constant\0").
Result<Key16> SignKey(ByteView exported_session_key, Direction direction);
/// SEALKEY with extended session security: the key base is cut to 16, 7 or 5 bytes by
/// NTLMSSP_NEGOTIATE_128 / _56 in `flags`.
Result<Key16> SealKey(ByteView exported_session_key, std::uint32_t flags, Direction direction);

/// One direction of NTLM session security with extended session security: the sealing RC4
/// handle and the signing key, as GSS_WrapEx / GSS_GetMIC use them (3.4.3, 3.4.4.2).
class NtlmSessionSecurity {
 public:
  static Result<NtlmSessionSecurity> Create(ByteView exported_session_key, std::uint32_t flags,
                                            Direction direction);
  /// RC4 of `message` on the sealing handle (GSS_WrapEx's encryption).
  Result<Bytes> Seal(ByteView message);
  /// NTLMSSP_MESSAGE_SIGNATURE over `message` with the next sequence number:
  /// 01000000 || HMAC_MD5(SignKey, SeqNum || message)[0..7] (RC4'd if KEY_EXCH) || SeqNum.
  Result<Bytes> Sign(ByteView message);

 private:
  NtlmSessionSecurity(Key16 sign_key, Rc4 seal, std::uint32_t flags)
      : sign_key_(sign_key), seal_(std::move(seal)), flags_(flags) {}
  Key16 sign_key_;
  Rc4 seal_;
  std::uint32_t flags_;
  std::uint32_t sequence_ = 0;
};

}  // namespace probe::auth
