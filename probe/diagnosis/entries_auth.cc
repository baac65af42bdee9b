// Catalogue entries for HTTP authentication (auth.*): the 401-loop causes of
// ntlm-spnego-epa.md section 5.7, each with what proves it and how to fix it.
#include "probe/diagnosis/entries.h"

namespace probe::diagnosis {
namespace {

constexpr std::string_view kLbNtlm =
    "https://learn.microsoft.com/archive/blogs/"
    "401-1-2148074248-in-iis-logs-behind-a-load-balancer";
constexpr std::string_view kMsNlmp =
    "https://learn.microsoft.com/openspecs/windows_protocols/ms-nlmp";
constexpr std::string_view kMsNtht =
    "https://learn.microsoft.com/openspecs/windows_protocols/ms-ntht";
constexpr std::string_view kExtendedProtection =
    "https://learn.microsoft.com/exchange/plan-and-deploy/post-installation-tasks/security-best-"
    "practices/exchange-extended-protection";
constexpr std::string_view kKb3140410 = "https://support.microsoft.com/help/3140410";
constexpr std::string_view kLbExchange =
    "https://learn.microsoft.com/exchange/architecture/client-access/load-balancing";

}  // namespace

const std::vector<CatalogueEntry>& AuthEntries() {
  static const std::vector<CatalogueEntry> kEntries = {
      {"auth.ok",
       Severity::kOk,
       "Authenticated",
       "The handshake completed and the server accepted the account: the transport, the "
       "connection handling and the credentials are proven for this URL.",
       "Nothing to fix.",
       {}},
      {"auth.credentials_rejected",
       Severity::kCritical,
       "Credentials rejected",
       "The server answered a complete, well-formed AUTHENTICATE on the same connection with a "
       "fresh 401. The commonest causes are a wrong password, a locked or disabled account, or "
       "an account not allowed on the server; a channel-binding (Extended Protection) mismatch "
       "and an NTLMv2/MIC policy on the server look exactly the same on the wire. exprobe stops "
       "at this first rejection so it never locks the account.",
       "Check the password and the account (Get-ADUser user -Properties LockedOut,Enabled, "
       "badPwdCount); look for event 4625 on the server or domain controller (its Status and "
       "Sub Status name the reason). If the account is fine, rerun with --cbt omit and --cbt "
       "zero: a success there points at Extended Protection and a TLS-terminating device in the "
       "path; check the server's LmCompatibilityLevel and NTLM restriction policies.",
       {kMsNlmp, kExtendedProtection}},
      {"auth.ntlm.connection_not_kept",
       Severity::kCritical,
       "NTLM legs not kept on one connection",
       "NTLM authenticates the TCP connection: NEGOTIATE, CHALLENGE and AUTHENTICATE must travel "
       "on the same connection to the same server. Here they did not: the AUTHENTICATE went out "
       "on another connection, the server (or a load balancer) sent \"Connection: close\" with "
       "the CHALLENGE, or the challenges came from different servers. A load balancer without "
       "client affinity, a proxy that pools upstream connections (nginx with its defaults), or "
       "an idle timeout between legs causes it; IIS logs the AUTHENTICATE as 401 1 2148074248 "
       "(SEC_E_INVALID_TOKEN) and Outlook prompts for the password again and again.",
       "Keep client connections pinned to one server for their lifetime: source-IP or cookie "
       "affinity on the load balancer, layer-4 (TCP) balancing rather than layer 7, or "
       "connection-aware NTLM handling on the proxy (keep-alive to the back end, one upstream "
       "connection per client connection). Make sure nothing closes the connection after a 401 "
       "and that idle timeouts exceed a handshake. Prefer Kerberos (no per-connection state) "
       "where clients can reach a KDC.",
       {kLbNtlm, kLbExchange, kMsNtht}},
      {"auth.loop",
       Severity::kCritical,
       "401 loop after a complete handshake",
       "The server restarted the handshake after a well-formed AUTHENTICATE on the same "
       "connection: it answered with a new challenge, or a front end reported that its back end "
       "answered 401 (X-BackEndHttpStatus). This is what a client sees as an endless password "
       "prompt. Candidate causes: a front end that authenticates the user but fails "
       "server-to-server authentication to a legacy back end (Exchange 2013/2016 in front of "
       "2010 without KB3140410), Extended Protection with a TLS-terminating device in the path, "
       "or an acceptor that does not keep the handshake state.",
       "Look at the X-BackEndHttpStatus, X-CalculatedBETarget and X-FEServer headers in the "
       "legs, and at the front end's HttpProxy logs (InvalidToken lines). For a 2010 back end "
       "install KB3140410 on it and restart; for Extended Protection terminate TLS on Exchange "
       "itself or configure the device to pass the original certificate; rerun with --cbt "
       "omit/zero to compare.",
       {kKb3140410, kExtendedProtection}},
      {"auth.no_common_scheme",
       Severity::kCritical,
       "No authentication scheme in common",
       "The server's 401 offers no scheme exprobe was allowed to use (NTLM, Negotiate carrying "
       "NTLM, or Basic). A server that offers only Negotiate with Kerberos required, or only a "
       "modern scheme (Bearer), cannot be reached by a client limited to the others; Outlook "
       "then prompts without end.",
       "Enable the scheme the clients use on the virtual directory "
       "(Get-WebServicesVirtualDirectory "
       "| fl *Authentication*; Set-OutlookAnywhere -IISAuthenticationMethods "
       "Basic,NTLM,Negotiate), "
       "or rerun with the --scheme the server offers.",
       {kMsNtht}},
      {"auth.connection_shared",
       Severity::kCritical,
       "Authenticated connection shared with another client",
       "After exprobe authenticated, a request without any credentials on a new client "
       "connection was served instead of challenged. A proxy or load balancer that keeps idle "
       "upstream connections (open-source nginx with upstream keep-alive, for one) hands a "
       "connection that one user authenticated with NTLM to another client, who is then served "
       "as the first user.",
       "Do not pool or reuse upstream connections across clients in front of NTLM: bind each "
       "client connection to its own upstream connection (a TCP/layer-4 balancer, or NTLM-aware "
       "connection pinning), or disable upstream keep-alive. Until then treat it as a security "
       "incident: requests can run under another identity.",
       {kLbNtlm}},
      {"auth.insecure_transport",
       Severity::kWarning,
       "Credentials over plain HTTP",
       "The URL is plain HTTP: NTLM messages and Basic credentials would cross the network "
       "unprotected (Basic is the password in base64; NTLM responses can be cracked offline or "
       "relayed), and no channel binding is possible.",
       "Use the https URL. exprobe refuses plain HTTP unless --allow-plain-http is given, which "
       "is for a lab only.",
       {"RFC 7617 section 4"}},
      {"auth.kerberos_only",
       Severity::kCritical,
       "Kerberos only: NTLM refused inside Negotiate",
       "The server offers only Negotiate and refuses the NTLM token inside it (a SPNEGO reject, "
       "or a bare 401 without a challenge). Only clients holding a Kerberos ticket for the "
       "server's SPN can log on: machines outside the domain, clients without line of sight to "
       "a domain controller (Outlook Anywhere from the internet) and accounts whose SPN lookup "
       "fails fall back to NTLM and prompt for the password forever.",
       "If NTLM must work here, add NTLM back to the virtual directory's providers "
       "(Set-OutlookAnywhere -IISAuthenticationMethods Negotiate,NTLM,Basic, or IIS Windows "
       "authentication providers Negotiate and NTLM). If Kerberos only is intended, make sure "
       "every client can get a ticket: the SPN HTTP/<name> registered on the Alternate Service "
       "Account (setspn -Q HTTP/mail.contoso.com), and test with --scheme kerberos after kinit.",
       {kMsNtht,
        "https://learn.microsoft.com/exchange/architecture/client-access/kerberos-auth-"
        "for-load-balanced-client-access"}},
      {"auth.kerberos_unavailable",
       Severity::kWarning,
       "Kerberos could not be used",
       "Kerberos was asked for but no service ticket could be had: no credentials cache or no "
       "ticket-granting ticket (kinit not run, or the machine is not in the domain), an expired "
       "ticket, no SPN HTTP/<host> registered for the name used (KDC_ERR_S_PRINCIPAL_UNKNOWN), "
       "an unreachable KDC or clock skew. Windows clients then fall back to NTLM inside "
       "Negotiate silently; where NTLM is refused (Kerberos only) they prompt forever.",
       "Follow the reason given: kinit (or log on to the domain) for no ticket; register the SPN "
       "on the Exchange Alternate Service Account for the namespace (setspn -S HTTP/mail."
       "contoso.com CONTOSO\\EXCH-ASA$, then Set-ClientAccessService -AlternateServiceAccount"
       "Credential); check the DNS/KDC reachability and time synchronisation.",
       {"https://learn.microsoft.com/exchange/architecture/client-access/kerberos-auth-for-"
        "load-balanced-client-access"}},
      {"auth.kerberos_rejected",
       Severity::kCritical,
       "Kerberos ticket refused",
       "The client obtained a service ticket and sent it, and the server answered 401: it cannot "
       "decrypt the ticket or refuses it. Typical causes: the SPN is registered on another "
       "account than the one whose key the server holds (the Alternate Service Account "
       "credential not deployed to every server behind the namespace, or a duplicate SPN), a "
       "stale keytab after a password change, or a clock skewed beyond five minutes.",
       "Find the account holding the SPN (setspn -Q HTTP/<name>) and make every server behind the "
       "namespace use that account's credential (Set-ClientAccessService "
       "-AlternateServiceAccountCredential, RollAlternateServiceAccountPassword.ps1); remove "
       "duplicate SPNs (setspn -X); check time synchronisation.",
       {"https://learn.microsoft.com/exchange/architecture/client-access/kerberos-auth-for-"
        "load-balanced-client-access"}},
      {"auth.epa_required",
       Severity::kCritical,
       "Extended Protection refuses this client's channel binding",
       "Only a correct channel binding (the tls-server-end-point hash of the certificate the "
       "server itself presents) authenticates; the same account with the binding this run sent "
       "(none, all zero, or another certificate's) was refused with a fresh 401, exactly like a "
       "wrong password. Exchange's Outlook Anywhere, MAPI/HTTP and OWA virtual directories "
       "require it once Extended Protection is enabled; clients that send no binding, NTLMv1 "
       "clients, and every client behind a device that re-terminates TLS are refused.",
       "Find what changes the binding: a load balancer, WAF or TLS-inspecting proxy that "
       "terminates TLS and re-encrypts with another certificate breaks Extended Protection (use "
       "TLS pass-through, or bridging with the same certificate and key); update or replace "
       "clients that send no binding. Only if neither is possible, lower tokenChecking on that "
       "virtual directory (Require -> Allow) with ExchangeExtendedProtectionManagement.ps1, "
       "knowing it weakens relay protection.",
       {kExtendedProtection, kMsNlmp}},
      {"auth.epa_binding_mismatch",
       Severity::kCritical,
       "Channel binding of another certificate: TLS re-terminated",
       "The binding computed from the certificate exprobe received was refused, while the same "
       "account without any binding was accepted: the server binds to a different certificate "
       "than the one clients see. A load balancer, WAF or TLS-inspecting proxy terminates TLS "
       "in front of the server with its own certificate; Extended Protection (Allow) then "
       "refuses every client that sends a binding (modern Windows and Outlook do), which is an "
       "endless password prompt for them.",
       "Make the device pass TLS through to Exchange, or bridge with the same certificate and "
       "key as the server; compare the certificate exprobe received (exprobe cert) with the "
       "one bound in IIS on the server. Microsoft does not support SSL offloading with "
       "Extended Protection.",
       {kExtendedProtection}},
      {"auth.epa_enforced",
       Severity::kInfo,
       "Extended Protection enforced",
       "The correct channel binding authenticates and a wrong one is refused, so the server "
       "checks bindings (IIS tokenChecking Allow or Require, told apart by whether a missing "
       "binding is accepted). NTLM relay to this URL fails; clients behind devices that "
       "re-terminate TLS would fail too.",
       "Nothing to fix. Keep TLS pass-through on load balancers in front of this URL.",
       {kExtendedProtection}},
      {"auth.epa_not_enforced",
       Severity::kInfo,
       "Extended Protection not enforced",
       "A wrong channel binding authenticated as well as the correct one: the server does not "
       "check bindings (IIS tokenChecking None), so credentials relayed from another TLS "
       "session are accepted here.",
       "Enable Extended Protection on Exchange (ExchangeExtendedProtectionManagement.ps1 from "
       "CSS-Exchange, after checking its prerequisites: consistent TLS settings on every server, "
       "no SSL offloading, no NTLMv1 clients).",
       {kExtendedProtection}},
  };
  return kEntries;
}

}  // namespace probe::diagnosis
