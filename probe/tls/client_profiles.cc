#include "probe/tls/client_profiles.h"

#include <fmt/format.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <cctype>

#include "probe/tls/cipher_suites.h"

namespace probe::tls {
namespace {

using V = TlsVersion;

// ---- sources (tls-scanners.md §3 and §8 say where each was read) ----

constexpr std::string_view kSrcKb3140245 = "KB3140245 (support.microsoft.com/kb/3140245)";
constexpr std::string_view kSrcM365 =
    "Microsoft 365 docs: TLS 1.0 and 1.1 deprecation for Office 365 (\"the Office client relies on "
    "WINHTTP\")";
constexpr std::string_view kSrcSchannelProtocols =
    "Microsoft docs: Protocols in TLS/SSL (Schannel SSP)";
constexpr std::string_view kSrcWinHttpDefaults =
    "MSDN WinHTTP option flags, quoted in cpprestsdk PR #246 (tls-scanners.md §3.3)";
constexpr std::string_view kSrcWin7Suites =
    "Microsoft docs: TLS Cipher Suites in Windows 7 (order after KB3042058)";
constexpr std::string_view kSrcWin81Suites = "Microsoft docs: TLS Cipher Suites in Windows 8.1";
constexpr std::string_view kSrcWin10Suites =
    "Microsoft docs: TLS Cipher Suites in Windows 10 v1607";
constexpr std::string_view kSrcWin11Suites = "Microsoft docs: TLS Cipher Suites in Windows 11";
constexpr std::string_view kSrcCurves =
    "Microsoft docs: TLS Elliptic Curves in Windows 10 1607 and later";
constexpr std::string_view kSrcIe8Win7 =
    "SSL Labs capture 'IE 8-10 Win 7' (testssl etc/client-simulation.txt)";
constexpr std::string_view kSrcIe11Win7 =
    "SSL Labs capture 'IE 11 Win 7' (testssl etc/client-simulation.txt)";
constexpr std::string_view kSrcIe11Win81 =
    "SSL Labs capture 'IE 11 Win 8.1' (testssl etc/client-simulation.txt)";
constexpr std::string_view kSrcEdge15 =
    "SSL Labs capture 'Edge 15 Win 10' (testssl etc/client-simulation.txt)";
constexpr std::string_view kSrcTestsslGcm =
    "testssl PR #1723 (ECDHE_RSA GCM 'appeared later in SChannel')";
constexpr std::string_view kSrcTls1xOff =
    "Microsoft Tech Community: TLS 1.0 and TLS 1.1 soon to be disabled in Windows (2023)";
constexpr std::string_view kSrcStig = "DISA IE11 STIG V-46473 (SecureProtocols 2688 = 0xA80)";
constexpr std::string_view kSrcOpenQuestion =
    "tls-scanners.md §6 (open question, no Windows capture)";
constexpr std::string_view kSrcPfe =
    "Microsoft PFE field report (2016): Outlook 2013 on Windows 7, Autodiscover and Outlook "
    "Anywhere broken with TLS 1.0 off";
constexpr std::string_view kSrcMartin =
    "martinsblog.dk: Outlook 2010 on Windows 7, Outlook Anywhere fixed by KB3140245";
constexpr std::string_view kSrcRpcrt4 =
    "TechNet aa997326: RPC over HTTP is done by rpcrt4.dll, not Outlook";
constexpr std::string_view kSrcMapiHttp2010 =
    "Office 365 message MC85988 / KB3201590: Outlook 2010 needs its later updates for MAPI/HTTP";

// ---- cipher-suite orders (enabled by default; NULL suites, which are explicit-only, left out) --

// Windows 7 / 2008 R2 after KB3042058 and Windows 8.1 / 2012 R2 after KB2919355: the same order.
const std::vector<std::uint16_t> kWin7Suites = {
    0xC028, 0xC027, 0xC014, 0xC013, 0x009F, 0x009E, 0x0039, 0x0033, 0x009D, 0x009C,
    0x003D, 0x003C, 0x0035, 0x002F, 0xC02C, 0xC02B, 0xC024, 0xC023, 0xC00A, 0xC009,
    0x006A, 0x0040, 0x0038, 0x0032, 0x000A, 0x0013, 0x0005, 0x0004};

// Internet Explorer 11 on Windows 7 as captured (SCH_USE_STRONG_CRYPTO: no RC4).
const std::vector<std::uint16_t> kWin7Ie11Suites = {
    0xC028, 0xC027, 0xC014, 0xC013, 0x009F, 0x009E, 0x009D, 0x009C, 0x003D, 0x003C, 0x0035, 0x002F,
    0xC02C, 0xC02B, 0xC024, 0xC023, 0xC00A, 0xC009, 0x006A, 0x0040, 0x0038, 0x0032, 0x000A, 0x0013};

const std::vector<std::uint16_t> kWin10Suites = {
    0xC02C, 0xC02B, 0xC030, 0xC02F, 0x009F, 0x009E, 0xC024, 0xC023, 0xC028, 0xC027,
    0xC00A, 0xC009, 0xC014, 0xC013, 0x0039, 0x0033, 0x009D, 0x009C, 0x003D, 0x003C,
    0x0035, 0x002F, 0x000A, 0x006A, 0x0040, 0x0038, 0x0032, 0x0013, 0x0005, 0x0004};

const std::vector<std::uint16_t> kWin11Suites = {
    0x1302, 0x1301, 0xC02C, 0xC02B, 0xC030, 0xC02F, 0x009F, 0x009E, 0xC024, 0xC023, 0xC028, 0xC027,
    0xC00A, 0xC009, 0xC014, 0xC013, 0x009D, 0x009C, 0x003D, 0x003C, 0x0035, 0x002F, 0x000A};

// ---- extensions, groups and signature algorithms of the captured hellos ----

constexpr std::uint16_t kSni = 0x0000, kStatusRequest = 0x0005, kGroups = 0x000a,
                        kPointFormats = 0x000b, kSigAlgs = 0x000d, kAlpn = 0x0010, kEms = 0x0017,
                        kTicket = 0x0023, kVersions = 0x002b, kPskModes = 0x002d,
                        kKeyShare = 0x0033, kReneg = 0xff01;

const std::vector<std::uint16_t> kExtTls10 = {kSni, kStatusRequest, kGroups, kPointFormats, kReneg};
const std::vector<std::uint16_t> kExtWin7Tls12 = {kSni,     kStatusRequest, kGroups, kPointFormats,
                                                  kSigAlgs, kEms,           kReneg};
const std::vector<std::uint16_t> kExtWin81 = {kSni,     kStatusRequest, kGroups, kPointFormats,
                                              kSigAlgs, kTicket,        kEms,    kReneg};
const std::vector<std::uint16_t> kExtWin11 = {kSni,      kStatusRequest, kGroups, kPointFormats,
                                              kSigAlgs,  kTicket,        kEms,    kVersions,
                                              kPskModes, kKeyShare,      kReneg};

const std::vector<std::uint16_t> kP256P384 = {0x0017, 0x0018};
const std::vector<std::uint16_t> kX25519P256P384 = {0x001d, 0x0017, 0x0018};

const std::vector<std::uint16_t> kSigWin7 = {0x0601, 0x0603, 0x0401, 0x0501, 0x0201,
                                             0x0403, 0x0503, 0x0203, 0x0202};
const std::vector<std::uint16_t> kSigWin81 = {0x0401, 0x0501, 0x0601, 0x0201, 0x0403,
                                              0x0503, 0x0603, 0x0203, 0x0202};
const std::vector<std::uint16_t> kSigWin10 = {0x0401, 0x0501, 0x0201, 0x0403, 0x0503,
                                              0x0203, 0x0202, 0x0601, 0x0603};
const std::vector<std::uint16_t> kSigWin11 = {0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601,
                                              0x0403, 0x0503, 0x0603, 0x0201, 0x0203};

// Facts every Windows 7 WinHTTP profile shares.
const ProfileFact kFactWin7Gcm = {
    FactTopic::kSuites,
    "Microsoft's Windows 7 list has no ECDHE_RSA with AES-GCM (0xC02F, 0xC030): AES-GCM with "
    "ECDHE only for ECDSA certificates",
    FactConfidence::kDocumented, kSrcWin7Suites};
const ProfileFact kFactGcmLater = {
    FactTopic::kSuites,
    "later SChannel updates may have added ECDHE_RSA with AES-GCM to Windows 7 and 8.1; only a "
    "patched machine can settle it",
    FactConfidence::kInferred, kSrcTestsslGcm};
const ProfileFact kFactRc4 = {
    FactTopic::kSuites,
    "RC4 (0x0005, 0x0004) is kept: WinHTTP is not known to pass SCH_USE_STRONG_CRYPTO, which "
    "filters it for Internet Explorer",
    FactConfidence::kInferred, "tls-scanners.md §3.6"};
const ProfileFact kFactDheRsa = {
    FactTopic::kSuites,
    "DHE_RSA with AES-CBC (0x0039, 0x0033) is in Microsoft's table but absent from the captured "
    "Windows 7 hellos",
    FactConfidence::kInferred, kSrcOpenQuestion};
const ProfileFact kFactFallback = {
    FactTopic::kFallback,
    "one hello per client: whether SChannel retries with a lower version after a failure is not "
    "modelled",
    FactConfidence::kInferred, kSrcOpenQuestion};
const ProfileFact kFactWinHttpHello = {
    FactTopic::kHello,
    "the extensions are Internet Explorer's on the same Windows (SChannel builds the hello); "
    "whether a WinHTTP caller sends exactly these is not proven",
    FactConfidence::kInferred, kSrcOpenQuestion};

std::vector<ClientProfile> BuildTable() {
  return {
      {"win7",
       "Windows 7 / Server 2008 R2, WinHTTP defaults (Outlook without KB3140245)",
       WindowsRelease::kWin7,
       Component::kWinHttp,
       "",
       {V::kSsl3, V::kTls10},
       0x0301,
       kWin7Suites,
       kExtTls10,
       kP256P384,
       {},
       {},
       "win7-kb3140245",
       {{FactTopic::kVersions,
         "WinHTTP offers SSL 3.0 and TLS 1.0 only; TLS 1.1 and 1.2 need KB3140245 plus "
         "DefaultSecureProtocols",
         FactConfidence::kDocumented, kSrcKb3140245},
        {FactTopic::kVersions,
         "SChannel's TLS 1.1 and TLS 1.2 client sides are disabled by default on Windows 7",
         FactConfidence::kDocumented, kSrcSchannelProtocols},
        {FactTopic::kSuites, "suite order: Microsoft's Windows 7 list, TLS 1.0 suites only",
         FactConfidence::kDocumented, kSrcWin7Suites},
        kFactRc4,
        kFactDheRsa,
        {FactTopic::kHello,
         "extensions from the captured TLS 1.0 hello; P-521 left out as after KB3042058",
         FactConfidence::kCaptured, kSrcIe8Win7},
        kFactFallback}},
      {"win7-kb3140245",
       "Windows 7 / Server 2008 R2, WinHTTP with KB3140245, DefaultSecureProtocols=0xA00 and the "
       "SCHANNEL TLS 1.1/1.2 client keys",
       WindowsRelease::kWin7,
       Component::kWinHttp,
       "KB3140245; DefaultSecureProtocols=0xA00 (WinHttp and Wow6432Node\\...\\WinHttp); "
       "SCHANNEL\\Protocols\\TLS 1.1\\Client and TLS 1.2\\Client Enabled=1, DisabledByDefault=0",
       {V::kTls11, V::kTls12},
       0x0303,
       kWin7Suites,
       kExtWin7Tls12,
       kP256P384,
       kSigWin7,
       {},
       "",
       {{FactTopic::kVersions, "0xA00 = TLS 1.1 + TLS 1.2, the value KB3140245 gives",
         FactConfidence::kDocumented, kSrcKb3140245},
        {FactTopic::kVersions,
         "assumes the SCHANNEL client keys are set, as KB3140245 asks; whether "
         "DefaultSecureProtocols alone enables TLS 1.2 on Windows 7 is not settled",
         FactConfidence::kInferred, kSrcOpenQuestion},
        {FactTopic::kSuites, "suite order: Microsoft's Windows 7 list", FactConfidence::kDocumented,
         kSrcWin7Suites},
        kFactWin7Gcm,
        kFactGcmLater,
        kFactRc4,
        kFactDheRsa,
        {FactTopic::kHello, "extensions, groups and signature algorithms of IE 11 on Windows 7",
         FactConfidence::kCaptured, kSrcIe11Win7},
        kFactWinHttpHello,
        kFactFallback}},
      {"win7-ie11",
       "Windows 7, Internet Explorer 11 (WinINet, SecureProtocols=0xA80): not Outlook's path",
       WindowsRelease::kWin7,
       Component::kWinInet,
       "SecureProtocols=0xA80 (Internet Settings)",
       {V::kTls10, V::kTls11, V::kTls12},
       0x0303,
       kWin7Ie11Suites,
       kExtWin7Tls12,
       kP256P384,
       kSigWin7,
       {},
       "",
       {{FactTopic::kVersions, "IE 11 with SecureProtocols=0xA80 offers TLS 1.0-1.2",
         FactConfidence::kDocumented, kSrcStig},
        {FactTopic::kHello, "the whole hello as captured", FactConfidence::kCaptured, kSrcIe11Win7},
        {FactTopic::kVersions,
         "Internet Explorer working on a machine proves nothing about Outlook, which goes through "
         "WinHTTP",
         FactConfidence::kFieldReport, kSrcPfe},
        kFactWin7Gcm,
        kFactGcmLater}},
      {"win81",
       "Windows 8.1 / Server 2012 R2, WinHTTP defaults",
       WindowsRelease::kWin81,
       Component::kWinHttp,
       "",
       {V::kSsl3, V::kTls10, V::kTls11, V::kTls12},
       0x0303,
       kWin7Suites,
       kExtWin81,
       kP256P384,
       kSigWin81,
       {},
       "",
       {{FactTopic::kVersions, "WinHTTP enables SSL 3.0 and TLS 1.0-1.2 by default on 8.1 and 10",
         FactConfidence::kInferred, kSrcWinHttpDefaults},
        {FactTopic::kSuites, "suite order: Microsoft's Windows 8.1 list (the same as Windows 7's)",
         FactConfidence::kDocumented, kSrcWin81Suites},
        {FactTopic::kSuites,
         "no ECDHE_RSA with AES-GCM (0xC02F, 0xC030) in Microsoft's Windows 8.1 list",
         FactConfidence::kDocumented, kSrcWin81Suites},
        kFactGcmLater,
        kFactRc4,
        {FactTopic::kHello,
         "extensions of IE 11 on Windows 8.1 without its ALPN and NPN, which are Internet "
         "Explorer's",
         FactConfidence::kCaptured, kSrcIe11Win81},
        kFactWinHttpHello,
        kFactFallback}},
      {"win10",
       "Windows 10 1607 / Server 2016, WinHTTP defaults",
       WindowsRelease::kWin10,
       Component::kWinHttp,
       "",
       {V::kTls10, V::kTls11, V::kTls12},
       0x0303,
       kWin10Suites,
       kExtWin81,
       kX25519P256P384,
       kSigWin10,
       {},
       "",
       {{FactTopic::kVersions, "TLS 1.0-1.2 client enabled, SSL 3.0 client disabled from 1607",
         FactConfidence::kDocumented, kSrcSchannelProtocols},
        {FactTopic::kSuites, "suite order: Microsoft's Windows 10 v1607 list",
         FactConfidence::kDocumented, kSrcWin10Suites},
        {FactTopic::kHello, "groups: curve25519, NistP256, NistP384 in that order",
         FactConfidence::kDocumented, kSrcCurves},
        {FactTopic::kHello,
         "extensions of the Edge 15 (SChannel) hello without its ALPN and token binding",
         FactConfidence::kCaptured, kSrcEdge15},
        kFactRc4,
        kFactWinHttpHello,
        kFactFallback}},
      {"win11",
       "Windows 11 / Server 2022, WinHTTP defaults (TLS 1.3)",
       WindowsRelease::kWin11,
       Component::kWinHttp,
       "",
       {V::kTls10, V::kTls11, V::kTls12, V::kTls13},
       0x0303,
       kWin11Suites,
       kExtWin11,
       kX25519P256P384,
       kSigWin11,
       {0x001d},
       "",
       {{FactTopic::kSuites, "suite order: Microsoft's Windows 11 list",
         FactConfidence::kDocumented, kSrcWin11Suites},
        {FactTopic::kVersions,
         "TLS 1.0 and 1.1 still on in released builds; Windows builds from late 2023 turn them "
         "off by default",
         FactConfidence::kInferred, kSrcTls1xOff},
        {FactTopic::kHello,
         "no SChannel TLS 1.3 hello was captured: extensions, key share (x25519) and signature "
         "algorithms are inferred from Windows 10's and RFC 8446",
         FactConfidence::kInferred, kSrcOpenQuestion},
        kFactFallback}},
  };
}

const std::vector<ClientProfile>& Table() {
  static const std::vector<ClientProfile> kTable = BuildTable();
  return kTable;
}

const std::vector<FamilyInfo>& Families() {
  static const std::vector<FamilyInfo> kFamilies = {
      {WindowsRelease::kWin7,
       "Windows 7 / Server 2008 R2",
       {V::kSsl2, V::kSsl3, V::kTls10, V::kTls11, V::kTls12},
       {V::kSsl2, V::kTls11, V::kTls12},
       "KB3140245",
       "Windows 7 SP1, Windows Server 2008 R2 SP1 and Windows Server 2012"},
      {WindowsRelease::kWin81,
       "Windows 8.1 / Server 2012 R2",
       {V::kSsl2, V::kSsl3, V::kTls10, V::kTls11, V::kTls12},
       {V::kSsl2},
       "",
       ""},
      {WindowsRelease::kWin10,
       "Windows 10 / Server 2016",
       {V::kSsl3, V::kTls10, V::kTls11, V::kTls12},
       {V::kSsl3},
       "",
       ""},
      {WindowsRelease::kWin11,
       "Windows 11 / Server 2022",
       {V::kSsl3, V::kTls10, V::kTls11, V::kTls12, V::kTls13},
       {V::kSsl3},
       "",
       ""},
  };
  return kFamilies;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool Contains(const std::vector<TlsVersion>& versions, TlsVersion v) {
  return std::find(versions.begin(), versions.end(), v) != versions.end();
}

RegKey DwordKey(std::string_view path, std::vector<std::pair<std::string, std::uint32_t>> values) {
  RegKey key;
  key.path = std::string(path);
  for (auto& [name, data] : values) {
    RegValue v;
    v.name = name;
    v.dword = data;
    key.values.push_back(std::move(v));
  }
  return key;
}

Result<void> CheckEnable(const FamilyInfo& family, const std::vector<TlsVersion>& enable) {
  if (enable.empty())
    return Fail(ErrorCode::kInvalidArgument, "name at least one version to enable");
  for (TlsVersion v : enable) {
    if (v < V::kTls10) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("the fix enables TLS versions only, not {}", VersionDisplay(v)));
    }
    if (!Contains(family.speakable, v)) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("{} cannot speak {} as a client", family.display, VersionDisplay(v)));
    }
  }
  return {};
}

}  // namespace

