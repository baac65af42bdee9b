#include "probe/report/cert_report.h"

#include <fmt/format.h>

#include <ctime>

#include "probe/report/join.h"
#include "probe/report/json_report.h"

namespace probe::report {
namespace {

using nlohmann::json;

std::vector<std::string> Sans(const tls::CertificateSummary& c) {
  std::vector<std::string> out = c.dns_names;
  out.insert(out.end(), c.ip_addresses.begin(), c.ip_addresses.end());
  return out;
}

json TargetJson(const checks::CertCheckResult& r) {
  return json{{"host", r.host},
              {"port", r.port},
              {"sni", r.sni},
              {"address", r.address},
              {"resolved_via", r.resolved_via}};
}

json TrustJson(const checks::CertAnalysis& a) {
  json fetched = json::array();
  for (const auto& f : a.aia)
    fetched.push_back(json{{"url", f.url}, {"ok", f.ok}, {"detail", f.detail}});
  return json{{"store", a.trust_store},
              {"problem", tls::TrustProblemName(a.verification.problem)},
              {"complete", a.verification.complete()},
              {"errors", a.verification.errors},
              {"aia_urls", a.aia_urls},
              {"aia_fetched", fetched}};
}

json NamesJson(const checks::CertAnalysis& a) {
  json out = json::array();
  for (const auto& n : a.names) {
    for (const auto& m : n.clients) {
      out.push_back(json{{"name", n.name},
                         {"client", tls::NameClientName(m.client)},
                         {"match", m.match},
                         {"matched_by", m.matched_by.empty() ? json(nullptr) : json(m.matched_by)},
                         {"reason", m.reason}});
    }
  }
  return out;
}

json MsstdJson(const checks::CertAnalysis& a) {
  if (!a.msstd) return nullptr;
  const auto& m = *a.msstd;
  json clients = json::array();
  for (const auto& v : m.clients) {
    clients.push_back(json{{"client", tls::WindowsFamilyName(v.family)},
                           {"match", v.match},
                           {"confidence", tls::ConfidenceName(v.confidence)},
                           {"rule", v.rule},
                           {"detail", v.detail}});
  }
  return json{{"principal", m.principal},
              {"match", m.match()},
              {"equals_cn", m.equals_cn},
              {"equals_san", m.equals_san},
              {"wildcard_covers", m.wildcard_covers},
              {"suggested", m.suggested.empty() ? json(nullptr) : json(m.suggested)},
              {"applies_to", "Outlook Anywhere (RPC over HTTP)"},
              {"clients", clients}};
}

json SniJson(const checks::CertCheckResult& r) {
  if (!r.without_sni) return nullptr;
  const auto& s = *r.without_sni;
  json without{{"completed", s.completed}, {"same", s.same}, {"detail", s.detail}};
  if (s.leaf) {
    without["subject"] = s.leaf->subject;
    without["sha256"] = s.leaf->sha256_fingerprint;
  }
  return json{{"sent", r.sni}, {"without_sni", without}};
}

json RevocationJson(const checks::CertCheckResult& r) {
  json out = json::array();
  for (const auto& c : r.revocation) {
    json j{{"method", tls::RevocationMethodName(c.method)},
           {"url", c.url},
           {"subject", c.subject},
           {"chain_index", c.chain_index},
           {"status", tls::RevocationStatusName(c.status)},
           {"detail", c.detail},
           {"elapsed_ms", c.elapsed_ms}};
    j["http_status"] = c.http_status ? json(*c.http_status) : json(nullptr);
    if (c.revoked_at) j["revoked_at"] = tls::FormatUtc(*c.revoked_at);
    if (!c.revocation_reason.empty()) j["reason"] = c.revocation_reason;
    out.push_back(std::move(j));
  }
  return out;
}

// ---- text

std::string DaysLeft(std::int64_t not_after) {
  std::int64_t left = not_after - static_cast<std::int64_t>(std::time(nullptr));
  if (left < 0) return fmt::format("expired {} days ago", -left / 86400);
  return fmt::format("{} days left", left / 86400);
}

std::string CertificateText(std::size_t index, const tls::CertificateSummary& c,
                            std::string_view note) {
  std::string out = fmt::format("  [{}] {}{}\n", index, c.subject,
                                note.empty() ? "" : fmt::format("  ({})", note));
  out += fmt::format("      issuer {}\n", c.issuer);
  out += fmt::format("      {} {} bits, {}, valid {} .. {} ({})\n", c.key_type, c.key_bits,
                     c.signature_algorithm, tls::FormatUtc(c.not_before),
                     tls::FormatUtc(c.not_after), DaysLeft(c.not_after));
  auto sans = Sans(c);
  if (!sans.empty()) out += fmt::format("      san {}\n", Join(sans, ", "));
  out += fmt::format("      sha256 {}\n", c.sha256_fingerprint);
  return out;
}

std::string BuiltText(const checks::CertAnalysis& a) {
  const auto& v = a.verification;
  std::string out = fmt::format("Chain as built (trust store: {})\n", a.trust_store);
  for (std::size_t i = 0; i < v.built.size(); ++i) {
    bool anchor = v.trusted && i + 1 == v.built.size();
    std::string source(tls::CertSourceName(v.built[i].source));
    if (anchor) source += ", trust anchor";
    out += fmt::format("  [{}] {}  ({})\n", i, v.built[i].cert.subject, source);
  }
  out += fmt::format("  trusted: {}{}\n", v.trusted ? "yes" : "no",
                     v.trusted ? "" : fmt::format(" ({})", tls::TrustProblemName(v.problem)));
  if (!a.aia_urls.empty()) out += fmt::format("  caIssuers (AIA): {}\n", Join(a.aia_urls, ", "));
  for (const auto& f : a.aia) out += fmt::format("  fetched {}: {}\n", f.url, f.detail);
  return out + "\n";
}

std::string RightTrimmed(std::string line) {
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line + "\n";
}

std::string NamesText(const checks::CertAnalysis& a) {
  if (a.names.empty()) return {};
  std::size_t width = 4;
  for (const auto& n : a.names) width = std::max(width, n.name.size());
  std::string header = fmt::format("{:<{}}", "Names", width + 2);
  for (auto c : tls::kNameClients) header += fmt::format("  {:<9}", tls::NameClientName(c));
  std::string out = RightTrimmed(header);
  for (const auto& n : a.names) {
    std::string row = fmt::format("  {:<{}}", n.name, width);
    for (const auto& m : n.clients) row += fmt::format("  {:<9}", m.match ? "yes" : "NO");
    out += RightTrimmed(row);
  }
  for (const auto& n : a.names) {
    for (const auto& m : n.clients) {
      if (!m.match)
        out += fmt::format("  {} / {}: {}\n", n.name, tls::NameClientName(m.client), m.reason);
    }
  }
  return out + "\n";
}

std::string MsstdText(const checks::CertAnalysis& a) {
  if (!a.msstd) return {};
  const auto& m = *a.msstd;
  std::string out =
      fmt::format("Outlook Anywhere principal {} (RPC over HTTP only)\n", m.principal);
  for (const auto& v : m.clients) {
    std::string label = v.family == tls::WindowsFamily::kXp ? "Windows XP" : "Windows Vista+";
    out += fmt::format("  {:<15} {:<4} [{}] {}\n", label, v.match ? "yes" : "NO",
                       tls::ConfidenceName(v.confidence), v.detail);
  }
  if (!m.match() && !m.suggested.empty()) {
    out += fmt::format("  fix: Set-OutlookProvider EXPR -CertPrincipalName {}\n", m.suggested);
  }
  return out + "\n";
}

std::string SniText(const checks::CertCheckResult& r) {
  if (!r.without_sni) return {};
  return fmt::format("Without SNI\n  {}\n\n", r.without_sni->detail);
}

std::string RevocationText(const checks::CertCheckResult& r) {
  if (r.revocation.empty()) return {};
  std::string out = "Revocation\n";
  for (const auto& c : r.revocation) {
    out += fmt::format("  {:<4} {}  [{}] {:<11} {} ({:.0f} ms)\n",
                       tls::RevocationMethodName(c.method), c.url, c.chain_index,
                       tls::RevocationStatusName(c.status), c.detail, c.elapsed_ms);
  }
  return out + "\n";
}

}  // namespace

json CertJson(const tls::CertificateSummary& c) {
  auto details = tls::ReadDetails(c.der);
  json key{{"type", c.key_type}, {"bits", c.key_bits}};
  if (details && !details->curve.empty()) key["curve"] = details->curve;
  json out{{"subject", c.subject},
           {"issuer", c.issuer},
           {"common_name", c.common_name},
           {"san", Sans(c)},
           {"serial", c.serial_hex},
           {"not_before", tls::FormatUtc(c.not_before)},
           {"not_after", tls::FormatUtc(c.not_after)},
           {"key", key},
           {"signature", c.signature_algorithm},
           {"sha256", c.sha256_fingerprint},
           {"self_issued", c.self_issued}};
  if (details) {
    out["crl_urls"] = details->crl_urls;
    out["ocsp_urls"] = details->ocsp_urls;
    out["ca_issuer_urls"] = details->ca_issuer_urls;
  }
  return out;
}

json CertAnalysisJson(const checks::CertAnalysis& a) {
  json built = json::array();
  for (const auto& link : a.verification.built) {
    json c = CertJson(link.cert);
    c["source"] = tls::CertSourceName(link.source);
    built.push_back(std::move(c));
  }
  return json{{"built_chain", built},
              {"trusted", a.verification.trusted},
              {"trust", TrustJson(a)},
              {"names", NamesJson(a)},
              {"msstd", MsstdJson(a)}};
}

std::string CertAnalysisText(const checks::CertAnalysis& a) {
  return BuiltText(a) + NamesText(a) + MsstdText(a);
}

json CertReportJson(const checks::CertCheckResult& r) {
  Severity worst = WorstSeverity(r.findings);
  json analysis = CertAnalysisJson(r.analysis);
  json chain = json::array();
  for (const auto& c : r.analysis.sent) chain.push_back(CertJson(c));
  json findings = json::array();
  for (const auto& f : r.findings) findings.push_back(ToJson(f));
  return json{{"schema", "exprobe/1"},
              {"command", "cert"},
              {"target", TargetJson(r)},
              {"status", ExitCodeName(ExitCodeFor(worst))},
              {"worst_severity", SeverityName(worst)},
              {"exit_code", static_cast<int>(ExitCodeFor(worst))},
              {"duration_ms", r.duration_ms},
              {"tls_version", r.version ? json(tls::VersionName(*r.version)) : json(nullptr)},
              {"chain", chain},
              {"built_chain", analysis["built_chain"]},
              {"trusted", analysis["trusted"]},
              {"trust", analysis["trust"]},
              {"names", analysis["names"]},
              {"msstd", analysis["msstd"]},
              {"sni", SniJson(r)},
              {"revocation", RevocationJson(r)},
              {"findings", findings}};
}

std::string CertReportText(const checks::CertCheckResult& r, const TextOptions& options) {
  std::string out = fmt::format("exprobe cert {}:{}", r.host, r.port);
  std::vector<std::string> notes;
  if (!r.address.empty()) notes.push_back("address " + r.address);
  if (!r.sni.empty()) notes.push_back("sni " + r.sni);
  if (r.version) notes.push_back(std::string(tls::VersionDisplay(*r.version)));
  notes.push_back(fmt::format("{:.0f} ms", r.duration_ms));
  out += fmt::format("  ({})\n\n", Join(notes, ", "));
  const auto& a = r.analysis;
  if (!a.sent.empty()) {
    out += "Chain as sent\n";
    for (std::size_t i = 0; i < a.sent.size(); ++i) out += CertificateText(i, a.sent[i], "");
    out += "\n" + BuiltText(a);
    out += NamesText(a) + MsstdText(a);
  }
  out += SniText(r) + RevocationText(r);
  return out + FindingsText(r.findings, options);
}

}  // namespace probe::report
