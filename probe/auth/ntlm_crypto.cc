#include "probe/auth/ntlm_crypto.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>

#include "probe/auth/ntlm_wire.h"
#include "probe/auth/unicode.h"

namespace probe::auth {
namespace {

constexpr std::string_view kLmMagic = "KGS!@#$%";
// The trailing NUL is part of each constant ([MS-NLMP] 3.4.5.2, 3.4.5.3): sizeof keeps it.
constexpr char kClientSignText[] = "session key to client-to-server signing key magic constant";
constexpr char kServerSignText[] = "session key to server-to-client signing key magic constant";
constexpr char kClientSealText[] = "session key to client-to-server sealing key magic constant";
constexpr char kServerSealText[] = "session key to server-to-client sealing key magic constant";
constexpr std::string_view kClientSignMagic{kClientSignText, sizeof kClientSignText};
constexpr std::string_view kServerSignMagic{kServerSignText, sizeof kServerSignText};
constexpr std::string_view kClientSealMagic{kClientSealText, sizeof kClientSealText};
constexpr std::string_view kServerSealMagic{kServerSealText, sizeof kServerSealText};

// Spreads 56 key bits over 8 bytes, leaving each byte's low (parity) bit zero.
Block8 ExpandDesKey(ByteView seven) {
  const std::uint8_t* s = seven.data();
  Block8 k = {static_cast<std::uint8_t>(s[0] >> 1),
              static_cast<std::uint8_t>(((s[0] & 0x01) << 6) | (s[1] >> 2)),
              static_cast<std::uint8_t>(((s[1] & 0x03) << 5) | (s[2] >> 3)),
              static_cast<std::uint8_t>(((s[2] & 0x07) << 4) | (s[3] >> 4)),
              static_cast<std::uint8_t>(((s[3] & 0x0F) << 3) | (s[4] >> 5)),
              static_cast<std::uint8_t>(((s[4] & 0x1F) << 2) | (s[5] >> 6)),
              static_cast<std::uint8_t>(((s[5] & 0x3F) << 1) | (s[6] >> 7)),
              static_cast<std::uint8_t>(s[6] & 0x7F)};
  for (std::uint8_t& b : k) b = static_cast<std::uint8_t>(b << 1);
  return k;
}

Result<Block8> DesWith7ByteKey(ByteView seven, const Block8& data) {
  return DesEncryptBlock(ExpandDesKey(seven), data);
}

Block8 ToBlock(ByteView bytes) {
  Block8 out{};
  std::copy_n(bytes.begin(), std::min(bytes.size(), out.size()), out.begin());
  return out;
}

Result<Key16> Concat8(const Result<Block8>& a, const Result<Block8>& b) {
  if (!a) return Fail(a.error());
  if (!b) return Fail(b.error());
  Key16 out{};
  std::copy(a->begin(), a->end(), out.begin());
  std::copy(b->begin(), b->end(), out.begin() + 8);
  return out;
}

}  // namespace

Result<Key16> NtOwfV1(std::string_view password) { return Md4(Utf16LeFromUtf8(password)); }

Result<Key16> LmOwfV1(std::string_view password) {
  Bytes oem = Latin1FromUtf8(UpperCaseForNtlm(password));
  oem.resize(14, 0);
  Block8 magic = ToBlock(AsBytes(kLmMagic));
  return Concat8(DesWith7ByteKey(ByteView(oem).first(7), magic),
                 DesWith7ByteKey(ByteView(oem).subspan(7, 7), magic));
}

Result<Key16> NtOwfV2FromHash(const Key16& nt_hash, std::string_view user,
                              std::string_view domain) {
  Bytes identity = Utf16LeFromUtf8(UpperCaseForNtlm(user) + std::string(domain));
  return HmacMd5(nt_hash, {identity});
}

Result<Key16> NtOwfV2(std::string_view password, std::string_view user, std::string_view domain) {
  return NtOwfV1(password).and_then(
      [&](const Key16& nt_hash) { return NtOwfV2FromHash(nt_hash, user, domain); });
}

Result<Bytes> Desl(const Key16& key, const Block8& data) {
  std::uint8_t third[7] = {key[14], key[15], 0, 0, 0, 0, 0};
  const Result<Block8> parts[] = {DesWith7ByteKey(ByteView(key).first(7), data),
                                  DesWith7ByteKey(ByteView(key).subspan(7, 7), data),
                                  DesWith7ByteKey(third, data)};
  Bytes out;
  for (const auto& part : parts) {
    if (!part) return Fail(part.error());
    out.insert(out.end(), part->begin(), part->end());
  }
  return out;
}

Result<NtlmV1Responses> ComputeNtlmV1(const Key16& nt_hash, const Key16& lm_hash,
                                      const Block8& server_challenge,
                                      const std::optional<Block8>& ess_client_challenge) {
  NtlmV1Responses out;
  if (ess_client_challenge) {
    auto digest = Md5({server_challenge, *ess_client_challenge});
    if (!digest) return Fail(digest.error());
    auto nt = Desl(nt_hash, ToBlock(*digest));
    if (!nt) return Fail(nt.error());
    out.nt = std::move(*nt);
    out.lm.assign(ess_client_challenge->begin(), ess_client_challenge->end());
    out.lm.resize(24, 0);
    return out;
  }
  auto nt = Desl(nt_hash, server_challenge);
  if (!nt) return Fail(nt.error());
  auto lm = Desl(lm_hash, server_challenge);
  if (!lm) return Fail(lm.error());
  out.nt = std::move(*nt);
  out.lm = std::move(*lm);
  return out;
}

Result<Key16> KeyExchangeKeyV1(std::uint32_t flags, const Key16& session_base_key,
                               const Key16& lm_hash, ByteView lm_response,
                               const Block8& server_challenge) {
  if (lm_response.size() < 8) {
    return Fail(ErrorCode::kInvalidArgument, "NTLMv1 key exchange needs an 8-byte LM response");
  }
  Block8 lm8 = ToBlock(lm_response);
  if (flags & NtlmFlag::kExtendedSessionSecurity) {
    return HmacMd5(session_base_key, {server_challenge, lm8});
  }
  if (flags & NtlmFlag::kLmKey) {
    std::uint8_t second[7] = {lm_hash[7], 0xBD, 0xBD, 0xBD, 0xBD, 0xBD, 0xBD};
    return Concat8(DesWith7ByteKey(ByteView(lm_hash).first(7), lm8), DesWith7ByteKey(second, lm8));
  }
  if (flags & NtlmFlag::kRequestNonNtSessionKey) {
    Key16 out{};
    std::copy_n(lm_hash.begin(), 8, out.begin());
    return out;
  }
  return session_base_key;
}

Bytes NtlmV2Blob(std::uint64_t timestamp, const Block8& client_challenge, ByteView av_pairs) {
  ByteWriter out;
  out.U8(1);  // RespType
  out.U8(1);  // HiRespType
  out.Zeros(6);
  out.U64Le(timestamp);
  out.Append(client_challenge);
  out.Zeros(4);
  out.Append(av_pairs);
  out.Zeros(4);
  return out.Take();
}

Result<Key16> NtProofStr(const Key16& response_key, const Block8& server_challenge, ByteView blob) {
  return HmacMd5(response_key, {server_challenge, blob});
}

Result<Bytes> LmV2Response(const Key16& response_key, const Block8& server_challenge,
                           const Block8& client_challenge) {
  return HmacMd5(response_key, {server_challenge, client_challenge}).map([&](const Key16& mac) {
    Bytes out(mac.begin(), mac.end());
    out.insert(out.end(), client_challenge.begin(), client_challenge.end());
    return out;
  });
}

Result<Key16> NtlmV2SessionBaseKey(const Key16& response_key, const Key16& nt_proof_str) {
  return HmacMd5(response_key, {nt_proof_str});
}

Result<Bytes> Rc4SessionKey(const Key16& key_exchange_key, ByteView session_key) {
  return Rc4Once(key_exchange_key, session_key);
}

Result<Key16> ComputeMic(ByteView exported_session_key, ByteView negotiate, ByteView challenge,
                         ByteView authenticate) {
  if (authenticate.size() < kAuthenticateMicOffset + kMicSize) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("an AUTHENTICATE of {} bytes has no MIC field", authenticate.size()));
  }
  Bytes zeroed(authenticate.begin(), authenticate.end());
  std::fill_n(zeroed.begin() + kAuthenticateMicOffset, kMicSize, 0);
  return HmacMd5(exported_session_key, {negotiate, challenge, zeroed});
}

