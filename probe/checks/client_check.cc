#include "probe/checks/client_check.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <thread>

#include "probe/diagnosis/catalogue.h"
#include "probe/tls/alert.h"
#include "probe/tls/cipher_suites.h"
#include "probe/tls/raw_exchange.h"

namespace probe::checks {
namespace {

using tls::ClientProfile;
using tls::TlsVersion;
using V = tls::TlsVersion;
using ScanMap = std::map<TlsVersion, tls::ProtocolScan>;

// The versions whose acceptance explains a verdict; SSL 2.0 hellos are no Windows client's.
constexpr TlsVersion kExplainVersions[] = {V::kSsl3, V::kTls10, V::kTls11, V::kTls12, V::kTls13};

std::string Join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += sep;
    out += item;
  }
  return out;
}

std::string Versions(const std::vector<TlsVersion>& versions) {
  return tls::ProtocolsDisplay(versions);
}

std::string SuiteText(std::uint16_t id) {
  return fmt::format("{} (0x{:04X})", tls::SuiteName(id), id);
}

std::string AnswerText(const tls::RawExchange& e) {
  switch (e.transport) {
    case tls::Transport::kAnswered:
      break;
    case tls::Transport::kClosed:
      return "the server " + e.detail;
    case tls::Transport::kReset:
      return "the connection was reset (" + e.detail + ")";
    case tls::Transport::kTimeout:
      return "no answer before the deadline";
    case tls::Transport::kConnectFailed:
      return e.detail;
  }
  const tls::ServerAnswer& a = e.answer;
  switch (a.kind) {
    case tls::AnswerKind::kAlert:
      return fmt::format("alert {} ({})", a.alert_description, tls::AlertName(a.alert_description));
    case tls::AnswerKind::kServerHello: {
      auto v = tls::FromWire(a.hello->NegotiatedVersion());
      return fmt::format("{} {} with {}",
                         a.hello->hello_retry_request ? "HelloRetryRequest" : "ServerHello",
                         v ? std::string(tls::VersionDisplay(*v))
                           : fmt::format("0x{:04x}", a.hello->NegotiatedVersion()),
                         SuiteText(a.hello->cipher_suite));
    }
    case tls::AnswerKind::kMalformed:
      return "a malformed answer: " + a.detail;
    default:
      return "an answer that is not a TLS ServerHello or alert";
  }
}

// ---- phase 1: one hello per profile, judged on its own ----

struct FirstLook {
  ClientVerdict verdict;
  bool explain = false;                       // refused: the server's scans must say why
  std::optional<TlsVersion> chosen_disabled;  // the server chose a version the client disabled
};

FirstLook Connected(ClientVerdict v, TlsVersion version, std::uint16_t suite) {
  v.outcome = ClientOutcome::kConnects;
  v.protocol = version;
  v.cipher_suite = suite;
  return {std::move(v), false, std::nullopt};
}

FirstLook JudgeServerHello(ClientVerdict v, const ClientProfile& p, const tls::ServerHello& h,
                           const std::vector<std::uint16_t>& offered) {
  auto version = tls::FromWire(h.NegotiatedVersion());
  if (!version) {
    v.why = "could not find out: the server chose an unknown version";
    return {std::move(v), false, std::nullopt};
  }
  if (!p.Enables(*version)) return {std::move(v), true, *version};
  if (std::find(offered.begin(), offered.end(), h.cipher_suite) == offered.end()) {
    v.evidence.push_back("the server chose a suite this client did not offer");
    return {std::move(v), true, std::nullopt};
  }
  // A HelloRetryRequest names a group the client offers: the client sends a second hello and
  // goes on; a group it does not offer ends the handshake.
  if (h.hello_retry_request && h.key_share_group &&
      std::find(p.groups.begin(), p.groups.end(), *h.key_share_group) == p.groups.end()) {
    return {std::move(v), true, std::nullopt};
  }
  return Connected(std::move(v), *version, h.cipher_suite);
}

FirstLook Judge(const ClientProfile& p, const tls::RawExchange& e,
                const std::vector<std::uint16_t>& offered) {
  ClientVerdict v;
  v.profile = &p;
  v.answer = AnswerText(e);
  v.evidence.push_back("answered: " + v.answer);
  if (e.transport == tls::Transport::kClosed || e.transport == tls::Transport::kReset) {
    return {std::move(v), true, std::nullopt};  // SChannel and balancers close without an alert
  }
  if (e.answer.kind == tls::AnswerKind::kAlert) return {std::move(v), true, std::nullopt};
  if (e.transport != tls::Transport::kAnswered || e.answer.kind != tls::AnswerKind::kServerHello) {
    v.why = "could not find out: " + v.answer;
    return {std::move(v), false, std::nullopt};
  }
  return JudgeServerHello(std::move(v), p, *e.answer.hello, offered);
}