std::string_view ComponentName(Component c) {
  return c == Component::kWinHttp ? "WinHTTP" : "WinINet";
}

std::string_view FactConfidenceName(FactConfidence c) {
  switch (c) {
    case FactConfidence::kDocumented:
      return "documented";
    case FactConfidence::kCaptured:
      return "captured";
    case FactConfidence::kFieldReport:
      return "field report";
    case FactConfidence::kInferred:
      return "inferred";
  }
  return "inferred";
}

const FamilyInfo& Family(WindowsRelease family) {
  for (const auto& f : Families()) {
    if (f.family == family) return f;
  }
  return Families().front();
}

bool ClientProfile::Enables(TlsVersion v) const { return Contains(versions, v); }

std::vector<std::uint16_t> ClientProfile::OfferedSuites() const {
  std::vector<std::uint16_t> out;
  for (std::uint16_t id : suites) {
    const CipherSuite* s = FindCipherSuite(id);
    bool usable = s && std::any_of(versions.begin(), versions.end(),
                                   [s](TlsVersion v) { return s->UsableWith(v); });
    if (usable) out.push_back(id);
  }
  return out;
}

std::span<const ClientProfile> ClientProfiles() { return Table(); }

const ClientProfile* FindClientProfile(std::string_view name) {
  std::string want = Lower(name);
  for (const auto& p : Table()) {
    if (p.name == want) return &p;
  }
  return nullptr;
}

