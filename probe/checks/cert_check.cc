#include "probe/checks/cert_check.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <set>
#include <thread>

#include "probe/core/deadline.h"
#include "probe/diagnosis/catalogue.h"
#include "probe/net/resolver.h"
#include "probe/net/socket.h"
#include "probe/tls/handshake.h"
#include "probe/tls/plain_http.h"

namespace probe::checks {
namespace {

using diagnosis::MakeFinding;
using tls::CertificateSummary;
using tls::TrustProblem;

constexpr std::int64_t kDay = 24 * 3600;
constexpr std::size_t kMaxRevocationQueries = 16;
constexpr int kMaxAiaRounds = 3;

std::string Name(const CertificateSummary& c) {
  return c.common_name.empty() ? c.subject : "CN=" + c.common_name;
}

std::string Join(const std::vector<std::string>& items, std::string_view sep = ", ") {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += sep;
    out += item;
  }
  return out;
}

bool EqualIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

tls::CertificateDetails DetailsOf(const CertificateSummary& c) {
  auto d = tls::ReadDetails(c.der);
  return d ? *d : tls::CertificateDetails{};
}

const tls::TrustAnchors* SystemAnchors() {
  static const Result<tls::TrustAnchors> anchors = tls::TrustAnchors::System();
  return anchors ? &*anchors : nullptr;
}

std::vector<CertificateSummary> FetchedCertificates(const std::vector<AiaFetch>& aia) {
  std::vector<CertificateSummary> out;
  for (const auto& f : aia) out.insert(out.end(), f.certs.begin(), f.certs.end());
  return out;
}

// The certificates judged for validity and strength: the chain as built, or as sent when
// nothing could be built.
std::vector<tls::ChainLink> Judged(const CertAnalysis& a) {
  if (!a.verification.built.empty()) return a.verification.built;
  std::vector<tls::ChainLink> out;
  for (const auto& c : a.sent) out.push_back({c, tls::CertSource::kSent});
  return out;
}

bool IsSelfSignedTop(const std::vector<tls::ChainLink>& chain, std::size_t i) {
  return i + 1 == chain.size() && chain[i].cert.self_issued;
}

std::vector<std::string> ChainEvidence(const CertAnalysis& a) {
  std::vector<std::string> out = {"trust store: " + a.trust_store};
  const auto& built = a.verification.built;
  for (std::size_t i = 0; i < built.size(); ++i) {
    out.push_back(fmt::format("built [{}] {} ({}); issuer {}", i, built[i].cert.subject,
                              tls::CertSourceName(built[i].source), built[i].cert.issuer));
  }
  for (const auto& e : a.verification.errors) out.push_back("openssl: " + e);
  return out;
}

// ---- trust and completeness

// What the server leaves out: the leaf's issuer, or intermediates found elsewhere.
std::string MissingCertificates(const CertAnalysis& a, bool issuer_missing_at_leaf,
                                std::vector<std::string>& evidence) {
  const auto& v = a.verification;
  const CertificateSummary& leaf = a.sent.front();
  if (issuer_missing_at_leaf) {
    evidence.push_back(
        fmt::format("if \"{}\" is itself a root (a one-tier internal CA), the chain is complete "
                    "and that root is simply not trusted here: pass it with --ca-file",
                    leaf.issuer));
    return fmt::format(
        "the server sends only {} and not its issuer \"{}\", which the trust store lacks too",
        Name(leaf), leaf.issuer);
  }
  std::vector<std::string> names;
  for (std::size_t i : v.not_sent) {
    bool aia = v.built[i].source == tls::CertSource::kAia;
    names.push_back(fmt::format("{} ({})", Name(v.built[i].cert),
                                aia ? "fetched via AIA" : "found in the trust store"));
  }
  return fmt::format("the server does not send the intermediate {}", Join(names));
}

// Whether Windows (which follows caIssuers URLs) can still complete the chain.
std::string AiaVerdict(const CertAnalysis& a, bool issuer_missing_at_leaf,
                       std::vector<std::string>& evidence, bool* no_client_can) {
  std::string urls = Join(a.aia_urls);
  if (a.aia_urls.empty()) {
    *no_client_can = issuer_missing_at_leaf;
    return "the certificate has no caIssuers (AIA) URL, so Windows cannot fetch the issuer either";
  }
  if (a.aia.empty()) {
    return fmt::format(
        "Windows clients can fetch it from {} (caIssuers) if they reach that URL; other clients "
        "fail (not fetched here: use --fetch-aia to try)",
        urls);
  }
  for (const auto& f : a.aia) evidence.push_back(fmt::format("AIA {}: {}", f.url, f.detail));
  if (std::none_of(a.aia.begin(), a.aia.end(), [](const AiaFetch& f) { return f.ok; })) {
    *no_client_can = true;
    return fmt::format(
        "the caIssuers URL {} gives no certificate, so no client can complete the chain", urls);
  }
  if (!a.verification.trusted) {
    return fmt::format("fetched from {}, but even with it the chain does not verify", urls);
  }
  return fmt::format(
      "fetched from {}: with it the chain verifies, so Windows clients complete it; clients that "
      "do not fetch (OpenSSL, curl, Java, Android, iOS, ActiveSync devices) fail",
      urls);
}

void AddIncompleteFinding(CertAnalysis& a, bool issuer_missing_at_leaf) {
  std::vector<std::string> evidence = ChainEvidence(a);
  bool no_client_can = false;
  std::string missing = MissingCertificates(a, issuer_missing_at_leaf, evidence);
  std::string aia = AiaVerdict(a, issuer_missing_at_leaf, evidence, &no_client_can);
  Finding f = MakeFinding("cert.chain_incomplete", missing + "; " + aia, evidence);
  if (no_client_can)
    f.severity = Severity::kCritical;  // catalogue: raised when nobody can repair it
  a.findings.push_back(std::move(f));
}

// The cert.untrusted / cert.self_signed finding (id, summary) the chain's problem calls for.
std::optional<std::pair<std::string_view, std::string>> TrustProblemFinding(const CertAnalysis& a) {
  const auto& v = a.verification;
  const CertificateSummary& leaf = a.sent.front();
  const CertificateSummary& top = v.built.empty() ? leaf : v.built.back().cert;
  std::string first_error = v.errors.empty() ? "unknown error" : v.errors.front();
  switch (v.problem) {
    case TrustProblem::kNone:
      return std::nullopt;
    case TrustProblem::kSelfSignedLeaf:
      return std::pair{"cert.self_signed",
                       fmt::format("{} is self-signed and not in the trust store ({})", Name(leaf),
                                   a.trust_store)};
    case TrustProblem::kUntrustedRoot:
      return std::pair{"cert.untrusted",
                       fmt::format("the chain ends in the root {}, which the trust store ({}) does "
                                   "not hold",
                                   Name(top), a.trust_store)};
    case TrustProblem::kIssuerMissing:
      if (v.built.size() <= 1) return std::nullopt;  // the leaf's issuer: cert.chain_incomplete
      return std::pair{"cert.untrusted",
                       fmt::format("the chain ends at {}, whose issuer \"{}\" is not in the trust "
                                   "store ({}): a root the clients do not trust, or a further "
                                   "intermediate the server does not send",
                                   Name(top), top.issuer, a.trust_store)};
    case TrustProblem::kBadSignature:
      return std::pair{"cert.untrusted",
                       "a signature in the chain does not verify: " + first_error};
    case TrustProblem::kNotServerAuth:
      return std::pair{"cert.untrusted",
                       "a certificate in the chain may not be used for TLS server authentication "
                       "(key usage or extended key usage): " +
                           first_error};
    case TrustProblem::kInvalidCa:
      return std::pair{"cert.untrusted",
                       "an issuer in the chain is not a valid CA (basic constraints, key usage or "
                       "path length): " +
                           first_error};
    case TrustProblem::kNoCertificate:
    case TrustProblem::kOther:
      return std::pair{"cert.untrusted", "the chain does not verify: " + first_error};
  }
  return std::nullopt;
}

void AddTrustFindings(CertAnalysis& a) {
  const auto& v = a.verification;
  std::vector<std::string> evidence = ChainEvidence(a);
  if (auto problem = TrustProblemFinding(a)) {
    a.findings.push_back(MakeFinding(problem->first, std::move(problem->second), evidence));
  }
  bool issuer_missing_at_leaf = v.problem == TrustProblem::kIssuerMissing && v.built.size() <= 1;
  if (issuer_missing_at_leaf || !v.not_sent.empty())
    AddIncompleteFinding(a, issuer_missing_at_leaf);
  if (v.trusted && v.not_sent.empty()) {
    const CertificateSummary& anchor = v.built.back().cert;
    a.findings.push_back(MakeFinding(
        "cert.chain_ok",
        fmt::format(
            "the server sends {} certificate{}; the chain reaches {} in the trust store ({})",
            a.sent.size(), a.sent.size() == 1 ? "" : "s", Name(anchor), a.trust_store),
        evidence));
  }
}

// ---- validity

void AddValidityFindings(CertAnalysis& a, const CertAnalysisOptions& o, std::int64_t now) {
  auto chain = Judged(a);
  std::vector<std::string> expired, not_yet, evidence;
  const tls::ChainLink* soonest = nullptr;
  for (std::size_t i = 0; i < chain.size(); ++i) {
    const auto& c = chain[i].cert;
    evidence.push_back(fmt::format("[{}] {}: {} .. {}", i, Name(c), tls::FormatUtc(c.not_before),
                                   tls::FormatUtc(c.not_after)));
    if (c.not_after < now) {
      expired.push_back(fmt::format("{} expired on {} ({} days ago)", Name(c),
                                    tls::FormatUtc(c.not_after), (now - c.not_after) / kDay));
    } else if (c.not_before > now) {
      not_yet.push_back(
          fmt::format("{} is not valid before {}", Name(c), tls::FormatUtc(c.not_before)));
    }
    bool store_anchor =
        chain[i].source == tls::CertSource::kTrustStore && IsSelfSignedTop(chain, i);
    if (c.not_after >= now && !store_anchor && (!soonest || c.not_after < soonest->cert.not_after))
      soonest = &chain[i];
  }
  if (!expired.empty())
    a.findings.push_back(MakeFinding("cert.expired", Join(expired, "; "), evidence));
  if (!not_yet.empty())
    a.findings.push_back(MakeFinding("cert.not_yet_valid", Join(not_yet, "; "), evidence));
  if (soonest == nullptr) return;
  std::int64_t left = soonest->cert.not_after - now;
  std::string when = fmt::format("{} expires on {}, in {} day{}", Name(soonest->cert),
                                 tls::FormatUtc(soonest->cert.not_after), left / kDay,
                                 left / kDay == 1 ? "" : "s");
  evidence.push_back(fmt::format("thresholds: warning within {} days, critical within {} days",
                                 o.warn_days, o.crit_days));
  if (left <= static_cast<std::int64_t>(o.warn_days) * kDay) {
    Finding f = MakeFinding("cert.expires_soon", when, evidence);
    if (left <= static_cast<std::int64_t>(o.crit_days) * kDay) f.severity = Severity::kCritical;
    a.findings.push_back(std::move(f));
  } else if (expired.empty() && not_yet.empty()) {
    a.findings.push_back(MakeFinding("cert.validity_ok",
                                     "every certificate is valid now; the first to expire: " + when,
                                     evidence));
  }
}

// ---- key and signature strength

std::optional<std::string> WeakKey(const CertificateSummary& c, const tls::CertificateDetails& d) {
  bool rsa = c.key_type == "RSA" || c.key_type == "RSASSA-PSS";
  if (rsa && c.key_bits < 2048) return fmt::format("{}-bit RSA key", c.key_bits);
  if (c.key_type == "DSA") return fmt::format("{}-bit DSA key", c.key_bits);
  if (c.key_type == "EC" && c.key_bits < 256) {
    return fmt::format("{}-bit elliptic curve key{}", c.key_bits,
                       d.curve.empty() ? "" : " (" + d.curve + ")");
  }
  return std::nullopt;
}

bool WeakDigest(std::string_view digest) {
  return digest == "sha1" || digest == "md5" || digest == "md4" || digest == "md2" ||
         digest == "mdc2";
}

void AddStrengthFindings(CertAnalysis& a) {
  auto chain = Judged(a);
  std::vector<std::string> weak_keys, weak_sigs, evidence;
  for (std::size_t i = 0; i < chain.size(); ++i) {
    const auto& c = chain[i].cert;
    auto d = DetailsOf(c);
    std::string key =
        c.key_type + " " + std::to_string(c.key_bits) + (d.curve.empty() ? "" : " " + d.curve);
    evidence.push_back(
        fmt::format("[{}] {}: key {}, signature {}", i, Name(c), key, c.signature_algorithm));
    if (auto weak = WeakKey(c, d)) weak_keys.push_back(fmt::format("{} has a {}", Name(c), *weak));
    if (!IsSelfSignedTop(chain, i) && WeakDigest(d.signature_digest)) {
      weak_sigs.push_back(fmt::format("{} is signed with {} ({})", Name(c), d.signature_digest,
                                      c.signature_algorithm));
    }
  }
  if (!weak_keys.empty())
    a.findings.push_back(MakeFinding("cert.weak_key", Join(weak_keys, "; "), evidence));
  if (!weak_sigs.empty())
    a.findings.push_back(MakeFinding("cert.weak_signature", Join(weak_sigs, "; "), evidence));
  if (weak_keys.empty() && weak_sigs.empty() && !chain.empty()) {
    const auto& leaf = chain.front().cert;
    a.findings.push_back(
        MakeFinding("cert.strength_ok",
                    fmt::format("the leaf has a {}-bit {} key and a {} signature; no weak key or "
                                "signature in the chain",
                                leaf.key_bits, leaf.key_type, leaf.signature_algorithm),
                    evidence));
  }
}

// ---- names, wildcard, msstd

void AddNameFindings(CertAnalysis& a, const tls::CertificateNames& names,
                     const std::vector<std::string>& wanted) {
  std::vector<std::string> matched;
  for (const auto& name : wanted) {
    NameVerdict verdict{name, {}};
    std::vector<std::string> failed, evidence;
    for (auto client : tls::kNameClients) {
      auto m = tls::MatchHostName(names, name, client);
      evidence.push_back(fmt::format("{}: {} ({})", tls::NameClientName(client),
                                     m.match ? "match" : "no match", m.reason));
      if (!m.match)
        failed.push_back(
            fmt::format("{} ({})", tls::NameClientName(client), tls::NameClientLabel(client)));
      verdict.clients.push_back(std::move(m));
    }
    if (!failed.empty()) {
      std::string who = failed.size() == std::size(tls::kNameClients)
                            ? "any client (rfc6125, openssl, schannel, curl)"
                            : Join(failed, ", ");
      a.findings.push_back(MakeFinding(
          "cert.name_mismatch",
          fmt::format("{} is not covered by the certificate for {}", name, who), evidence));
    } else {
      matched.push_back(name);
    }
    a.names.push_back(std::move(verdict));
  }
  if (!wanted.empty() && matched.size() == wanted.size()) {
    std::vector<std::string> clients;
    for (auto c : tls::kNameClients) clients.emplace_back(tls::NameClientName(c));
    a.findings.push_back(
        MakeFinding("cert.name_ok", fmt::format("{} match{} for {}", Join(matched),
                                                matched.size() == 1 ? "es" : "", Join(clients))));
  }
}

void AddWildcardFinding(CertAnalysis& a, const tls::CertificateNames& names) {
  std::vector<std::string> wildcards;
  for (const auto& d : names.dns_names) {
    if (tls::IsWildcard(d)) wildcards.push_back("DNS:" + d);
  }
  std::string cn = names.LastCommonName();
  if (tls::IsWildcard(cn)) wildcards.push_back("CN=" + cn);
  if (wildcards.empty()) return;
  std::vector<std::string> evidence;
  for (const auto& d : names.dns_names) {
    bool full = d.size() > 2 && d[0] == '*' && d[1] == '.';
    if (tls::IsWildcard(d) && !full) {
      evidence.push_back(
          d + " is a partial wildcard: OpenSSL honours it; browsers, Windows and curl do not");
    }
  }
  evidence.push_back(
      "Outlook Anywhere: the msstd: principal must be the literal wildcard CN (msstd:" + cn + ")");
  a.findings.push_back(MakeFinding(
      "cert.wildcard", "the certificate covers names by wildcard: " + Join(wildcards), evidence));
}

void AddMsstdFinding(CertAnalysis& a, const tls::CertificateNames& names,
                     const tls::MsstdPrincipal& principal) {
  tls::MsstdResult r = tls::MatchMsstd(names, principal);
  std::vector<std::string> evidence, failing;
  for (const auto& v : r.clients) {
    evidence.push_back(fmt::format("{}: {} [{}] {}; rule: {}", tls::WindowsFamilyName(v.family),
                                   v.match ? "match" : "no match",
                                   tls::ConfidenceName(v.confidence), v.detail, v.rule));
    if (!v.match) {
      failing.push_back(fmt::format(
          "{}{}", v.family == tls::WindowsFamily::kXp ? "Windows XP" : "Windows Vista and later",
          v.confidence == tls::Confidence::kUncertain ? " (uncertain)" : ""));
    }
  }
  evidence.push_back(
      "applies to Outlook Anywhere (RPC over HTTP) only: MAPI over HTTP, EWS and Autodiscover use "
      "the "
      "ordinary name rules (see names)");
  if (r.match()) {
    a.findings.push_back(MakeFinding(
        "cert.msstd_ok",
        fmt::format("{} matches the certificate on Windows XP and on Vista and later", r.principal),
        evidence));
  } else {
    std::string fix = r.suggested.empty()
                          ? "no principal matches on Windows XP: the certificate has no subject CN"
                          : "fix: Set-OutlookProvider EXPR -CertPrincipalName " + r.suggested;
    evidence.push_back(fix);
    a.findings.push_back(MakeFinding("cert.msstd_mismatch",
                                     fmt::format("{} does not match the certificate for {}; {}",
                                                 r.principal, Join(failing, " and "), fix),
                                     evidence));
  }
  a.msstd = std::move(r);
}

std::vector<std::string> DistinctNames(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const auto& n : names) {
    if (n.empty()) continue;
    if (std::none_of(out.begin(), out.end(),
                     [&](const std::string& o) { return EqualIgnoreCase(o, n); }))
      out.push_back(n);
  }
  return out;
}

