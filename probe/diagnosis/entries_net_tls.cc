// Catalogue entries for the network and TLS-protocol layers (net.*, tls.*).
#include "probe/diagnosis/entries.h"

namespace probe::diagnosis {

const std::vector<CatalogueEntry>& NetTlsEntries() {
  static const std::vector<CatalogueEntry> kEntries = {
      {"net.dns_failure",
       Severity::kCritical,
       "Name does not resolve",
       "The DNS server asked has no A/AAAA record for the name (NXDOMAIN, no data, or a server "
       "failure). Internal and external DNS views often differ during a migration.",
       "Check the record on the DNS server the clients use (exprobe --dns-server ADDR to ask a "
       "chosen server); publish the A record or fix split-brain DNS; use --resolve HOST:PORT:ADDR "
       "to test an endpoint before DNS points at it.",
       {"RFC 1034",
        "https://learn.microsoft.com/exchange/architecture/client-access/autodiscover"}},
      {"net.unreachable",
       Severity::kCritical,
       "Endpoint unreachable or not speaking TLS",
       "The TCP connection was refused or timed out, or the server accepted it and then never "
       "answered a ClientHello, or answered with something that is not TLS (a plain-HTTP port, "
       "a load balancer health page, another service).",
       "Check that the service listens on this address and port (netstat -ano on the server, "
       "the IIS https binding of the Default Web Site), that firewalls and the load balancer "
       "pass the port, and that the port is the TLS one (443), not plain HTTP (80).",
       {"https://learn.microsoft.com/exchange/plan-and-deploy/deployment-ref/network-ports"}},
      {"tls.protocol.legacy_enabled",
       Severity::kWarning,
       "TLS 1.0 or TLS 1.1 accepted",
       "The server still accepts TLS 1.0 and/or TLS 1.1, which are deprecated (RFC 8996) and fail "
       "most compliance baselines. Windows Server 2012 R2/2016 SChannel enables them by default.",
       "Before disabling them, make every client able to use TLS 1.2: Windows 7 / 2008 R2 needs "
       "KB3140245 and WinHttp DefaultSecureProtocols=0xA00 (in both the native and the "
       "Wow6432Node key), Exchange needs .NET SystemDefaultTlsVersions=1 and SchUseStrongCrypto=1. "
       "Then set, under "
       "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS "
       "1.0\\Server and "
       "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS "
       "1.1\\Server, "
       "Enabled=0 and DisabledByDefault=1 (DWORD), and reboot.",
       {"RFC 8996",
        "https://techcommunity.microsoft.com/t5/exchange-team-blog/"
        "exchange-server-tls-guidance-part-2-enabling-tls-1-2-and/ba-p/607761",
        "https://support.microsoft.com/kb/3140245"}},
      {"tls.protocol.legacy_disabled",
       Severity::kOk,
       "TLS 1.0 and TLS 1.1 refused",
       "The server refuses TLS 1.0 and TLS 1.1. Clients limited to them cannot connect: Windows 7 "
       "/ Server 2008 R2 without KB3140245 and DefaultSecureProtocols=0xA00 (Outlook 2010 and "
       "2013 on those machines), old ActiveSync devices, and .NET applications without "
       "SchUseStrongCrypto.",
       "Nothing to do on the server. Check the clients with `exprobe client` and deploy "
       "KB3140245 plus DefaultSecureProtocols=0xA00 where Windows 7 remains.",
       {"https://support.microsoft.com/kb/3140245"}},
      {"tls.protocol.modern_ok",
       Severity::kOk,
       "TLS 1.2 or TLS 1.3 with strong suites",
       "TLS 1.2 or later is accepted with at least one strong cipher suite, so current Outlook and "
       "Windows clients can connect at the TLS layer.",
       "Nothing to do.",
       {}},
      {"tls.protocol.modern_missing",
       Severity::kCritical,
       "No TLS 1.2 or TLS 1.3",
       "The server does not accept TLS 1.2 or TLS 1.3, or accepts them only with weak suites (RC4, "
       "3DES) that current clients no longer offer. Clients configured for TLS 1.2 only (hardened "
       "Windows 10/11, Exchange Online hybrid) fail.",
       "Enable TLS 1.2 for the server side of SChannel: "
       "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS "
       "1.2\\Server "
       "Enabled=1, DisabledByDefault=0 (DWORD); on Windows Server 2008 R2 install the TLS 1.2 "
       "update first; Exchange 2010 needs SP3 RU19 or later; enable AES-GCM/ECDHE suites "
       "(Enable-TlsCipherSuite); reboot.",
       {"https://techcommunity.microsoft.com/t5/exchange-team-blog/"
        "exchange-server-tls-guidance-part-2-enabling-tls-1-2-and/ba-p/607761"}},
      {"tls.protocol.tls13_missing",
       Severity::kInfo,
       "TLS 1.3 not offered",
       "The server does not negotiate TLS 1.3. Exchange Server supports TLS 1.3 only on Windows "
       "Server 2022 and later with Exchange 2019 CU15 or Exchange SE; older servers cannot offer "
       "it.",
       "Nothing to do for Exchange 2016 or older; for Exchange 2019 CU15+/SE on Windows Server "
       "2022, enable TLS 1.3 with the Exchange TLS configuration guidance.",
       {"RFC 8446", "https://learn.microsoft.com/exchange/exchange-tls-configuration"}},
      {"tls.protocol.ssl3_enabled",
       Severity::kCritical,
       "SSL 3.0 accepted",
       "The server accepts SSL 3.0, broken by POODLE (CVE-2014-3566) and prohibited by RFC 7568. "
       "Windows Server 2008 R2 and 2012 enable it for servers by default.",
       "Under "
       "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\SSL "
       "3.0\\Server "
       "set Enabled=0 and DisabledByDefault=1 (DWORD) and reboot; on a load balancer or reverse "
       "proxy "
       "remove SSLv3 from its client-side TLS profile.",
       {"RFC 7568",
        "https://learn.microsoft.com/windows-server/security/tls/tls-registry-settings"}},
      {"tls.protocol.ssl2_enabled",
       Severity::kCritical,
       "SSL 2.0 accepted",
       "The server accepts SSL 2.0 (RFC 6176 prohibits it; DROWN, CVE-2016-0800, uses it to "
       "decrypt TLS sessions that share the key).",
       "Under "
       "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\SSL "
       "2.0\\Server "
       "set Enabled=0 and DisabledByDefault=1 (DWORD) and reboot; replace the certificate's key if "
       "it was ever served over SSL 2.0.",
       {"RFC 6176", "CVE-2016-0800"}},
      {"tls.cipher.weak",
       Severity::kWarning,
       "Weak cipher suites accepted",
       "The server accepts cipher suites with broken or no protection: RC4 (RFC 7465), 3DES and "
       "other 64-bit block ciphers (SWEET32, CVE-2016-2183), DES, EXPORT-grade, NULL encryption "
       "or anonymous key exchange. NULL, EXPORT and anonymous suites make the finding critical.",
       "Remove them from the server's suite list: on Windows, Disable-TlsCipherSuite -Name <suite> "
       "for each, or set the SSL Cipher Suite Order group policy (Computer Configuration > "
       "Administrative Templates > Network > SSL Configuration Settings), and under "
       "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Ciphers set "
       "Enabled=0 for RC4 128/128, Triple DES 168, DES 56/56 and NULL; reboot. Check first that no "
       "Windows XP / Server 2003 client still needs 3DES.",
       {"RFC 7465", "CVE-2016-2183",
        "https://learn.microsoft.com/windows-server/security/tls/manage-tls"}},
      {"tls.cipher.no_forward_secrecy",
       Severity::kWarning,
       "Suites without forward secrecy",
       "The server accepts suites with static RSA (or static DH/ECDH) key exchange: whoever "
       "obtains "
       "the certificate's private key later can decrypt recorded sessions, and TLS inspection "
       "devices rely on exactly that.",
       "Put ECDHE suites first and remove TLS_RSA_* suites once no client needs them: Windows 7 / "
       "2008 R2 with current updates has ECDHE_RSA with AES-CBC, so removing TLS_RSA_WITH_AES_* is "
       "usually safe for Outlook; test a Windows 7 client against the changed server first.",
       {"RFC 7525 §4.1", "https://learn.microsoft.com/windows-server/security/tls/manage-tls"}},
      {"tls.cipher.strong_only",
       Severity::kOk,
       "Only strong, forward-secret suites",
       "Every accepted cipher suite uses (EC)DHE or TLS 1.3 key exchange and a strong cipher.",
       "Nothing to do.",
       {}},
      {"tls.handshake.incomplete",
       Severity::kWarning,
       "Version accepted but handshake fails",
       "The server chose the protocol version (ServerHello) but the handshake did not complete: "
       "a certificate or key the client cannot use, a broken intermediate device, or a server "
       "that fails after the hello. Clients offering this version fail instead of falling back.",
       "Look at the detail: a server alert after the ServerHello usually means a certificate or "
       "key-exchange problem on the server; a reset after it points at a load balancer or "
       "TLS-inspecting device between client and server.",
       {"RFC 5246 §7.3", "RFC 8446 §4"}},
  };
  return kEntries;
}

}  // namespace probe::diagnosis
