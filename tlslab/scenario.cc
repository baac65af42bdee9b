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

constexpr std::array<std::pair<AuthScheme, std::string_view>, 3> kSchemeNames{{
    {AuthScheme::kNegotiate, "Negotiate"},
    {AuthScheme::kNtlm, "NTLM"},
    {AuthScheme::kBearer, "Bearer"},
}};

constexpr std::array<std::pair<EpaMode, std::string_view>, 3> kEpaNames{{
    {EpaMode::kOff, "off"},
    {EpaMode::kAccept, "accept"},
    {EpaMode::kRequire, "require"},
}};

constexpr std::array<std::pair<AuthFault, std::string_view>, 4> kFaultNames{{
    {AuthFault::kCloseAfterChallenge, "close_after_challenge"},
    {AuthFault::kAlways401, "always_401"},
    {AuthFault::kKerberosOnly, "kerberos_only"},
    {AuthFault::kSharedUpstream, "shared_upstream"},
}};

constexpr std::array<std::pair<WindowsServer, std::string_view>, 5> kWindowsNames{{
    {WindowsServer::k2008R2, "2008r2"},
    {WindowsServer::k2012R2, "2012r2"},
    {WindowsServer::k2016, "2016"},
    {WindowsServer::k2019, "2019"},
    {WindowsServer::k2022, "2022"},
}};

constexpr std::array<std::pair<ExchangeRelease, std::string_view>, 2> kReleaseNames{{
    {ExchangeRelease::k2010, "2010"},
    {ExchangeRelease::k2016, "2016"},
}};

constexpr std::array<std::pair<ExchangeFault, std::string_view>, 1> kExchangeFaultNames{{
    {ExchangeFault::kStaleAutodiscover, "stale_autodiscover"},
}};

// RFC 5321's path limit; CertPrincipalName and URLs are short in practice.
constexpr std::size_t kMaxAddress = 254;
constexpr std::size_t kMaxText = 256;
constexpr std::string_view kAdminGroup = "/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)";

// Windows caps passwords at 256 characters; NetBIOS names at 15.
constexpr std::size_t kMaxPassword = 256;
constexpr std::size_t kMaxNetbiosName = 15;
constexpr std::size_t kMaxUserName = 64;
constexpr std::size_t kMaxPathSuffix = 256;

template <class Table>
std::string_view NameOf(const Table& table, decltype(table[0].first) value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return "?";
}

template <class Table>
auto ParseName(const Table& table, std::string_view name)
    -> std::optional<decltype(table[0].first)> {
  for (const auto& [v, n] : table) {
    if (n == name) return v;
  }
  return std::nullopt;
}

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
char AsciiUpper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiUpper(c);
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](char x, char y) { return AsciiLower(x) == AsciiLower(y); });
}

// NetBIOS computer and domain names as the lab accepts them: 1-15 of [A-Za-z0-9_-].
bool IsNetbiosName(std::string_view s) {
  return !s.empty() && s.size() <= kMaxNetbiosName && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

bool IsDnsName(std::string_view s) {
  if (s.empty() || s.size() > kMaxDnsName || s.front() == '.' || s.back() == '.') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.';
  });
}

// What Windows refuses in a sAMAccountName, plus control characters and '@' (no UPNs here).
bool IsUserName(std::string_view s) {
  constexpr std::string_view kForbidden = "\\/\"[]:;|=,+*?<>@";
  return !s.empty() && s.size() <= kMaxUserName && std::none_of(s.begin(), s.end(), [&](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f || kForbidden.find(c) != std::string_view::npos;
  });
}

