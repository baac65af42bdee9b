// Scenario: what a tlslab run serves (listeners, their TLS profiles and certificates), parsed from
// YAML. The parser is pure (text in, Result out) so it can be fuzzed and never throws.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probe/core/result.h"

namespace tlslab {

using probe::Error;
using probe::ErrorCode;
using probe::Result;

/// A TLS protocol version a listener can enable, oldest first (the order defines ranges).
enum class TlsVersion { kTls10, kTls11, kTls12, kTls13 };

/// Scenario spelling of a version: "tls1.0" .. "tls1.3".
std::string_view TlsVersionName(TlsVersion version);
/// Human spelling: "TLS 1.0" .. "TLS 1.3".
std::string_view TlsVersionLabel(TlsVersion version);
std::optional<TlsVersion> ParseTlsVersion(std::string_view name);

/// How a certificate is made and served; each kind reproduces one thing clients trip over.
enum class CertificateKind {
  kLeaf,                 // signed by the intermediate, served with it
  kWildcard,             // a leaf whose names include "*.domain"
  kSan,                  // a leaf with several subjectAltNames
  kCnOnly,               // a leaf without subjectAltName (modern clients refuse it)
  kExpired,              // notAfter in the past
  kSelfSigned,           // issuer == subject, no chain
  kSha1,                 // signed with SHA-1
  kRsa1024,              // a 1024-bit RSA key
  kMissingIntermediate,  // signed by the intermediate, served without it
};

/// Scenario spelling of a kind: "leaf", "wildcard", ..., "missing_intermediate".
std::string_view CertificateKindName(CertificateKind kind);
std::optional<CertificateKind> ParseCertificateKind(std::string_view name);

/// A named certificate to mint at start.
struct CertificateSpec {
  std::string name;
  CertificateKind kind = CertificateKind::kLeaf;
  std::string cn;                // subject CN; defaults to the first SAN
  std::vector<std::string> san;  // DNS names and IP addresses, in order
  int line = 0;                  // where it is declared, for later error messages
};

/// The TLS profile of one listener: an inclusive version range plus optional OpenSSL cipher
/// strings (absent: OpenSSL's defaults).
struct TlsSettings {
  TlsVersion min_version = TlsVersion::kTls12;
  TlsVersion max_version = TlsVersion::kTls13;
  std::optional<std::string> ciphers;       // OpenSSL cipher string, TLS <= 1.2
  std::optional<std::string> ciphersuites;  // TLS 1.3 suites

