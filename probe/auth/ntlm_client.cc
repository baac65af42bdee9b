#include "probe/auth/ntlm_client.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "probe/auth/ntlm_crypto.h"

namespace probe::auth {
namespace {

constexpr std::uint64_t kFiletimeUnixEpoch = 116444736000000000ULL;

// The server's pairs in their order, then the client's own assertions, before MsvAvEOL.
std::vector<AvPair> ClientAvPairs(const AvPairList& server, bool mic,
                                  const std::optional<Key16>& binding,
                                  std::string_view target_name) {
  std::vector<AvPair> pairs;
  bool flags_copied = false;
  for (const AvPair& pair : server.pairs) {
    auto id = static_cast<AvId>(pair.id);
    if (id == AvId::kChannelBindings || id == AvId::kTargetName) continue;  // ours to assert
    if (id == AvId::kFlags && pair.value.size() == kAvFlagsSize) {
      ByteReader reader(pair.value);
      std::uint32_t value = *reader.U32Le("MsvAvFlags") | (mic ? AvFlag::kMicPresent : 0);
      pairs.push_back(U32AvPair(AvId::kFlags, value));
      flags_copied = true;
      continue;
    }
    if (id == AvId::kFlags) continue;  // malformed server value: replaced below
    pairs.push_back(pair);
  }
  if (mic && !flags_copied) pairs.push_back(U32AvPair(AvId::kFlags, AvFlag::kMicPresent));
  if (binding) pairs.push_back(BytesAvPair(AvId::kChannelBindings, *binding));
  if (!target_name.empty()) pairs.push_back(Utf16AvPair(AvId::kTargetName, target_name));
  return pairs;
}

bool WantsMic(const AuthenticateInputs& in) {
  switch (in.mic) {
    case MicPolicy::kAlways:
      return true;
    case MicPolicy::kNever:
      return false;
    case MicPolicy::kWhenTimestamp:
      return in.challenge.target_info.Timestamp().has_value();
  }
  return false;
}

Result<void> CheckInputs(const AuthenticateInputs& in) {
  if (in.credentials.user.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "NTLM needs a user name (anonymous is not supported)");
  }
  bool key_exchange = in.flags & NtlmFlag::kKeyExchange;
  bool sign_or_seal = in.flags & (NtlmFlag::kSign | NtlmFlag::kSeal);
  if (key_exchange && !sign_or_seal) {
    return Fail(ErrorCode::kInvalidArgument,
                "NTLMSSP_NEGOTIATE_KEY_EXCH without SIGN or SEAL: the server would not decrypt "
                "the session key and the MIC could not verify");
  }
  return {};
}

Result<Bytes> LmResponse(const AuthenticateInputs& in, const Key16& response_key, bool mic) {
  LmResponsePolicy policy = in.lm;
  if (policy == LmResponsePolicy::kAuto) {
    policy = mic ? LmResponsePolicy::kZeros : LmResponsePolicy::kLmV2;
  }
  switch (policy) {
    case LmResponsePolicy::kZeros:
      return Bytes(24, 0);
    case LmResponsePolicy::kEmpty:
      return Bytes();
    default:
      return LmV2Response(response_key, in.challenge.server_challenge, in.client_challenge);
  }
}

// The NtChallengeResponse and the keys that follow from it.
struct NtlmV2Result {
  Bytes nt_response;
  Key16 response_key{};
  Key16 session_base_key{};
};

Result<NtlmV2Result> ComputeNtlmV2(const AuthenticateInputs& in, bool mic) {
  auto binding = ChannelBindingValue(in.channel_binding, in.channel_binding_data);
  if (!binding) return Fail(binding.error());
  auto pairs =
      EncodeAvPairs(ClientAvPairs(in.challenge.target_info, mic, *binding, in.target_name));
  if (!pairs) return Fail(pairs.error());
  std::uint64_t time = in.challenge.target_info.Timestamp().value_or(in.timestamp);
  Bytes blob = NtlmV2Blob(time, in.client_challenge, *pairs);

  NtlmV2Result out;
  auto key = NtOwfV2(in.credentials.password, in.credentials.user, in.credentials.domain);
  if (!key) return Fail(key.error());
  out.response_key = *key;
  auto proof = NtProofStr(out.response_key, in.challenge.server_challenge, blob);
  if (!proof) return Fail(proof.error());
  auto base_key = NtlmV2SessionBaseKey(out.response_key, *proof);
  if (!base_key) return Fail(base_key.error());
  out.session_base_key = *base_key;
  out.nt_response.assign(proof->begin(), proof->end());
  out.nt_response.insert(out.nt_response.end(), blob.begin(), blob.end());
  return out;
}

}  // namespace

Result<Bytes> BuildNegotiate(std::uint32_t flags, const NtlmVersion& version) {
  NtlmNegotiate message;
  message.flags = flags | NtlmFlag::kVersion;
  message.version = version;
  return EncodeNegotiate(message);
}

std::uint32_t AuthenticateFlags(std::uint32_t negotiate_flags, std::uint32_t challenge_flags) {
  std::uint32_t flags = negotiate_flags & challenge_flags;
  flags &= ~(NtlmFlag::kTargetTypeDomain | NtlmFlag::kTargetTypeServer);
  if (flags & NtlmFlag::kUnicode) flags &= ~NtlmFlag::kOem;
  if (!(flags & (NtlmFlag::kSign | NtlmFlag::kSeal))) flags &= ~NtlmFlag::kKeyExchange;
  return flags | (challenge_flags & NtlmFlag::kTargetInfo);
}

std::string HttpTargetName(std::string_view host) { return "HTTP/" + std::string(host); }

std::uint64_t FiletimeFromUnixMicros(std::int64_t unix_micros) {
  return kFiletimeUnixEpoch + static_cast<std::uint64_t>(unix_micros) * 10;
}

Result<AuthenticateOutput> BuildAuthenticate(const AuthenticateInputs& in) {
  if (auto ok = CheckInputs(in); !ok) return Fail(ok.error());
  bool mic = WantsMic(in);
  auto v2 = ComputeNtlmV2(in, mic);
  if (!v2) return Fail(v2.error());
  auto lm = LmResponse(in, v2->response_key, mic);
  if (!lm) return Fail(lm.error());

  AuthenticateOutput out;
  out.session_base_key = v2->session_base_key;
  out.exported_session_key = v2->session_base_key;  // KXKEY = SessionBaseKey for NTLMv2
  NtlmAuthenticate message;
  if (in.flags & NtlmFlag::kKeyExchange) {
    out.exported_session_key = in.random_session_key;
    auto encrypted = Rc4SessionKey(v2->session_base_key, in.random_session_key);
    if (!encrypted) return Fail(encrypted.error());
    message.encrypted_random_session_key = std::move(*encrypted);
  }
  message.flags = in.flags;
  message.lm_response = std::move(*lm);
  message.nt_response = std::move(v2->nt_response);
  message.domain = in.credentials.domain;
  message.user = in.credentials.user;
  message.workstation = in.workstation;
  message.version = in.version;
  if (mic) message.mic = Key16{};
  auto bytes = EncodeAuthenticate(message, in.payload_order);
  if (!bytes) return Fail(bytes.error());
  if (mic) {
    auto code = ComputeMic(out.exported_session_key, in.negotiate, in.challenge.raw, *bytes);
    if (!code) return Fail(code.error());
    std::copy(code->begin(), code->end(), bytes->begin() + kAuthenticateMicOffset);
  }
  out.message = std::move(*bytes);
  out.mic_sent = mic;
  return out;
}

}  // namespace probe::auth