// local@domain: a printable local part without spaces or the characters XML and headers mind,
// and a DNS domain.
bool IsMailAddress(std::string_view s) {
  std::size_t at = s.find('@');
  if (s.size() > kMaxAddress || at == 0 || at == std::string_view::npos) return false;
  std::string_view local = s.substr(0, at);
  constexpr std::string_view kForbidden = "@<>\"\\,;:()[]";
  bool local_ok = std::all_of(local.begin(), local.end(), [&](char c) {
    return c > 0x20 && c < 0x7f && kForbidden.find(c) == std::string_view::npos;
  });
  return local_ok && IsDnsName(s.substr(at + 1));
}

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
  Result<std::vector<UserSpec>> Users(const YamlField& field) const;
  Result<UserSpec> User(const YAML::Node& node, std::size_t index) const;
  Result<AuthSettings> Auth(const YamlField& field, const std::string& where) const;
  Result<void> AuthNames(const YamlMapping& m, const std::string& where, AuthSettings& auth) const;
  Result<void> AuthLists(const YamlMapping& m, const std::string& where, AuthSettings& auth) const;
  template <class Table>
  Result<void> Choice(const YamlMapping& m, std::string_view key, const std::string& where,
                      const Table& table, decltype(table[0].first)& out) const;
  Result<OrganizationSpec> Organization(const YamlField& field) const;
  Result<std::vector<MailboxSpec>> Mailboxes(const YamlField& field,
                                             const Scenario& scenario) const;
  Result<MailboxSpec> Mailbox(const YAML::Node& node, std::size_t index,
                              const Scenario& scenario) const;
  Result<void> MailboxNames(const YamlMapping& m, const std::string& where,
                            MailboxSpec& mailbox) const;
  Result<std::vector<RedirectSpec>> Redirects(const YamlField& field,
                                              const Scenario& scenario) const;
  Result<ExchangeSettings> Exchange(const YamlField& field, const std::string& where) const;
  Result<void> PlainListener(const YamlMapping& m, const std::string& where,
                             ListenerSpec& spec) const;
  /// The string at `key` checked by `valid`; "" when absent.
  Result<std::string> Checked(const YamlMapping& m, std::string_view key, const std::string& where,
                              bool required, bool (*valid)(std::string_view),
                              std::string_view expected) const;

  YamlSchema schema_;
  std::string source_;
};

Result<Scenario> Parser::Parse(const YAML::Node& root) const {
  // Later issues add users, mailboxes, endpoints and faults here, each a section of its own.
  auto top = schema_.Mapping(root, "scenario",
                             {"name", "description", "users", "organization", "mailboxes",
                              "redirects", "certificates", "listeners"});
  if (!top) return tl::unexpected(top.error());
  Scenario scenario;
  scenario.source = source_;
  auto name = schema_.Name(*top, "scenario");
  if (!name) return tl::unexpected(name.error());
  scenario.name = *name;
  auto description = schema_.Text(*top, "description", "scenario", false);
  if (!description) return tl::unexpected(description.error());
  scenario.description = *description;

  if (const YamlField* users = top->Find("users")) {
    auto parsed_users = Users(*users);
    if (!parsed_users) return tl::unexpected(parsed_users.error());
    scenario.users = std::move(*parsed_users);
  }
  if (const YamlField* organization = top->Find("organization")) {
    auto parsed = Organization(*organization);
    if (!parsed) return tl::unexpected(parsed.error());
    scenario.organization = std::move(*parsed);
  }
  if (const YamlField* mailboxes = top->Find("mailboxes")) {
    auto parsed = Mailboxes(*mailboxes, scenario);
    if (!parsed) return tl::unexpected(parsed.error());
    scenario.mailboxes = std::move(*parsed);
  }
  if (const YamlField* redirects = top->Find("redirects")) {
    auto parsed = Redirects(*redirects, scenario);
    if (!parsed) return tl::unexpected(parsed.error());
    scenario.redirects = std::move(*parsed);
  }

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
  for (std::size_t i = 0; i < scenario.listeners.size(); ++i) {
    const ListenerSpec& l = scenario.listeners[i];
    if (!l.auth || !scenario.users.empty()) continue;
    for (const auto& kv : listeners->value[i]) {
      if (kv.first.Scalar() != "auth") continue;
      return schema_.Invalid(
          kv.first, "listener '{}' auth: needs accounts: add a top-level 'users' list", l.name);
    }
  }
  return scenario;
}

Result<std::vector<UserSpec>> Parser::Users(const YamlField& field) const {
  if (!field.value.IsSequence() || field.value.size() == 0) {
    return schema_.Invalid(field.At(), "scenario: 'users' must be a non-empty list");
  }
  std::vector<UserSpec> out;
  std::size_t index = 0;
  for (const auto& item : field.value) {
    auto user = User(item, index++);
    if (!user) return tl::unexpected(user.error());
    for (const auto& earlier : out) {
      if (EqualsIgnoreCase(earlier.account, user->account)) {
        return schema_.Invalid(item, "user '{}': defined twice (first on line {})", user->account,
                               earlier.line);
      }
    }
    out.push_back(std::move(*user));
  }
  return out;
}

