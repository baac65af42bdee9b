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
  };
  return kEntries;
}

}  // namespace probe::diagnosis
