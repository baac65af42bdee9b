#include "probe/exchange/autodiscover_request.h"

#include <algorithm>
#include <cctype>
#include <pugixml.hpp>

#include "probe/exchange/xml.h"

namespace probe::exchange {
namespace {

// Header values come from options; a CR or LF would let a value smuggle a second header.
Result<void> CheckHeaderValue(std::string_view value, std::string_view name) {
  for (char c : value) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      return Fail(ErrorCode::kInvalidArgument,
                  std::string(name) + " holds a character an HTTP header cannot carry");
    }
  }
  return {};
}

Candidate Make(CandidateKind kind, CandidateMethod method, std::string target, bool credentials,
               std::string why) {
  return Candidate{kind, method, std::move(target), credentials, std::move(why)};
}

Candidate PostCandidate(CandidateKind kind, std::string url, const CredentialPolicy& policy,
                        std::string why) {
  CredentialVerdict verdict = MaySendCredentials(url, policy);
  if (!verdict.allowed) why += "; no credentials: " + verdict.reason;
  return Make(kind, CandidateMethod::kPost, std::move(url), verdict.allowed, std::move(why));
}

std::string PoxUrl(std::string_view scheme, std::string_view host, std::uint16_t port = 0) {
  std::string url = std::string(scheme) + "://" + std::string(host);
  if (port != 0 && port != (scheme == "https" ? 443 : 80)) url += ":" + std::to_string(port);
  return url + std::string(kPoxPath);
}

bool IsUnreservedOrPathChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("-._~!$&'()*+,;=:@").find(c) != std::string_view::npos;
}

}  // namespace

Result<PoxRequest> BuildPoxRequest(std::string_view address, const PoxRequestOptions& options) {
  auto mail = ParseMailAddress(address);
  if (!mail) return Fail(mail.error());
  if (auto ok = xml::CheckText(options.legacy_dn, "LegacyDN"); !ok) return Fail(ok.error());
  if (auto ok = CheckHeaderValue(options.user_agent, "User-Agent"); !ok) return Fail(ok.error());
  if (auto ok = CheckHeaderValue(options.client_can_handle, "X-ClientCanHandle"); !ok) {
    return Fail(ok.error());
  }

  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("Autodiscover");
  root.append_attribute("xmlns") = std::string(kPoxRequestNamespace).c_str();
  pugi::xml_node request = root.append_child("Request");
  request.append_child("EMailAddress").text() = std::string(address).c_str();
  if (!options.legacy_dn.empty()) {
    request.append_child("LegacyDN").text() = options.legacy_dn.c_str();
  }
  request.append_child("AcceptableResponseSchema").text() =
      std::string(kPoxOutlookResponseSchema).c_str();

  PoxRequest out;
  out.body = xml::Serialize(doc);
  out.headers.push_back({"Content-Type", "text/xml; charset=utf-8"});
  if (!options.user_agent.empty()) out.headers.push_back({"User-Agent", options.user_agent});
  if (options.mapi_http_capability) out.headers.push_back({"X-MapiHttpCapability", "1"});
  if (!options.client_can_handle.empty()) {
    out.headers.push_back({"X-ClientCanHandle", options.client_can_handle});
  }
  if (options.anchor_mailbox) out.headers.push_back({"X-AnchorMailbox", std::string(address)});
  return out;
}

std::string_view CandidateKindName(CandidateKind kind) {
  switch (kind) {
    case CandidateKind::kHttpsRootDomain:
      return "https_root_domain";
    case CandidateKind::kHttpsAutodiscoverHost:
      return "https_autodiscover_host";
    case CandidateKind::kHttpRedirectGet:
      return "http_redirect_get";
    case CandidateKind::kSrvLookup:
      return "srv_lookup";
    case CandidateKind::kSrvTarget:
      return "srv_target";
    case CandidateKind::kRedirectTarget:
      return "redirect_target";
    case CandidateKind::kJsonV2:
      return "json_v2";
    case CandidateKind::kUserUrl:
      return "user_url";
  }
  return "unknown";
}

std::string_view CandidateMethodName(CandidateMethod method) {
  switch (method) {
    case CandidateMethod::kPost:
      return "POST";
    case CandidateMethod::kGet:
      return "GET";
    case CandidateMethod::kSrvLookup:
      return "SRV";
  }
  return "?";
}