// An account is "DOMAIN\user" so the acceptor can match what the AUTHENTICATE names.
Result<UserSpec> Parser::User(const YAML::Node& node, std::size_t index) const {
  std::string where = fmt::format("user #{}", index + 1);
  if (node.IsMap() && node["account"] && node["account"].IsScalar() &&
      IsPrintable(node["account"].Scalar(), true)) {
    where = fmt::format("user '{}'", Shown(node["account"].Scalar()));
  }
  auto m = schema_.Mapping(node, where, {"account", "password"});
  if (!m) return tl::unexpected(m.error());
  UserSpec user;
  user.line = node.Mark().line + 1;
  auto account = schema_.Text(*m, "account", where, true);
  if (!account) return tl::unexpected(account.error());
  user.account = *account;
  std::size_t slash = account->find('\\');
  if (slash != std::string::npos) {
    user.domain = account->substr(0, slash);
    user.user = account->substr(slash + 1);
  }
  if (!IsNetbiosName(user.domain) || !IsUserName(user.user)) {
    return schema_.Invalid(m->Find("account")->At(),
                           "{}: account must be DOMAIN\\user (a NetBIOS domain of 1-15 letters, "
                           "digits, '-' or '_', and a user name without \\/\"[]:;|=,+*?<>@)",
                           where);
  }
  auto password = schema_.Text(*m, "password", where, true);
  if (!password) return tl::unexpected(password.error());
  if (password->size() > kMaxPassword) {
    return schema_.Invalid(m->Find("password")->At(), "{}: password longer than {} characters",
                           where, kMaxPassword);
  }
  user.password = *password;
  return user;
}

template <class Table>
Result<void> Parser::Choice(const YamlMapping& m, std::string_view key, const std::string& where,
                            const Table& table, decltype(table[0].first)& out) const {
  auto text = schema_.Text(m, key, where, false);
  if (!text) return tl::unexpected(text.error());
  if (text->empty()) return {};
  auto parsed = ParseName(table, *text);
  if (!parsed) {
    return schema_.Invalid(m.Find(key)->At(), "{}: unknown {} '{}' (expected {})", where, key,
                           Shown(*text), JoinNames(table));
  }
  out = *parsed;
  return {};
}

Result<AuthSettings> Parser::Auth(const YamlField& field, const std::string& where) const {
  std::string auth_where = where + " auth";
  if (!field.value.IsMap()) {
    return schema_.Invalid(field.At(), "{}: expected a mapping of keys", auth_where);
  }
  auto m = schema_.Mapping(
      field.value, auth_where,
      {"schemes", "computer", "domain", "dns_domain", "windows", "epa", "faults", "anonymous"});
  if (!m) return tl::unexpected(m.error());
  AuthSettings auth;
  auth.line = field.key.Mark().line + 1;
  if (auto ok = AuthNames(*m, auth_where, auth); !ok) return tl::unexpected(ok.error());
  if (auto ok = Choice(*m, "windows", auth_where, kWindowsNames, auth.windows); !ok) {
    return tl::unexpected(ok.error());
  }
  if (auto ok = Choice(*m, "epa", auth_where, kEpaNames, auth.epa); !ok) {
    return tl::unexpected(ok.error());
  }
  if (auto ok = AuthLists(*m, auth_where, auth); !ok) return tl::unexpected(ok.error());
  return auth;
}

Result<void> Parser::AuthNames(const YamlMapping& m, const std::string& where,
                               AuthSettings& auth) const {
  for (auto [key, out] :
       {std::pair{"computer", &auth.computer}, std::pair{"domain", &auth.domain}}) {
    auto text = schema_.Text(m, key, where, true);
    if (!text) return tl::unexpected(text.error());
    if (!IsNetbiosName(*text)) {
      return schema_.Invalid(m.Find(key)->At(),
                             "{}: {} '{}' must be a NetBIOS name: 1-15 letters, digits, '-' or '_'",
                             where, key, Shown(*text));
    }
    *out = Upper(*text);
  }
  auto dns = schema_.Text(m, "dns_domain", where, false);
  if (!dns) return tl::unexpected(dns.error());
  if (!dns->empty() && !IsDnsName(*dns)) {
    return schema_.Invalid(m.Find("dns_domain")->At(), "{}: dns_domain '{}' is not a DNS name",
                           where, Shown(*dns));
  }
  auth.dns_domain = dns->empty() ? Lower(auth.domain) + ".test" : Lower(*dns);
  return {};
}