// ---- network parts of RunCertCheck

struct Fetched {
  std::optional<tls::HandshakeResult> handshake;
  std::vector<std::string> attempts;  // evidence when nothing completed
  std::string address;
};

// One handshake per version, newest first, until one completes. Stops early when the endpoint
// does not answer at all (a timeout or a connect failure would repeat for every version).
Fetched FetchChain(const net::ResolvedTarget& where, const std::string& sni,
                   const std::vector<tls::TlsVersion>& versions, const Deadline& deadline,
                   TraceSink* trace) {
  Fetched out;
  for (auto version : versions) {
    net::SocketAddress peer;
    auto socket = net::ConnectAny(where.addresses, deadline, &peer, trace);
    if (!socket) {
      out.attempts.push_back(
          fmt::format("{}: {}", tls::VersionDisplay(version), socket.error().message));
      return out;
    }
    out.address = peer.ToString();
    auto hs = tls::Handshake(*socket, {version, sni}, deadline, trace);
    out.attempts.push_back(fmt::format("{}: {}", tls::VersionDisplay(version), hs.detail));
    if (hs.outcome == tls::HandshakeOutcome::kCompleted && !hs.chain.empty()) {
      out.handshake = std::move(hs);
      return out;
    }
    if (hs.outcome == tls::HandshakeOutcome::kTimeout ||
        hs.outcome == tls::HandshakeOutcome::kNotTls)
      return out;
  }
  return out;
}