std::string OfferedText(const ClientProfile& p, const std::vector<std::uint16_t>& offered) {
  std::vector<std::string> ext;
  for (auto type : p.extensions) ext.push_back(tls::ExtensionName(type));
  return fmt::format(
      "offered: {} hello (record 0x{:04x}) enabling {}, {} suite(s) from {}, "
      "extensions {}",
      tls::VersionDisplay(p.MaxVersion()), p.record_version, Versions(p.versions), offered.size(),
      SuiteText(offered.front()), Join(ext, ", "));
}

FirstLook SendHello(const ClientProfile& p, const tls::RawTarget& target, const std::string& sni,
                    const Deadline& deadline) {
  tls::ClientHelloSpec spec = tls::ProfileHelloSpec(p, sni);
  auto hello = tls::BuildClientHello(spec);
  if (!hello) {
    ClientVerdict v;
    v.profile = &p;
    v.answer = "the hello could not be built: " + hello.error().message;
    v.why = "could not find out: " + v.answer;
    return {std::move(v), false, std::nullopt};
  }
  tls::RawExchange e = tls::ExchangeHello(target, *hello, deadline);
  FirstLook look = Judge(p, e, spec.cipher_suites);
  TraceTo(
      target.trace, "client",
      fmt::format("{}: {} hello, {} suite(s) -> {}", p.name, tls::VersionDisplay(p.MaxVersion()),
                  spec.cipher_suites.size(), look.verdict.answer));
  look.verdict.evidence.insert(look.verdict.evidence.begin(), OfferedText(p, spec.cipher_suites));
  return look;
}

// ---- phase 2: what the server accepts, scanned once for every profile that needs it ----

ScanMap ServerScans(const tls::RawTarget& target, const std::string& sni,
                    std::span<const tls::ProtocolScan> known, const Deadline& deadline) {
  ScanMap scans;
  for (const auto& s : known) {
    if (!s.error) scans[s.version] = s;
  }
  std::vector<TlsVersion> missing;
  for (TlsVersion v : kExplainVersions) {
    if (!scans.count(v)) missing.push_back(v);
  }
  std::vector<tls::ProtocolScan> results(missing.size());
  {
    std::vector<std::jthread> workers;
    for (std::size_t i = 0; i < missing.size(); ++i) {
      workers.emplace_back([&, i] {
        results[i] =
            tls::ScanProtocol(missing[i], target, {.server_name = sni, .groups = true}, deadline);
      });
    }
  }
  for (auto& r : results) scans[r.version] = std::move(r);
  return scans;
}

const tls::ProtocolScan* Accepted(const ScanMap& scans, TlsVersion v) {
  auto it = scans.find(v);
  if (it == scans.end() || it->second.error || !it->second.accepted) return nullptr;
  return &it->second;
}

std::vector<TlsVersion> ServerVersions(const ScanMap& scans) {
  std::vector<TlsVersion> out;
  for (TlsVersion v : kExplainVersions) {
    if (Accepted(scans, v)) out.push_back(v);
  }
  return out;
}

std::string ServerAccepts(const ScanMap& scans) {
  std::vector<std::string> parts;
  for (TlsVersion v : ServerVersions(scans)) {
    parts.push_back(
        fmt::format("{} ({} suite(s))", tls::VersionDisplay(v), Accepted(scans, v)->suites.size()));
  }
  return "server accepts: " + (parts.empty() ? std::string("no version") : Join(parts, ", "));
}

// ---- phase 3: why not, and what would change it ----

std::vector<std::string> Caveats(const ClientProfile& p, std::vector<tls::FactTopic> topics) {
  std::vector<std::string> out;
  for (const auto& f : p.facts) {
    bool relevant = std::find(topics.begin(), topics.end(), f.topic) != topics.end();
    if (!relevant || f.confidence == tls::FactConfidence::kDocumented) continue;
    out.push_back(
        fmt::format("{} [{}; {}]", f.text, tls::FactConfidenceName(f.confidence), f.source));
  }
  return out;
}