Result<void> Parser::AuthLists(const YamlMapping& m, const std::string& where,
                               AuthSettings& auth) const {
  if (const YamlField* schemes = m.Find("schemes")) {
    auto names = schema_.TextList(*schemes, where);
    if (!names) return tl::unexpected(names.error());
    if (names->empty())
      return schema_.Invalid(schemes->At(), "{}: schemes must not be empty", where);
    auth.schemes.clear();
    for (std::size_t i = 0; i < names->size(); ++i) {
      auto scheme = ParseAuthScheme((*names)[i]);
      const YAML::Node& at = schemes->value[i];
      if (!scheme) {
        return schema_.Invalid(at, "{}: unknown scheme '{}' (expected {})", where,
                               Shown((*names)[i]), JoinNames(kSchemeNames));
      }
      if (std::find(auth.schemes.begin(), auth.schemes.end(), *scheme) != auth.schemes.end()) {
        return schema_.Invalid(at, "{}: scheme '{}' listed twice", where, AuthSchemeName(*scheme));
      }
      auth.schemes.push_back(*scheme);
    }
  }
  if (const YamlField* faults = m.Find("faults")) {
    auto names = schema_.TextList(*faults, where);
    if (!names) return tl::unexpected(names.error());
    for (std::size_t i = 0; i < names->size(); ++i) {
      auto fault = ParseAuthFault((*names)[i]);
      const YAML::Node& at = faults->value[i];
      if (!fault) {
        return schema_.Invalid(at, "{}: unknown fault '{}' (expected {})", where,
                               Shown((*names)[i]), JoinNames(kFaultNames));
      }
      if (auth.Has(*fault)) {
        return schema_.Invalid(at, "{}: fault '{}' listed twice", where, AuthFaultName(*fault));
      }
      auth.faults.push_back(*fault);
    }
  }
  bool negotiate = std::find(auth.schemes.begin(), auth.schemes.end(), AuthScheme::kNegotiate) !=
                   auth.schemes.end();
  if (auth.Has(AuthFault::kKerberosOnly) && !negotiate) {
    return schema_.Invalid(m.node, "{}: fault kerberos_only needs Negotiate in schemes", where);
  }
  if (const YamlField* anonymous = m.Find("anonymous")) {
    auto paths = schema_.TextList(*anonymous, where);
    if (!paths) return tl::unexpected(paths.error());
    for (std::size_t i = 0; i < paths->size(); ++i) {
      const std::string& path = (*paths)[i];
      if (!path.starts_with("/") || path.size() > kMaxPathSuffix || !IsPrintable(path, false)) {
        return schema_.Invalid(anonymous->value[i],
                               "{}: anonymous path '{}' must start with '/' (at most {} printable "
                               "characters, no spaces)",
                               where, Shown(path), kMaxPathSuffix);
      }
    }
    auth.anonymous = std::move(*paths);
  }
  return {};
}

Result<std::string> Parser::Checked(const YamlMapping& m, std::string_view key,
                                    const std::string& where, bool required,
                                    bool (*valid)(std::string_view),
                                    std::string_view expected) const {
  auto text = schema_.Text(m, key, where, required);
  if (!text) return text;
  if (!text->empty() && !valid(*text)) {
    return schema_.Invalid(m.Find(key)->At(), "{}: {} '{}' must be {}", where, key, Shown(*text),
                           expected);
  }
  return text;
}

Result<OrganizationSpec> Parser::Organization(const YamlField& field) const {
  auto m = schema_.Mapping(field.value, "organization", {"domain"});
  if (!m) return tl::unexpected(m.error());
  OrganizationSpec org;
  auto domain = Checked(*m, "domain", "organization", false, IsDnsName, "a DNS name");
  if (!domain) return tl::unexpected(domain.error());
  if (!domain->empty()) org.domain = Lower(*domain);
  return org;
}

