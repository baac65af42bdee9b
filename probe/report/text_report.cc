#include "probe/report/text_report.h"

#include <fmt/format.h>

#include "probe/report/cert_report.h"
#include "probe/report/client_report.h"
#include "probe/report/join.h"
#include "probe/report/json_report.h"
#include "probe/tls/cipher_suites.h"
#include "probe/tls/client_hello.h"

namespace probe::report {
namespace {

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string HandshakeNote(const tls::HandshakeResult& h) {
  if (h.outcome == tls::HandshakeOutcome::kCompleted) {
    return fmt::format("OpenSSL completes: {}{}", tls::SuiteName(h.cipher_id),
                       h.group.empty() ? "" : " (" + h.group + ")");
  }
  return "OpenSSL: " + h.detail;
}

std::string ProtocolLine(const checks::ProtocolProbe& p) {
  std::string_view version = tls::VersionDisplay(p.version);
  if (p.connect_error && !p.scan)
    return fmt::format("  {:<8} {:<9} {}\n", version, "error", p.connect_error->message);
  if (p.scan && p.scan->error) {
    return fmt::format("  {:<8} {:<9} scan stopped: {}\n", version, "unknown", *p.scan->error);
  }
  if (p.accepted()) {
    std::string line = fmt::format("  {:<8} {:<9}", version, "accepted");
    if (p.scan) {
      line += fmt::format(" {} suite(s){}", p.scan->suites.size(),
                          !p.scan->server_preference   ? ""
                          : *p.scan->server_preference ? ", server order"
                                                       : ", client order");
    }
    if (p.handshake) line += "; " + HandshakeNote(*p.handshake);
    return line + "\n";
  }
  std::string why = p.scan ? p.scan->detail : p.handshake ? p.handshake->detail : "";
  return fmt::format("  {:<8} {:<9} {}\n", version, "refused", why);
}

std::string SuitesText(const checks::TlsCheckResult& r) {
  std::string out;
  for (const auto& p : r.protocols) {
    if (!p.scan || !p.scan->accepted || p.scan->suites.empty()) continue;
    std::vector<std::string> groups;
    for (auto g : p.scan->groups) groups.push_back(tls::GroupName(g));
    out += fmt::format("  {}{}\n", tls::VersionDisplay(p.version),
                       groups.empty() ? "" : "  groups: " + Join(groups, ", "));
    for (auto id : p.scan->suites) {
      const tls::CipherSuite* s = tls::FindCipherSuite(id);
      std::string note;
      if (s && !s->weakness.empty())
        note = "  WEAK: " + std::string(s->weakness);
      else if (s && !s->forward_secrecy)
        note = "  no forward secrecy";
      out += fmt::format("    {} {}{}\n", SuiteId(id), tls::SuiteName(id), note);
    }
  }
  return out.empty() ? out : "Cipher suites accepted (raw enumeration)\n" + out + "\n";
}

std::string CertificateText(std::size_t index, const tls::CertificateSummary& c) {
  std::string out = fmt::format("  [{}] {}\n", index, c.subject);
  out += fmt::format("      issuer {}\n", c.issuer);
  out +=
      fmt::format("      {} {} bits, {}, valid {} .. {}\n", c.key_type, c.key_bits,
                  c.signature_algorithm, tls::FormatUtc(c.not_before), tls::FormatUtc(c.not_after));
  std::vector<std::string> names = c.dns_names;
  names.insert(names.end(), c.ip_addresses.begin(), c.ip_addresses.end());
  if (!names.empty()) out += fmt::format("      names {}\n", Join(names, ", "));
  out += fmt::format("      sha256 {}\n", c.sha256_fingerprint);
  return out;
}

}  // namespace

std::string FindingsText(const std::vector<Finding>& findings, const TextOptions& options,
                         std::optional<ExitCode> exit_code) {
  std::string out = "Findings\n";
  for (const auto& f : findings) {
    out += fmt::format("  {:<8} {}: {}\n", Upper(SeverityName(f.severity)), f.id, f.summary);
    bool explain = options.verbose || f.severity >= Severity::kWarning;
    if (options.verbose) {
      for (const auto& e : f.evidence) out += fmt::format("           evidence: {}\n", e);
    }
    if (explain) {
      out += fmt::format("           cause: {}\n", f.cause);
      out += fmt::format("           fix:   {}\n", f.remediation);
      if (!f.references.empty())
        out += fmt::format("           see:   {}\n", Join(f.references, " ; "));
    }
  }
  ExitCode code = exit_code ? *exit_code : ExitCodeFor(WorstSeverity(findings));
  out += fmt::format("\nResult: {} (exit {})\n", Upper(ExitCodeName(code)), static_cast<int>(code));
  return out;
}

std::string TlsReportText(const checks::TlsCheckResult& r, const TextOptions& options) {
  std::string out = fmt::format("exprobe tls {}:{}", r.host, r.port);
  std::vector<std::string> notes;
  if (!r.address.empty()) notes.push_back("address " + r.address);
  if (!r.sni.empty()) notes.push_back("sni " + r.sni);
  notes.push_back(fmt::format("{:.0f} ms", r.duration_ms));
  out += fmt::format("  ({})\n\n", Join(notes, ", "));
  if (!r.protocols.empty()) {
    out += "Protocols (raw ClientHellos; a full OpenSSL handshake for TLS 1.0-1.3)\n";
    for (const auto& p : r.protocols) out += ProtocolLine(p);
    out += "\n";
  }
  out += SuitesText(r);
  if (!r.chain.empty()) {
    out += "Certificate chain as sent\n";
    for (std::size_t i = 0; i < r.chain.size(); ++i) out += CertificateText(i, r.chain[i]);
    out += "\n";
  }
  if (r.certificate) out += CertAnalysisText(*r.certificate);
  out += ClientsText(r.clients, options);
  return out + FindingsText(r.findings, options);
}

std::string CatalogueText(std::span<const diagnosis::CatalogueEntry> entries) {
  std::string out;
  for (const auto& e : entries) {
    out += fmt::format("{:<30} {:<8} {}\n", e.id, SeverityName(e.severity), e.title);
  }
  return out;
}

}  // namespace probe::report