Result<std::vector<const ClientProfile*>> ResolveClientProfiles(
    const std::vector<std::string>& names) {
  std::vector<bool> chosen(Table().size(), false);
  for (const auto& name : names) {
    if (Lower(name) == "all") {
      chosen.assign(chosen.size(), true);
      continue;
    }
    const ClientProfile* p = FindClientProfile(name);
    if (!p) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("--client '{}' is not a profile (exprobe client list)", name));
    }
    chosen[static_cast<std::size_t>(p - Table().data())] = true;
  }
  std::vector<const ClientProfile*> out;
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    if (chosen[i]) out.push_back(&Table()[i]);
  }
  return out;
}

ClientHelloSpec ProfileHelloSpec(const ClientProfile& profile, const std::string& server_name) {
  ClientHelloSpec spec;
  spec.version = profile.MaxVersion();
  spec.record_version = profile.record_version;
  spec.cipher_suites = profile.OfferedSuites();
  spec.renegotiation_scsv = false;  // SChannel sends the renegotiation_info extension instead
  spec.server_name = server_name;
  spec.groups = profile.groups;
  spec.key_share_groups = profile.key_share_groups;
  spec.extension_order = profile.extensions;
  spec.signature_algorithms = profile.signature_algorithms;
  if (profile.MaxVersion() == V::kTls13) {
    std::vector<std::uint16_t> versions;
    for (auto it = profile.versions.rbegin(); it != profile.versions.rend(); ++it) {
      if (*it >= V::kTls10) versions.push_back(WireVersion(*it));
    }
    spec.supported_versions = versions;
  }
  return spec;
}