Result<std::vector<MailboxSpec>> Parser::Mailboxes(const YamlField& field,
                                                   const Scenario& scenario) const {
  if (!field.value.IsSequence()) {
    return schema_.Invalid(field.At(), "scenario: 'mailboxes' must be a list");
  }
  std::vector<MailboxSpec> out;
  std::size_t index = 0;
  for (const auto& item : field.value) {
    auto mailbox = Mailbox(item, index++, scenario);
    if (!mailbox) return tl::unexpected(mailbox.error());
    for (const auto& earlier : out) {
      if (EqualsIgnoreCase(earlier.address, mailbox->address)) {
        return schema_.Invalid(item, "mailbox '{}': defined twice (first on line {})",
                               mailbox->address, earlier.line);
      }
    }
    out.push_back(std::move(*mailbox));
  }
  return out;
}

Result<MailboxSpec> Parser::Mailbox(const YAML::Node& node, std::size_t index,
                                    const Scenario& scenario) const {
  std::string where = fmt::format("mailbox #{}", index + 1);
  if (node.IsMap() && node["address"] && node["address"].IsScalar() &&
      IsPrintable(node["address"].Scalar(), false)) {
    where = fmt::format("mailbox '{}'", Shown(node["address"].Scalar()));
  }
  auto m = schema_.Mapping(node, where,
                           {"address", "account", "display_name", "version", "server", "legacy_dn",
                            "moved_to", "moved_version"});
  if (!m) return tl::unexpected(m.error());
  MailboxSpec mailbox;
  mailbox.line = node.Mark().line + 1;
  if (auto ok = MailboxNames(*m, where, mailbox); !ok) return tl::unexpected(ok.error());
  auto account = schema_.Text(*m, "account", where, true);
  if (!account) return tl::unexpected(account.error());
  auto is_user = [&](const UserSpec& u) { return EqualsIgnoreCase(u.account, *account); };
  if (std::none_of(scenario.users.begin(), scenario.users.end(), is_user)) {
    return schema_.Invalid(m->Find("account")->At(),
                           "{}: account '{}' is not one of the top-level 'users'", where,
                           Shown(*account));
  }
  mailbox.account = *account;
  if (auto ok = Choice(*m, "version", where, kReleaseNames, mailbox.version); !ok) {
    return tl::unexpected(ok.error());
  }
  if (auto ok = Choice(*m, "moved_version", where, kReleaseNames, mailbox.moved_version); !ok) {
    return tl::unexpected(ok.error());
  }
  if (m->Find("moved_version") && !mailbox.Moved()) {
    return schema_.Invalid(m->Find("moved_version")->key, "{}: moved_version needs moved_to",
                           where);
  }
  std::string local = mailbox.address.substr(0, mailbox.address.find('@'));
  if (mailbox.display_name.empty()) mailbox.display_name = local;
  if (mailbox.legacy_dn.empty()) {
    mailbox.legacy_dn = "/o=" + scenario.organization.Name() + std::string(kAdminGroup) +
                        "/cn=Recipients/cn=" + local;
  }
  return mailbox;
}

Result<void> Parser::MailboxNames(const YamlMapping& m, const std::string& where,
                                  MailboxSpec& mailbox) const {
  auto address = Checked(m, "address", where, true, IsMailAddress, "an SMTP address");
  if (!address) return tl::unexpected(address.error());
  mailbox.address = *address;
  auto server = Checked(m, "server", where, true, IsNetbiosName,
                        "a NetBIOS name: 1-15 letters, digits, '-' or '_'");
  if (!server) return tl::unexpected(server.error());
  mailbox.server = Upper(*server);
  auto moved = Checked(m, "moved_to", where, false, IsNetbiosName,
                       "a NetBIOS name: 1-15 letters, digits, '-' or '_'");
  if (!moved) return tl::unexpected(moved.error());
  mailbox.moved_to = Upper(*moved);
  auto printable = [](std::string_view s) { return s.size() <= kMaxText && IsPrintable(s, true); };
  for (auto [key, out] : {std::pair{"display_name", &mailbox.display_name},
                          std::pair{"legacy_dn", &mailbox.legacy_dn}}) {
    auto text = Checked(m, key, where, false, printable, "at most 256 printable characters");
    if (!text) return tl::unexpected(text.error());
    *out = *text;
  }
  return {};
}