Result<std::vector<Candidate>> AutodiscoverCandidates(std::string_view address,
                                                      const CandidateOptions& options) {
  auto mail = ParseMailAddress(address);
  if (!mail) return Fail(mail.error());
  const std::string& domain = mail->domain;
  const std::string autodiscover_host = "autodiscover." + domain;
  CredentialPolicy policy{domain, options.allow_hosts};

  std::vector<Candidate> out;
  if (!options.exclude_https_root_domain) {
    out.push_back(PostCandidate(CandidateKind::kHttpsRootDomain, PoxUrl("https", domain), policy,
                                "the SMTP domain itself (MS-OXDISCO 3.1.5.2)"));
  }
  if (!options.exclude_https_autodiscover_domain) {
    out.push_back(PostCandidate(CandidateKind::kHttpsAutodiscoverHost,
                                PoxUrl("https", autodiscover_host), policy,
                                "autodiscover. prepended to the SMTP domain (MS-OXDISCO 3.1.5.2)"));
  }
  if (!options.exclude_http_redirect) {
    out.push_back(Make(CandidateKind::kHttpRedirectGet, CandidateMethod::kGet,
                       PoxUrl("http", autodiscover_host), false,
                       "unauthenticated GET without a body; only a 302 to an https URL counts "
                       "(MS-OXDISCO 3.1.5.4)"));
  }
  if (!options.exclude_srv_record) {
    out.push_back(
        Make(CandidateKind::kSrvLookup, CandidateMethod::kSrvLookup, "_autodiscover._tcp." + domain,
             false, "DNS SRV record; each target becomes a POST candidate (MS-OXDISCO 3.1.5.3)"));
  }
  if (options.include_json_v2) {
    out.push_back(
        Make(CandidateKind::kJsonV2, CandidateMethod::kGet,
             JsonV2Url(autodiscover_host, address, options.json_v2_protocol), false,
             "Autodiscover v2 JSON, informational: it never returns MAPI or RPC settings"));
  }
  return out;
}

std::vector<Candidate> CandidatesFromSrv(std::vector<SrvRecord> records, std::string_view address,
                                         const CandidateOptions& options) {
  std::vector<Candidate> out;
  auto mail = ParseMailAddress(address);
  if (!mail) return out;
  for (auto& r : records) {
    if (!r.target.empty() && r.target.back() == '.') r.target.pop_back();
  }
  std::sort(records.begin(), records.end(), [](const SrvRecord& a, const SrvRecord& b) {
    if (a.priority != b.priority) return a.priority < b.priority;
    if (a.weight != b.weight) return a.weight > b.weight;
    return a.target < b.target;
  });
  CredentialPolicy policy{mail->domain, options.allow_hosts};
  for (const auto& r : records) {
    std::string url = PoxUrl("https", r.target, r.port);
    if (!SplitUrl(url) || r.target.empty() || r.port == 0) continue;
    out.push_back(PostCandidate(CandidateKind::kSrvTarget, std::move(url), policy,
                                "SRV target " + r.target + " (priority " +
                                    std::to_string(r.priority) + ", weight " +
                                    std::to_string(r.weight) + ")"));
  }
  return out;
}

Result<Candidate> CandidateFromRedirect(std::string_view url, std::string_view address,
                                        const CandidateOptions& options) {
  auto mail = ParseMailAddress(address);
  if (!mail) return Fail(mail.error());
  auto parts = SplitUrl(url);
  if (!parts) return Fail(parts.error().With("redirect target"));
  CredentialPolicy policy{mail->domain, options.allow_hosts};
  return PostCandidate(CandidateKind::kRedirectTarget, std::string(url), policy,
                       "redirected here (302 Location or redirectUrl)");
}

std::string JsonV2Url(std::string_view host, std::string_view address, std::string_view protocol) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  auto encode = [](std::string_view s) {
    std::string out;
    for (char c : s) {
      if (IsUnreservedOrPathChar(c) && c != '&' && c != '+' && c != '=') {
        out += c;
      } else {
        auto u = static_cast<unsigned char>(c);
        out += '%';
        out += kHex[u >> 4];
        out += kHex[u & 0xF];
      }
    }
    return out;
  };
  return "https://" + std::string(host) + "/autodiscover/autodiscover.json/v1.0/" +
         encode(address) + "?Protocol=" + encode(protocol);
}

std::vector<HeaderField> JsonV2Headers() {
  return {{"Accept", "application/json"}, {"User-Agent", std::string(kOutlookUserAgent)}};
}

}  // namespace probe::exchange