std::string ExtensionName(std::uint16_t type) {
  switch (type) {
    case kSni:
      return "server_name";
    case kStatusRequest:
      return "status_request";
    case kGroups:
      return "supported_groups";
    case kPointFormats:
      return "ec_point_formats";
    case kSigAlgs:
      return "signature_algorithms";
    case kAlpn:
      return "application_layer_protocol_negotiation";
    case kEms:
      return "extended_master_secret";
    case kTicket:
      return "session_ticket";
    case kVersions:
      return "supported_versions";
    case kPskModes:
      return "psk_key_exchange_modes";
    case kKeyShare:
      return "key_share";
    case kReneg:
      return "renegotiation_info";
    default:
      return fmt::format("0x{:04x}", type);
  }
}

std::string SignatureAlgorithmName(std::uint16_t scheme) {
  static constexpr std::pair<std::uint16_t, std::string_view> kNames[] = {
      {0x0201, "rsa_pkcs1_sha1"},
      {0x0202, "dsa_sha1"},
      {0x0203, "ecdsa_sha1"},
      {0x0401, "rsa_pkcs1_sha256"},
      {0x0403, "ecdsa_secp256r1_sha256"},
      {0x0501, "rsa_pkcs1_sha384"},
      {0x0503, "ecdsa_secp384r1_sha384"},
      {0x0601, "rsa_pkcs1_sha512"},
      {0x0603, "ecdsa_secp521r1_sha512"},
      {0x0804, "rsa_pss_rsae_sha256"},
      {0x0805, "rsa_pss_rsae_sha384"},
      {0x0806, "rsa_pss_rsae_sha512"},
      {0x0807, "ed25519"},
      {0x0808, "ed448"}};
  for (const auto& [id, name] : kNames) {
    if (id == scheme) return std::string(name);
  }
  return fmt::format("0x{:04x}", scheme);
}

