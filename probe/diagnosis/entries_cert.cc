// Catalogue entries for certificates (cert.*): trust, chain, validity, strength, names per client,
// Outlook Anywhere's msstd: principal, SNI and revocation.
#include "probe/diagnosis/entries.h"

namespace probe::diagnosis {
namespace {

constexpr std::string_view kExchangeCertificates =
    "https://learn.microsoft.com/exchange/architecture/client-access/certificates";
constexpr std::string_view kEnableExchangeCertificate =
    "https://learn.microsoft.com/powershell/module/exchange/enable-exchangecertificate";
constexpr std::string_view kImportExchangeCertificate =
    "https://learn.microsoft.com/powershell/module/exchange/import-exchangecertificate";
constexpr std::string_view kSetOutlookProvider =
    "https://learn.microsoft.com/powershell/module/exchange/set-outlookprovider";
constexpr std::string_view kGetOutlookProvider =
    "https://learn.microsoft.com/powershell/module/exchange/get-outlookprovider";
constexpr std::string_view kRpcPrincipalNames =
    "https://learn.microsoft.com/windows/win32/rpc/principal-names";
constexpr std::string_view kCertPrincipalNamePox =
    "https://learn.microsoft.com/exchange/client-developer/web-service-reference/"
    "certprincipalname-pox";
constexpr std::string_view kWildcardBlog =
    "https://learn.microsoft.com/archive/blogs/mm/outlook-2007-exchange-with-wildcard-certificate";
constexpr std::string_view kIisSni =
    "https://learn.microsoft.com/iis/get-started/whats-new-in-iis-8/"
    "iis-80-server-name-indication-sni-ssl-scalability";
constexpr std::string_view kCertutil =
    "https://learn.microsoft.com/windows-server/administration/windows-commands/certutil";

}  // namespace

const std::vector<CatalogueEntry>& CertEntries() {
  static const std::vector<CatalogueEntry> kEntries = {
      {"cert.untrusted",
       Severity::kCritical,
       "Chain does not reach a trusted root",
       "The chain the server sends ends in a root the trust store does not hold (a private or "
       "internal CA whose root was never deployed to the clients, a test CA, a TLS-inspecting "
       "device's CA), or a signature, key usage or CA constraint in the chain does not verify. "
       "Clients that do not trust the root show a certificate warning (Outlook: \"There is a "
       "problem with the proxy server's security certificate\") and Outlook Anywhere, ActiveSync "
       "and hybrid connectors fail outright.",
       "Use a certificate from a CA every client trusts (a public CA for external names), or "
       "deploy the private root to every client (Group Policy: Computer Configuration > Windows "
       "Settings > Security Settings > Public Key Policies > Trusted Root Certification "
       "Authorities; mobile devices by MDM). Check which certificate Exchange uses with "
       "`Get-ExchangeCertificate | fl Thumbprint,Subject,Issuer,Services,NotAfter`, import a "
       "replacement with `Import-ExchangeCertificate -FileData "
       "([System.IO.File]::ReadAllBytes('C:\\cert.pfx')) "
       "-Password (Read-Host -AsSecureString)` and bind it with `Enable-ExchangeCertificate "
       "-Thumbprint <thumbprint> -Services IIS`. To test with a private root here, pass it with "
       "--ca-file.",
       {"RFC 5280 §6", std::string_view(kExchangeCertificates),
        std::string_view(kImportExchangeCertificate),
        std::string_view(kEnableExchangeCertificate)}},
      {"cert.self_signed",
       Severity::kCritical,
       "Self-signed certificate",
       "The server presents a certificate that signs itself, typically the \"Microsoft Exchange\" "
       "certificate Setup creates, still bound to IIS after the real certificate was installed, "
       "or bound again by a Cumulative Update or a Hybrid Configuration Wizard run. No client "
       "trusts it unless it was copied into each client's trust store.",
       "Bind the CA-issued certificate to IIS: `Get-ExchangeCertificate` to find its thumbprint, "
       "then `Enable-ExchangeCertificate -Thumbprint <thumbprint> -Services IIS` (or in IIS "
       "Manager: Default Web Site > Bindings > https 443 > SSL certificate). Keep the "
       "self-signed certificate on the Exchange Back End site (port 444) only, where it belongs.",
       {std::string_view(kExchangeCertificates), std::string_view(kEnableExchangeCertificate)}},
      {"cert.chain_incomplete",
       Severity::kWarning,
       "Intermediate certificate not sent",
       "The server does not send the intermediate CA certificate(s) between its certificate and "
       "the root. Windows clients can still build the chain when the certificate carries an "
       "Authority Information Access (caIssuers) URL they can reach, or when the intermediate is "
       "already in their store; OpenSSL-based clients, curl, Java, Android/iOS mail apps, "
       "ActiveSync devices and Exchange Online hybrid connectors do not fetch it and fail. "
       "Raised to critical when no client can complete the chain (no usable caIssuers URL). "
       "On IIS the cause is almost always a missing intermediate in the server's Intermediate "
       "Certification Authorities store, or a PFX imported without its chain.",
       "Import the issuing CA's intermediate certificate on every Exchange server (certlm.msc > "
       "Intermediate Certification Authorities > Import, or `Import-Certificate -FilePath "
       "intermediate.cer -CertStoreLocation Cert:\\LocalMachine\\CA`), or re-import the PFX "
       "with its full chain; then restart IIS (`iisreset`) so SChannel sends the chain. Verify "
       "with `certutil -verify -urlfetch server.cer`.",
       {"RFC 5246 §7.4.2", "RFC 5280 §4.2.2.1", std::string_view(kExchangeCertificates),
        std::string_view(kCertutil)}},
      {"cert.expired",
       Severity::kCritical,
       "Certificate expired",
       "A certificate in the chain is past its notAfter date. Every client rejects it: Outlook "
       "prompts or cannot connect, ActiveSync devices stop syncing, mail flow over TLS to "
       "partners and Exchange Online fails.",
       "Renew the certificate (`New-ExchangeCertificate -GenerateRequest ...` or your CA's "
       "renewal), import it, and bind it with `Enable-ExchangeCertificate -Thumbprint "
       "<thumbprint> -Services IIS,SMTP` on every server; update load balancers or reverse proxies "
       "that terminate TLS. If an intermediate expired, install the CA's current intermediate.",
       {"RFC 5280 §4.1.2.5", std::string_view(kEnableExchangeCertificate),
        std::string_view(kExchangeCertificates)}},
      {"cert.not_yet_valid",
       Severity::kCritical,
       "Certificate not yet valid",
       "A certificate in the chain has a notBefore date in the future: it was bound before its "
       "validity starts, or the server's (or the prober's) clock is wrong.",
       "Check the clocks (w32tm /query /status on the servers; NTP on the prober), or bind the "
       "previous certificate until the new one becomes valid.",
       {"RFC 5280 §4.1.2.5"}},
      {"cert.expires_soon",
       Severity::kWarning,
       "Certificate expires soon",
       "A certificate in the chain expires within --warn-days (critical within --crit-days). "
       "Exchange certificates are bound on every server and often on load balancers and the "
       "hybrid send connector (TlsCertificateName), so a renewal needs time.",
       "Renew now: request and import the new certificate on every server, bind it with "
       "`Enable-ExchangeCertificate -Thumbprint <thumbprint> -Services IIS,SMTP`, update the "
       "hybrid connectors' TlsCertificateName if the issuer or subject changed, and update load "
       "balancers.",
       {"RFC 5280 §4.1.2.5", std::string_view(kEnableExchangeCertificate)}},
      {"cert.weak_key",
       Severity::kCritical,
       "Weak public key",
       "A certificate's key is an RSA key below 2048 bits, a DSA key, or an elliptic curve below "
       "256 bits. OpenSSL 3 at its default security level (Debian, RHEL 9, Python, curl) refuses "
       "such certificates, browsers reject them from public CAs, and Windows blocks RSA below "
       "1024 bits.",
       "Issue a new certificate with an RSA 2048-bit (or larger) or ECDSA P-256/P-384 key: "
       "`New-ExchangeCertificate -GenerateRequest -KeySize 2048 ...`, then import and enable it. "
       "Replace intermediate or root CAs with 1024-bit keys.",
       {"NIST SP 800-131A Rev. 2", "Microsoft Security Advisory 2661254",
        "https://learn.microsoft.com/powershell/module/exchange/new-exchangecertificate"}},
      {"cert.weak_signature",
       Severity::kCritical,
       "Weak signature algorithm",
       "A certificate in the chain (other than a self-signed root, whose signature nobody "
       "checks) is signed with SHA-1 or MD5. Browsers and Windows (for TLS server certificates "
       "from public roots) reject SHA-1 signatures, OpenSSL 3 at its default security level "
       "refuses them, and MD5 signatures can be forged.",
       "Reissue the certificate signed with SHA-256 or better; for an internal AD CS CA, switch "
       "it to SHA-256 first (`certutil -setreg ca\\csp\\CNGHashAlgorithm SHA256`, restart "
       "certsvc) and renew the CA certificate if it is itself SHA-1 signed.",
       {"Microsoft Security Advisory 4010323", "RFC 6194", std::string_view(kCertutil)}},
      {"cert.name_mismatch",
       Severity::kCritical,
       "Host name not in the certificate (per client)",
       "A name clients use is not covered by the certificate under the rules of the client(s) "
       "listed. Clients disagree: browsers and RFC 9525 ignore the subject CN and accept only "
       "`*.domain` wildcards of exactly one label; OpenSSL falls back to the CN when there is no "
       "DNS SAN and accepts partial wildcards such as `mail*.contoso.com`; Windows ignores the "
       "CN when any SAN exists; libcurl uses the CN only when there is no SAN at all. A wildcard "
       "never covers the bare domain or two labels (`*.contoso.com` covers neither "
       "`contoso.com` nor `a.b.contoso.com`).",
       "Reissue the certificate with every client-facing name as a DNS subjectAltName (mail., "
       "autodiscover., legacy. names during coexistence, the Outlook Anywhere external host "
       "name), or point the clients at a name the certificate has (Set-OutlookAnywhere "
       "-ExternalHostname, Set-WebServicesVirtualDirectory -ExternalUrl, "
       "Set-ClientAccessService -AutoDiscoverServiceInternalUri). Then `Enable-ExchangeCertificate "
       "-Thumbprint <thumbprint> -Services IIS`.",
       {"RFC 9525 §6.3", "RFC 6125 §6.4", "RFC 2818 §3.1",
        std::string_view(kExchangeCertificates)}},
      {"cert.msstd_mismatch",
       Severity::kWarning,
       "Outlook Anywhere principal does not match",
       "Outlook Anywhere (RPC over HTTP) with \"Only connect to proxy servers that have this "
       "principal name in their certificate\" makes the Windows RPC runtime compare the "
       "msstd: principal (Autodiscover EXPR CertPrincipalName, default msstd:<server>) with the "
       "certificate: on Windows XP / Server 2003 with the subject CN only, from Vista on with the "
       "CN or a DNS SAN, in both cases as a literal string. With a wildcard certificate "
       "(CN=*.contoso.com) the default msstd:mail.contoso.com does not equal the CN, and Outlook "
       "keeps prompting for credentials or cannot connect. Whether Vista and later expand "
       "wildcards is not documented (see the evidence). MAPI over HTTP, EWS and Autodiscover do "
       "not use this check.",
       "See what Autodiscover hands out: `Get-OutlookProvider EXPR | fl Name,CertPrincipalName`. "
       "Set the principal to the certificate's subject CN, e.g. for a wildcard certificate "
       "`Set-OutlookProvider EXPR -CertPrincipalName msstd:*.contoso.com` (or to the host name "
       "the certificate's CN holds), then let clients refresh Autodiscover (or edit the profile: "
       "Account Settings > More Settings > Connection > Exchange Proxy Settings). Moving clients "
       "to MAPI over HTTP removes the check.",
       {std::string_view(kSetOutlookProvider), std::string_view(kGetOutlookProvider),
        std::string_view(kRpcPrincipalNames), std::string_view(kCertPrincipalNamePox),
        std::string_view(kWildcardBlog)}},
      {"cert.wildcard",
       Severity::kInfo,
       "Wildcard certificate",
       "The certificate covers names through a wildcard. Browsers and Windows accept `*.domain` "
       "for exactly one label; Outlook Anywhere's msstd: principal must then be the literal "
       "wildcard (msstd:*.domain) for Windows XP and, per Exchange guidance, for every client; "
       "partial wildcards (`mail*.domain`) work in OpenSSL only.",
       "Nothing to fix by itself. With Outlook Anywhere clients set `Set-OutlookProvider EXPR "
       "-CertPrincipalName msstd:*.domain`; keep the bare domain as its own SAN if clients use it.",
       {"RFC 9525 §6.3", std::string_view(kSetOutlookProvider), std::string_view(kWildcardBlog)}},
      {"cert.sni_mismatch",
       Severity::kWarning,
       "Different certificate without SNI",
       "The server presents one certificate to clients that send the host name (SNI) and "
       "another, or none, to clients that do not. IIS chooses the certificate of an SNI binding "
       "only when the client sends SNI; without it the client gets the IP:port (or 0.0.0.0:443) "
       "binding. Old clients (Windows XP, Outlook 2007 on XP, some ActiveSync devices), load "
       "balancer health monitors and some hybrid or migration tools send no SNI and then see "
       "the wrong certificate.",
       "Bind the same certificate to the non-SNI binding: in IIS Manager, Default Web Site > "
       "Bindings > https with an empty host name and \"Require Server Name Indication\" cleared, "
       "select the Exchange certificate; or `Enable-ExchangeCertificate -Thumbprint <thumbprint> "
       "-Services IIS`, which sets it. Check the bindings with `netsh http show sslcert` "
       "(ipport= vs hostnameport= entries).",
       {"RFC 6066 §3", std::string_view(kIisSni), std::string_view(kEnableExchangeCertificate)}},
      {"cert.revocation_unreachable",
       Severity::kWarning,
       "Revocation information unreachable",
       "A CRL distribution point or OCSP responder named in the chain did not give a usable "
       "answer (no connection, timeout, HTTP error, not a CRL/OCSP response, an expired CRL). "
       "Windows checks revocation for the chain: when it cannot, Outlook shows \"The revocation "
       "information for the security certificate for this site is not available\" and some "
       "clients (and Exchange hybrid connectors) refuse the connection.",
       "Make the URLs reachable from the clients (firewalls and proxies must allow plain HTTP to "
       "the CRL/OCSP hosts, which must be published externally for external clients). For an "
       "internal AD CS CA publish the CRL to an HTTP location (CA properties > Extensions > CRL "
       "Distribution Point) and keep it current (`certutil -CRL`). Test from a client with "
       "`certutil -urlfetch -verify server.cer`.",
       {"RFC 5280 §4.2.1.13", "RFC 6960", std::string_view(kCertutil)}},
      {"cert.revoked",
       Severity::kCritical,
       "Certificate revoked",
       "The CA lists the certificate (or an intermediate) as revoked on its CRL or OCSP "
       "responder: it was replaced, its key was compromised, or it was revoked by mistake. Clients "
       "that check revocation (Windows does by default) refuse it.",
       "Bind a valid certificate: import the replacement and `Enable-ExchangeCertificate "
       "-Thumbprint <thumbprint> -Services IIS,SMTP` on every server; remove the revoked one "
       "(`Remove-ExchangeCertificate -Thumbprint <thumbprint>`).",
       {"RFC 5280 §5.3.1", "RFC 6960 §2.2", std::string_view(kEnableExchangeCertificate)}},
      {"cert.chain_ok",
       Severity::kOk,
       "Chain complete and trusted",
       "The server sends every intermediate, and the chain reaches a root in the trust store.",
       "Nothing to do.",
       {}},
      {"cert.validity_ok",
       Severity::kOk,
       "Certificates within their validity",
       "Every certificate of the chain is valid now and beyond --warn-days.",
       "Nothing to do.",
       {}},
      {"cert.strength_ok",
       Severity::kOk,
       "Keys and signatures strong enough",
       "Every key is at least RSA 2048 / ECDSA P-256, and every signature that clients verify "
       "uses SHA-256 or better.",
       "Nothing to do.",
       {}},
      {"cert.name_ok",
       Severity::kOk,
       "Names match for every client",
       "Every name checked is covered by the certificate under browser (RFC 9525), OpenSSL, "
       "Windows and libcurl rules.",
       "Nothing to do.",
       {}},
      {"cert.msstd_ok",
       Severity::kOk,
       "Outlook Anywhere principal matches",
       "The msstd: principal equals the certificate's subject CN (or, where only Vista and "
       "later matter, a DNS SAN), so the Windows RPC runtime accepts the proxy.",
       "Nothing to do.",
       {std::string_view(kSetOutlookProvider)}},
      {"cert.sni_ok",
       Severity::kOk,
       "Same certificate with and without SNI",
       "Clients that send no SNI get the same certificate as those that do.",
       "Nothing to do.",
       {}},
      {"cert.revocation_ok",
       Severity::kOk,
       "Revocation information reachable",
       "Every CRL distribution point and OCSP responder named in the chain answered, and none "
       "lists the certificate as revoked.",
       "Nothing to do.",
       {}},
  };
  return kEntries;
}

}  // namespace probe::diagnosis
