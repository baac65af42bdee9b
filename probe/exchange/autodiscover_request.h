// What an Autodiscover client sends: the POX request (body and headers) and the list of
// candidate URLs Outlook walks for an address (reference section 1.1-1.3, 1.10). Pure data: the
// caller does the DNS and HTTP.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "probe/core/result.h"
#include "probe/exchange/autodiscover_policy.h"
#include "probe/exchange/header_field.h"

namespace probe::exchange {

// Namespaces are http://, never the https:// of the migrated learn.microsoft.com pages.
inline constexpr std::string_view kPoxRequestNamespace =
    "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006";
inline constexpr std::string_view kPoxOutlookResponseSchema =
    "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";
inline constexpr std::string_view kAutodiscoverResponseNamespace =
    "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006";
inline constexpr std::string_view kPoxPath = "/autodiscover/autodiscover.xml";
/// The User-Agent of the reference's Outlook 2016 capture; Exchange 2019 keys EXHTTP on it.
inline constexpr std::string_view kOutlookUserAgent =
    "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.4266; Pro)";

struct PoxRequestOptions {
  bool mapi_http_capability = false;  // X-MapiHttpCapability: 1 (drops EXCH/EXPR when enabled)
  std::string client_can_handle = "Negotiate,ExHttpInfo";  // X-ClientCanHandle; "" omits it
  bool anchor_mailbox = true;  // X-AnchorMailbox: <address> (2013+ routing)
  std::string user_agent = std::string(kOutlookUserAgent);
  std::string legacy_dn;  // also send <LegacyDN> (the server then prefers it)
};

/// A POX request ready for an HTTP POST: the XML body and the headers (no Authorization).
struct PoxRequest {
  std::string body;
  std::vector<HeaderField> headers;
};
/// Builds the request for `address`. kInvalidArgument for an address ParseMailAddress rejects
/// or option values XML or HTTP headers cannot carry.
Result<PoxRequest> BuildPoxRequest(std::string_view address, const PoxRequestOptions& options);

/// Where a candidate came from, in Outlook's order.
enum class CandidateKind {
  kHttpsRootDomain,        // POST https://DOMAIN/autodiscover/autodiscover.xml
  kHttpsAutodiscoverHost,  // POST https://autodiscover.DOMAIN/autodiscover/autodiscover.xml
  kHttpRedirectGet,        // GET http://autodiscover.DOMAIN/...: only a 302 to https counts
  kSrvLookup,              // DNS SRV _autodiscover._tcp.DOMAIN
  kSrvTarget,              // POST to the host an SRV record named
  kRedirectTarget,         // POST to a 302 Location or a redirectUrl
  kJsonV2,                 // GET Autodiscover v2 (informational; never MAPI/RPC settings)
  kUserUrl,                // --url: the user named the URL
};
std::string_view CandidateKindName(CandidateKind kind);  // "https_root_domain", ...

enum class CandidateMethod { kPost, kGet, kSrvLookup };
std::string_view CandidateMethodName(CandidateMethod method);  // "POST", "GET", "SRV"

/// One step of the chain. For kSrvLookup, `target` is the DNS name to query; otherwise a URL.
struct Candidate {
  CandidateKind kind = CandidateKind::kHttpsRootDomain;
  CandidateMethod method = CandidateMethod::kPost;
  std::string target;
  bool send_credentials = false;  // from MaySendCredentials; never for GET or DNS steps
  std::string why;                // one sentence: the rule that put it here (and its source)
};

/// Outlook's registry switches (HKCU\...\Outlook\AutoDiscover) to mirror a client's setup.
struct CandidateOptions {
  bool exclude_https_root_domain = false;
  bool exclude_https_autodiscover_domain = false;
  bool exclude_http_redirect = false;
  bool exclude_srv_record = false;
  bool include_json_v2 = true;
  std::string json_v2_protocol = "Ews";  // also AutodiscoverV1, ActiveSync
  std::vector<std::string> allow_hosts;  // --allow-host: may also receive credentials
};

/// The candidates for `address` in Outlook's order: root domain, autodiscover host, HTTP GET
/// redirect, SRV lookup, then Autodiscover v2 JSON (reference 1.1; SCP and local XML are out of
/// scope). kInvalidArgument for a bad address.
Result<std::vector<Candidate>> AutodiscoverCandidates(std::string_view address,
                                                      const CandidateOptions& options);

/// An SRV answer for _autodiscover._tcp.DOMAIN.
struct SrvRecord {
  std::uint16_t priority = 0;
  std::uint16_t weight = 0;
  std::uint16_t port = 443;
  std::string target;  // host name; a trailing dot is removed
};
/// POST candidates for SRV answers: lowest priority first, then highest weight, then name (so
/// the order is deterministic). Records with an invalid target are left out. Credentials only
/// for targets the policy allows (Outlook warns on a redirect to another domain).
std::vector<Candidate> CandidatesFromSrv(std::vector<SrvRecord> records, std::string_view address,
                                         const CandidateOptions& options);

/// The candidate for a redirect target (302 Location or redirectUrl). Callers first ask a
/// RedirectTracker whether to follow. kMalformed if `url` is not an http(s) URL.
Result<Candidate> CandidateFromRedirect(std::string_view url, std::string_view address,
                                        const CandidateOptions& options);

/// https://HOST/autodiscover/autodiscover.json/v1.0/ADDRESS?Protocol=PROTOCOL, the address
/// percent-encoded where a path segment needs it.
std::string JsonV2Url(std::string_view host, std::string_view address, std::string_view protocol);

/// The request headers of an Autodiscover v2 GET.
std::vector<HeaderField> JsonV2Headers();

}  // namespace probe::exchange
