#include "probe/tls/enumerate.h"

#include <fmt/format.h>

#include <algorithm>

#include "probe/tls/alert.h"
#include "probe/tls/cipher_suites.h"
#include "probe/tls/client_hello.h"

namespace probe::tls {
namespace {

// SSL 3.0 hellos carry no extensions, so no padding: keep them under 256 bytes.
constexpr std::size_t kMaxSsl3Suites = 100;

// What one hello proved about the offered suites.
struct Verdict {
  enum Kind { kChosen, kRefused, kOtherVersion, kFailed } kind = kFailed;
  std::uint16_t suite = 0;
  std::optional<std::uint16_t> group;  // TLS 1.3 key_share / HRR group
  std::string detail;
};

std::string AnswerText(const RawExchange& e) {
  switch (e.transport) {
    case Transport::kAnswered:
      break;
    case Transport::kClosed:
      return "the server " + e.detail;
    case Transport::kReset:
      return "the connection was reset (" + e.detail + ")";
    case Transport::kTimeout:
      return "no answer before the deadline";
    case Transport::kConnectFailed:
      return e.detail;
  }
  const ServerAnswer& a = e.answer;
  switch (a.kind) {
    case AnswerKind::kAlert:
      return fmt::format("alert {} ({})", a.alert_description, AlertName(a.alert_description));
    case AnswerKind::kServerHello:
      return fmt::format("ServerHello 0x{:04x} with suite 0x{:04X}", a.hello->NegotiatedVersion(),
                         a.hello->cipher_suite);
    case AnswerKind::kSsl2ServerHello:
      return "SSL 2.0 SERVER-HELLO";
    case AnswerKind::kSsl2Error:
      return "SSL 2.0 ERROR";
    case AnswerKind::kNotTls:
      return "bytes that are not TLS";
    case AnswerKind::kMalformed:
      return "a malformed answer: " + a.detail;
    case AnswerKind::kNeedMore:
      break;
  }
  return "an unfinished answer";
}

Verdict Judge(const RawExchange& e, TlsVersion version, const std::vector<std::uint16_t>& offered) {
  Verdict v;
  v.detail = AnswerText(e);
  if (e.transport == Transport::kClosed || e.transport == Transport::kReset) {
    v.kind = Verdict::kRefused;  // SChannel and balancers often close instead of alerting
    return v;
  }
  if (e.transport != Transport::kAnswered) return v;  // kFailed: cannot tell
  const ServerAnswer& a = e.answer;
  if (a.kind == AnswerKind::kAlert || a.kind == AnswerKind::kSsl2Error) {
    v.kind = Verdict::kRefused;
    return v;
  }
  if (a.kind != AnswerKind::kServerHello) return v;
  const ServerHello& h = *a.hello;
  if (h.NegotiatedVersion() != WireVersion(version)) {
    v.kind = Verdict::kOtherVersion;
    return v;
  }
  if (std::find(offered.begin(), offered.end(), h.cipher_suite) == offered.end()) {
    v.detail += " (a suite that was not offered)";
    return v;  // a broken stack: not evidence of acceptance (testssl PR #784)
  }
  v.kind = Verdict::kChosen;
  v.suite = h.cipher_suite;
  v.group = h.key_share_group;
  return v;
}

class Scanner {
 public:
  Scanner(TlsVersion version, const RawTarget& target, const ScanOptions& options,
          const Deadline& deadline)
      : version_(version), target_(target), options_(options), deadline_(deadline) {
    scan_.version = version;
  }

  ProtocolScan Run() {
    if (version_ == TlsVersion::kSsl2) {
      ScanSsl2();
      return std::move(scan_);
    }
    EnumerateSuites();
    if (scan_.accepted && !scan_.error) DecidePreference();
    if (scan_.accepted && !scan_.error && options_.groups) EnumerateGroups();
    return std::move(scan_);
  }

 private:
  Verdict Offer(const std::vector<std::uint16_t>& suites, std::vector<std::uint16_t> groups = {},
                std::optional<std::vector<std::uint16_t>> key_shares = std::nullopt) {
    ClientHelloSpec spec;
    spec.version = version_;
    spec.cipher_suites = suites;
    spec.server_name = options_.server_name;
    if (!groups.empty()) spec.groups = std::move(groups);
    if (key_shares) spec.key_share_groups = *key_shares;
    auto hello = BuildClientHello(spec);
    if (!hello) return Verdict{Verdict::kFailed, 0, std::nullopt, hello.error().message};
    ++scan_.hellos;
    RawExchange e = ExchangeHello(target_, *hello, deadline_);
    TraceTo(target_.trace, "raw",
            fmt::format("{} hello, {} suite(s) -> {}", VersionDisplay(version_), suites.size(),
                        AnswerText(e)));
    return Judge(e, version_, suites);
  }

  void Failed(const Verdict& v) { scan_.error = v.detail; }