std::string VersionFlags(const std::vector<TlsVersion>& versions) {
  std::vector<std::string> names;
  for (TlsVersion v : versions) names.push_back(std::string(tls::VersionName(v)));
  return Join(names, ",");
}

// The registry (and update) change that lets `p` reach the server's versions, if Windows can.
bool ClientSideProtocolFix(ClientVerdict& v, const ClientProfile& p,
                           const std::vector<TlsVersion>& server) {
  const tls::FamilyInfo& family = tls::Family(p.family);
  // KB3140245's own recommendation (TLS 1.1 + 1.2) up to what the server speaks, plus any newer
  // version the server has and this Windows can speak.
  std::vector<TlsVersion> enable;
  for (TlsVersion s : family.speakable) {
    bool wanted = s >= V::kTls11 && s <= server.back();
    bool server_has = std::find(server.begin(), server.end(), s) != server.end();
    if (s >= V::kTls10 && (wanted || (server_has && s > p.MaxVersion()))) enable.push_back(s);
  }
  bool reachable = std::any_of(enable.begin(), enable.end(), [&](TlsVersion s) {
    return std::find(server.begin(), server.end(), s) != server.end();
  });
  if (!reachable) return false;
  std::string value = tls::FormatProtocolValue(tls::EncodeProtocols(enable));
  std::string how =
      p.component == tls::Component::kWinInet
          ? fmt::format("set SecureProtocols={} (Internet Options > Advanced: Use {})", value,
                        Versions(enable))
          : fmt::format(
                "set DefaultSecureProtocols={} in both WinHttp keys (native and "
                "Wow6432Node) and enable the SCHANNEL {} client keys",
                value, Versions(enable));
  // Internet Explorer 11 reads SecureProtocols without any update; WinHTTP on Windows 7 needs one.
  bool update = !family.update.empty() && p.component == tls::Component::kWinHttp;
  v.fix_kind = update ? FixKind::kUpdate : FixKind::kRegistry;
  v.fix = fmt::format("{}{}; `exprobe client fix --profile {} --enable {}` writes the .reg file{}",
                      update ? fmt::format("install {}, then ", family.update) : "", how, p.name,
                      VersionFlags(enable),
                      p.fixed_profile.empty()
                          ? ""
                          : fmt::format(" (profile {} simulates the result)", p.fixed_profile));
  return true;
}

std::string EnableServerTls12() {
  return "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS "
         "1.2\\Server Enabled=1, DisabledByDefault=0 on Windows, or the balancer's protocol list";
}

void NoCommonProtocol(ClientVerdict& v, const ClientProfile& p, const ScanMap& scans,
                      std::optional<TlsVersion> chosen_disabled) {
  std::vector<TlsVersion> server = ServerVersions(scans);
  v.outcome = ClientOutcome::kNoCommonProtocol;
  v.why =
      fmt::format("it offers {}; the server accepts {}", Versions(p.versions), Versions(server));
  if (chosen_disabled) {
    v.why += fmt::format(" and answered with {}, which this client has disabled",
                         tls::VersionDisplay(*chosen_disabled));
  }
  v.caveats = Caveats(p, {tls::FactTopic::kVersions, tls::FactTopic::kFallback});
  if (server.back() > p.MaxVersion()) {
    if (ClientSideProtocolFix(v, p, server)) return;
    v.fix_kind = FixKind::kServer;
    v.fix = fmt::format(
        "{} cannot speak {}: also enable TLS 1.2 on the server ({}), or move "
        "the client to a newer Windows",
        tls::Family(p.family).display, Versions(server), EnableServerTls12());
    return;
  }
  v.fix_kind = FixKind::kServer;
  v.fix = fmt::format("enable TLS 1.2 on the server ({})", EnableServerTls12());
  const tls::FamilyInfo& family = tls::Family(p.family);
  bool client_can = std::all_of(server.begin(), server.end(), [&](TlsVersion s) {
    return std::find(family.speakable.begin(), family.speakable.end(), s) != family.speakable.end();
  });
  if (client_can && server.front() >= V::kTls10) {
    std::vector<TlsVersion> enable = server;
    for (TlsVersion s : p.versions) {
      if (s >= V::kTls10 && std::find(enable.begin(), enable.end(), s) == enable.end())
        enable.push_back(s);
    }
    std::sort(enable.begin(), enable.end());
    v.fix += fmt::format(
        "; or re-enable {} on the client: `exprobe client fix --profile {} "
        "--enable {}`",
        Versions(server), p.name, VersionFlags(enable));
  }
}

