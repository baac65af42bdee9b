// The client side of NTLM as exprobe speaks it: a Windows-like NEGOTIATE, and an NTLMv2
// AUTHENTICATE with the MIC, the channel-binding pair and the target name under the caller's
// control, so the auth engine can vary them one at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "probe/auth/channel_binding.h"
#include "probe/auth/crypto.h"
#include "probe/auth/ntlm_message.h"
#include "probe/core/bytes.h"
#include "probe/core/result.h"

namespace probe::auth {

/// What Windows HTTP clients send (0xe2088297): UNICODE, OEM, REQUEST_TARGET, SIGN, LM_KEY, NTLM,
/// ALWAYS_SIGN, EXTENDED_SESSIONSECURITY, VERSION, 128, KEY_EXCH, 56.
inline constexpr std::uint32_t kDefaultNegotiateFlags =
    NtlmFlag::kUnicode | NtlmFlag::kOem | NtlmFlag::kRequestTarget | NtlmFlag::kSign |
    NtlmFlag::kLmKey | NtlmFlag::kNtlm | NtlmFlag::kAlwaysSign |
    NtlmFlag::kExtendedSessionSecurity | NtlmFlag::kVersion | NtlmFlag::k128 |
    NtlmFlag::kKeyExchange | NtlmFlag::k56;
/// The VERSION exprobe announces: Windows 10 / Server 2019 (10.0.17763), NTLM revision 15.
inline constexpr NtlmVersion kDefaultClientVersion = {10, 0, 17763, kNtlmRevisionW2k3};

/// A 40-byte NEGOTIATE with VERSION and no names, as Windows sends it (gss-ntlmssp rejects the
/// 32-byte form). Keep the bytes: the MIC covers them.
Result<Bytes> BuildNegotiate(std::uint32_t flags = kDefaultNegotiateFlags,
                             const NtlmVersion& version = kDefaultClientVersion);

/// The flags of the AUTHENTICATE: what both sides offered, without the server-only target type
/// bits, without OEM when Unicode was agreed, and without KEY_EXCH when neither SIGN nor SEAL is
/// left (Windows would not decrypt the session key, so the MIC could not verify).
std::uint32_t AuthenticateFlags(std::uint32_t negotiate_flags, std::uint32_t challenge_flags);

/// "HTTP/<host>": the SPN the client asserts in MsvAvTargetName (host as the client addressed it).
std::string HttpTargetName(std::string_view host);

/// The account; UTF-8. Never printed, never put in an error message.
struct NtlmCredentials {
  std::string user;
  std::string domain;
  std::string password;
};

/// kWhenTimestamp: send a MIC (and MsvAvFlags 0x2) when the CHALLENGE carries MsvAvTimestamp,
/// as [MS-NLMP] 3.1.5.1.2 says a client SHOULD; kAlways: as Chromium does; kNever.
enum class MicPolicy { kWhenTimestamp, kAlways, kNever };

/// kAuto: 24 zero bytes when a MIC is sent (Windows, Chromium), else the LMv2 response.
enum class LmResponsePolicy { kAuto, kLmV2, kZeros, kEmpty };

/// Everything an AUTHENTICATE depends on. Random inputs (client challenge, session key) and the
/// clock are parameters: the auth engine draws them, tests pin them to the spec values.
struct AuthenticateInputs {
  NtlmCredentials credentials;
  std::string workstation;
  Bytes negotiate;          // the NEGOTIATE exactly as sent (MIC input)
  NtlmChallenge challenge;  // as decoded; challenge.raw is what the MIC covers
  std::uint32_t flags = 0;
  std::optional<NtlmVersion> version = kDefaultClientVersion;
  Block8 client_challenge{};
  std::uint64_t timestamp = 0;  // FILETIME, used when the CHALLENGE has no MsvAvTimestamp
  Key16 random_session_key{};   // the ExportedSessionKey when KEY_EXCH is negotiated
  ChannelBindingMode channel_binding = ChannelBindingMode::kOmit;
  Bytes channel_binding_data;  // TlsServerEndPointData(...) for kCorrect and kWrong
  std::string target_name;     // MsvAvTargetName, e.g. HttpTargetName(host); empty: no pair
  MicPolicy mic = MicPolicy::kWhenTimestamp;
  LmResponsePolicy lm = LmResponsePolicy::kAuto;
  PayloadOrder payload_order = PayloadOrder::kNamesFirst;
};

struct AuthenticateOutput {
  Bytes message;
  Key16 session_base_key{};
  Key16 exported_session_key{};  // keys the MIC and the SPNEGO mechListMIC
  bool mic_sent = false;
};

/// An NTLMv2 AUTHENTICATE ([MS-NLMP] 3.1.5.1.2). The client's AV pairs are the server's in their
/// order, MsvAvFlags (with 0x2 when a MIC is sent), MsvAvChannelBindings, MsvAvTargetName, EOL.
Result<AuthenticateOutput> BuildAuthenticate(const AuthenticateInputs& inputs);

/// FILETIME (100 ns ticks since 1601-01-01 UTC) of a Unix time in microseconds.
std::uint64_t FiletimeFromUnixMicros(std::int64_t unix_micros);

}  // namespace probe::auth