std::vector<AiaFetch> FetchAia(const std::vector<CertificateSummary>& sent,
                               const tls::TrustAnchors& anchors, const CertCheckOptions& o,
                               const Deadline& deadline) {
  std::vector<AiaFetch> fetched;
  std::set<std::string> tried;
  for (int round = 0; round < kMaxAiaRounds; ++round) {
    auto v = tls::VerifyChain(sent, FetchedCertificates(fetched), anchors);
    if (v.problem != TrustProblem::kIssuerMissing || v.built.empty()) break;
    bool progressed = false;
    for (const auto& url : DetailsOf(v.built.back().cert).ca_issuer_urls) {
      if (!tried.insert(url).second) continue;
      AiaFetch f{url, false, "", {}};
      auto response = tls::HttpFetch(url, tls::HttpRequest{}, o.net, deadline, o.trace);
      if (!response) {
        f.detail = response.error().message;
      } else if (response->status != 200) {
        f.detail = fmt::format("HTTP {} {}", response->status, response->reason);
      } else if (auto certs = tls::DecodeIssuerCertificates(response->body); !certs) {
        f.detail =
            fmt::format("HTTP 200 but {} ({} bytes)", certs.error().message, response->body.size());
      } else {
        f.ok = true;
        f.certs = *certs;
        std::vector<std::string> subjects;
        for (const auto& c : f.certs) subjects.push_back(c.subject);
        f.detail = "HTTP 200: " + Join(subjects, "; ");
      }
      progressed = f.ok;
      fetched.push_back(std::move(f));
      if (progressed) break;
    }
    if (!progressed) break;
  }
  return fetched;
}

