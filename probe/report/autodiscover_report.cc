#include "probe/report/autodiscover_report.h"

#include <fmt/format.h>

#include "probe/checks/mailbox_check.h"
#include "probe/report/join.h"
#include "probe/report/json_report.h"

namespace probe::report {

using nlohmann::json;

namespace {

json OrNull(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

// The URLs of one protocol block, by the names the JSON contract uses.
json UrlsJson(const exchange::AutodiscoverProtocol& p) {
  json urls = json::object();
  auto put = [&](const char* name, const std::string& value) {
    if (!value.empty()) urls[name] = value;
  };
  put("ews", p.ews_url);
  put("oab", p.oab_url);
  put("availability", p.as_url);
  put("ecp", p.ecp_url);
  put("oof", p.oof_url);
  put("um", p.um_url);
  put("emws", p.emws_url);
  put("mail_store_internal", p.mail_store.internal_url);
  put("mail_store_external", p.mail_store.external_url);
  put("address_book_internal", p.address_book.internal_url);
  put("address_book_external", p.address_book.external_url);
  if (p.web_internal) put("owa_internal", p.web_internal->owa_url);
  if (p.web_external) put("owa_external", p.web_external->owa_url);
  return urls;
}

json ProtocolJson(const exchange::AutodiscoverProtocol& p, const char* request) {
  bool proxy = p.type == exchange::ProtocolType::kExpr || p.type == exchange::ProtocolType::kExhttp;
  json j{
      {"type", p.type_name.empty() ? std::string(exchange::ProtocolTypeName(p.type)) : p.type_name},
      {"exposure", exchange::ExposureName(p.exposure)},
      {"server", OrNull(p.server)},
      {"cert_principal", p.cert_principal_name ? json(*p.cert_principal_name) : json(nullptr)},
      {"urls", UrlsJson(p)},
      {"request", request}};
  if (proxy) {
    j["effective_cert_principal"] = p.EffectiveCertPrincipal();
    j["cert_principal_defaulted"] = p.CertPrincipalDefaulted();
    j["ssl"] = p.SslRequired();
  }
  if (!p.auth_package.empty()) j["auth_package"] = p.auth_package;
  if (!p.server_version_hex.empty()) {
    j["server_version"] = p.server_version ? json(p.server_version->Dotted()) : json(nullptr);
    j["server_version_hex"] = p.server_version_hex;
  }
  if (!p.server_dn.empty()) j["server_dn"] = p.server_dn;
  if (p.type == exchange::ProtocolType::kMapiHttp) j["version"] = p.version;
  return j;
}

std::string UrlsText(const exchange::AutodiscoverProtocol& p) {
  std::vector<std::string> parts;
  auto put = [&](const char* name, const std::string& value) {
    if (!value.empty()) parts.push_back(std::string(name) + " " + value);
  };
  put("EWS", p.ews_url);
  put("OAB", p.oab_url);
  put("MailStore",
      p.mail_store.external_url.empty() ? p.mail_store.internal_url : p.mail_store.external_url);
  put("AddressBook", p.address_book.external_url.empty() ? p.address_book.internal_url
                                                         : p.address_book.external_url);
  if (p.web_external) put("OWA", p.web_external->owa_url);
  if (!p.web_external && p.web_internal) put("OWA (internal)", p.web_internal->owa_url);
  return Join(parts, "\n                       ");
}

}  // namespace

ExitCode AutodiscoverExitCode(const checks::AutodiscoverCheckResult& r) {
  if (r.error) return ExitCode::kUnknown;
  return ExitCodeFor(WorstSeverity(r.findings));
}

json CandidatesJson(const checks::AutodiscoverCheckResult& r) {
  json out = json::array();
  for (const auto& c : r.candidates) {
    json j{{"url", c.candidate.target},
           {"result", c.result},
           {"kind", exchange::CandidateKindName(c.candidate.kind)},
           {"method", exchange::CandidateMethodName(c.candidate.method)},
           {"address", c.address},
           {"detail", c.detail},
           {"http_status", c.http_status ? json(c.http_status) : json(nullptr)},
           {"credentials_sent", c.credentials_sent}};
    if (!c.credential_rule.empty()) j["credential_rule"] = c.credential_rule;
    out.push_back(std::move(j));
  }
  return out;
}

json MailboxJson(const checks::AutodiscoverCheckResult& r) {
  const exchange::AutodiscoverResponse* any = r.answer        ? &*r.answer
                                              : r.mapi_answer ? &*r.mapi_answer
                                                              : nullptr;
  if (!any) return nullptr;
  const auto& m = r.mailbox;
  return json{{"version", m.version ? json(m.version->Dotted()) : json(nullptr)},
              {"product", m.version ? json(m.version->ProductName())
                          : m.major ? json("Exchange " + std::to_string(m.major) + ".x")
                                    : json(nullptr)},
              {"major", m.major ? json(m.major) : json(nullptr)},
              {"legacy_dn", OrNull(any->user.legacy_dn)},
              {"display_name", OrNull(any->user.display_name)},
              {"smtp_address", OrNull(any->user.autodiscover_smtp_address)},
              {"evidence", m.evidence}};
}

json TransportJson(const exchange::OutlookChoice& c) {
  json j{{"type", exchange::OutlookTransportName(c.transport)}, {"reason", c.reason}};
  if (c.transport == exchange::OutlookTransport::kMapiHttp) {
    j["mail_store_url"] = c.mail_store_url;
    j["address_book_url"] = c.address_book_url;
  } else if (c.transport == exchange::OutlookTransport::kRpcHttp) {
    j["proxy_protocol"] = exchange::ProtocolTypeName(c.proxy_protocol);
    j["proxy_server"] = c.proxy_server;
    j["rpc_server"] = c.rpc_server;
    j["auth_package"] = c.auth_package;
    j["ssl"] = c.ssl;
    j["cert_principal"] = c.cert_principal;
    j["cert_principal_defaulted"] = c.cert_principal_defaulted;
  }
  return j;
}

json ProtocolsJson(const checks::AutodiscoverCheckResult& r) {
  json out = json::array();
  if (r.answer) {
    for (const auto& p : r.answer->protocols) out.push_back(ProtocolJson(p, "plain"));
  }
  if (r.mapi_answer) {
    for (const auto& p : r.mapi_answer->protocols) {
      if (p.type == exchange::ProtocolType::kMapiHttp || !r.answer)
        out.push_back(ProtocolJson(p, "mapi_http_capability"));
    }
  }
  return out;
}

json FindingsJson(std::vector<Finding> findings) {
  checks::SortWorstFirst(findings);
  json out = json::array();
  for (const auto& f : findings) out.push_back(ToJson(f));
  return out;
}

json AutodiscoverReportJson(const checks::AutodiscoverCheckResult& r) {
  ExitCode code = AutodiscoverExitCode(r);
  json out{{"schema", "exprobe/1"},
           {"command", "autodiscover"},
           {"address", r.address},
           {"final_address", OrNull(r.final_address)},
           {"answered_by", OrNull(r.answered_by)},
           {"dry_run", r.dry_run},
           {"candidates", CandidatesJson(r)},
           {"credential_hosts", r.credential_hosts},
           {"attempts", r.ledger.attempts},
           {"mailbox", MailboxJson(r)},
           {"transport", TransportJson(r.choice)},
           {"protocols", ProtocolsJson(r)},
           {"findings", FindingsJson(r.findings)},
           {"status", ExitCodeName(code)},
           {"exit_code", static_cast<int>(code)},
           {"duration_ms", r.duration_ms}};
  if (r.json_v2) {
    out["json_v2"] = {
        {"url", r.json_v2_url}, {"protocol", r.json_v2->protocol}, {"endpoint", r.json_v2->url}};
  }
  if (r.error)
    out["error"] = {{"code", ErrorCodeName(r.error->code)}, {"message", r.error->message}};
  return out;
}

std::string CandidatesText(const checks::AutodiscoverCheckResult& r) {
  std::string out = r.dry_run ? "Candidates (dry run: nothing sent)\n" : "Candidates\n";
  int n = 0;
  for (const auto& c : r.candidates) {
    out += fmt::format("  {:>2} {:<4} {:<62} {}{}\n", ++n,
                       exchange::CandidateMethodName(c.candidate.method), c.candidate.target,
                       c.result, c.credentials_sent ? " (credentials sent)" : "");
    std::string detail = !c.detail.empty() ? c.detail : c.credential_rule;
    if (!detail.empty()) out += fmt::format("          {}\n", detail);
  }
  if (!r.credential_hosts.empty()) {
    out += fmt::format("  credentials {} to: {}\n", r.dry_run ? "would go" : "went",
                       Join(r.credential_hosts, ", "));
  }
  return out + "\n";
}

std::string AnswerText(const checks::AutodiscoverCheckResult& r) {
  const exchange::AutodiscoverResponse* any = r.answer        ? &*r.answer
                                              : r.mapi_answer ? &*r.mapi_answer
                                                              : nullptr;
  if (!any) return "";
  std::string out;
  const auto& m = r.mailbox;
  out += fmt::format("Mailbox    {} <{}>: {}{}\n", any->user.display_name, r.final_address,
                     m.version ? m.version->ProductName() + " (" + m.version->Dotted() + ")"
                     : m.major ? "Exchange " + std::to_string(m.major) + ".x"
                               : std::string("version unknown"),
                     any->user.legacy_dn.empty() ? "" : ", legacy DN " + any->user.legacy_dn);
  const auto& c = r.choice;
  if (c.transport == exchange::OutlookTransport::kMapiHttp) {
    out += fmt::format("Outlook    MAPI/HTTP {}\n", c.mail_store_url);
  } else if (c.transport == exchange::OutlookTransport::kRpcHttp) {
    out += fmt::format("Outlook    Outlook Anywhere (RPC/HTTP) via {} {}, RPC server {}, {} {}{}\n",
                       exchange::ProtocolTypeName(c.proxy_protocol), c.proxy_server, c.rpc_server,
                       c.auth_package.empty() ? "auth ?" : "auth " + c.auth_package,
                       c.cert_principal, c.cert_principal_defaulted ? " (default)" : "");
  } else {
    out += fmt::format("Outlook    no transport: {}\n", c.reason);
  }
  out += "\nProtocols\n";
  out += fmt::format("  {:<9} {:<10} {}\n", "TYPE", "SIDE", "SERVER, PRINCIPAL, VERSION / URLS");
  auto line = [&](const exchange::AutodiscoverProtocol& p) {
    std::string server = p.server;
    if (p.type == exchange::ProtocolType::kExpr || p.type == exchange::ProtocolType::kExhttp)
      server += " " + p.EffectiveCertPrincipal() + (p.CertPrincipalDefaulted() ? " (default)" : "");
    if (p.server_version) server += " " + p.server_version->Dotted();
    std::string urls = UrlsText(p);
    out += fmt::format("  {:<9} {:<10} {}\n", p.type_name,
                       p.exposure == exchange::Exposure::kUnspecified
                           ? "-"
                           : std::string(exchange::ExposureName(p.exposure)),
                       server.empty() ? "-" : server);
    if (!urls.empty()) out += "                       " + urls + "\n";
  };
  if (r.answer) {
    for (const auto& p : r.answer->protocols) line(p);
  }
  if (r.mapi_answer) {
    for (const auto& p : r.mapi_answer->protocols) {
      if (p.type == exchange::ProtocolType::kMapiHttp || !r.answer) line(p);
    }
  }
  return out + "\n";
}

std::string AutodiscoverReportText(const checks::AutodiscoverCheckResult& r,
                                   const TextOptions& options) {
  std::string out =
      fmt::format("exprobe autodiscover {}  ({:.0f} ms, {} credential attempt(s))\n\n", r.address,
                  r.duration_ms, r.ledger.attempts);
  if (r.error) out += fmt::format("error: {}\n\n", r.error->message);
  out += CandidatesText(r) + AnswerText(r);
  if (r.json_v2)
    out += fmt::format("Autodiscover v2  {} {}\n\n", r.json_v2->protocol, r.json_v2->url);
  std::vector<Finding> sorted = r.findings;
  checks::SortWorstFirst(sorted);
  return out + FindingsText(sorted, options, AutodiscoverExitCode(r));
}

}  // namespace probe::report
