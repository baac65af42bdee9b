// Catalogue entries for Windows client simulation and registry values (client.*): which Windows
// clients connect to a server, why the others do not, and the registry values that decide it.
#include "probe/diagnosis/entries.h"

namespace probe::diagnosis {
namespace {

constexpr std::string_view kKb3140245 = "https://support.microsoft.com/kb/3140245";
constexpr std::string_view kOffice365Tls =
    "https://learn.microsoft.com/microsoft-365/compliance/"
    "tls-1.0-and-1.1-deprecation-for-office-365";
constexpr std::string_view kTlsRegistry =
    "https://learn.microsoft.com/windows-server/security/tls/tls-registry-settings";
constexpr std::string_view kWin7Suites =
    "https://learn.microsoft.com/windows/win32/secauthn/tls-cipher-suites-in-windows-7";
constexpr std::string_view kExchangeTls =
    "https://learn.microsoft.com/exchange/plan-and-deploy/post-installation-tasks/"
    "security-best-practices/exchange-tls-configuration";
constexpr std::string_view kEnableTlsCipherSuite =
    "https://learn.microsoft.com/powershell/module/tls/enable-tlsciphersuite";
constexpr std::string_view kCurveOrder =
    "https://learn.microsoft.com/windows-server/security/tls/manage-tls";

}  // namespace

const std::vector<CatalogueEntry>& ClientEntries() {
  static const std::vector<CatalogueEntry> kEntries = {
      {"client.ok",
       Severity::kOk,
       "Simulated Windows client connects",
       "The server answered this Windows client's own ClientHello (its versions, suites in its "
       "order, its extensions and groups) with a version and a suite the client enables, so the "
       "client completes the TLS layer. The certificate is judged separately (exprobe cert).",
       "Nothing to do.",
       {}},
      {"client.no_common_protocol",
       Severity::kCritical,
       "Client and server share no TLS version",
       "The client offers no version the server accepts. The classic case: Windows 7 / Server "
       "2008 R2, where WinHTTP (which carries Outlook's Autodiscover, EWS, MAPI/HTTP and "
       "RPC/HTTP) offers only SSL 3.0 and TLS 1.0 until KB3140245 and DefaultSecureProtocols are "
       "in place, and SChannel's TLS 1.1/1.2 client sides are off by default; a server locked "
       "down to TLS 1.2 refuses it (Outlook prompts or cannot connect, SChannel error "
       "0x80090326). Internet Explorer on the same machine may work: it reads SecureProtocols "
       "(WinINet), not WinHTTP's value. The reverse also happens: a server that speaks only TLS "
       "1.0 and a client that has TLS 1.0 turned off.",
       "On a Windows 7 / 2008 R2 / 2012 client: install KB3140245; set the DWORD "
       "DefaultSecureProtocols=0x00000A00 (TLS 1.1 + TLS 1.2) under "
       "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\WinHttp and, on "
       "64-bit Windows, under HKLM\\SOFTWARE\\Wow6432Node\\Microsoft\\Windows\\CurrentVersion\\"
       "Internet Settings\\WinHttp (32-bit Outlook reads that one); set Enabled=1 and "
       "DisabledByDefault=0 under HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\"
       "SCHANNEL\\Protocols\\TLS 1.1\\Client and ...\\TLS 1.2\\Client; restart. `exprobe client "
       "fix --profile win7 --enable tls1.1,tls1.2` writes these as a .reg file. Beware the "
       "values circulating in posts: 0xA8 is SSL 2.0 + SSL 3.0 + TLS 1.0 and 0xA08 is SSL 2.0 + "
       "TLS 1.1 + TLS 1.2; TLS 1.0 + 1.1 + 1.2 is 0xA80. When the server is the old side, enable "
       "TLS 1.2 on it instead (SCHANNEL\\Protocols\\TLS 1.2\\Server Enabled=1, "
       "DisabledByDefault=0).",
       {kKb3140245, kOffice365Tls, kTlsRegistry}},
      {"client.no_common_cipher",
       Severity::kCritical,
       "Client and server share a version but no cipher suite",
       "Both sides enable a TLS version, but none of the client's suites is among the server's. "
       "The classic case: a TLS 1.2 server with an RSA certificate hardened to ECDHE_RSA with "
       "AES-GCM only (0xC02F, 0xC030, a common Linux and load-balancer profile). Microsoft's "
       "default lists for Windows 7 and 8.1 have no ECDHE_RSA AES-GCM suite (AES-GCM with ECDHE "
       "only for ECDSA certificates), so those clients fail even with TLS 1.2 enabled.",
       "On the server, add a suite the client offers that fits the certificate: for Windows 7 / "
       "8.1 and an RSA certificate, TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384 (0xC028) and "
       "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256 (0xC027), which Microsoft's Exchange TLS guidance "
       "keeps (Windows: Enable-TlsCipherSuite; OpenSSL or a balancer: ECDHE-RSA-AES256-SHA384, "
       "ECDHE-RSA-AES128-SHA256). Or retire the client OS; adding TLS versions on the client does "
       "not help.",
       {kWin7Suites, kExchangeTls, kEnableTlsCipherSuite}},
      {"client.refused",
       Severity::kCritical,
       "Server refuses the client's hello despite a shared version and suite",
       "The client and the server share a TLS version and at least one suite, and the server "
       "still refuses this client's hello: typically no common elliptic curve for the ECDHE "
       "suites (a server limited to X25519 against Windows before 10, which offers P-256 and "
       "P-384), a signature algorithm the server requires, or an extension it rejects.",
       "Compare the client's hello (exprobe client show PROFILE) with the server's accepted "
       "groups (exprobe tls): enable P-256 (secp256r1) and P-384 on the server's curve list, or "
       "the signature algorithms the client offers.",
       {kCurveOrder}},
      {"client.registry_value_suspicious",
       Severity::kWarning,
       "Registry protocol value probably not what was meant",
       "DefaultSecureProtocols (WinHTTP) and SecureProtocols (WinINet) are bitmasks: SSL 2.0 "
       "0x8, SSL 3.0 0x20, TLS 1.0 0x80, TLS 1.1 0x200, TLS 1.2 0x800, TLS 1.3 0x2000. Values "
       "copied from admin posts are often wrong: 0xA8 (the old WINHTTP_FLAG_SECURE_PROTOCOL_ALL) "
       "is SSL 2.0 + SSL 3.0 + TLS 1.0, 0xA08 is SSL 2.0 + TLS 1.1 + TLS 1.2 (a dropped zero), "
       "and a decimal number typed as hex (dword:00002560) sets server bits that mean nothing "
       "here.",
       "Use 0xA00 (2560) for TLS 1.1 + TLS 1.2 or 0xA80 (2688) for TLS 1.0 + TLS 1.1 + TLS 1.2 "
       "(0x2A00 adds TLS 1.3 on Windows 11 / Server 2022); `exprobe client fix` writes every key "
       "with the right value.",
       {kKb3140245, kOffice365Tls}},
      {"client.registry_value_ok",
       Severity::kOk,
       "Registry protocol value enables what such values are meant to",
       "The value enables TLS 1.2 (or later), no SSL, and no bit outside the protocol layout.",
       "Nothing to do; on Windows 7 / 2008 R2 / 2012 DefaultSecureProtocols needs KB3140245 to "
       "take effect.",
       {kKb3140245}},
  };
  return kEntries;
}

}  // namespace probe::diagnosis