SniComparison CompareWithoutSni(const net::ResolvedTarget& where,
                                const tls::HandshakeResult& with_sni, const Deadline& deadline,
                                TraceSink* trace) {
  SniComparison out;
  auto fetched = FetchChain(where, "", {with_sni.requested}, deadline, trace);
  if (!fetched.handshake) {
    out.detail = "without SNI the handshake does not complete: " + Join(fetched.attempts, "; ");
    return out;
  }
  out.completed = true;
  out.leaf = fetched.handshake->chain.front();
  out.same = out.leaf->sha256_fingerprint == with_sni.chain.front().sha256_fingerprint;
  out.detail =
      out.same
          ? "the same leaf certificate with and without SNI"
          : fmt::format("without SNI the server presents {} (sha256 {}) instead of {} (sha256 {})",
                        out.leaf->subject, out.leaf->sha256_fingerprint,
                        with_sni.chain.front().subject, with_sni.chain.front().sha256_fingerprint);
  return out;
}

void AddSniFinding(CertCheckResult& r) {
  const auto& s = *r.without_sni;
  std::vector<std::string> evidence = {
      fmt::format("with SNI {}: {}", r.sni, r.analysis.sent.front().subject)};
  if (s.leaf) {
    evidence.push_back("without SNI: " + s.leaf->subject);
    auto d = DetailsOf(*s.leaf);
    auto m = tls::MatchHostName(d.names, r.sni, tls::NameClient::kSchannel);
    evidence.push_back(fmt::format("the certificate without SNI {} {} for Windows clients ({})",
                                   m.match ? "covers" : "does not cover", r.sni, m.reason));
  }
  if (s.same) {
    r.findings.push_back(MakeFinding("cert.sni_ok", s.detail, evidence));
  } else {
    evidence.push_back(s.detail);
    r.findings.push_back(MakeFinding("cert.sni_mismatch", s.detail, evidence));
  }
}