// The key type of the server's certificate, as its accepted suites show it.
std::string ServerAuth(const std::vector<std::uint16_t>& suites) {
  for (std::uint16_t id : suites) {
    std::string name = tls::SuiteName(id);
    if (name.find("_ECDSA_") != std::string::npos) return "ECDSA";
    if (name.find("_RSA_") != std::string::npos) return "RSA";
  }
  return "";
}

bool AuthFits(std::uint16_t id, const std::string& auth) {
  const tls::CipherSuite* s = tls::FindCipherSuite(id);
  if (!s) return false;
  if (auth.empty() || s->tls13) return true;
  std::string_view name = s->name;
  if (auth == "ECDSA") return name.find("_ECDSA_") != std::string_view::npos;
  return name.find("_RSA_") != std::string_view::npos;
}

// The first suite in the client's order that the server could add: fits its certificate, not
// weak, forward secret if any such suite exists.
std::optional<std::uint16_t> SuiteToAdd(const std::vector<std::uint16_t>& client,
                                        const std::string& auth) {
  for (bool need_fs : {true, false}) {
    for (std::uint16_t id : client) {
      const tls::CipherSuite* s = tls::FindCipherSuite(id);
      if (s && AuthFits(id, auth) && s->weakness.empty() && (s->forward_secrecy || !need_fs))
        return id;
    }
  }
  return std::nullopt;
}

std::vector<std::uint16_t> UsableSuites(const ClientProfile& p, TlsVersion v) {
  std::vector<std::uint16_t> out;
  for (std::uint16_t id : p.OfferedSuites()) {
    const tls::CipherSuite* s = tls::FindCipherSuite(id);
    if (s && s->UsableWith(v)) out.push_back(id);
  }
  return out;
}

std::string SuiteList(const std::vector<std::uint16_t>& ids, std::size_t max) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < ids.size() && i < max; ++i) names.push_back(SuiteText(ids[i]));
  if (ids.size() > max) names.push_back(fmt::format("{} more", ids.size() - max));
  return Join(names, ", ");
}

// Windows 7 and 8.1 lack 0xC02F/0xC030; say so when exactly that is the gap.
std::string GcmGap(const std::vector<std::uint16_t>& client,
                   const std::vector<std::uint16_t>& server) {
  bool server_gcm = std::any_of(server.begin(), server.end(),
                                [](std::uint16_t id) { return id == 0xC02F || id == 0xC030; });
  bool client_gcm = std::any_of(client.begin(), client.end(),
                                [](std::uint16_t id) { return id == 0xC02F || id == 0xC030; });
  if (!server_gcm || client_gcm) return "";
  return "; its default list has no TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (0xC02F) or "
         "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (0xC030), so enabling TLS 1.2 alone does not help";
}

void NoCommonCipher(ClientVerdict& v, const ClientProfile& p, TlsVersion version,
                    const tls::ProtocolScan& scan) {
  std::vector<std::uint16_t> client = UsableSuites(p, version);
  v.outcome = ClientOutcome::kNoCommonCipher;
  v.why = fmt::format("both speak {}, but the server accepts only {} and it offers none of them{}",
                      tls::VersionDisplay(version), SuiteList(scan.suites, 4),
                      GcmGap(client, scan.suites));
  v.caveats = Caveats(p, {tls::FactTopic::kSuites});
  std::string auth = ServerAuth(scan.suites);
  auto add = SuiteToAdd(client, auth);
  v.fix_kind = FixKind::kServer;
  if (!add) {
    v.fix = "retire this client: none of its suites suits the server's certificate";
    return;
  }
  std::string openssl = tls::OpenSslCipherName(*add);
  v.fix = fmt::format(
      "on the server, add {} for {}: the first strong suite in {}'s order {} "
      "(Windows: Enable-TlsCipherSuite -Name {}{})",
      SuiteText(*add), tls::VersionDisplay(version), p.name,
      auth.empty() ? std::string("the server can use")
                   : fmt::format("that fits the server's {} certificate", auth),
      tls::SuiteName(*add),
      openssl.empty() ? "" : fmt::format("; OpenSSL or a balancer: {}", openssl));
}

std::string GroupList(const std::vector<std::uint16_t>& groups) {
  std::vector<std::string> names;
  for (auto g : groups) names.push_back(tls::GroupName(g));
  return names.empty() ? "none" : Join(names, ", ");
}