  bool Enables(TlsVersion v) const { return v >= min_version && v <= max_version; }
};

/// A lab account (top-level `users:`). The password is a lab-only secret written in the scenario
/// in clear; tlslab never prints or logs it.
struct UserSpec {
  std::string account;  // "CONTOSO\alice", as written
  std::string domain;   // "CONTOSO"
  std::string user;     // "alice"
  std::string password;
  int line = 0;
};

/// An HTTP authentication scheme a listener offers (one WWW-Authenticate header each).
/// kBearer is offered only (an Exchange hybrid answer, OAuth for Office 365): the lab never
/// accepts a Bearer token, as an on-premises server without OAuth set up would not.
enum class AuthScheme { kNegotiate, kNtlm, kBearer };
/// The HTTP spelling: "Negotiate", "NTLM".
std::string_view AuthSchemeName(AuthScheme scheme);
/// Case-insensitive, as HTTP scheme names are.
std::optional<AuthScheme> ParseAuthScheme(std::string_view name);

/// Extended Protection (channel binding) like IIS's tokenChecking: off = None, accept = Allow,
/// require = Require.
enum class EpaMode { kOff, kAccept, kRequire };
std::string_view EpaModeName(EpaMode mode);  // "off", "accept", "require"
std::optional<EpaMode> ParseEpaMode(std::string_view name);

/// A fault of a listener's authentication, each named after what it reproduces.
enum class AuthFault {
  kCloseAfterChallenge,  // a balancer that does not keep NTLM's connection after the CHALLENGE
  kAlways401,            // a back end rejecting what the front end accepted (KB3140410)
  kKerberosOnly,         // only Negotiate offered, and NTLM refused inside it too
  kSharedUpstream,       // a proxy pooling authenticated upstream connections across clients
};
std::string_view AuthFaultName(AuthFault fault);  // "close_after_challenge", ...
std::optional<AuthFault> ParseAuthFault(std::string_view name);

/// The Windows Server a listener's NTLM VERSION announces.
enum class WindowsServer { k2008R2, k2012R2, k2016, k2019, k2022 };
std::string_view WindowsServerName(WindowsServer server);  // "2008r2", ..., "2022"
std::optional<WindowsServer> ParseWindowsServer(std::string_view name);

/// A listener's NTLM/Negotiate authentication (the listener's `auth:` mapping):
///   users:                          # top level: the accounts every auth listener checks
///     - account: CONTOSO\alice      # NetBIOS domain \ user
///       password: "Passw0rd!"       # lab-only
///   listeners:
///     - name: frontend
///       auth:                       # absent: no authentication
///         schemes: [Negotiate, NTLM]  # offer order (default); NTLM and/or Negotiate
///         computer: EX2016FE          # required NetBIOS name (1-15 of A-Z 0-9 - _)
///         domain: CONTOSO             # required NetBIOS domain
///         dns_domain: contoso.test    # default: lower(domain) + ".test"
///         windows: "2016"             # 2008r2 | 2012r2 | 2016 (default) | 2019 | 2022
///         epa: accept                 # off (default) | accept | require
///         faults: [close_after_challenge, always_401, kerberos_only, shared_upstream]
///         anonymous: ["/healthcheck.htm"]  # path suffixes served without auth (the default)
struct AuthSettings {
  std::vector<AuthScheme> schemes{AuthScheme::kNegotiate, AuthScheme::kNtlm};  // offer order
  std::string computer;    // NetBIOS computer name, upper case: CHALLENGE and X-FEServer
  std::string domain;      // NetBIOS domain name, upper case
  std::string dns_domain;  // default: the domain in lower case + ".test"
  WindowsServer windows = WindowsServer::k2016;
  EpaMode epa = EpaMode::kOff;
  std::vector<AuthFault> faults;
  std::vector<std::string> anonymous{"/healthcheck.htm"};  // path suffixes served without auth
  int line = 0;

  bool Has(AuthFault fault) const;
  /// "ex2016fe.contoso.test": the computer's DNS name.
  std::string DnsComputer() const;
};

/// The Exchange release a server or mailbox runs: the two sides of the coexistence.
enum class ExchangeRelease { k2010, k2016 };
std::string_view ExchangeReleaseName(ExchangeRelease release);  // "2010", "2016"
std::optional<ExchangeRelease> ParseExchangeRelease(std::string_view name);

/// The organization (top-level `organization:`); every field has a default.
struct OrganizationSpec {
  std::string domain = "contoso.test";  // SMTP domain of the mailboxes
  /// "Contoso": the /o= of derived legacy DNs (the first label of the domain, capitalised).
  std::string Name() const;
};

/// A scenario mailbox (top-level `mailboxes:`):
///   - address: alice@contoso.test
///     account: CONTOSO\alice     # one of `users:`: who may open it
///     display_name: Alice        # default: the local part
///     version: "2016"            # "2016" (default) or "2010"
///     server: EX2016MBX          # required NetBIOS name of the mailbox server
///     legacy_dn: "/o=..."        # default: /o=<Org>/ou=Exchange Administrative Group
///                                #   (FYDIBOHF23SPDLT)/cn=Recipients/cn=<local part>
///     moved_to: EX2016MBX        # optional: where the mailbox was moved (EWS routes there)
///     moved_version: "2016"      # the release of moved_to (default: "2016")
struct MailboxSpec {
  std::string address;
  std::string account;
  std::string display_name;
  ExchangeRelease version = ExchangeRelease::k2016;
  std::string server;
  std::string legacy_dn;  // never empty after parsing (derived when absent)
  std::string moved_to;   // "" = not moved
  ExchangeRelease moved_version = ExchangeRelease::k2016;
  int line = 0;

