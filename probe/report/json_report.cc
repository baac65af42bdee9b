#include "probe/report/json_report.h"

#include <fmt/format.h>

#include "probe/report/cert_report.h"
#include "probe/report/client_report.h"
#include "probe/tls/cipher_suites.h"
#include "probe/tls/client_hello.h"

namespace probe::report {

using nlohmann::json;

std::string SuiteId(std::uint16_t id) { return fmt::format("0x{:04X}", id); }

json ToJson(const Finding& f) {
  return json{{"id", f.id},
              {"severity", SeverityName(f.severity)},
              {"summary", f.summary},
              {"evidence", f.evidence},
              {"cause", f.cause},
              {"remediation", f.remediation},
              {"references", f.references}};
}

json ToJson(const tls::CertificateSummary& c) {
  return json{{"subject", c.subject},
              {"issuer", c.issuer},
              {"common_name", c.common_name},
              {"dns_names", c.dns_names},
              {"ip_addresses", c.ip_addresses},
              {"serial", c.serial_hex},
              {"not_before", tls::FormatUtc(c.not_before)},
              {"not_after", tls::FormatUtc(c.not_after)},
              {"key_type", c.key_type},
              {"key_bits", c.key_bits},
              {"signature_algorithm", c.signature_algorithm},
              {"sha256_fingerprint", c.sha256_fingerprint},
              {"self_issued", c.self_issued}};
}

json ToJson(const diagnosis::CatalogueEntry& e) {
  json refs = json::array();
  for (auto r : e.references) refs.push_back(std::string(r));
  return json{{"id", std::string(e.id)},
              {"severity", SeverityName(e.severity)},
              {"title", std::string(e.title)},
              {"cause", std::string(e.cause)},
              {"remediation", std::string(e.remediation)},
              {"references", refs}};
}

namespace {

json SuiteJson(std::uint16_t id) {
  json s{{"id", SuiteId(id)}, {"name", tls::SuiteName(id)}};
  if (const tls::CipherSuite* suite = tls::FindCipherSuite(id)) {
    s["forward_secrecy"] = suite->forward_secrecy;
    if (!suite->weakness.empty()) s["weakness"] = std::string(suite->weakness);
  }
  return s;
}

json ScanJson(const tls::ProtocolScan& scan) {
  json groups = json::array();
  for (auto g : scan.groups) groups.push_back(tls::GroupName(g));
  json out{{"detail", scan.detail},
           {"hellos", scan.hellos},
           {"suite_hellos", scan.suite_hellos},
           {"groups", groups}};
  out["server_preference"] = scan.server_preference ? json(*scan.server_preference) : json(nullptr);
  if (scan.error) out["error"] = *scan.error;
  if (!scan.ssl2_cipher_specs.empty()) {
    json specs = json::array();
    for (auto spec : scan.ssl2_cipher_specs) specs.push_back(fmt::format("0x{:06X}", spec));
    out["ssl2_cipher_specs"] = specs;
  }
  return out;
}

json HandshakeJson(const tls::HandshakeResult& h) {
  json hs{{"outcome", tls::OutcomeName(h.outcome)},
          {"completed", h.outcome == tls::HandshakeOutcome::kCompleted},
          {"detail", h.detail},
          {"elapsed_ms", h.elapsed_ms}};
  if (h.negotiated) hs["server_version"] = tls::VersionName(*h.negotiated);
  if (h.alert_received) hs["alert_received"] = *h.alert_received;
  if (h.alert_sent) hs["alert_sent"] = *h.alert_sent;
  if (h.accepted()) hs["cipher_suite"] = SuiteJson(h.cipher_id);
  if (!h.group.empty()) hs["group"] = h.group;
  return hs;
}

json ProtocolJson(const checks::ProtocolProbe& p) {
  json out{{"version", tls::VersionName(p.version)}, {"accepted", p.accepted()}};
  json suites = json::array();
  if (p.scan) {
    for (auto id : p.scan->suites) suites.push_back(SuiteJson(id));
    out["enumeration"] = ScanJson(*p.scan);
  } else if (p.handshake && p.handshake->accepted()) {
    suites.push_back(SuiteJson(p.handshake->cipher_id));
  }
  out["cipher_suites"] = suites;
  if (p.connect_error) {
    out["error"] =
        json{{"code", ErrorCodeName(p.connect_error->code)}, {"message", p.connect_error->message}};
  }
  if (p.handshake) out["handshake"] = HandshakeJson(*p.handshake);
  return out;
}

}  // namespace

json TlsReportJson(const checks::TlsCheckResult& r) {
  Severity worst = WorstSeverity(r.findings);
  json protocols = json::array();
  for (const auto& p : r.protocols) protocols.push_back(ProtocolJson(p));
  json chain = json::array();
  for (const auto& c : r.chain) chain.push_back(ToJson(c));
  json findings = json::array();
  for (const auto& f : r.findings) findings.push_back(ToJson(f));
  json doc{{"schema", "exprobe/1"},
           {"command", "tls"},
           {"target", json{{"host", r.host},
                           {"port", r.port},
                           {"sni", r.sni},
                           {"address", r.address},
                           {"resolved_via", r.resolved_via}}},
           {"status", ExitCodeName(ExitCodeFor(worst))},
           {"worst_severity", SeverityName(worst)},
           {"exit_code", static_cast<int>(ExitCodeFor(worst))},
           {"duration_ms", r.duration_ms},
           {"protocols", protocols},
           {"certificate_chain", chain},
           {"findings", findings}};
  doc["certificate"] = r.certificate ? CertAnalysisJson(*r.certificate) : json(nullptr);
  if (!r.clients.empty()) doc["clients"] = ClientsJson(r.clients);
  return doc;
}

}  // namespace probe::report
