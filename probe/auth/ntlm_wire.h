// The one table of NTLM wire constants ([MS-NLMP] 2.2): message types, NegotiateFlags, AV_PAIR
// ids and MsvAvFlags bits. Encoders, decoders and the pretty-printer all read them from here.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace probe::auth {

/// "NTLMSSP\0", the first eight bytes of every NTLM message.
inline constexpr std::array<std::uint8_t, 8> kNtlmSignature = {'N', 'T', 'L', 'M',
                                                               'S', 'S', 'P', 0};

enum class NtlmMessageType : std::uint32_t { kNegotiate = 1, kChallenge = 2, kAuthenticate = 3 };
std::string_view NtlmMessageTypeName(NtlmMessageType type);  // "NEGOTIATE", ...

/// Fixed header sizes: the smallest form and the forms with VERSION (and MIC).
inline constexpr std::size_t kNegotiateHeaderSize = 32;
inline constexpr std::size_t kNegotiateHeaderWithVersionSize = 40;
inline constexpr std::size_t kChallengeHeaderOldSize = 32;  // old servers: no TargetInfo fields
inline constexpr std::size_t kChallengeHeaderSize = 48;
inline constexpr std::size_t kChallengeHeaderWithVersionSize = 56;
inline constexpr std::size_t kAuthenticateHeaderSize = 64;
inline constexpr std::size_t kAuthenticateHeaderWithVersionSize = 72;
inline constexpr std::size_t kAuthenticateHeaderWithMicSize = 88;
inline constexpr std::size_t kAuthenticateVersionOffset = 64;
inline constexpr std::size_t kAuthenticateMicOffset = 72;
inline constexpr std::size_t kVersionSize = 8;
inline constexpr std::size_t kMicSize = 16;
inline constexpr std::uint8_t kNtlmRevisionW2k3 = 0x0F;

/// NegotiateFlags bits ([MS-NLMP] 2.2.2.5).
struct NtlmFlag {
  static constexpr std::uint32_t kUnicode = 0x00000001;
  static constexpr std::uint32_t kOem = 0x00000002;
  static constexpr std::uint32_t kRequestTarget = 0x00000004;
  static constexpr std::uint32_t kSign = 0x00000010;
  static constexpr std::uint32_t kSeal = 0x00000020;
  static constexpr std::uint32_t kDatagram = 0x00000040;
  static constexpr std::uint32_t kLmKey = 0x00000080;
  static constexpr std::uint32_t kNtlm = 0x00000200;
  static constexpr std::uint32_t kAnonymous = 0x00000800;
  static constexpr std::uint32_t kOemDomainSupplied = 0x00001000;
  static constexpr std::uint32_t kOemWorkstationSupplied = 0x00002000;
  static constexpr std::uint32_t kAlwaysSign = 0x00008000;
  static constexpr std::uint32_t kTargetTypeDomain = 0x00010000;
  static constexpr std::uint32_t kTargetTypeServer = 0x00020000;
  static constexpr std::uint32_t kExtendedSessionSecurity = 0x00080000;
  static constexpr std::uint32_t kIdentify = 0x00100000;
  static constexpr std::uint32_t kRequestNonNtSessionKey = 0x00400000;
  static constexpr std::uint32_t kTargetInfo = 0x00800000;
  static constexpr std::uint32_t kVersion = 0x02000000;
  static constexpr std::uint32_t k128 = 0x20000000;
  static constexpr std::uint32_t kKeyExchange = 0x40000000;
  static constexpr std::uint32_t k56 = 0x80000000;
};

struct NamedBit {
  std::uint32_t bit;
  std::string_view name;
};

