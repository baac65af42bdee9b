#include "probe/runner/cert_metrics.h"

#include <algorithm>
#include <cctype>
#include <ctime>

namespace probe::runner {

const MetricFamily kChainFamilies[6] = {
    {"probe_ssl_earliest_cert_expiry",
     "Earliest notAfter among the certificates the server sent, in Unix seconds."},
    {"probe_ssl_last_chain_expiry_timestamp_seconds",
     "Earliest notAfter of the chain built to a trust anchor, in Unix seconds (trusted only)."},
    {"probe_ssl_last_chain_info", "The leaf certificate's identity (always 1)."},
    {"exprobe_cert_not_after_timestamp_seconds", "The leaf certificate's notAfter, Unix seconds."},
    {"exprobe_cert_trusted", "Whether the chain verifies to a trust anchor (1) or not (0)."},
    {"probe_tls_version_info", "The TLS version a default client negotiates (always 1)."},
};

namespace {

// blackbox_exporter spells fingerprints as lower-case hex without separators.
std::string Fingerprint(const std::string& colon_hex) {
  std::string out;
  for (char c : colon_hex) {
    if (c != ':') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string Joined(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::string out;
  for (const auto* list : {&a, &b}) {
    for (const auto& s : *list) out += (out.empty() ? "" : ",") + s;
  }
  return out;
}

}  // namespace

void AddChainMetrics(const checks::CertAnalysis& a, std::optional<std::int64_t> now,
                     CheckOutcome& out) {
  if (a.sent.empty()) return;
  std::int64_t earliest = a.sent.front().not_after;
  for (const auto& c : a.sent) earliest = std::min(earliest, c.not_after);
  out.samples.push_back({"probe_ssl_earliest_cert_expiry", {}, static_cast<double>(earliest)});
  if (a.verification.trusted && !a.verification.built.empty()) {
    std::int64_t chain = a.verification.built.front().cert.not_after;
    for (const auto& link : a.verification.built) chain = std::min(chain, link.cert.not_after);
    out.samples.push_back(
        {"probe_ssl_last_chain_expiry_timestamp_seconds", {}, static_cast<double>(chain)});
  }
  const auto& leaf = a.sent.front();
  out.samples.push_back({"probe_ssl_last_chain_info",
                         {{"fingerprint_sha256", Fingerprint(leaf.sha256_fingerprint)},
                          {"subject", leaf.subject},
                          {"issuer", leaf.issuer},
                          {"subjectalternative", Joined(leaf.dns_names, leaf.ip_addresses)},
                          {"serialnumber", leaf.serial_hex}},
                         1});
  out.samples.push_back(
      {"exprobe_cert_not_after_timestamp_seconds", {}, static_cast<double>(leaf.not_after)});
  out.samples.push_back({"exprobe_cert_trusted", {}, a.verification.trusted ? 1.0 : 0.0});
  std::int64_t clock = now ? *now : static_cast<std::int64_t>(std::time(nullptr));
  out.measures.push_back({"cert_days", static_cast<double>(earliest - clock) / 86400.0, ""});
}

void AddTlsVersionInfo(std::optional<tls::TlsVersion> version, CheckOutcome& out) {
  if (!version) return;
  out.samples.push_back(
      {"probe_tls_version_info", {{"version", std::string(tls::VersionDisplay(*version))}}, 1});
}

}  // namespace probe::runner