Result<Key16> SignKey(ByteView exported_session_key, Direction direction) {
  std::string_view magic =
      direction == Direction::kClientToServer ? kClientSignMagic : kServerSignMagic;
  return Md5({exported_session_key, AsBytes(magic)});
}

Result<Key16> SealKey(ByteView exported_session_key, std::uint32_t flags, Direction direction) {
  std::size_t length = (flags & NtlmFlag::k128) ? 16 : (flags & NtlmFlag::k56) ? 7 : 5;
  std::string_view magic =
      direction == Direction::kClientToServer ? kClientSealMagic : kServerSealMagic;
  return Md5(
      {exported_session_key.first(std::min(length, exported_session_key.size())), AsBytes(magic)});
}

Result<NtlmSessionSecurity> NtlmSessionSecurity::Create(ByteView exported_session_key,
                                                        std::uint32_t flags, Direction direction) {
  if (!(flags & NtlmFlag::kExtendedSessionSecurity)) {
    return Fail(ErrorCode::kUnsupported,
                "NTLM signing without extended session security is not implemented");
  }
  auto sign_key = SignKey(exported_session_key, direction);
  if (!sign_key) return Fail(sign_key.error());
  auto seal_key = SealKey(exported_session_key, flags, direction);
  if (!seal_key) return Fail(seal_key.error());
  auto rc4 = Rc4::Create(*seal_key);
  if (!rc4) return Fail(rc4.error());
  return NtlmSessionSecurity(*sign_key, std::move(*rc4), flags);
}

Result<Bytes> NtlmSessionSecurity::Seal(ByteView message) { return seal_.Apply(message); }

Result<Bytes> NtlmSessionSecurity::Sign(ByteView message) {
  ByteWriter sequence;
  sequence.U32Le(sequence_);
  auto mac = HmacMd5(sign_key_, {sequence.bytes(), message});
  if (!mac) return Fail(mac.error());
  Bytes checksum(mac->begin(), mac->begin() + 8);
  if (flags_ & NtlmFlag::kKeyExchange) {
    auto sealed = seal_.Apply(checksum);
    if (!sealed) return Fail(sealed.error());
    checksum = std::move(*sealed);
  }
  ByteWriter out;
  out.U32Le(1);  // Version
  out.Append(checksum);
  out.U32Le(sequence_++);
  return out.Take();
}

}  // namespace probe::auth