std::vector<tls::RevocationCheck> CheckRevocation(const CertAnalysis& a, const CertCheckOptions& o,
                                                  const Deadline& deadline) {
  auto queries = tls::PlanRevocation(a.verification.built);
  if (queries.size() > kMaxRevocationQueries) queries.resize(kMaxRevocationQueries);
  std::vector<tls::RevocationCheck> out(queries.size());
  {
    std::vector<std::jthread> workers;
    for (std::size_t i = 0; i < queries.size(); ++i) {
      workers.emplace_back(
          [&, i] { out[i] = tls::RunRevocationQuery(queries[i], o.net, deadline, o.trace); });
    }
  }
  return out;
}

void AddRevocationFindings(CertCheckResult& r) {
  std::vector<std::string> evidence, revoked, problems;
  std::size_t good = 0;
  for (const auto& c : r.revocation) {
    evidence.push_back(fmt::format("{} {} for {}: {} ({}, {:.0f} ms)",
                                   tls::RevocationMethodName(c.method), c.url, c.subject,
                                   tls::RevocationStatusName(c.status), c.detail, c.elapsed_ms));
    std::string brief =
        fmt::format("{} {}: {}", tls::RevocationMethodName(c.method), c.url, c.detail);
    if (c.status == tls::RevocationStatus::kRevoked) {
      revoked.push_back(fmt::format("{} ([{}] {})", brief, c.chain_index, c.subject));
    }
    if (c.problem()) problems.push_back(brief);
    if (c.status == tls::RevocationStatus::kGood) ++good;
  }
  if (!revoked.empty())
    r.findings.push_back(MakeFinding("cert.revoked", Join(revoked, "; "), evidence));
  if (!problems.empty()) {
    r.findings.push_back(MakeFinding(
        "cert.revocation_unreachable",
        fmt::format("{} of {} revocation URL{} gave no usable answer: {}", problems.size(),
                    r.revocation.size(), r.revocation.size() == 1 ? "" : "s", Join(problems, "; ")),
        evidence));
  }
  if (revoked.empty() && problems.empty() && good > 0) {
    r.findings.push_back(
        MakeFinding("cert.revocation_ok",
                    fmt::format("{} revocation URL{} answered; none lists the chain as revoked",
                                good, good == 1 ? "" : "s"),
                    evidence));
  }
}

