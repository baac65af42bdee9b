#include "tlslab/scenario.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>

#include "tlslab/yaml_schema.h"

namespace tlslab {
namespace {

// Scenario files are a few KiB; the cap keeps a hostile or mistaken input (a log passed by
// mistake, a fuzzer's blob) from costing yaml-cpp seconds.
constexpr std::size_t kMaxScenarioBytes = 1 << 20;
// X.509's upper bound for a commonName (RFC 5280 ub-common-name); OpenSSL refuses longer ones.
constexpr std::size_t kMaxCommonName = 64;
constexpr std::size_t kMaxDnsName = 253;

constexpr std::array<std::pair<TlsVersion, std::string_view>, 4> kVersionNames{{
    {TlsVersion::kTls10, "tls1.0"},
    {TlsVersion::kTls11, "tls1.1"},
    {TlsVersion::kTls12, "tls1.2"},
    {TlsVersion::kTls13, "tls1.3"},
}};

constexpr std::array<std::pair<CertificateKind, std::string_view>, 9> kKindNames{{
    {CertificateKind::kLeaf, "leaf"},
    {CertificateKind::kWildcard, "wildcard"},
    {CertificateKind::kSan, "san"},
    {CertificateKind::kCnOnly, "cn_only"},
    {CertificateKind::kExpired, "expired"},
    {CertificateKind::kSelfSigned, "self_signed"},
    {CertificateKind::kSha1, "sha1"},
    {CertificateKind::kRsa1024, "rsa1024"},
    {CertificateKind::kMissingIntermediate, "missing_intermediate"},
}};

template <class Table>
std::string JoinNames(const Table& table) {
  std::string out;
  for (const auto& [value, name] : table) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

bool IsPrintable(std::string_view s, bool allow_space) {
  return std::all_of(s.begin(), s.end(), [allow_space](char c) {
    return (c > 0x20 && c < 0x7f) || (allow_space && c == ' ');
  });
}

// The scenario's sections, read through one YamlSchema (which words every error).
class Parser {
 public:
  explicit Parser(std::string source) : schema_(source), source_(std::move(source)) {}

  Result<Scenario> Parse(const YAML::Node& root) const;

 private:
  Result<std::vector<CertificateSpec>> Certificates(const YamlField& field) const;
  Result<CertificateSpec> Certificate(const YAML::Node& node, std::size_t index) const;
  Result<void> CheckCertificateNames(const CertificateSpec& spec, const YAML::Node& at,
                                     const std::string& where) const;
  Result<std::vector<ListenerSpec>> Listeners(const YamlField& field,
                                              const std::vector<CertificateSpec>& certs) const;
  Result<ListenerSpec> Listener(const YAML::Node& node, std::size_t index,
                                const std::vector<CertificateSpec>& certs) const;
  Result<TlsSettings> Tls(const YamlField& field, const std::string& where) const;
  Result<void> Versions(const YamlField& field, const std::string& where, TlsSettings& tls) const;

  YamlSchema schema_;
  std::string source_;
};

Result<Scenario> Parser::Parse(const YAML::Node& root) const {
  // Later issues add users, mailboxes, endpoints and faults here, each a section of its own.
  auto top =
      schema_.Mapping(root, "scenario", {"name", "description", "certificates", "listeners"});
  if (!top) return tl::unexpected(top.error());
  Scenario scenario;
  scenario.source = source_;
  auto name = schema_.Name(*top, "scenario");
  if (!name) return tl::unexpected(name.error());
  scenario.name = *name;
  auto description = schema_.Text(*top, "description", "scenario", false);
  if (!description) return tl::unexpected(description.error());
  scenario.description = *description;

  const YamlField* certs = top->Find("certificates");
  if (!certs) return schema_.Invalid(root, "scenario: missing 'certificates'");
  auto parsed_certs = Certificates(*certs);
  if (!parsed_certs) return tl::unexpected(parsed_certs.error());
  scenario.certificates = std::move(*parsed_certs);

  const YamlField* listeners = top->Find("listeners");
  if (!listeners) return schema_.Invalid(root, "scenario: missing 'listeners'");
  auto parsed_listeners = Listeners(*listeners, scenario.certificates);
  if (!parsed_listeners) return tl::unexpected(parsed_listeners.error());
  scenario.listeners = std::move(*parsed_listeners);
  return scenario;
}

Result<std::vector<CertificateSpec>> Parser::Certificates(const YamlField& field) const {
  if (!field.value.IsSequence() || field.value.size() == 0) {
    return schema_.Invalid(field.At(), "scenario: 'certificates' must be a non-empty list");
  }
  std::vector<CertificateSpec> out;
  std::size_t index = 0;
  for (const auto& item : field.value) {
    auto spec = Certificate(item, index++);
    if (!spec) return tl::unexpected(spec.error());
    for (const auto& earlier : out) {
      if (earlier.name == spec->name) {
        return schema_.Invalid(item, "certificate '{}': defined twice (first on line {})",
                               spec->name, earlier.line);
      }
    }
    out.push_back(std::move(*spec));
  }
  return out;
}

Result<CertificateSpec> Parser::Certificate(const YAML::Node& node, std::size_t index) const {
  std::string where = YamlSchema::EntryName("certificate", node, index);
  auto m = schema_.Mapping(node, where, {"name", "kind", "cn", "san"});
  if (!m) return tl::unexpected(m.error());
  CertificateSpec spec;
  spec.line = node.Mark().line + 1;
  auto name = schema_.Name(*m, where);
  if (!name) return tl::unexpected(name.error());
  spec.name = *name;

  auto kind = schema_.Text(*m, "kind", where, false);
  if (!kind) return tl::unexpected(kind.error());
  if (!kind->empty()) {
    auto parsed = ParseCertificateKind(*kind);
    if (!parsed) {
      return schema_.Invalid(m->Find("kind")->At(), "{}: unknown kind '{}' (expected {})", where,
                             Shown(*kind), JoinNames(kKindNames));
    }
    spec.kind = *parsed;
  }
  auto cn = schema_.Text(*m, "cn", where, false);
  if (!cn) return tl::unexpected(cn.error());
  spec.cn = *cn;
  if (const YamlField* san = m->Find("san")) {
    auto names = schema_.TextList(*san, where);
    if (!names) return tl::unexpected(names.error());
    spec.san = std::move(*names);
  }
  auto checked = CheckCertificateNames(spec, node, where);
  if (!checked) return tl::unexpected(checked.error());
  if (spec.cn.empty()) spec.cn = spec.san.front();
  return spec;
}

// The names must be mintable (OpenSSL refuses a CN over 64 characters) and must fit the kind, so
// a "wildcard" certificate really carries a wildcard.
Result<void> Parser::CheckCertificateNames(const CertificateSpec& spec, const YAML::Node& at,
                                           const std::string& where) const {
  if (spec.cn.size() > kMaxCommonName || !IsPrintable(spec.cn, true)) {
    return schema_.Invalid(at, "{}: cn must be at most 64 printable ASCII characters", where);
  }
  for (const auto& name : spec.san) {
    if (name.size() > kMaxDnsName || !IsPrintable(name, false)) {
      return schema_.Invalid(at, "{}: san '{}' must be a DNS name or an IP address", where,
                             Shown(name));
    }
  }
  if (spec.cn.empty() && spec.san.empty()) return schema_.Invalid(at, "{}: needs cn or san", where);
  auto is_wildcard = [](const std::string& n) { return n.starts_with("*."); };
  switch (spec.kind) {
    case CertificateKind::kWildcard:
      if (!is_wildcard(spec.cn) && std::none_of(spec.san.begin(), spec.san.end(), is_wildcard)) {
        return schema_.Invalid(at, "{}: kind wildcard needs a '*.' name in cn or san", where);
      }
      break;
    case CertificateKind::kSan:
      if (spec.san.empty()) return schema_.Invalid(at, "{}: kind san needs a san list", where);
      break;
    case CertificateKind::kCnOnly:
      if (!spec.san.empty()) return schema_.Invalid(at, "{}: kind cn_only takes no san", where);
      if (spec.cn.empty()) return schema_.Invalid(at, "{}: kind cn_only needs cn", where);
      break;
    default:
      break;
  }
  return {};
}

Result<std::vector<ListenerSpec>> Parser::Listeners(
    const YamlField& field, const std::vector<CertificateSpec>& certs) const {
  if (!field.value.IsSequence() || field.value.size() == 0) {
    return schema_.Invalid(field.At(), "scenario: 'listeners' must be a non-empty list");
  }
  std::vector<ListenerSpec> out;
  std::size_t index = 0;
  for (const auto& item : field.value) {
    auto spec = Listener(item, index++, certs);
    if (!spec) return tl::unexpected(spec.error());
    for (const auto& earlier : out) {
      if (earlier.name == spec->name) {
        return schema_.Invalid(item, "listener '{}': defined twice (first on line {})", spec->name,
                               earlier.line);
      }
    }
    out.push_back(std::move(*spec));
  }
  return out;
}

Result<ListenerSpec> Parser::Listener(const YAML::Node& node, std::size_t index,
                                      const std::vector<CertificateSpec>& certs) const {
  std::string where = YamlSchema::EntryName("listener", node, index);
  auto m = schema_.Mapping(node, where, {"name", "address", "port", "tls", "certificate"});
  if (!m) return tl::unexpected(m.error());
  ListenerSpec spec;
  spec.line = node.Mark().line + 1;
  auto name = schema_.Name(*m, where);
  if (!name) return tl::unexpected(name.error());
  spec.name = *name;

  auto address = schema_.Text(*m, "address", where, false);
  if (!address) return tl::unexpected(address.error());
  if (!address->empty()) spec.address = *address;
  if (const YamlField* port = m->Find("port")) {
    auto parsed = schema_.Number(*port, where, 65535);
    if (!parsed) return tl::unexpected(parsed.error());
    spec.port = static_cast<std::uint16_t>(*parsed);
  }
  if (const YamlField* tls = m->Find("tls")) {
    auto parsed = Tls(*tls, where);
    if (!parsed) return tl::unexpected(parsed.error());
    spec.tls = std::move(*parsed);
  }
  auto certificate = schema_.Text(*m, "certificate", where, true);
  if (!certificate) return tl::unexpected(certificate.error());
  spec.certificate = *certificate;
  auto defined = [&](const CertificateSpec& c) { return c.name == spec.certificate; };
  if (std::none_of(certs.begin(), certs.end(), defined)) {
    std::string names;
    for (const auto& c : certs) names += (names.empty() ? "" : ", ") + c.name;
    return schema_.Invalid(m->Find("certificate")->At(),
                           "{}: unknown certificate '{}' (defined: {})", where,
                           Shown(spec.certificate), names);
  }
  return spec;
}

Result<TlsSettings> Parser::Tls(const YamlField& field, const std::string& where) const {
  std::string tls_where = where + " tls";
  if (!field.value.IsMap())
    return schema_.Invalid(field.At(), "{}: expected a mapping of keys", tls_where);
  auto m = schema_.Mapping(field.value, tls_where, {"versions", "ciphers", "ciphersuites"});
  if (!m) return tl::unexpected(m.error());
  TlsSettings tls;
  if (const YamlField* versions = m->Find("versions")) {
    auto ok = Versions(*versions, where, tls);
    if (!ok) return tl::unexpected(ok.error());
  }
  auto ciphers = schema_.Text(*m, "ciphers", tls_where, false);
  if (!ciphers) return tl::unexpected(ciphers.error());
  if (!ciphers->empty()) tls.ciphers = *ciphers;
  auto suites = schema_.Text(*m, "ciphersuites", tls_where, false);
  if (!suites) return tl::unexpected(suites.error());
  if (!suites->empty()) tls.ciphersuites = *suites;
  return tls;
}

// OpenSSL enables versions as a min..max range, so a list with a hole cannot be served.
Result<void> Parser::Versions(const YamlField& field, const std::string& where,
                              TlsSettings& tls) const {
  const YAML::Node& node = field.value;
  if (!node.IsSequence() || node.size() == 0) {
    return schema_.Invalid(
        field.At(), "{}: TLS versions must be a non-empty list, e.g. [tls1.2, tls1.3]", where);
  }
  std::vector<TlsVersion> versions;
  for (const auto& item : node) {
    std::string text = item.IsScalar() ? item.Scalar() : std::string();
    auto version = ParseTlsVersion(text);
    if (!version) {
      return schema_.Invalid(item, "{}: unknown TLS version '{}' (expected {})", where, Shown(text),
                             JoinNames(kVersionNames));
    }
    if (std::find(versions.begin(), versions.end(), *version) != versions.end()) {
      return schema_.Invalid(item, "{}: TLS version '{}' listed twice", where, text);
    }
    versions.push_back(*version);
  }
  auto [lo, hi] = std::minmax_element(versions.begin(), versions.end());
  if (static_cast<std::size_t>(static_cast<int>(*hi) - static_cast<int>(*lo)) + 1 !=
      versions.size()) {
    return schema_.Invalid(
        node, "{}: TLS versions must be a contiguous range (from {} to {} without gaps)", where,
        TlsVersionName(*lo), TlsVersionName(*hi));
  }
  tls.min_version = *lo;
  tls.max_version = *hi;
  return {};
}

}  // namespace

std::string_view TlsVersionName(TlsVersion version) {
  for (const auto& [v, name] : kVersionNames) {
    if (v == version) return name;
  }
  return "tls?";
}

std::string_view TlsVersionLabel(TlsVersion version) {
  switch (version) {
    case TlsVersion::kTls10:
      return "TLS 1.0";
    case TlsVersion::kTls11:
      return "TLS 1.1";
    case TlsVersion::kTls12:
      return "TLS 1.2";
    case TlsVersion::kTls13:
      return "TLS 1.3";
  }
  return "TLS ?";
}

std::optional<TlsVersion> ParseTlsVersion(std::string_view name) {
  for (const auto& [v, n] : kVersionNames) {
    if (n == name) return v;
  }
  return std::nullopt;
}

std::string_view CertificateKindName(CertificateKind kind) {
  for (const auto& [k, name] : kKindNames) {
    if (k == kind) return name;
  }
  return "?";
}

std::optional<CertificateKind> ParseCertificateKind(std::string_view name) {
  for (const auto& [k, n] : kKindNames) {
    if (n == name) return k;
  }
  return std::nullopt;
}

const CertificateSpec* Scenario::FindCertificate(std::string_view certificate_name) const {
  for (const auto& c : certificates) {
    if (c.name == certificate_name) return &c;
  }
  return nullptr;
}

const ListenerSpec* Scenario::FindListener(std::string_view listener_name) const {
  for (const auto& l : listeners) {
    if (l.name == listener_name) return &l;
  }
  return nullptr;
}

// The one boundary where yaml-cpp's exceptions become Errors: nothing below it throws out of the
// library.
Result<Scenario> ParseScenario(std::string_view yaml, std::string_view source) {
  std::string src(source);
  if (yaml.size() > kMaxScenarioBytes) {
    return probe::Fail(ErrorCode::kInvalidArgument,
                       fmt::format("{}: {} bytes is too large for a scenario (at most {})", src,
                                   yaml.size(), kMaxScenarioBytes));
  }
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    return Parser(src).Parse(root);
  } catch (const YAML::Exception& e) {
    if (e.mark.line < 0) {
      return probe::Fail(ErrorCode::kMalformed, fmt::format("{}: malformed YAML: {}", src, e.msg));
    }
    return probe::Fail(ErrorCode::kMalformed,
                       fmt::format("{}:{}: malformed YAML: {}", src, e.mark.line + 1, e.msg));
  } catch (const std::exception& e) {
    return probe::Fail(ErrorCode::kMalformed, fmt::format("{}: malformed YAML: {}", src, e.what()));
  }
}

}  // namespace tlslab
