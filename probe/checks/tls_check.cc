#include "probe/checks/tls_check.h"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

#include "probe/core/deadline.h"
#include "probe/diagnosis/catalogue.h"
#include "probe/net/resolver.h"
#include "probe/net/socket.h"
#include "probe/tls/cipher_suites.h"

namespace probe::checks {
namespace {

using diagnosis::MakeFinding;
using tls::HandshakeOutcome;
using tls::TlsVersion;

constexpr TlsVersion kAllVersions[] = {TlsVersion::kSsl2,  TlsVersion::kSsl3,  TlsVersion::kTls10,
                                       TlsVersion::kTls11, TlsVersion::kTls12, TlsVersion::kTls13};

bool OpenSslSpeaks(TlsVersion v) { return v >= TlsVersion::kTls10; }

// One version, start to finish: raw enumeration, then a real OpenSSL handshake.
ProtocolProbe ProbeVersion(TlsVersion version, const net::ResolvedTarget& where,
                           const TlsCheckOptions& options, const Deadline& deadline,
                           std::string* connected_to) {
  ProtocolProbe probe;
  probe.version = version;
  if (options.enumerate) {
    tls::RawTarget raw{where.addresses, options.trace};
    probe.scan = tls::ScanProtocol(version, raw, {.server_name = options.sni}, deadline);
  }
  if (!OpenSslSpeaks(version)) return probe;
  net::SocketAddress peer;
  auto socket = net::ConnectAny(where.addresses, deadline, &peer, options.trace);
  if (!socket) {
    probe.connect_error = socket.error();
    return probe;
  }
  *connected_to = peer.ToString();
  probe.handshake = tls::Handshake(*socket, {version, options.sni}, deadline, options.trace);
  return probe;
}

std::string VersionList(const std::vector<const ProtocolProbe*>& probes) {
  std::string out;
  for (const auto* p : probes) {
    if (!out.empty()) out += " and ";
    out += tls::VersionDisplay(p->version);
  }
  return out;
}

std::string Evidence(const ProtocolProbe& p) {
  std::string_view name = tls::VersionDisplay(p.version);
  if (p.scan && (!p.handshake || p.scan->accepted)) {
    std::string out = fmt::format("{}: raw hello answered with {}", name, p.scan->detail);
    if (p.scan->accepted) out += fmt::format("; {} suite(s) accepted", p.scan->suites.size());
    if (p.handshake) out += "; OpenSSL handshake: " + p.handshake->detail;
    return out;
  }
  if (p.connect_error) return fmt::format("{}: {}", name, p.connect_error->message);
  if (p.handshake) return fmt::format("{}: {}", name, p.handshake->detail);
  return fmt::format("{}: not probed", name);
}

std::vector<const ProtocolProbe*> OpenSslRows(const TlsCheckResult& r) {
  std::vector<const ProtocolProbe*> rows;
  for (const auto& p : r.protocols) {
    if (OpenSslSpeaks(p.version)) rows.push_back(&p);
  }
  return rows;
}

// The endpoint is down when no attempt got as far as a TLS answer. Returns the finding, if so.
std::optional<Finding> Unreachable(const TlsCheckResult& r, std::chrono::milliseconds timeout) {
  std::vector<std::string> evidence;
  for (const auto& p : r.protocols) evidence.push_back(Evidence(p));
  std::string where = fmt::format("{}:{}", r.host, r.port);
  auto rows = OpenSslRows(r);
  if (std::all_of(rows.begin(), rows.end(),
                  [](const auto* p) { return p->connect_error.has_value(); })) {
    return MakeFinding(
        "net.unreachable",
        fmt::format("{} cannot be reached: {}", where, rows.front()->connect_error->message),
        evidence);
  }
  auto not_tls = std::find_if(rows.begin(), rows.end(), [](const auto* p) {
    return p->handshake && p->handshake->outcome == HandshakeOutcome::kNotTls;
  });
  if (not_tls != rows.end()) {
    return MakeFinding(
        "net.unreachable",
        fmt::format("{} does not speak TLS: {}", where, (*not_tls)->handshake->detail), evidence);
  }
  bool any_answer = std::any_of(rows.begin(), rows.end(), [](const auto* p) {
    return p->handshake && p->handshake->outcome != HandshakeOutcome::kTimeout;
  });
  if (!any_answer) {
    return MakeFinding("net.unreachable",
                       fmt::format("{} ({}) accepted the TCP connection but never answered a TLS "
                                   "ClientHello before the {} ms deadline",
                                   where, r.address, timeout.count()),
                       evidence);
  }
  return std::nullopt;
}

// TLS 1.2/1.3 usable by current clients: some accepted suite is not weak. Without a raw scan
// (enumeration off), a completed OpenSSL handshake is the proof.
bool HasStrongSuite(const ProtocolProbe& p) {
  if (!p.scan || p.scan->error) return p.completed();
  return std::any_of(p.scan->suites.begin(), p.scan->suites.end(), [](std::uint16_t id) {
    const tls::CipherSuite* s = tls::FindCipherSuite(id);
    return s == nullptr || s->weakness.empty();
  });
}

void AddObsoleteProtocolFindings(TlsCheckResult& r) {
  for (const auto& p : r.protocols) {
    if (!p.accepted()) continue;
    if (p.version == TlsVersion::kSsl2) {
      r.findings.push_back(
          MakeFinding("tls.protocol.ssl2_enabled", "SSL 2.0 accepted", {Evidence(p)}));
    } else if (p.version == TlsVersion::kSsl3) {
      r.findings.push_back(
          MakeFinding("tls.protocol.ssl3_enabled", "SSL 3.0 accepted", {Evidence(p)}));
    }
  }
}

void AddVersionFindings(TlsCheckResult& r) {
  std::vector<const ProtocolProbe*> legacy_accepted, legacy_refused, incomplete;
  const ProtocolProbe* tls12 = nullptr;
  const ProtocolProbe* tls13 = nullptr;
  for (const auto& p : r.protocols) {
    bool legacy = p.version == TlsVersion::kTls10 || p.version == TlsVersion::kTls11;
    bool answered = (p.scan && !p.scan->error) || p.handshake;
    if (legacy && p.accepted()) legacy_accepted.push_back(&p);
    if (legacy && answered && !p.accepted()) legacy_refused.push_back(&p);
    if (p.handshake && p.handshake->outcome == HandshakeOutcome::kAcceptedThenFailed)
      incomplete.push_back(&p);
    if (p.version == TlsVersion::kTls12) tls12 = &p;
    if (p.version == TlsVersion::kTls13) tls13 = &p;
  }
  auto evidence_of = [](const std::vector<const ProtocolProbe*>& ps) {
    std::vector<std::string> out;
    for (const auto* p : ps) out.push_back(Evidence(*p));
    return out;
  };
  if (!legacy_accepted.empty()) {
    r.findings.push_back(MakeFinding("tls.protocol.legacy_enabled",
                                     fmt::format("{} accepted", VersionList(legacy_accepted)),
                                     evidence_of(legacy_accepted)));
  } else if (legacy_refused.size() == 2) {
    r.findings.push_back(MakeFinding("tls.protocol.legacy_disabled",
                                     "TLS 1.0 and TLS 1.1 are refused",
                                     evidence_of(legacy_refused)));
  }
  std::vector<const ProtocolProbe*> modern, weak_only;
  for (const auto* p : {tls12, tls13}) {
    if (!p) continue;
    if (HasStrongSuite(*p))
      modern.push_back(p);
    else if (p->accepted())
      weak_only.push_back(p);
  }
  if (!modern.empty()) {
    r.findings.push_back(MakeFinding(
        "tls.protocol.modern_ok",
        fmt::format("{} accepted with strong suites", VersionList(modern)), evidence_of(modern)));
  } else {
    std::vector<const ProtocolProbe*> tried;
    for (const auto* p : {tls12, tls13}) {
      if (p) tried.push_back(p);
    }
    r.findings.push_back(MakeFinding(
        "tls.protocol.modern_missing",
        weak_only.empty()
            ? std::string("neither TLS 1.2 nor TLS 1.3 is accepted")
            : fmt::format("{} accepted, but only with weak suites that current clients refuse",
                          VersionList(weak_only)),
        evidence_of(tried)));
  }
  if (tls12 && tls12->accepted() && tls13 && (tls13->handshake || tls13->scan) &&
      !tls13->accepted()) {
    r.findings.push_back(
        MakeFinding("tls.protocol.tls13_missing", "TLS 1.3 is not negotiated", {Evidence(*tls13)}));
  }
  if (!incomplete.empty()) {
    r.findings.push_back(MakeFinding(
        "tls.handshake.incomplete",
        fmt::format("{} accepted but the handshake does not complete", VersionList(incomplete)),
        evidence_of(incomplete)));
  }
}

void AddCipherFindings(TlsCheckResult& r) {
  std::vector<std::string> weak, no_fs;
  bool severe = false;
  std::size_t total = 0;
  for (const auto& p : r.protocols) {
    if (!p.scan || !p.scan->accepted) continue;
    for (std::uint16_t id : p.scan->suites) {
      ++total;
      const tls::CipherSuite* s = tls::FindCipherSuite(id);
      std::string line =
          fmt::format("{}: 0x{:04X} {}", tls::VersionDisplay(p.version), id, tls::SuiteName(id));
      if (s && !s->weakness.empty()) {
        weak.push_back(fmt::format("{} ({})", line, s->weakness));
        severe |= s->weakness.starts_with("NULL") || s->weakness.starts_with("EXPORT") ||
                  s->weakness.starts_with("anonymous");
      }
      if (s && !s->forward_secrecy) no_fs.push_back(line);
    }
  }
  if (!weak.empty()) {
    Finding f = MakeFinding("tls.cipher.weak",
                            fmt::format("{} weak cipher suite(s) accepted", weak.size()), weak);
    if (severe) f.severity = Severity::kCritical;  // no encryption or no authentication at all
    r.findings.push_back(std::move(f));
  }
  if (!no_fs.empty()) {
    r.findings.push_back(MakeFinding(
        "tls.cipher.no_forward_secrecy",
        fmt::format("{} suite(s) without forward secrecy accepted", no_fs.size()), no_fs));
  }
  if (total > 0 && weak.empty() && no_fs.empty()) {
    r.findings.push_back(
        MakeFinding("tls.cipher.strong_only",
                    fmt::format("all {} accepted suite(s) are strong and forward secret", total)));
  }
}

void KeepNewestChain(TlsCheckResult& r) {
  for (auto it = r.protocols.rbegin(); it != r.protocols.rend(); ++it) {
    if (it->completed() && !it->handshake->chain.empty()) {
      r.chain = it->handshake->chain;
      return;
    }
  }
}

// The chain of the newest completed handshake, judged by the same code as `exprobe cert`.
void AddCertificateFindings(TlsCheckResult& r, CertAnalysisOptions options) {
  if (r.chain.empty()) return;
  std::vector<std::string> names = {r.sni};
  names.insert(names.end(), options.names.begin(), options.names.end());
  options.names = std::move(names);
  r.certificate = AnalyzeChain(r.chain, options);
  r.findings.insert(r.findings.end(), r.certificate->findings.begin(),
                    r.certificate->findings.end());
}

}  // namespace

TlsCheckResult RunTlsCheck(const TlsCheckOptions& options) {
  auto started = Clock::now();
  Deadline deadline = Deadline::After(options.timeout);
  TlsCheckResult r;
  r.host = options.host;
  r.port = options.port;
  r.sni = options.sni.empty() ? options.host : options.sni;
  TlsCheckOptions effective = options;
  effective.sni = r.sni;
  auto elapsed = [&] {
    return std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  };

  auto where = net::ResolveTarget(options.host, options.port, options.net, deadline, options.trace);
  if (!where) {
    r.duration_ms = elapsed();
    const char* id =
        where.error().code == ErrorCode::kDnsFailure ? "net.dns_failure" : "net.unreachable";
    r.findings.push_back(MakeFinding(
        id, fmt::format("{} cannot be resolved: {}", options.host, where.error().message)));
    return r;
  }
  r.resolved_via = where->via;

  // Versions are independent: probe them at once (one connection each at a time), all bounded
  // by the same total deadline.
  constexpr std::size_t kCount = std::size(kAllVersions);
  r.protocols.resize(kCount);
  std::vector<std::string> connected(kCount);
  {
    std::vector<std::jthread> workers;
    for (std::size_t i = 0; i < kCount; ++i) {
      workers.emplace_back([&, i] {
        r.protocols[i] = ProbeVersion(kAllVersions[i], *where, effective, deadline, &connected[i]);
      });
    }
  }
  for (const auto& c : connected) {
    if (!c.empty()) {
      r.address = c;
      break;
    }
  }
  r.duration_ms = elapsed();
  KeepNewestChain(r);
  if (auto down = Unreachable(r, options.timeout)) {
    r.findings.push_back(std::move(*down));
    return r;
  }
  AddObsoleteProtocolFindings(r);
  AddVersionFindings(r);
  AddCipherFindings(r);
  AddCertificateFindings(r, options.cert);
  if (!options.clients.empty()) {
    std::vector<tls::ProtocolScan> known;  // the scans above explain client failures
    for (const auto& p : r.protocols) {
      if (p.scan && !p.scan->error) known.push_back(*p.scan);
    }
    r.clients =
        SimulateClients(where->addresses, r.sni, options.clients, deadline, options.trace, known);
    auto found = ClientFindings(r.clients);
    r.findings.insert(r.findings.end(), found.begin(), found.end());
    r.duration_ms = elapsed();
  }
  return r;
}

}  // namespace probe::checks