const std::vector<tls::TlsVersion> kNewestFirst = {tls::TlsVersion::kTls13, tls::TlsVersion::kTls12,
                                                   tls::TlsVersion::kTls11,
                                                   tls::TlsVersion::kTls10};

// The analysis options of a run: the SNI name first, then --name, and the default principal.
CertAnalysisOptions EffectiveAnalysis(const CertCheckOptions& o, const std::string& sni) {
  CertAnalysisOptions analysis = o.analysis;
  std::vector<std::string> names = {sni};
  names.insert(names.end(), analysis.names.begin(), analysis.names.end());
  analysis.names = DistinctNames(names);
  if (o.check_msstd && !analysis.msstd) analysis.msstd = tls::MsstdPrincipal{sni};
  return analysis;
}

// Everything once the chain is in hand: AIA, analysis, SNI comparison, revocation.
void JudgeEndpoint(CertCheckResult& r, const net::ResolvedTarget& where,
                   const tls::HandshakeResult& hs, const CertCheckOptions& o,
                   const Deadline& deadline) {
  r.version = hs.requested;
  r.handshake_detail = hs.detail;
  CertAnalysisOptions analysis = EffectiveAnalysis(o, r.sni);
  const tls::TrustAnchors* anchors = analysis.anchors ? analysis.anchors : SystemAnchors();
  std::vector<AiaFetch> aia;
  if (o.fetch_aia && anchors) aia = FetchAia(hs.chain, *anchors, o, deadline);
  r.analysis = AnalyzeChain(hs.chain, analysis, aia);
  r.findings = r.analysis.findings;
  if (!tls::IsIpLiteral(r.sni)) {
    r.without_sni = CompareWithoutSni(where, hs, deadline, o.trace);
    AddSniFinding(r);
  }
  if (o.check_revocation) {
    r.revocation = CheckRevocation(r.analysis, o, deadline);
    AddRevocationFindings(r);
  }
}

}  // namespace