void Refused(ClientVerdict& v, const ClientProfile& p, TlsVersion version,
             const tls::ProtocolScan& scan, const std::vector<std::uint16_t>& shared) {
  v.outcome = ClientOutcome::kRefused;
  v.caveats = Caveats(p, {tls::FactTopic::kHello});
  v.fix_kind = FixKind::kServer;
  bool all_ecdhe = std::all_of(shared.begin(), shared.end(), [](std::uint16_t id) {
    return tls::SuiteName(id).find("_ECDHE_") != std::string::npos;
  });
  bool no_group =
      !scan.groups.empty() && std::none_of(p.groups.begin(), p.groups.end(), [&](std::uint16_t g) {
        return std::find(scan.groups.begin(), scan.groups.end(), g) != scan.groups.end();
      });
  if (all_ecdhe && no_group) {
    v.why = fmt::format(
        "the only shared suites use ECDHE, and the server's groups ({}) and "
        "its own ({}) have none in common",
        GroupList(scan.groups), GroupList(p.groups));
    v.fix = fmt::format("enable {} on the server's ECDHE curve list", GroupList(p.groups));
    return;
  }
  v.why = fmt::format(
      "the server refused the hello ({}) although both speak {} and share {} "
      "suite(s) ({})",
      v.answer, tls::VersionDisplay(version), shared.size(), SuiteList(shared, 2));
  v.fix = fmt::format(
      "compare the hello (exprobe client show {}) with what the server requires: "
      "signature algorithms, groups, extensions",
      p.name);
}

void Explain(ClientVerdict& v, const ClientProfile& p, const ScanMap& scans,
             std::optional<TlsVersion> chosen_disabled) {
  v.evidence.push_back(ServerAccepts(scans));
  std::vector<TlsVersion> server = ServerVersions(scans);
  if (server.empty()) {
    v.outcome = ClientOutcome::kUnknown;
    v.why = "the server accepted no SSL 3.0-TLS 1.3 hello at all";
    return;
  }
  std::vector<TlsVersion> common;
  for (TlsVersion s : server) {
    if (p.Enables(s)) common.push_back(s);
  }
  if (common.empty() || chosen_disabled) return NoCommonProtocol(v, p, scans, chosen_disabled);
  TlsVersion top = common.back();
  const tls::ProtocolScan& scan = *Accepted(scans, top);
  std::vector<std::uint16_t> shared;
  for (std::uint16_t id : UsableSuites(p, top)) {
    if (std::find(scan.suites.begin(), scan.suites.end(), id) != scan.suites.end())
      shared.push_back(id);
  }
  if (shared.empty()) return NoCommonCipher(v, p, top, scan);
  Refused(v, p, top, scan, shared);
}

}  // namespace

std::string_view ClientOutcomeName(ClientOutcome o) {
  switch (o) {
    case ClientOutcome::kConnects:
      return "connects";
    case ClientOutcome::kNoCommonProtocol:
      return "no_common_protocol";
    case ClientOutcome::kNoCommonCipher:
      return "no_common_cipher";
    case ClientOutcome::kRefused:
      return "refused";
    case ClientOutcome::kUnknown:
      return "unknown";
  }
  return "unknown";
}

std::string_view FixKindName(FixKind k) {
  switch (k) {
    case FixKind::kNone:
      return "";
    case FixKind::kRegistry:
      return "registry";
    case FixKind::kUpdate:
      return "update";
    case FixKind::kServer:
      return "server";
  }
  return "";
}

std::vector<ClientVerdict> SimulateClients(const std::vector<net::SocketAddress>& addresses,
                                           const std::string& sni,
                                           const std::vector<const ClientProfile*>& profiles,
                                           const Deadline& deadline, TraceSink* trace,
                                           std::span<const tls::ProtocolScan> known) {
  tls::RawTarget target{addresses, trace};
  std::vector<FirstLook> looks(profiles.size());
  {
    std::vector<std::jthread> workers;
    for (std::size_t i = 0; i < profiles.size(); ++i) {
      workers.emplace_back([&, i] { looks[i] = SendHello(*profiles[i], target, sni, deadline); });
    }
  }
  bool need_scans =
      std::any_of(looks.begin(), looks.end(), [](const auto& l) { return l.explain; });
  ScanMap scans = need_scans ? ServerScans(target, sni, known, deadline) : ScanMap{};
  std::vector<ClientVerdict> out;
  for (std::size_t i = 0; i < looks.size(); ++i) {
    ClientVerdict& v = looks[i].verdict;
    if (v.connects()) v.caveats = Caveats(*profiles[i], {tls::FactTopic::kVersions});
    if (looks[i].explain) Explain(v, *profiles[i], scans, looks[i].chosen_disabled);
    out.push_back(std::move(v));
  }
  return out;
}