std::string OpenSslCipherName(std::uint16_t id) {
  const CipherSuite* suite = FindCipherSuite(id);
  if (!suite) return "";
  std::string standard(suite->name);
  const char* name = OPENSSL_cipher_name(standard.c_str());
  if (!name || std::string_view(name) == "(NONE)") return "";
  return name;
}

std::span<const OutlookTransport> OutlookTransports() {
  using C = FactConfidence;
  constexpr auto kHttp = Component::kWinHttp;
  static const std::vector<OutlookTransport> kRows = {
      {"Outlook 2010", "Autodiscover", kHttp, C::kInferred, kSrcM365,
       "Microsoft documents Office's TLS as WinHTTP's, not per protocol"},
      {"Outlook 2010", "EWS", kHttp, C::kInferred, kSrcM365,
       "free/busy, out of office; same reasoning as Autodiscover"},
      {"Outlook 2010", "MAPI/HTTP", kHttp, C::kInferred, kSrcMapiHttp2010,
       "only with the later Outlook 2010 updates; RPC/HTTP otherwise"},
      {"Outlook 2010", "RPC/HTTP", kHttp, C::kFieldReport, kSrcMartin,
       "done by rpcrt4.dll; DefaultSecureProtocols fixing it implies WinHTTP's protocols"},
      {"Outlook 2013", "Autodiscover", kHttp, C::kFieldReport, kSrcPfe,
       "broken on Windows 7 once the server refused TLS 1.0, while IE on the same box worked"},
      {"Outlook 2013", "EWS", kHttp, C::kInferred, kSrcM365, ""},
      {"Outlook 2013", "MAPI/HTTP", kHttp, C::kInferred, kSrcM365, "from Outlook 2013 SP1"},
      {"Outlook 2013", "RPC/HTTP", kHttp, C::kFieldReport, kSrcPfe,
       "Outlook Anywhere broke with Autodiscover in the same report; transport is rpcrt4.dll"},
      {"Outlook 2016/2019/365", "Autodiscover", kHttp, C::kDocumented, kSrcM365,
       "\"the Office client relies on the Windows web service (WINHTTP)\""},
      {"Outlook 2016/2019/365", "EWS", kHttp, C::kInferred, kSrcM365, ""},
      {"Outlook 2016/2019/365", "MAPI/HTTP", kHttp, C::kInferred, kSrcM365,
       "the default protocol against Exchange 2016 and later"},
      {"Outlook 2016/2019/365", "RPC/HTTP", kHttp, C::kInferred, kSrcRpcrt4,
       "the runtime, not Outlook, opens the TLS connection"},
  };
  return kRows;
}