  bool Moved() const { return !moved_to.empty(); }
  /// Where the mailbox lives now: moved_to/moved_version when moved, else server/version.
  const std::string& CurrentServer() const { return Moved() ? moved_to : server; }
  ExchangeRelease CurrentVersion() const { return Moved() ? moved_version : version; }
};

/// An alias Autodiscover answers with redirectAddr (top-level `redirects:`).
struct RedirectSpec {
  std::string address;
  std::string redirect_addr;
  int line = 0;
};

/// A fault of a listener's Exchange endpoints.
enum class ExchangeFault {
  kStaleAutodiscover,  // Autodiscover still answers a moved mailbox's old server and version
};
std::string_view ExchangeFaultName(ExchangeFault fault);  // "stale_autodiscover"
std::optional<ExchangeFault> ParseExchangeFault(std::string_view name);

/// The Exchange endpoints of a listener (its `exchange:` mapping; needs `auth:`):
///   exchange:
///     version: "2016"                  # the server's own release (default "2016")
///     hostname: mail.contoso.test      # required: external host in the answers' URLs
///     internal_hostname: ...           # default: hostname
///     rpc_hostname: ...                # EXPR Server of 2010 mailboxes; default: hostname
///     cert_principal: "msstd:*.contoso.test"  # EXPR CertPrincipalName; absent: no element
///     faults: [stale_autodiscover]
struct ExchangeSettings {
  ExchangeRelease version = ExchangeRelease::k2016;
  std::string hostname;
  std::string internal_hostname;
  std::string rpc_hostname;
  std::string cert_principal;
  std::vector<ExchangeFault> faults;
  int line = 0;

  bool Has(ExchangeFault fault) const;
};

/// One TCP listener serving HTTPS, or (plain) HTTP that only redirects.
struct ListenerSpec {
  std::string name;
  std::optional<std::string> address;  // absent: the server's default (loopback)
  std::uint16_t port = 0;              // 0: the OS picks
  TlsSettings tls;
  std::string certificate;                   // a CertificateSpec name; "" on a plain listener
  std::optional<AuthSettings> auth;          // absent: requests are served without authentication
  std::optional<ExchangeSettings> exchange;  // absent: none of the Exchange endpoints
  bool plain = false;       // HTTP without TLS: every GET answers 302 to redirect_to
  std::string redirect_to;  // plain listeners only (required there)
  int line = 0;
};

/// A parsed, validated scenario: every TLS listener names a defined certificate, users exist
/// when a listener asks for authentication, every mailbox's account is a user, and every
/// listener with Exchange endpoints authenticates.
struct Scenario {
  std::string source;  // the file name used in messages, e.g. "coexistence.yaml"
  std::string name;
  std::string description;
  std::vector<UserSpec> users;
  OrganizationSpec organization;
  std::vector<MailboxSpec> mailboxes;
  std::vector<RedirectSpec> redirects;
  std::vector<CertificateSpec> certificates;
  std::vector<ListenerSpec> listeners;

  const CertificateSpec* FindCertificate(std::string_view certificate_name) const;
  const ListenerSpec* FindListener(std::string_view listener_name) const;
  /// By SMTP address, case-insensitive; nullptr when none.
  const MailboxSpec* FindMailbox(std::string_view address) const;
  const MailboxSpec* FindMailboxByLegacyDn(std::string_view legacy_dn) const;
  const RedirectSpec* FindRedirect(std::string_view address) const;
  /// The first mailbox `account` may open (case-insensitive), or nullptr.
  const MailboxSpec* MailboxOf(std::string_view account) const;
};

/// Parses and validates scenario YAML. `source` names the text in error messages, which read
/// "<source>:<line>: <what>: <problem>". YAML syntax errors are kMalformed; valid YAML that is
/// not a valid scenario is kInvalidArgument.
Result<Scenario> ParseScenario(std::string_view yaml, std::string_view source);

}  // namespace tlslab