bool NameVerdict::AllMatch() const {
  return std::all_of(clients.begin(), clients.end(),
                     [](const tls::NameMatch& m) { return m.match; });
}

CertAnalysis AnalyzeChain(const std::vector<CertificateSummary>& as_sent,
                          const CertAnalysisOptions& options, const std::vector<AiaFetch>& aia) {
  CertAnalysis a;
  a.sent = as_sent;
  a.aia = aia;
  if (as_sent.empty()) {
    a.findings.push_back(MakeFinding("cert.untrusted", "the server sent no certificate"));
    return a;
  }
  const tls::TrustAnchors* anchors = options.anchors ? options.anchors : SystemAnchors();
  if (anchors == nullptr) {
    a.trust_store = "system store (unavailable)";
    a.findings.push_back(
        MakeFinding("cert.untrusted", "the system trust store cannot be opened; pass --ca-file"));
  } else {
    a.trust_store = anchors->description();
    a.verification = tls::VerifyChain(as_sent, FetchedCertificates(aia), *anchors);
    const auto& v = a.verification;
    std::size_t first_missing = v.not_sent.empty() ? v.built.size() : v.not_sent.front();
    if (first_missing > 0 && first_missing <= v.built.size()) {
      a.aia_urls = DetailsOf(v.built[first_missing - 1].cert).ca_issuer_urls;
    }
    AddTrustFindings(a);
  }
  std::int64_t now = options.now ? *options.now : static_cast<std::int64_t>(std::time(nullptr));
  AddValidityFindings(a, options, now);
  AddStrengthFindings(a);
  auto leaf = DetailsOf(as_sent.front());
  AddNameFindings(a, leaf.names, DistinctNames(options.names));
  AddWildcardFinding(a, leaf.names);
  if (options.msstd) AddMsstdFinding(a, leaf.names, *options.msstd);
  return a;
}