inline constexpr NamedBit kNtlmFlagTable[] = {
    {NtlmFlag::kUnicode, "NTLMSSP_NEGOTIATE_UNICODE"},
    {NtlmFlag::kOem, "NTLM_NEGOTIATE_OEM"},
    {NtlmFlag::kRequestTarget, "NTLMSSP_REQUEST_TARGET"},
    {NtlmFlag::kSign, "NTLMSSP_NEGOTIATE_SIGN"},
    {NtlmFlag::kSeal, "NTLMSSP_NEGOTIATE_SEAL"},
    {NtlmFlag::kDatagram, "NTLMSSP_NEGOTIATE_DATAGRAM"},
    {NtlmFlag::kLmKey, "NTLMSSP_NEGOTIATE_LM_KEY"},
    {NtlmFlag::kNtlm, "NTLMSSP_NEGOTIATE_NTLM"},
    {NtlmFlag::kAnonymous, "NTLMSSP_ANONYMOUS"},
    {NtlmFlag::kOemDomainSupplied, "NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED"},
    {NtlmFlag::kOemWorkstationSupplied, "NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED"},
    {NtlmFlag::kAlwaysSign, "NTLMSSP_NEGOTIATE_ALWAYS_SIGN"},
    {NtlmFlag::kTargetTypeDomain, "NTLMSSP_TARGET_TYPE_DOMAIN"},
    {NtlmFlag::kTargetTypeServer, "NTLMSSP_TARGET_TYPE_SERVER"},
    {NtlmFlag::kExtendedSessionSecurity, "NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY"},
    {NtlmFlag::kIdentify, "NTLMSSP_NEGOTIATE_IDENTIFY"},
    {NtlmFlag::kRequestNonNtSessionKey, "NTLMSSP_REQUEST_NON_NT_SESSION_KEY"},
    {NtlmFlag::kTargetInfo, "NTLMSSP_NEGOTIATE_TARGET_INFO"},
    {NtlmFlag::kVersion, "NTLMSSP_NEGOTIATE_VERSION"},
    {NtlmFlag::k128, "NTLMSSP_NEGOTIATE_128"},
    {NtlmFlag::kKeyExchange, "NTLMSSP_NEGOTIATE_KEY_EXCH"},
    {NtlmFlag::k56, "NTLMSSP_NEGOTIATE_56"},
};

/// AV_PAIR ids ([MS-NLMP] 2.2.2.1).
enum class AvId : std::uint16_t {
  kEol = 0x0000,
  kNbComputerName = 0x0001,
  kNbDomainName = 0x0002,
  kDnsComputerName = 0x0003,
  kDnsDomainName = 0x0004,
  kDnsTreeName = 0x0005,
  kFlags = 0x0006,
  kTimestamp = 0x0007,
  kSingleHost = 0x0008,
  kTargetName = 0x0009,
  kChannelBindings = 0x000A,
};

/// How an AV_PAIR's value is laid out, which decides how it is shown.
enum class AvValueKind { kNone, kUtf16, kFlags, kFiletime, kSingleHost, kHash };

struct AvIdInfo {
  AvId id;
  std::string_view name;
  AvValueKind kind;
};

inline constexpr AvIdInfo kAvIdTable[] = {
    {AvId::kEol, "MsvAvEOL", AvValueKind::kNone},
    {AvId::kNbComputerName, "MsvAvNbComputerName", AvValueKind::kUtf16},
    {AvId::kNbDomainName, "MsvAvNbDomainName", AvValueKind::kUtf16},
    {AvId::kDnsComputerName, "MsvAvDnsComputerName", AvValueKind::kUtf16},
    {AvId::kDnsDomainName, "MsvAvDnsDomainName", AvValueKind::kUtf16},
    {AvId::kDnsTreeName, "MsvAvDnsTreeName", AvValueKind::kUtf16},
    {AvId::kFlags, "MsvAvFlags", AvValueKind::kFlags},
    {AvId::kTimestamp, "MsvAvTimestamp", AvValueKind::kFiletime},
    {AvId::kSingleHost, "MsvAvSingleHost", AvValueKind::kSingleHost},
    {AvId::kTargetName, "MsvAvTargetName", AvValueKind::kUtf16},
    {AvId::kChannelBindings, "MsvAvChannelBindings", AvValueKind::kHash},
};

/// MsvAvFlags bits.
struct AvFlag {
  static constexpr std::uint32_t kAccountAuthConstrained = 0x1;
  static constexpr std::uint32_t kMicPresent = 0x2;
  static constexpr std::uint32_t kUnverifiedTargetName = 0x4;
};

inline constexpr NamedBit kAvFlagTable[] = {
    {AvFlag::kAccountAuthConstrained, "ACCOUNT_AUTH_CONSTRAINED"},
    {AvFlag::kMicPresent, "MIC_PRESENT"},
    {AvFlag::kUnverifiedTargetName, "UNVERIFIED_TARGET_NAME"},
};

/// The table entry for `id`, or nullopt for an id [MS-NLMP] does not define.
std::optional<AvIdInfo> FindAvId(std::uint16_t id);
/// Names of the bits set in `value`, from `table`; unknown bits as "0x00000400".
std::vector<std::string> BitNames(std::uint32_t value, std::span<const NamedBit> table);

/// Sizes of fixed AV_PAIR values.
inline constexpr std::size_t kAvFlagsSize = 4;
inline constexpr std::size_t kAvTimestampSize = 8;
inline constexpr std::size_t kChannelBindingsSize = 16;
inline constexpr std::size_t kSingleHostSize = 48;

}  // namespace probe::auth
