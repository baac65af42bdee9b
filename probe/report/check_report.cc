#include "probe/report/check_report.h"

#include <fmt/format.h>

#include "probe/report/autodiscover_report.h"
#include "probe/report/ews_report.h"
#include "probe/report/join.h"
#include "probe/tls/version.h"

namespace probe::report {

using nlohmann::json;

namespace {

std::string TlsOf(const checks::Endpoint& e) {
  if (!e.cert || !e.cert->version) return "no TLS";
  return std::string(tls::VersionDisplay(*e.cert->version));
}

std::string SubjectOf(const checks::Endpoint& e) {
  if (!e.cert || e.cert->analysis.sent.empty()) return "-";
  const auto& leaf = e.cert->analysis.sent.front();
  return leaf.common_name.empty() ? leaf.subject : "CN=" + leaf.common_name;
}

std::string MsstdOf(const checks::Endpoint& e) {
  if (!e.rpc_proxy) return "n/a";
  if (!e.cert || !e.cert->analysis.msstd) return "not checked";
  return e.cert->analysis.msstd->match() ? "ok" : "MISMATCH";
}

std::string HealthOf(const checks::Endpoint& e) {
  if (e.health.empty()) return "-";
  int ok = 0;
  for (const auto& p : e.health) ok += p.status == 200;
  return fmt::format("{}/{} ok", ok, e.health.size());
}

json EndpointJson(const checks::Endpoint& e) {
  json health = json::array();
  for (const auto& p : e.health)
    health.push_back(json{{"url", p.url},
                          {"status", p.status ? json(p.status) : json(nullptr)},
                          {"detail", p.detail}});
  json out{{"host", e.host},
           {"port", e.port},
           {"uses", e.uses},
           {"tls_version",
            e.cert && e.cert->version ? json(tls::VersionName(*e.cert->version)) : json(nullptr)},
           {"address", e.cert ? json(e.cert->address) : json(nullptr)},
           {"certificate_subject", e.cert && !e.cert->analysis.sent.empty()
                                       ? json(e.cert->analysis.sent.front().subject)
                                       : json(nullptr)},
           {"trusted", e.cert ? json(e.cert->analysis.verification.trusted) : json(nullptr)},
           {"name_covered", e.NameCovered()},
           {"rpc_proxy", e.rpc_proxy},
           {"health", health}};
  if (e.rpc_proxy) {
    out["msstd"] = {
        {"principal", e.cert_principal},
        {"match",
         e.cert && e.cert->analysis.msstd ? json(e.cert->analysis.msstd->match()) : json(nullptr)},
        {"suggested", e.cert && e.cert->analysis.msstd ? json(e.cert->analysis.msstd->suggested)
                                                       : json(nullptr)}};
  }
  return out;
}

std::string ProtocolTable(const checks::AutodiscoverCheckResult& d) { return AnswerText(d); }

std::string EndpointTable(const checks::MailboxCheckResult& r) {
  if (r.endpoints.empty()) return "";
  std::string out = "Endpoints\n";
  out += fmt::format("  {:<28} {:<8} {:<22} {:<6} {:<9} {:<8} {}\n", "HOST", "TLS", "CERTIFICATE",
                     "NAME", "MSSTD", "HEALTH", "USED FOR");
  for (const auto& e : r.endpoints) {
    std::string host = e.host + (e.port == 443 ? "" : ":" + std::to_string(e.port));
    std::vector<std::string> uses;
    for (const auto& u : e.uses) uses.push_back(u.substr(0, u.find(' ')));
    std::vector<std::string> unique;
    for (const auto& u : uses) {
      if (std::find(unique.begin(), unique.end(), u) == unique.end()) unique.push_back(u);
    }
    out += fmt::format("  {:<28} {:<8} {:<22} {:<6} {:<9} {:<8} {}\n", host, TlsOf(e), SubjectOf(e),
                       e.NameCovered() ? "ok" : "NO", MsstdOf(e), HealthOf(e), Join(unique, ", "));
    if (e.rpc_proxy) out += fmt::format("  {:<28} principal {}\n", "", e.cert_principal);
  }
  return out + "\n";
}

std::string StepsText(const checks::MailboxCheckResult& r) {
  std::string out;
  if (r.transport_auth) {
    const auto& a = *r.transport_auth;
    out +=
        fmt::format("Auth       {} {}: {}{}\n", a.scheme.empty() ? "-" : a.scheme, r.transport_url,
                    a.anonymous ? "answered without authentication"
                                : std::string(checks::AuthOutcomeName(a.outcome)),
                    a.error ? " (" + a.error->message + ")" : "");
  }
  if (r.ews) {
    out += fmt::format("EWS        {}\n", r.ews->url);
    if (r.ews->get_folder) out += EwsCallText(*r.ews->get_folder);
    if (r.ews->free_busy) out += EwsCallText(*r.ews->free_busy);
  }
  return out.empty() ? out : out + "\n";
}

}  // namespace

ExitCode CheckExitCode(const checks::MailboxCheckResult& r) {
  if (r.autodiscover.error) return ExitCode::kUnknown;
  return ExitCodeFor(WorstSeverity(r.findings));
}

json CheckReportJson(const checks::MailboxCheckResult& r) {
  ExitCode code = CheckExitCode(r);
  const auto& d = r.autodiscover;
  json endpoints = json::array();
  for (const auto& e : r.endpoints) endpoints.push_back(EndpointJson(e));
  json out{{"schema", "exprobe/1"},
           {"command", "check"},
           {"address", r.address},
           {"final_address", d.final_address.empty() ? json(nullptr) : json(d.final_address)},
           {"answered_by", d.answered_by.empty() ? json(nullptr) : json(d.answered_by)},
           {"dry_run", d.dry_run},
           {"candidates", CandidatesJson(d)},
           {"credential_hosts", d.credential_hosts},
           {"mailbox", MailboxJson(d)},
           {"transport", TransportJson(d.choice)},
           {"protocols", ProtocolsJson(d)},
           {"endpoints", endpoints},
           {"attempts", r.ledger.attempts},
           {"findings", FindingsJson(r.findings)},
           {"status", ExitCodeName(code)},
           {"exit_code", static_cast<int>(code)},
           {"duration_ms", r.duration_ms}};
  if (r.transport_auth) {
    const auto& a = *r.transport_auth;
    out["transport_auth"] = {{"url", r.transport_url},
                             {"scheme", a.scheme},
                             {"outcome", checks::AuthOutcomeName(a.outcome)},
                             {"anonymous", a.anonymous},
                             {"legs", a.legs.size()},
                             {"error", a.error ? json(a.error->message) : json(nullptr)}};
  }
  if (r.ews) {
    json calls = json::array();
    if (r.ews->get_folder) calls.push_back(EwsCallJson(*r.ews->get_folder));
    if (r.ews->free_busy) calls.push_back(EwsCallJson(*r.ews->free_busy));
    out["ews"] = {{"url", r.ews->url}, {"calls", calls}};
  }
  if (d.error)
    out["error"] = {{"code", ErrorCodeName(d.error->code)}, {"message", d.error->message}};
  return out;
}

std::string CheckReportText(const checks::MailboxCheckResult& r, const TextOptions& options) {
  const auto& d = r.autodiscover;
  std::string out = fmt::format("exprobe check {}  ({:.0f} ms, {} credential attempt(s))\n\n",
                                r.address, r.duration_ms, r.ledger.attempts);
  if (d.error) out += fmt::format("error: {}\n\n", d.error->message);
  out += CandidatesText(d);
  if (!d.answered_by.empty()) out += fmt::format("Autodiscover {}\n", d.answered_by);
  out += ProtocolTable(d) + EndpointTable(r) + StepsText(r);
  return out + FindingsText(r.findings, options, CheckExitCode(r));
}

}  // namespace probe::report