CertCheckResult RunCertCheck(const CertCheckOptions& options) {
  auto started = Clock::now();
  Deadline deadline = Deadline::After(options.timeout);
  CertCheckResult r;
  r.host = options.host;
  r.port = options.port;
  r.sni = options.sni.empty() ? options.host : options.sni;
  auto finish = [&] {
    r.duration_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
    return std::move(r);
  };
  auto where = net::ResolveTarget(options.host, options.port, options.net, deadline, options.trace);
  if (!where) {
    bool dns = where.error().code == ErrorCode::kDnsFailure;
    r.findings.push_back(
        MakeFinding(dns ? "net.dns_failure" : "net.unreachable",
                    fmt::format("{} cannot be resolved: {}", options.host, where.error().message)));
    return finish();
  }
  r.resolved_via = where->via;
  auto fetched = FetchChain(*where, tls::IsIpLiteral(r.sni) ? "" : r.sni, kNewestFirst, deadline,
                            options.trace);
  r.address = fetched.address;
  if (!fetched.handshake) {
    r.findings.push_back(MakeFinding(
        "net.unreachable",
        fmt::format("{}:{} gave no certificate: no TLS handshake completed", r.host, r.port),
        fetched.attempts));
    return finish();
  }
  JudgeEndpoint(r, *where, *fetched.handshake, options, deadline);
  return finish();
}

}  // namespace probe::checks