std::string SchannelClientKey(TlsVersion v) {
  return fmt::format(
      "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\"
      "Protocols\\{}\\Client",
      VersionDisplay(v));
}

// WinHTTP's value in both views (32-bit Outlook on 64-bit Windows reads Wow6432Node), WinINet's
// for the user and the machine, then SChannel's client keys for each version enabled.
Result<RegistryFix> BuildRegistryFix(const ClientProfile& profile,
                                     const std::vector<TlsVersion>& enable) {
  const FamilyInfo& family = Family(profile.family);
  if (auto ok = CheckEnable(family, enable); !ok) return Fail(ok.error());
  RegistryFix fix;
  fix.value = EncodeProtocols(enable);
  fix.file.keys.push_back(DwordKey(kWinHttpKey, {{"DefaultSecureProtocols", fix.value}}));
  fix.file.keys.push_back(DwordKey(kWinHttpWow64Key, {{"DefaultSecureProtocols", fix.value}}));
  fix.file.keys.push_back(DwordKey(kInternetSettingsUserKey, {{"SecureProtocols", fix.value}}));
  fix.file.keys.push_back(DwordKey(kInternetSettingsMachineKey, {{"SecureProtocols", fix.value}}));
  std::vector<TlsVersion> sorted = enable;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  for (TlsVersion v : sorted) {
    fix.file.keys.push_back(
        DwordKey(SchannelClientKey(v), {{"DisabledByDefault", 0}, {"Enabled", 1}}));
  }
  if (!family.update.empty()) {
    fix.prerequisites.push_back(fmt::format(
        "{} ({}); WinHTTP ignores DefaultSecureProtocols without it, and its installer does not "
        "add the value",
        family.update, family.update_scope));
  }
  fix.notes.push_back(
      "restart Windows afterwards: SChannel reads its protocol keys for new credential handles "
      "only");
  fix.notes.push_back(
      "the Wow6432Node copy is the one 32-bit Outlook reads on 64-bit Windows; importing it on "
      "32-bit Windows is harmless");
  return fix;
}

}  // namespace probe::tls
