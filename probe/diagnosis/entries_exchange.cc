// Catalogue entries for the Exchange protocol checks (exchange.*): Autodiscover's candidate
// chain, redirects and answers, the provider Outlook picks for the mailbox, EWS, the
// managed-availability health pages, plus the namespace coverage of the certificates the
// answer's hosts serve (cert.namespace_*) and a Bearer offer (auth.bearer_offered).
#include "probe/diagnosis/entries.h"

namespace probe::diagnosis {
namespace {

constexpr std::string_view kAutodiscoverForExchange =
    "https://learn.microsoft.com/exchange/client-developer/exchange-web-services/"
    "autodiscover-for-exchange";
constexpr std::string_view kMsOxdisco =
    "https://learn.microsoft.com/openspecs/exchange_server_protocols/ms-oxdisco";
constexpr std::string_view kMsOxdscli =
    "https://learn.microsoft.com/openspecs/exchange_server_protocols/ms-oxdscli";
constexpr std::string_view kRedirectUrlPox =
    "https://learn.microsoft.com/exchange/client-developer/web-service-reference/redirecturl-pox";
constexpr std::string_view kAutodiscoverErrors =
    "https://learn.microsoft.com/exchange/client-developer/exchange-web-services/"
    "handling-autodiscover-error-messages";
constexpr std::string_view kMapiHttp =
    "https://learn.microsoft.com/exchange/clients/mapi-over-http/mapi-over-http";
constexpr std::string_view kSetCasMailbox =
    "https://learn.microsoft.com/powershell/module/exchange/set-casmailbox";
constexpr std::string_view kEwsResponseCode =
    "https://learn.microsoft.com/exchange/client-developer/web-service-reference/responsecode";
constexpr std::string_view kManagedAvailability =
    "https://learn.microsoft.com/exchange/high-availability/managed-availability/"
    "managed-availability";
constexpr std::string_view kExchangeCertificates =
    "https://learn.microsoft.com/exchange/architecture/client-access/certificates";
constexpr std::string_view kHybridModernAuth =
    "https://learn.microsoft.com/microsoft-365/enterprise/configure-exchange-server-for-hybrid-"
    "modern-authentication";
constexpr std::string_view kRestartWebAppPool =
    "https://learn.microsoft.com/powershell/module/webadministration/restart-webapppool";

}  // namespace

const std::vector<CatalogueEntry>& ExchangeEntries() {
  static const std::vector<CatalogueEntry> kEntries = {
      {"exchange.autodiscover.ok",
       Severity::kOk,
       "Autodiscover answered with settings",
       "A candidate Outlook walks answered the mailbox's POX request with settings, over https, "
       "to a host allowed to receive the credentials.",
       "Nothing to fix.",
       {kMsOxdscli}},
      {"exchange.autodiscover.not_found",
       Severity::kCritical,
       "No Autodiscover candidate answered",
       "Every candidate URL Outlook tries (https://DOMAIN, https://autodiscover.DOMAIN, the HTTP "
       "redirect from http://autodiscover.DOMAIN, the _autodiscover._tcp SRV record) failed: no "
       "DNS record, nothing listening, a TLS failure, a 404, or no settings in the answer. "
       "Outlook then cannot create or repair the profile, and free/busy, Out of Office and the "
       "OAB fail for clients that rely on Autodiscover.",
       "Publish one working candidate: a DNS A/CNAME record autodiscover.DOMAIN pointing at the "
       "Exchange front ends (or its load balancer) with the name in the certificate, or an SRV "
       "record `_autodiscover._tcp.DOMAIN 0 0 443 mail.DOMAIN`. Check the virtual directory with "
       "`Get-AutodiscoverVirtualDirectory | fl Server,InternalUrl,ExternalUrl` and "
       "`Get-ClientAccessService | fl Name,AutoDiscoverServiceInternalUri`. The candidate table "
       "shows why each one failed.",
       {kAutodiscoverForExchange, kMsOxdisco}},
      {"exchange.autodiscover.redirect_loop",
       Severity::kCritical,
       "Autodiscover redirects in a loop",
       "A redirectUrl, redirectAddr or HTTP 302 leads back to a URL (or address) already tried, "
       "or the chain goes past 10 redirects, the limit Microsoft tells clients to stop at. "
       "Outlook gives up the same way.",
       "Follow the chain in the candidate table and fix the hop that points back: a "
       "redirect rule on a web server or load balancer for /autodiscover, a mail-enabled user's "
       "TargetAddress pointing at an address that points back (`Get-MailUser | fl "
       "ExternalEmailAddress`), or a hybrid organization's RemoteRoutingAddress.",
       {kRedirectUrlPox, kAutodiscoverErrors}},
      {"exchange.autodiscover.unsafe_redirect",
       Severity::kWarning,
       "Credentials refused to a redirect or SRV target",
       "A candidate, an SRV record or a redirect pointed at a URL that must not receive the "
       "mailbox's credentials: plain http, a host outside the mailbox's domain, or an "
       "autodiscover.<tld> back-off host (the 2021 \"Autodiscover leak\"). exprobe refused to "
       "send them, as a careful Outlook asks the user first (\"Allow this website to configure "
       "your server settings?\").",
       "Make every redirect target an https URL on a host inside the mailbox's domain, or, when "
       "the target is trusted (a hosting provider, a hybrid namespace), name it with --allow-host "
       "HOST. Remove stray redirects on web servers that answer for the bare domain.",
       {kMsOxdisco, kAutodiscoverErrors}},
      {"exchange.credentials_refused",
       Severity::kWarning,
       "Credentials refused to a host",
       "A URL exprobe was asked to authenticate to (--url, an EWS or transport URL from the "
       "answer) is not https or not on a host inside the mailbox's domain, so the credentials "
       "were not sent. Outlook would send them there, possibly to a server outside the "
       "organization.",
       "Use an https URL on a host inside the mailbox's domain, or, when the host is trusted, "
       "name it with --allow-host HOST. If the URL came from Autodiscover, fix the virtual "
       "directory's ExternalUrl/InternalUrl (`Get-WebServicesVirtualDirectory | fl "
       "Server,InternalUrl,ExternalUrl`).",
       {kMsOxdisco}},
      {"exchange.autodiscover.error",
       Severity::kCritical,
       "Autodiscover answered with an error",
       "The server answered the POX request with the error form (HTTP 200, ErrorCode 500-603): "
       "500 the address is not found, 501/602 no settings for it, 600 an invalid request, 601 "
       "an unsupported response schema, 603 a server error.",
       "For 500: check the address and its mailbox (`Get-Recipient ADDRESS`), and that the "
       "account used may read it. For 501/602: `Get-CASMailbox ADDRESS | fl *Enabled`. For 600 "
       "and 601: the client sends a wrong request or schema. For 603: the Autodiscover "
       "application event log on the answering server, then `Restart-WebAppPool "
       "MSExchangeAutodiscoverAppPool`.",
       {kMsOxdscli, kAutodiscoverErrors}},
      {"exchange.autodiscover.o365_redirect",
       Severity::kInfo,
       "Autodiscover redirects to Office 365",
       "The answer redirects to Exchange Online (autodiscover-s.outlook.com or an "
       "onmicrosoft.com address): in a hybrid organization this is how a mailbox that moved "
       "to the cloud is found. Not a failure.",
       "Nothing to fix if the mailbox was moved to Exchange Online. Otherwise check the "
       "on-premises mail user's RemoteRoutingAddress (`Get-RemoteMailbox ADDRESS | fl "
       "RemoteRoutingAddress`).",
       {kAutodiscoverForExchange}},
      {"exchange.autodiscover.stale",
       Severity::kWarning,
       "Autodiscover disagrees with where the mailbox is",
       "Autodiscover's answer (server, version) disagrees with where EWS actually routes the "
       "mailbox, or free/busy fails with the errors of a stale cache. After a mailbox move "
       "(2010 -> 2016) the front ends' Autodiscover and EWS application pools keep the old "
       "location cached until they recycle: Outlook gets the old provider and free/busy "
       "lookups fail.",
       "Recycle the caches on every front end (Client Access) server: `Restart-WebAppPool "
       "MSExchangeAutodiscoverAppPool` and `Restart-WebAppPool MSExchangeServicesAppPool` (or "
       "wait for them to expire), then run the check again.",
       {kRestartWebAppPool, kAutodiscoverForExchange}},
      {"exchange.autodiscover.dry_run",
       Severity::kInfo,
       "Dry run: nothing sent",
       "--dry-run lists the candidates and every host that would receive the credentials, and "
       "sends nothing. Redirect and SRV targets are decided at run time and pass the same rule: "
       "https, inside the mailbox's domain or named with --allow-host, never autodiscover.<tld>.",
       "Nothing to fix. Run without --dry-run to probe.",
       {kMsOxdisco}},
      {"exchange.provider.ok",
       Severity::kOk,
       "Outlook uses the right transport for the mailbox",
       "The mailbox's Exchange version and the transport Outlook will pick agree: Exchange 2013 "
       "SP1/2016 mailboxes on MAPI over HTTP, Exchange 2010 mailboxes on Outlook Anywhere "
       "(RPC over HTTP).",
       "Nothing to fix.",
       {kMapiHttp}},
      {"exchange.provider.mismatch",
       Severity::kWarning,
       "Transport does not fit the mailbox version",
       "A 2016 mailbox without mapiHttp in the answer stays on Outlook Anywhere (RPC over HTTP): "
       "MAPI over HTTP is disabled for the user (Get-CASMailbox MapiHttpEnabled $false), for the "
       "organization, or the MAPI virtual directory has no URL. Or the answer offers no transport "
       "at all, or an Exchange 2010 mailbox is offered MAPI over HTTP, which it cannot serve.",
       "Enable MAPI over HTTP: `Set-OrganizationConfig -MapiHttpEnabled $true`, "
       "`Set-CASMailbox ADDRESS -MapiHttpEnabled $null` (inherit) and `Get-MapiVirtualDirectory "
       "| fl Server,InternalUrl,ExternalUrl` with both URLs set; Outlook switches at its next "
       "restart. For a 2010 mailbox, see where the answer came from (a stale cache: recycle "
       "MSExchangeAutodiscoverAppPool).",
       {kMapiHttp, kSetCasMailbox}},
      {"exchange.ews.ok",
       Severity::kOk,
       "EWS reached the mailbox",
       "An authenticated GetFolder of the mailbox's root folder succeeded: authentication, "
       "routing to the mailbox's server and the mounted store are proven.",
       "Nothing to fix.",
       {kEwsResponseCode}},
      {"exchange.ews.error",
       Severity::kCritical,
       "EWS request failed",
       "EWS answered with an error: a per-message ResponseCode (HTTP 200, e.g. "
       "ErrorMailboxStoreUnavailable, ErrorNonExistentMailbox, ErrorConnectionFailed, "
       "ErrorMailboxMoveInProgress) or a SOAP fault (HTTP 500, e.g. ErrorSchemaValidation, "
       "ErrorInvalidServerVersion, ErrorServerBusy), or an answer that is not EWS at all.",
       "Look the ResponseCode up (see the reference): a dismounted database "
       "(`Get-MailboxDatabaseCopyStatus`), a mailbox move in progress (`Get-MoveRequest`), "
       "proxying from a 2016 front end to a 2010 CAS (`Get-WebServicesVirtualDirectory | fl "
       "Server,InternalUrl,ExternalUrl`, Windows authentication on the 2010 /EWS). The "
       "request-id header finds the request in the front end's HttpProxy\\Ews log.",
       {kEwsResponseCode}},
      {"exchange.health.ok",
       Severity::kOk,
       "Health pages answer",
       "The managed-availability health pages (/<vdir>/healthcheck.htm) that load balancers "
       "watch answer 200 without authentication.",
       "Nothing to fix.",
       {kManagedAvailability}},
      {"exchange.health.failed",
       Severity::kWarning,
       "A health page does not answer 200",
       "A /<vdir>/healthcheck.htm page answers something else than 200 (or nothing): managed "
       "availability took the protocol offline on that server (a failed probe or a component "
       "set Inactive), and a load balancer that watches the page stops sending that protocol to "
       "this server.",
       "On the server: `Get-ServerComponentState -Identity SERVER` (every component Active?), "
       "`Get-HealthReport -Identity SERVER | ? AlertValue -ne Healthy`, and the application "
       "pool of the virtual directory (`Get-WebAppPoolState`). Bring a component back with "
       "`Set-ServerComponentState SERVER -Component ServerWideOffline -State Active -Requester "
       "Maintenance`.",
       {kManagedAvailability}},
      {"cert.namespace_not_covered",
       Severity::kCritical,
       "A host named by Autodiscover is not in its certificate",
       "Autodiscover tells Outlook to connect to a host (an EXPR/EXHTTP server, an EWS, OAB, "
       "OWA or MAPI/HTTP URL) whose certificate does not cover that name. Outlook shows a "
       "certificate warning for it, or fails silently for background requests (free/busy, OAB "
       "downloads).",
       "Add the name to the certificate (a SAN) and bind it: `Enable-ExchangeCertificate "
       "-Thumbprint <thumbprint> -Services IIS`; or change the URL to a name the certificate "
       "covers, e.g. `Set-WebServicesVirtualDirectory -Identity 'SERVER\\EWS (Default Web Site)' "
       "-ExternalUrl https://mail.contoso.com/EWS/Exchange.asmx` (likewise for the OAB, MAPI and "
       "OWA virtual directories and `Set-OutlookAnywhere -ExternalHostname`).",
       {std::string_view(kExchangeCertificates), "RFC 9525 §6.3"}},
      {"cert.namespace_ok",
       Severity::kOk,
       "Every host Autodiscover names is in its certificate",
       "Each host of the answer (RPC proxy, EWS, OAB, OWA, MAPI/HTTP) was reached over TLS and "
       "its certificate covers the name.",
       "Nothing to fix.",
       {std::string_view(kExchangeCertificates)}},
      {"auth.bearer_offered",
       Severity::kInfo,
       "The server offers Bearer (OAuth)",
       "The 401 carries `WWW-Authenticate: Bearer`: hybrid modern authentication (OAuth with "
       "Azure AD) is enabled on this virtual directory. Outlook with modern authentication "
       "signs in there instead of using NTLM or Negotiate. Not a failure.",
       "Nothing to fix. To compare, see `Get-AuthServer | fl Name,Enabled` and the virtual "
       "directory's `OAuthAuthentication`.",
       {kHybridModernAuth}},
  };
  return kEntries;
}

}  // namespace probe::diagnosis
