// Host-name matching as each kind of client does it, and Outlook Anywhere's `msstd:` principal
// check. Pure string logic (no OpenSSL), so it is fuzzed and tested against real clients.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "probe/core/result.h"

namespace probe::tls {

/// The identifiers a certificate presents, as name matching needs them.
struct CertificateNames {
  std::vector<std::string> common_names;  // every subject CN, in DN order, as UTF-8
  std::vector<std::string> dns_names;     // subjectAltName dNSName, raw bytes, empty ones kept
  std::vector<std::string> ip_addresses;  // subjectAltName iPAddress as text ("192.0.2.1", "::1")
  std::vector<std::string> emails;        // rfc822Name SANs, then subject emailAddress values
  bool has_san_extension = false;         // a subjectAltName extension exists (any entry types)

  /// The last CN (what Windows and most tools call "the" common name), "" when none.
  std::string LastCommonName() const;
};

/// The client families whose name rules differ (tls-scanners.md §4.2-4.3).
enum class NameClient {
  kRfc6125,   // RFC 6125/9525 and browsers: SAN only, `*` = the whole left-most label
  kOpenSsl,   // OpenSSL 3 SSL_set1_host / X509_check_host with flags 0
  kSchannel,  // Windows CryptoAPI SSL policy (WinHTTP, WinINet, .NET, Outlook)
  kCurl,      // libcurl 7.88 (Debian 12) with OpenSSL: its own matcher
};
inline constexpr NameClient kNameClients[] = {NameClient::kRfc6125, NameClient::kOpenSsl,
                                              NameClient::kSchannel, NameClient::kCurl};

std::string_view NameClientName(NameClient client);  // "rfc6125", "openssl", "schannel", "curl"
/// Who the profile stands for, in a few words ("browsers, RFC 9525").
std::string_view NameClientLabel(NameClient client);

/// One client's verdict on one reference name.
struct NameMatch {
  NameClient client = NameClient::kRfc6125;
  bool match = false;
  std::string matched_by;  // the presented identifier that matched ("*.contoso.com", "CN=mail")
  std::string reason;      // why it matched or not, one phrase
};

/// Does `host` (a DNS name or an IP literal, as the client was told to connect) match the
/// certificate for `client`?
NameMatch MatchHostName(const CertificateNames& names, std::string_view host, NameClient client);

/// True for IPv4 dotted quads and IPv6 literals (no brackets).
bool IsIpLiteral(std::string_view host);

/// True when `pattern` is a wildcard name of any form ("*.a.b", "f*.a.b", "*").
bool IsWildcard(std::string_view pattern);

// ---- Outlook Anywhere certificate principal (tls-scanners.md §4.4, exchange-protocols.md §5.4)

/// An `msstd:NAME` principal as Outlook's "Only connect to proxy servers that have this principal
/// name in their certificate" holds it (Autodiscover EXPR CertPrincipalName).
struct MsstdPrincipal {
  std::string name;  // after "msstd:", as given (case kept)

  std::string ToString() const { return "msstd:" + name; }
};

/// Parses "msstd:NAME" (prefix case-insensitive). kInvalidArgument for anything else, including
/// `fullsic:` principals and names with spaces or control characters.
Result<MsstdPrincipal> ParseMsstdPrincipal(std::string_view text);

/// The Windows RPC-over-HTTP runtimes whose rules differ.
enum class WindowsFamily { kXp, kVistaOrLater };
std::string_view WindowsFamilyName(WindowsFamily family);  // "windows_xp", "windows_vista_or_later"

/// How sure a verdict is: documented (Microsoft guidance and consistent field reports) or
/// uncertain (the behaviour is not documented; see the rule text).
enum class Confidence { kDocumented, kUncertain };
std::string_view ConfidenceName(Confidence confidence);  // "documented", "uncertain"

/// One Windows family's verdict on the principal.
struct MsstdVerdict {
  WindowsFamily family = WindowsFamily::kXp;
  bool match = false;
  Confidence confidence = Confidence::kDocumented;
  std::string rule;    // what this runtime compares
  std::string detail;  // what it found for this certificate
};

/// The principal checked against a certificate, per Windows family.
struct MsstdResult {
  std::string principal;              // "msstd:mail.contoso.com"
  bool email_form = false;            // the name has an '@': compared with the certificate's e-mail
  bool equals_cn = false;             // literal (case-insensitive) match with the last subject CN
  bool equals_san = false;            // literal match with some dNSName (or e-mail for the @ form)
  bool wildcard_covers = false;       // a wildcard CN/SAN would cover the name if expanded
  std::vector<MsstdVerdict> clients;  // Windows XP, then Vista and later
  /// A principal that every family accepts for this certificate ("msstd:*.contoso.com"), or ""
  /// when none can (no CN and the XP runtime compares the CN only).
  std::string suggested;

  /// Every family matches.
  bool match() const;
};

MsstdResult MatchMsstd(const CertificateNames& names, const MsstdPrincipal& principal);

}  // namespace probe::tls
