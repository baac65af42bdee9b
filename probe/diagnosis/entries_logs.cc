// Catalogue entries for `exprobe logs` (logs.*, plus auth.backend_invalid_token, which a live
// check of the same proxy path reports too): what a pattern in Exchange HttpProxy or IIS logs
// proves, and how to fix it. Sources: exchange-protocols.md 5.2, 5.5 and 6.3; ntlm-spnego-epa.md
// 3.6 and 5.2.
#include "probe/diagnosis/entries.h"

namespace probe::diagnosis {
namespace {

constexpr std::string_view kKb3140410 = "https://support.microsoft.com/help/3140410";
constexpr std::string_view kKb3140410Workaround =
    "http://byronwright.blogspot.com/2020/07/issues-with-exchange-2010-and-exchange.html";
constexpr std::string_view kMapiRepeated401 =
    "Microsoft Learn: Repeated status codes 401 and 200 when using MAPI over HTTP";
constexpr std::string_view kLbNtlm =
    "https://learn.microsoft.com/archive/blogs/"
    "401-1-2148074248-in-iis-logs-behind-a-load-balancer";
constexpr std::string_view kExtendedProtection =
    "https://learn.microsoft.com/exchange/plan-and-deploy/post-installation-tasks/security-best-"
    "practices/exchange-extended-protection";
constexpr std::string_view kLoopbackCheck = "https://support.microsoft.com/help/896861";
constexpr std::string_view kKerberosAsa =
    "Microsoft Learn: Configure Kerberos authentication for load-balanced Client Access services";

}  // namespace

const std::vector<CatalogueEntry>& LogsEntries() {
  static const std::vector<CatalogueEntry> kEntries = {
      {"logs.ok",
       Severity::kOk,
       "No loop or proxy failure in the logs",
       "Every 401 in the logs read was followed by a success for the same client within the "
       "window, no back end refused or failed a proxied request, and IIS logged no SSPI "
       "failure: the handshakes in this period completed.",
       "Nothing to fix. Widen --since/--until or add the other front ends' logs to cover the "
       "time users reported prompts.",
       {}},
      {"auth.backend_invalid_token",
       Severity::kCritical,
       "2010 back end refuses proxied requests: InvalidToken (KB3140410)",
       "The 2013/2016 front end authenticated the user, proxied the request to an Exchange 2010 "
       "(or 2007) Client Access server, and that back end answered 401: the front end's "
       "Negotiate to it failed with 'NegotiateSecurityContext failed ... InvalidToken'. Microsoft "
       "documents this for legacy CAS servers on Windows Server 2008 R2: an incorrect flag is "
       "set in a global credential after the CAS computer password changes. Outlook Anywhere "
       "users on 2010 mailboxes (often 2016 users opening a Full Access 2010 mailbox) are "
       "prompted for their password again and again.",
       "Install update 3140410 (Security update for Microsoft Windows, 8 March 2016) on all "
       "Exchange 2010 and Exchange 2007 servers with the Client Access role that run Windows "
       "Server 2008 R2, and restart each one. Until it is installed, a field-reported workaround "
       "(not from Microsoft) is to set the DefaultAppPool identity to NetworkService in IIS "
       "Manager and recycle DefaultAppPool (recycling does not disconnect users).",
       {kKb3140410, kKb3140410Workaround}},
      {"logs.auth_loop",
       Severity::kCritical,
       "401 loop: repeated 401s without a success",
       "The same client (user or anonymous handshake legs, client IP, protocol, front end) got "
       "401 again and again with no success in between: the handshake never completes, which "
       "users see as an endless password prompt. One or two 401s before a 200 are normal (the "
       "anonymous first request and the NTLM challenge; MAPI/HTTP repeats them for every new "
       "session), so only the run without a success counts. Causes seen in coexistence: Extended "
       "Protection with a TLS-terminating device in the path, a load balancer that does not "
       "keep NTLM's legs on one connection, Kerberos on a load-balanced name without an "
       "alternate service account, the loopback check when clients run on the server, or an "
       "authentication method the virtual directory does not offer.",
       "Run `exprobe auth URL` against the front end and URL in the sample line: it classifies "
       "the loop leg by leg (connection kept, channel binding, credentials). Read the same time "
       "range of the front end's IIS log: its sc-win32-status names the SSPI error "
       "(2148074248 legs split, 2148074310 channel binding, 2148074252 logon denied).",
       {kMapiRepeated401, kLbNtlm, kExtendedProtection, kKerberosAsa}},
      {"logs.backend_failure",
       Severity::kWarning,
       "Proxied requests failed at the back end",
       "The front end proxied requests to the back end named in TargetServer and the back end "
       "failed them (BackEndStatus 5xx, or 401 without the KB3140410 signature), or the "
       "front end logged an ErrorCode for a failed request: the client's own authentication "
       "was not the problem.",
       "Check the back end in the evidence: its services and IIS log at that time, and the "
       "GenericErrors column of the sample line. For a back-end 401 from Exchange 2010, make "
       "sure its /rpc offers NTLM (Set-OutlookAnywhere -IISAuthenticationMethods Basic,NTLM) "
       "and that Outlook Anywhere is enabled on the 2010 Client Access servers.",
       {}},
      {"logs.proxied_to_2010",
       Severity::kInfo,
       "Mailboxes proxied to Exchange 2010",
       "These mailboxes are reached through the 2013/2016 front end but live on Exchange 2010 "
       "(TargetServerVersion 14.x) or older: Outlook opens them over RPC/HTTP, and the path "
       "needs NTLM in the 2010 /rpc IIS authentication, Outlook Anywhere enabled on 2010, and "
       "KB3140410 on 2010 Client Access servers that run Windows Server 2008 R2.",
       "Nothing to fix by itself. Moving these mailboxes to 2016 removes the cross-version "
       "proxy; until then keep the 2010 requirements above in place.",
       {kKb3140410}},
      {"logs.iis.logon_denied",
       Severity::kWarning,
       "IIS: logon denied (SEC_E_LOGON_DENIED)",
       "IIS logged 401 with sc-win32-status 2148074252 (0x8009030C, SEC_E_LOGON_DENIED): the "
       "server completed the handshake and refused the account. A wrong or expired password, a "
       "locked or disabled account, or the loopback check (clients on the server itself with a "
       "name that is not the machine's) cause it.",
       "Check the account (locked out, password expired) and event 4625 on the server or "
       "domain controller for its reason. For requests from the server itself, use the "
       "machine name or set BackConnectionHostNames (KB896861).",
       {kLoopbackCheck}},
      {"logs.iis.bad_bindings",
       Severity::kCritical,
       "IIS: channel binding mismatch (SEC_E_BAD_BINDINGS)",
       "IIS logged 401 with sc-win32-status 2148074310 (0x80090346, SEC_E_BAD_BINDINGS): "
       "Extended Protection is on and the channel binding in the client's token does not match "
       "IIS's TLS channel, because something between client and server (SSL offloading, a load "
       "balancer, WAF or proxy re-encrypting with another certificate) terminated TLS. It looks "
       "like a wrong password to the user.",
       "Terminate TLS on Exchange itself: turn SSL offloading off for Outlook Anywhere "
       "(Set-OutlookAnywhere -SSLOffloading $false) and let the load balancer pass TLS through, "
       "or bridge with the same certificate and key as the server. Do not turn Extended "
       "Protection off to make prompts go away.",
       {kExtendedProtection}},
      {"logs.iis.invalid_token",
       Severity::kCritical,
       "IIS: NTLM legs on different connections (SEC_E_INVALID_TOKEN)",
       "IIS logged 401 with sc-win32-status 2148074248 (0x80090308, SEC_E_INVALID_TOKEN): the "
       "NTLM AUTHENTICATE arrived on another connection or at another server than its "
       "CHALLENGE. A load balancer without client affinity, or a proxy that pools its "
       "connections to the server, splits the legs.",
       "Keep each client connection on one server for its lifetime: source-IP or cookie "
       "affinity, layer-4 balancing, no upstream connection pooling for NTLM. Confirm with "
       "`exprobe auth URL`, which shows the connection of every leg.",
       {kLbNtlm}},
      {"logs.malformed_lines",
       Severity::kInfo,
       "Log lines that could not be read",
       "Some lines did not match their file's #Fields: line (wrong number of fields, an "
       "unclosed quote, a time or status that is not one, a line longer than 64 KiB, or no "
       "#Fields: line before them). A log copied while Exchange was writing it ends in a cut "
       "line. The lines were skipped; findings cover the rest.",
       "Nothing to fix on the server. If many lines are affected, copy the logs again (closed "
       "files, not the one being written) and make sure the tool that copied them kept the "
       "bytes as they were.",
       {}},
      {"logs.file_unreadable",
       Severity::kWarning,
       "Log files that could not be read to the end",
       "A file in the folders given could not be opened, or stopped early: a permission, an "
       "I/O error, or a damaged or truncated .gz file. What it held is missing from the result.",
       "Check the file's permissions, or copy or compress it again and rerun.",
       {}},
      {"logs.no_requests",
       Severity::kWarning,
       "No request lines read",
       "The paths held no HttpProxy or IIS W3C request line inside the filters: the files are "
       "of another log, empty, or --since/--until/--user/--protocol excluded every line. "
       "Nothing was proven either way.",
       "Point exprobe logs at the HttpProxy folders (Logging\\HttpProxy\\<Protocol>) of the "
       "front ends or the IIS log folder (inetpub\\logs\\LogFiles\\W3SVC1), and check the filters.",
       {}},
  };
  return kEntries;
}

}  // namespace probe::diagnosis