  // Offer a batch, remove the suite the server chose, repeat; a refused batch is dropped whole.
  void EnumerateSuites() {
    std::vector<std::uint16_t> remaining = SuitesFor(version_);
    std::size_t batch_size = version_ == TlsVersion::kSsl3 ? kMaxSsl3Suites : kMaxSuitesPerHello;
    bool first = true;
    while (!remaining.empty()) {
      std::vector<std::uint16_t> batch(
          remaining.begin(),
          remaining.begin() + static_cast<long>(std::min(batch_size, remaining.size())));
      Verdict v = Offer(batch);
      ++scan_.suite_hellos;
      if (first) scan_.detail = v.detail;
      first = false;
      if (v.kind == Verdict::kFailed) return Failed(v);
      if (v.kind == Verdict::kOtherVersion) {
        if (!scan_.accepted) scan_.detail = "answered with another version: " + v.detail;
        return;  // the server does not speak this version (it downgraded or upgraded)
      }
      if (v.kind == Verdict::kRefused) {
        remaining.erase(remaining.begin(), remaining.begin() + static_cast<long>(batch.size()));
        continue;
      }
      scan_.accepted = true;
      scan_.suites.push_back(v.suite);
      remaining.erase(std::find(remaining.begin(), remaining.end(), v.suite));
    }
  }

  // Offer the accepted suites in our order and reversed: the same choice means the server
  // imposes its own order. Then, if so, rebuild that order (a batch boundary may have hidden it).
  void DecidePreference() {
    if (scan_.suites.size() < 2) return;
    std::vector<std::uint16_t> forward = scan_.suites;
    std::vector<std::uint16_t> reversed(forward.rbegin(), forward.rend());
    Verdict a = Offer(forward);
    Verdict b = Offer(reversed);
    if (a.kind != Verdict::kChosen || b.kind != Verdict::kChosen) return;
    scan_.server_preference = a.suite == b.suite;
    if (!*scan_.server_preference || scan_.suites.size() <= 2) return;
    std::vector<std::uint16_t> order, left = scan_.suites;
    while (left.size() > 1) {
      Verdict v = Offer(left);
      if (v.kind != Verdict::kChosen) return;  // keep discovery order
      order.push_back(v.suite);
      left.erase(std::find(left.begin(), left.end(), v.suite));
    }
    order.push_back(left.front());
    scan_.suites = std::move(order);
  }

  void EnumerateGroups() {
    static constexpr std::uint16_t kTls13Groups[] = {
        kGroupX25519, kGroupSecp256r1, kGroupSecp384r1, kGroupSecp521r1,
        kGroupX448,   kGroupFfdhe2048, kGroupFfdhe3072, kGroupFfdhe4096,
        0x0103,       0x0104,          0x11ec};
    static constexpr std::uint16_t kEcGroups[] = {kGroupX25519, kGroupSecp256r1, kGroupSecp384r1,
                                                  kGroupSecp521r1, kGroupX448};
    if (version_ == TlsVersion::kTls13) {
      // No key share: a server that supports the only listed group answers a HelloRetryRequest.
      for (std::uint16_t g : kTls13Groups) {
        Verdict v = Offer(scan_.suites, {g}, std::vector<std::uint16_t>{});
        if (v.kind == Verdict::kFailed) return;
        if (v.kind == Verdict::kChosen && v.group == g) scan_.groups.push_back(g);
      }
      return;
    }
    std::vector<std::uint16_t> ecdhe;
    for (std::uint16_t id : scan_.suites) {
      const CipherSuite* s = FindCipherSuite(id);
      if (s && s->name.find("_ECDHE_") != std::string_view::npos) ecdhe.push_back(id);
    }
    if (ecdhe.empty()) return;
    for (std::uint16_t g : kEcGroups) {
      Verdict v = Offer(ecdhe, {g});
      if (v.kind == Verdict::kFailed) return;
      if (v.kind == Verdict::kChosen) scan_.groups.push_back(g);
    }
  }

  void ScanSsl2() {
    ++scan_.hellos;
    Bytes hello = BuildSsl2ClientHello();
    RawExchange e = ExchangeHello(target_, hello, deadline_);
    scan_.detail = AnswerText(e);
    if (e.transport == Transport::kTimeout || e.transport == Transport::kConnectFailed) {
      scan_.error = scan_.detail;
      return;
    }
    if (e.transport == Transport::kAnswered && e.answer.kind == AnswerKind::kSsl2ServerHello) {
      // A SERVER-HELLO with no cipher specs is CVE-2015-3197's "supported but nothing usable".
      scan_.accepted = !e.answer.ssl2_cipher_specs.empty();
      scan_.ssl2_cipher_specs = e.answer.ssl2_cipher_specs;
    }
  }

  TlsVersion version_;
  const RawTarget& target_;
  const ScanOptions& options_;
  const Deadline& deadline_;
  ProtocolScan scan_;
};

}  // namespace

ProtocolScan ScanProtocol(TlsVersion version, const RawTarget& target, const ScanOptions& options,
                          const Deadline& deadline) {
  return Scanner(version, target, options, deadline).Run();
}

}  // namespace probe::tls