Result<std::vector<RedirectSpec>> Parser::Redirects(const YamlField& field,
                                                    const Scenario& scenario) const {
  if (!field.value.IsSequence()) {
    return schema_.Invalid(field.At(), "scenario: 'redirects' must be a list");
  }
  std::vector<RedirectSpec> out;
  std::size_t index = 0;
  for (const auto& item : field.value) {
    std::string where = fmt::format("redirect #{}", ++index);
    auto m = schema_.Mapping(item, where, {"address", "redirect_addr"});
    if (!m) return tl::unexpected(m.error());
    RedirectSpec r;
    r.line = item.Mark().line + 1;
    auto address = Checked(*m, "address", where, true, IsMailAddress, "an SMTP address");
    if (!address) return tl::unexpected(address.error());
    auto target = Checked(*m, "redirect_addr", where, true, IsMailAddress, "an SMTP address");
    if (!target) return tl::unexpected(target.error());
    r.address = *address;
    r.redirect_addr = *target;
    if (scenario.FindMailbox(r.address) ||
        std::any_of(out.begin(), out.end(), [&](const RedirectSpec& e) {
          return EqualsIgnoreCase(e.address, r.address);
        })) {
      return schema_.Invalid(m->Find("address")->At(),
                             "{}: address '{}' is already a mailbox or a redirect", where,
                             r.address);
    }
    out.push_back(std::move(r));
  }
  return out;
}

Result<ExchangeSettings> Parser::Exchange(const YamlField& field, const std::string& where) const {
  std::string ex_where = where + " exchange";
  auto m = schema_.Mapping(
      field.value, ex_where,
      {"version", "hostname", "internal_hostname", "rpc_hostname", "cert_principal", "faults"});
  if (!m) return tl::unexpected(m.error());
  ExchangeSettings ex;
  ex.line = field.key.Mark().line + 1;
  if (auto ok = Choice(*m, "version", ex_where, kReleaseNames, ex.version); !ok) {
    return tl::unexpected(ok.error());
  }
  for (auto [key, out] :
       {std::pair{"hostname", &ex.hostname}, std::pair{"internal_hostname", &ex.internal_hostname},
        std::pair{"rpc_hostname", &ex.rpc_hostname}}) {
    auto host =
        Checked(*m, key, ex_where, std::string_view(key) == "hostname", IsDnsName, "a DNS name");
    if (!host) return tl::unexpected(host.error());
    *out = Lower(*host);
  }
  if (ex.internal_hostname.empty()) ex.internal_hostname = ex.hostname;
  if (ex.rpc_hostname.empty()) ex.rpc_hostname = ex.hostname;
  auto principal = Checked(
      *m, "cert_principal", ex_where, false,
      [](std::string_view s) { return s.size() <= kMaxText && IsPrintable(s, false); },
      "at most 256 printable characters without spaces, e.g. msstd:*.contoso.test");
  if (!principal) return tl::unexpected(principal.error());
  ex.cert_principal = *principal;
  if (const YamlField* faults = m->Find("faults")) {
    auto names = schema_.TextList(*faults, ex_where);
    if (!names) return tl::unexpected(names.error());
    for (std::size_t i = 0; i < names->size(); ++i) {
      auto fault = ParseExchangeFault((*names)[i]);
      const YAML::Node& at = faults->value[i];
      if (!fault) {
        return schema_.Invalid(at, "{}: unknown fault '{}' (expected {})", ex_where,
                               Shown((*names)[i]), JoinNames(kExchangeFaultNames));
      }
      if (ex.Has(*fault)) {
        return schema_.Invalid(at, "{}: fault '{}' listed twice", ex_where,
                               ExchangeFaultName(*fault));
      }
      ex.faults.push_back(*fault);
    }
  }
  return ex;
}