namespace {

std::string ConnectsLine(const ClientVerdict& v) {
  std::string suite = tls::SuiteName(*v.cipher_suite);
  const tls::CipherSuite* s = tls::FindCipherSuite(*v.cipher_suite);
  return fmt::format("{} ({}, {}{})", v.profile->name, tls::VersionDisplay(*v.protocol), suite,
                     s && !s->weakness.empty() ? fmt::format(", weak: {}", s->weakness) : "");
}

std::vector<std::string> FailureEvidence(const ClientVerdict& v) {
  std::vector<std::string> out;
  out.push_back(fmt::format("{}: {}", v.profile->name, v.why));
  out.push_back(fmt::format("{} fix ({}): {}", v.profile->name, FixKindName(v.fix_kind), v.fix));
  for (const auto& e : v.evidence) out.push_back(fmt::format("{} {}", v.profile->name, e));
  for (const auto& c : v.caveats)
    out.push_back(fmt::format("{} uncertain: {}", v.profile->name, c));
  return out;
}

struct Group {
  ClientOutcome outcome;
  std::string_view id;
  std::string_view what;  // "share no protocol version with the server"
};

constexpr Group kGroups[] = {
    {ClientOutcome::kNoCommonProtocol, "client.no_common_protocol",
     "shares no protocol version with the server"},
    {ClientOutcome::kNoCommonCipher, "client.no_common_cipher",
     "shares a protocol version but no cipher suite with the server"},
    {ClientOutcome::kRefused, "client.refused",
     "shares a version and a suite, yet the server refuses its hello"},
};

}  // namespace

std::vector<Finding> ClientFindings(const std::vector<ClientVerdict>& verdicts) {
  std::vector<Finding> out;
  for (const auto& g : kGroups) {
    std::vector<std::string> names, evidence;
    for (const auto& v : verdicts) {
      if (v.outcome != g.outcome) continue;
      names.push_back(std::string(v.profile->name));
      auto more = FailureEvidence(v);
      evidence.insert(evidence.end(), more.begin(), more.end());
    }
    if (names.empty()) continue;
    auto first = std::find_if(verdicts.begin(), verdicts.end(),
                              [&](const auto& v) { return v.outcome == g.outcome; });
    std::string summary = names.size() == 1
                              ? fmt::format("{} cannot connect: {}", names.front(), first->why)
                              : fmt::format("{} client profiles cannot connect ({}): each {}",
                                            names.size(), Join(names, ", "), g.what);
    out.push_back(diagnosis::MakeFinding(g.id, summary, evidence));
  }
  std::vector<std::string> ok;
  for (const auto& v : verdicts) {
    if (v.connects()) ok.push_back(ConnectsLine(v));
  }
  if (!ok.empty()) {
    out.push_back(diagnosis::MakeFinding("client.ok",
                                         fmt::format("{} of {} client profile(s) connect: {}",
                                                     ok.size(), verdicts.size(), Join(ok, "; ")),
                                         ok));
  }
  return out;
}

std::vector<Finding> RegistryValueFindings(const tls::DecodedProtocols& d) {
  std::string name = tls::FormatProtocolValue(d.value);
  std::string enables = tls::ProtocolsDisplay(d.protocols);
  if (d.problems.empty()) {
    return {diagnosis::MakeFinding(
        "client.registry_value_ok",
        fmt::format("{} {} enables {}", tls::ProtocolValueName(d.key), name, enables), d.notes)};
  }
  std::vector<std::string> evidence;
  for (const auto& p : d.problems) evidence.push_back(p.problem);
  evidence.insert(evidence.end(), d.notes.begin(), d.notes.end());
  auto meant = d.Suggestion();
  std::string summary = d.problems.front().problem;
  if (meant && summary.find(tls::FormatProtocolValue(*meant)) == std::string::npos) {
    summary += fmt::format("; use {} ({})", tls::FormatProtocolValue(*meant),
                           tls::ProtocolsDisplay(tls::DecodeProtocols(*meant, d.key).protocols));
  }
  return {diagnosis::MakeFinding("client.registry_value_suspicious", summary, evidence)};
}

}  // namespace probe::checks
