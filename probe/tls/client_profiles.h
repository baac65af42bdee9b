// Windows client profiles as data: for each Windows build and component (WinHTTP, WinINet), the
// protocol versions it enables and the ClientHello it sends (suites in order, extensions, groups,
// signature algorithms, record version), plus which component each Outlook version uses per
// Exchange protocol. Every uncertain fact carries its confidence and source
// (tls-scanners.md §3).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "probe/core/result.h"
#include "probe/tls/client_hello.h"
#include "probe/tls/registry_values.h"
#include "probe/tls/version.h"

namespace probe::tls {

/// The Windows networking component whose registry values decide the TLS versions offered.
enum class Component { kWinHttp, kWinInet };
std::string_view ComponentName(Component c);  // "WinHTTP", "WinINet"

/// How sure the data is: Microsoft documents it, a real hello was captured, admins report it,
/// or it is inferred from the above (the reference's ⚠).
enum class FactConfidence { kDocumented, kCaptured, kFieldReport, kInferred };
std::string_view FactConfidenceName(
    FactConfidence c);  // "documented", "captured", "field report", ...

/// What a fact is about, so a verdict can quote the uncertain facts that matter to it.
enum class FactTopic { kVersions, kSuites, kHello, kFallback };

struct ProfileFact {
  FactTopic topic;
  std::string_view text;
  FactConfidence confidence;
  std::string_view source;
};

/// A Windows release family: what its SChannel can speak and what enabling TLS 1.1/1.2 takes.
enum class WindowsRelease { kWin7, kWin81, kWin10, kWin11 };

struct FamilyInfo {
  WindowsRelease family;
  std::string_view display;            // "Windows 7 / Server 2008 R2"
  std::vector<TlsVersion> speakable;   // every client version its SChannel implements
  std::vector<TlsVersion> client_off;  // implemented but off by default in SChannel's client
  std::string_view update;             // needed before DefaultSecureProtocols works, or ""
  std::string_view update_scope;       // which systems the update is for
};

const FamilyInfo& Family(WindowsRelease family);

/// One client as it appears on the wire.
struct ClientProfile {
  std::string_view name;     // "win7", used on the command line
  std::string_view display;  // one line for reports
  WindowsRelease family;
  Component component;
  std::string_view registry;          // the registry state assumed; "" = the OS defaults
  std::vector<TlsVersion> versions;   // enabled, oldest first
  std::uint16_t record_version;       // the record layer version of its hello
  std::vector<std::uint16_t> suites;  // the OS order; the hello keeps those usable with `versions`
  std::vector<std::uint16_t> extensions;  // types, in the order of the real hello
  std::vector<std::uint16_t> groups;
  std::vector<std::uint16_t> signature_algorithms;  // empty when no TLS 1.2 is offered
  std::vector<std::uint16_t> key_share_groups;      // TLS 1.3 only
  std::string_view fixed_profile;  // the profile the registry fix makes of this one, or ""
  std::vector<ProfileFact> facts;

  TlsVersion MaxVersion() const { return versions.back(); }
  bool Enables(TlsVersion v) const;
  /// The suites its hello carries: the OS order, minus those no enabled version can use.
  std::vector<std::uint16_t> OfferedSuites() const;
};

/// Every profile, in table order.
std::span<const ClientProfile> ClientProfiles();
/// The profile named `name` (case-insensitive), or nullptr.
const ClientProfile* FindClientProfile(std::string_view name);
/// Names as users give them, "all" for every profile; duplicates kept once, in table order.
Result<std::vector<const ClientProfile*>> ResolveClientProfiles(
    const std::vector<std::string>& names);

/// The ClientHello `profile` sends to `server_name` (SNI; empty or an IP literal: none).
ClientHelloSpec ProfileHelloSpec(const ClientProfile& profile, const std::string& server_name);

/// "server_name", "status_request", ... or "0x1234".
std::string ExtensionName(std::uint16_t type);
/// "rsa_pkcs1_sha256", ... or "0x1234".
std::string SignatureAlgorithmName(std::uint16_t scheme);
/// OpenSSL's name of a suite ("ECDHE-RSA-AES256-SHA384"), for cipher strings of balancers and
/// OpenSSL servers; "" when this OpenSSL does not know it.
std::string OpenSslCipherName(std::uint16_t id);

/// Which component carries one Exchange protocol for one Outlook version, and how sure that is.
struct OutlookTransport {
  std::string_view outlook;   // "Outlook 2010"
  std::string_view protocol;  // "Autodiscover", "EWS", "MAPI/HTTP", "RPC/HTTP"
  Component component;
  FactConfidence confidence;
  std::string_view source;
  std::string_view note;
};
std::span<const OutlookTransport> OutlookTransports();

/// The registry change that enables `enable` for clients of `profile`'s family, as a .reg file,
/// with the update that must be installed first.
struct RegistryFix {
  std::uint32_t value = 0;  // DefaultSecureProtocols and SecureProtocols
  RegFile file;
  std::vector<std::string> prerequisites;  // "KB3140245 (...)": install before importing
  std::vector<std::string> notes;          // restart, 32-bit Outlook, ...
};
Result<RegistryFix> BuildRegistryFix(const ClientProfile& profile,
                                     const std::vector<TlsVersion>& enable);

/// Registry paths the fix writes (Microsoft's documented keys; tls-scanners.md §3.2).
inline constexpr std::string_view kWinHttpKey =
    "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\WinHttp";
inline constexpr std::string_view kWinHttpWow64Key =
    "HKEY_LOCAL_MACHINE\\SOFTWARE\\Wow6432Node\\Microsoft\\Windows\\CurrentVersion\\Internet "
    "Settings\\WinHttp";
inline constexpr std::string_view kInternetSettingsUserKey =
    "HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings";
inline constexpr std::string_view kInternetSettingsMachineKey =
    "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings";
/// "HKEY_LOCAL_MACHINE\SYSTEM\...\SCHANNEL\Protocols\TLS 1.2\Client".
std::string SchannelClientKey(TlsVersion v);

}  // namespace probe::tls