// A plain listener is the http://autodiscover.DOMAIN redirect: no TLS, no authentication.
Result<void> Parser::PlainListener(const YamlMapping& m, const std::string& where,
                                   ListenerSpec& spec) const {
  for (std::string_view key : {"tls", "certificate", "auth", "exchange"}) {
    if (const YamlField* f = m.Find(key)) {
      return schema_.Invalid(f->key, "{}: a plain listener takes no '{}'", where, key);
    }
  }
  auto url = Checked(
      m, "redirect_to", where, true,
      [](std::string_view s) {
        return s.size() <= kMaxText && IsPrintable(s, false) &&
               (s.starts_with("https://") || s.starts_with("http://"));
      },
      "an http:// or https:// URL");
  if (!url) return tl::unexpected(url.error());
  spec.redirect_to = *url;
  return {};
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
  auto m = schema_.Mapping(node, where,
                           {"name", "address", "port", "tls", "certificate", "auth", "exchange",
                            "plain", "redirect_to"});
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
  if (const YamlField* plain = m->Find("plain")) {
    std::string text = plain->value.IsScalar() ? plain->value.Scalar() : std::string();
    if (text != "true" && text != "false") {
      return schema_.Invalid(plain->At(), "{}: plain must be true or false, not '{}'", where,
                             Shown(text));
    }
    spec.plain = text == "true";
  }
  if (spec.plain) {
    if (auto ok = PlainListener(*m, where, spec); !ok) return tl::unexpected(ok.error());
    return spec;
  }
  if (const YamlField* redirect = m->Find("redirect_to")) {
    return schema_.Invalid(redirect->key, "{}: redirect_to needs 'plain: true'", where);
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
  if (const YamlField* auth = m->Find("auth")) {
    auto parsed = Auth(*auth, where);
    if (!parsed) return tl::unexpected(parsed.error());
    spec.auth = std::move(*parsed);
  }
  if (const YamlField* exchange = m->Find("exchange")) {
    auto parsed = Exchange(*exchange, where);
    if (!parsed) return tl::unexpected(parsed.error());
    if (!spec.auth) {
      return schema_.Invalid(
          exchange->key, "{} exchange: needs 'auth' (Autodiscover and EWS authenticate)", where);
    }
    spec.exchange = std::move(*parsed);
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

std::string_view AuthSchemeName(AuthScheme scheme) { return NameOf(kSchemeNames, scheme); }

std::optional<AuthScheme> ParseAuthScheme(std::string_view name) {
  for (const auto& [v, n] : kSchemeNames) {
    if (EqualsIgnoreCase(n, name)) return v;
  }
  return std::nullopt;
}

std::string_view EpaModeName(EpaMode mode) { return NameOf(kEpaNames, mode); }
std::optional<EpaMode> ParseEpaMode(std::string_view name) { return ParseName(kEpaNames, name); }

std::string_view AuthFaultName(AuthFault fault) { return NameOf(kFaultNames, fault); }
std::optional<AuthFault> ParseAuthFault(std::string_view name) {
  return ParseName(kFaultNames, name);
}

std::string_view WindowsServerName(WindowsServer server) { return NameOf(kWindowsNames, server); }
std::optional<WindowsServer> ParseWindowsServer(std::string_view name) {
  return ParseName(kWindowsNames, name);
}

std::string_view ExchangeReleaseName(ExchangeRelease release) {
  return NameOf(kReleaseNames, release);
}
std::optional<ExchangeRelease> ParseExchangeRelease(std::string_view name) {
  return ParseName(kReleaseNames, name);
}

std::string_view ExchangeFaultName(ExchangeFault fault) {
  return NameOf(kExchangeFaultNames, fault);
}
std::optional<ExchangeFault> ParseExchangeFault(std::string_view name) {
  return ParseName(kExchangeFaultNames, name);
}

bool ExchangeSettings::Has(ExchangeFault fault) const {
  return std::find(faults.begin(), faults.end(), fault) != faults.end();
}

std::string OrganizationSpec::Name() const {
  std::string first = domain.substr(0, domain.find('.'));
  if (!first.empty()) first[0] = AsciiUpper(first[0]);
  return first;
}

const MailboxSpec* Scenario::FindMailbox(std::string_view address) const {
  for (const auto& m : mailboxes) {
    if (EqualsIgnoreCase(m.address, address)) return &m;
  }
  return nullptr;
}

const MailboxSpec* Scenario::FindMailboxByLegacyDn(std::string_view legacy_dn) const {
  for (const auto& m : mailboxes) {
    if (EqualsIgnoreCase(m.legacy_dn, legacy_dn)) return &m;
  }
  return nullptr;
}

const RedirectSpec* Scenario::FindRedirect(std::string_view address) const {
  for (const auto& r : redirects) {
    if (EqualsIgnoreCase(r.address, address)) return &r;
  }
  return nullptr;
}

const MailboxSpec* Scenario::MailboxOf(std::string_view account) const {
  for (const auto& m : mailboxes) {
    if (EqualsIgnoreCase(m.account, account)) return &m;
  }
  return nullptr;
}

bool AuthSettings::Has(AuthFault fault) const {
  return std::find(faults.begin(), faults.end(), fault) != faults.end();
}

std::string AuthSettings::DnsComputer() const { return Lower(computer) + "." + dns_domain; }

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
