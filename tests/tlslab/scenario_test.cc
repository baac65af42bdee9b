#include "tlslab/scenario.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tlslab {
namespace {

// Joins lines with '\n', so each test reads with its line numbers in view.
std::string Lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

// A valid scenario; tests replace one line to break exactly one thing.
std::vector<std::string> Valid() {
  return {
      "name: test",                        // 1
      "certificates:",                     // 2
      "  - name: web",                     // 3
      "    san: [mail.contoso.test]",      // 4
      "listeners:",                        // 5
      "  - name: frontend",                // 6
      "    tls:",                          // 7
      "      versions: [tls1.2, tls1.3]",  // 8
      "    certificate: web",              // 9
  };
}

std::string ErrorOf(const std::vector<std::string>& lines) {
  auto parsed = ParseScenario(Lines(lines), "test.yaml");
  if (parsed) return "(parsed)";
  return parsed.error().message;
}

std::vector<std::string> With(std::size_t line, const std::string& text) {
  auto lines = Valid();
  lines.at(line - 1) = text;
  return lines;
}

TEST(ScenarioTest, ParsesListenersCertificatesAndVersionRanges) {
  auto parsed = ParseScenario(Lines({
                                  "name: coexistence",
                                  "description: two front ends",
                                  "certificates:",
                                  "  - name: wild",
                                  "    kind: wildcard",
                                  "    cn: '*.contoso.test'",
                                  "    san: ['*.contoso.test', contoso.test, 127.0.0.1]",
                                  "listeners:",
                                  "  - name: legacy",
                                  "    address: ::1",
                                  "    port: 8443",
                                  "    tls:",
                                  "      versions: [tls1.1, tls1.0, tls1.2]",
                                  "      ciphers: DEFAULT:@SECLEVEL=0",
                                  "      ciphersuites: TLS_AES_128_GCM_SHA256",
                                  "    certificate: wild",
                              }),
                              "c.yaml");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->source, "c.yaml");
  EXPECT_EQ(parsed->name, "coexistence");
  EXPECT_EQ(parsed->description, "two front ends");
  ASSERT_EQ(parsed->certificates.size(), 1u);
  const CertificateSpec& cert = parsed->certificates[0];
  EXPECT_EQ(cert.kind, CertificateKind::kWildcard);
  EXPECT_EQ(cert.cn, "*.contoso.test");
  EXPECT_EQ(cert.san, (std::vector<std::string>{"*.contoso.test", "contoso.test", "127.0.0.1"}));
  EXPECT_EQ(cert.line, 4);
  ASSERT_EQ(parsed->listeners.size(), 1u);
  const ListenerSpec& l = parsed->listeners[0];
  EXPECT_EQ(l.name, "legacy");
  EXPECT_EQ(l.address, "::1");
  EXPECT_EQ(l.port, 8443);
  EXPECT_EQ(l.tls.min_version, TlsVersion::kTls10);  // listed out of order: still a range
  EXPECT_EQ(l.tls.max_version, TlsVersion::kTls12);
  EXPECT_EQ(l.tls.ciphers, "DEFAULT:@SECLEVEL=0");
  EXPECT_EQ(l.tls.ciphersuites, "TLS_AES_128_GCM_SHA256");
  EXPECT_EQ(l.certificate, "wild");
  EXPECT_EQ(l.line, 9);
  EXPECT_EQ(parsed->FindListener("legacy"), &parsed->listeners[0]);
  EXPECT_EQ(parsed->FindCertificate("nope"), nullptr);
}

TEST(ScenarioTest, OmittedKeysTakeDefaults) {
  auto parsed = ParseScenario(Lines({
                                  "name: t",
                                  "certificates: [{name: web, san: [a.test, b.test]}]",
                                  "listeners: [{name: one, certificate: web}]",
                              }),
                              "t.yaml");
  ASSERT_TRUE(parsed) << parsed.error().message;
  const CertificateSpec& cert = parsed->certificates[0];
  EXPECT_EQ(cert.kind, CertificateKind::kLeaf);
  EXPECT_EQ(cert.cn, "a.test");  // the first SAN
  const ListenerSpec& l = parsed->listeners[0];
  EXPECT_FALSE(l.address.has_value());
  EXPECT_EQ(l.port, 0);
  EXPECT_EQ(l.tls.min_version, TlsVersion::kTls12);
  EXPECT_EQ(l.tls.max_version, TlsVersion::kTls13);
  EXPECT_FALSE(l.tls.ciphers.has_value());
  EXPECT_TRUE(l.tls.Enables(TlsVersion::kTls13));
  EXPECT_FALSE(l.tls.Enables(TlsVersion::kTls11));
}

TEST(ScenarioTest, NamesRoundTrip) {
  for (auto v : {TlsVersion::kTls10, TlsVersion::kTls11, TlsVersion::kTls12, TlsVersion::kTls13}) {
    EXPECT_EQ(ParseTlsVersion(TlsVersionName(v)), v);
  }
  EXPECT_EQ(TlsVersionName(TlsVersion::kTls10), "tls1.0");
  EXPECT_EQ(TlsVersionLabel(TlsVersion::kTls13), "TLS 1.3");
  EXPECT_EQ(ParseCertificateKind("missing_intermediate"), CertificateKind::kMissingIntermediate);
  EXPECT_EQ(CertificateKindName(CertificateKind::kCnOnly), "cn_only");
  EXPECT_FALSE(ParseCertificateKind("ev").has_value());
}

TEST(ScenarioTest, UnknownTlsVersionNamesLineAndListener) {
  EXPECT_EQ(ErrorOf(With(8, "      versions: [tls1.2, tls1.4]")),
            "test.yaml:8: listener 'frontend': unknown TLS version 'tls1.4' (expected tls1.0, "
            "tls1.1, tls1.2, tls1.3)");
}

TEST(ScenarioTest, VersionsMustBeContiguousAndDistinct) {
  EXPECT_EQ(ErrorOf(With(8, "      versions: [tls1.0, tls1.2]")),
            "test.yaml:8: listener 'frontend': TLS versions must be a contiguous range (from "
            "tls1.0 to tls1.2 without gaps)");
  EXPECT_EQ(ErrorOf(With(8, "      versions: [tls1.2, tls1.2]")),
            "test.yaml:8: listener 'frontend': TLS version 'tls1.2' listed twice");
  EXPECT_EQ(ErrorOf(With(8, "      versions: []")),
            "test.yaml:8: listener 'frontend': TLS versions must be a non-empty list, e.g. "
            "[tls1.2, tls1.3]");
}

TEST(ScenarioTest, UnknownKeysAreErrorsWithTheExpectedKeys) {
  auto top = Valid();
  top.push_back("mailbox: []");
  EXPECT_EQ(ErrorOf(top),
            "test.yaml:10: scenario: unknown key 'mailbox' (expected name, description, "
            "users, organization, mailboxes, redirects, certificates, listeners)");
  EXPECT_EQ(ErrorOf(With(9, "    cert: web")),
            "test.yaml:9: listener 'frontend': unknown key 'cert' (expected name, address, port, "
            "tls, certificate, auth, exchange, plain, redirect_to)");
  EXPECT_EQ(ErrorOf(With(8, "      version: [tls1.2]")),
            "test.yaml:8: listener 'frontend' tls: unknown key 'version' (expected versions, "
            "ciphers, ciphersuites)");
  EXPECT_EQ(ErrorOf(With(4, "    sans: [mail.contoso.test]")),
            "test.yaml:4: certificate 'web': unknown key 'sans' (expected name, kind, cn, san)");
}

TEST(ScenarioTest, UnknownKindListsTheKinds) {
  auto lines = Valid();
  lines.insert(lines.begin() + 4, "    kind: ev");
  EXPECT_EQ(ErrorOf(lines),
            "test.yaml:5: certificate 'web': unknown kind 'ev' (expected leaf, wildcard, san, "
            "cn_only, expired, self_signed, sha1, rsa1024, missing_intermediate)");
}

TEST(ScenarioTest, ListenerMustNameADefinedCertificate) {
  EXPECT_EQ(ErrorOf(With(9, "    certificate: nope")),
            "test.yaml:9: listener 'frontend': unknown certificate 'nope' (defined: web)");
  EXPECT_EQ(
      ErrorOf({"name: t", "certificates: [{name: a, cn: a.test}]", "listeners:", "  - name: x"}),
      "test.yaml:4: listener 'x': missing 'certificate'");
}

TEST(ScenarioTest, DuplicatesAreErrors) {
  auto lines = Valid();
  lines.insert(lines.end(), {"  - name: frontend", "    certificate: web"});
  EXPECT_EQ(ErrorOf(lines), "test.yaml:10: listener 'frontend': defined twice (first on line 6)");
  EXPECT_EQ(ErrorOf(With(9, "    name: again")),
            "test.yaml:9: listener 'frontend': duplicate key 'name'");
  auto certs = Valid();
  certs.insert(certs.begin() + 4, {"  - name: web", "    cn: other.test"});
  EXPECT_EQ(ErrorOf(certs), "test.yaml:5: certificate 'web': defined twice (first on line 3)");
}

TEST(ScenarioTest, PortsAndNamesAreChecked) {
  auto lines = Valid();
  lines.insert(lines.begin() + 6, "    port: 70000");
  EXPECT_EQ(ErrorOf(lines),
            "test.yaml:7: listener 'frontend': port must be a number from 0 to 65535, not "
            "'70000'");
  lines[6] = "    port: https";
  EXPECT_EQ(ErrorOf(lines),
            "test.yaml:7: listener 'frontend': port must be a number from 0 to 65535, not "
            "'https'");
  EXPECT_EQ(ErrorOf(With(6, "  - name: front end")),
            "test.yaml:6: listener #1: name 'front end' must be 1-64 letters, digits, '_', '-' "
            "or '.'");
}

TEST(ScenarioTest, CertificateNamesMustFitTheKind) {
  EXPECT_EQ(ErrorOf({"name: t", "certificates:", "  - {name: w, kind: wildcard, cn: a.test}",
                     "listeners: [{name: x, certificate: w}]"}),
            "test.yaml:3: certificate 'w': kind wildcard needs a '*.' name in cn or san");
  EXPECT_EQ(ErrorOf({"name: t",
                     "certificates:", "  - {name: c, kind: cn_only, cn: a.test, san: [a.test]}",
                     "listeners: [{name: x, certificate: c}]"}),
            "test.yaml:3: certificate 'c': kind cn_only takes no san");
  EXPECT_EQ(ErrorOf({"name: t", "certificates:", "  - {name: s, kind: san, cn: a.test}",
                     "listeners: [{name: x, certificate: s}]"}),
            "test.yaml:3: certificate 's': kind san needs a san list");
  EXPECT_EQ(ErrorOf({"name: t", "certificates:", "  - {name: n}",
                     "listeners: [{name: x, certificate: n}]"}),
            "test.yaml:3: certificate 'n': needs cn or san");
  std::string long_cn(65, 'a');
  EXPECT_EQ(ErrorOf({"name: t", "certificates:", "  - {name: l, cn: " + long_cn + "}",
                     "listeners: [{name: x, certificate: l}]"}),
            "test.yaml:3: certificate 'l': cn must be at most 64 printable ASCII characters");
  EXPECT_EQ(ErrorOf({"name: t", "certificates:", "  - {name: b, san: ['a b']}",
                     "listeners: [{name: x, certificate: b}]"}),
            "test.yaml:3: certificate 'b': san 'a b' must be a DNS name or an IP address");
}

TEST(ScenarioTest, MissingSectionsAndWrongShapes) {
  EXPECT_EQ(ErrorOf({"certificates: []"}), "test.yaml:1: scenario: missing 'name'");
  EXPECT_EQ(ErrorOf({"name: t", "certificates: [{name: a, cn: a.test}]"}),
            "test.yaml:1: scenario: missing 'listeners'");
  EXPECT_EQ(ErrorOf({"name: t", "certificates: []", "listeners: []"}),
            "test.yaml:2: scenario: 'certificates' must be a non-empty list");
  EXPECT_EQ(ErrorOf({"- just", "- a list"}), "test.yaml:1: scenario: expected a mapping of keys");
  EXPECT_EQ(ErrorOf(With(1, "name:")), "test.yaml:1: scenario: 'name' must be a non-empty string");
  EXPECT_EQ(ErrorOf(With(4, "    san: mail.contoso.test")),
            "test.yaml:4: certificate 'web': 'san' must be a list");
  auto empty = ParseScenario("", "empty.yaml");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(empty.error().message, "empty.yaml: scenario: expected a mapping of keys");
}

TEST(ScenarioTest, MalformedYamlIsMalformedWithItsLine) {
  auto parsed = ParseScenario(Lines({"name: t", "listeners: [a, b", "x: y"}), "bad.yaml");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code, ErrorCode::kMalformed);
  EXPECT_EQ(parsed.error().message, "bad.yaml:3: malformed YAML: end of sequence flow not found");
  auto tabs = ParseScenario("name: t\n\tbad: tab\n", "tab.yaml");
  ASSERT_FALSE(tabs);
  EXPECT_EQ(tabs.error().code, ErrorCode::kMalformed);
  EXPECT_TRUE(tabs.error().message.starts_with("tab.yaml:2: malformed YAML: "))
      << tabs.error().message;
}

TEST(ScenarioTest, HostileInputIsAnErrorNotACrash) {
  auto huge = ParseScenario(std::string((1 << 20) + 1, '#'), "huge.yaml");
  ASSERT_FALSE(huge);
  EXPECT_EQ(huge.error().message,
            "huge.yaml: 1048577 bytes is too large for a scenario (at most 1048576)");
  auto deep = ParseScenario(std::string(100000, '['), "deep.yaml");
  ASSERT_FALSE(deep);
  EXPECT_EQ(deep.error().code, ErrorCode::kMalformed);
  auto control = ParseScenario("name: t\nbad\x01key: 1\n", "ctl.yaml");
  ASSERT_FALSE(control);
  EXPECT_EQ(control.error().message.find('\x01'), std::string::npos);
}

// Valid() plus accounts and an auth mapping on the listener; tests replace one line of it.
std::vector<std::string> WithAuth() {
  auto lines = Valid();
  lines.insert(lines.begin() + 1, {
                                      "users:",                       // 2
                                      "  - account: CONTOSO\\alice",  // 3
                                      "    password: \"Passw0rd!\"",  // 4
                                  });
  lines.insert(lines.end(), {
                                "    auth:",                              // 13
                                "      schemes: [NTLM, Negotiate]",       // 14
                                "      computer: ex2016fe",               // 15
                                "      domain: CONTOSO",                  // 16
                                "      epa: off",                         // 17
                                "      faults: [close_after_challenge]",  // 18
                            });
  return lines;
}

std::vector<std::string> AuthWith(std::size_t line, const std::string& text) {
  auto lines = WithAuth();
  lines.at(line - 1) = text;
  return lines;
}

TEST(ScenarioAuthTest, ParsesUsersAndAuthSettingsWithDefaults) {
  auto parsed = ParseScenario(Lines(WithAuth()), "a.yaml");
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_EQ(parsed->users.size(), 1u);
  const UserSpec& u = parsed->users[0];
  EXPECT_EQ(u.account, "CONTOSO\\alice");
  EXPECT_EQ(u.domain, "CONTOSO");
  EXPECT_EQ(u.user, "alice");
  EXPECT_EQ(u.password, "Passw0rd!");
  EXPECT_EQ(u.line, 3);
  const ListenerSpec& l = parsed->listeners[0];
  ASSERT_TRUE(l.auth.has_value());
  const AuthSettings& a = *l.auth;
  EXPECT_EQ(a.schemes, (std::vector<AuthScheme>{AuthScheme::kNtlm, AuthScheme::kNegotiate}));
  EXPECT_EQ(a.computer, "EX2016FE");  // NetBIOS names are upper case
  EXPECT_EQ(a.domain, "CONTOSO");
  EXPECT_EQ(a.dns_domain, "contoso.test");  // default: domain in lower case + .test
  EXPECT_EQ(a.DnsComputer(), "ex2016fe.contoso.test");
  EXPECT_EQ(a.windows, WindowsServer::k2016);
  EXPECT_EQ(a.epa, EpaMode::kOff);  // "off" stays a string, not YAML 1.1's false
  EXPECT_TRUE(a.Has(AuthFault::kCloseAfterChallenge));
  EXPECT_FALSE(a.Has(AuthFault::kAlways401));
  EXPECT_EQ(a.anonymous, (std::vector<std::string>{"/healthcheck.htm"}));
  EXPECT_EQ(a.line, 13);
  EXPECT_FALSE(Valid().empty());
  EXPECT_FALSE(ParseScenario(Lines(Valid()), "v.yaml")->listeners[0].auth.has_value());
}

TEST(ScenarioAuthTest, EveryKeyAndSpelling) {
  auto lines = WithAuth();
  lines.resize(12);
  lines.insert(lines.end(), {"    auth:", "      schemes: [negotiate]", "      computer: EX2010CAS",
                             "      domain: contoso", "      dns_domain: Corp.Contoso.Test",
                             "      windows: 2008r2", "      epa: require",
                             "      faults: [always_401, kerberos_only, shared_upstream]",
                             "      anonymous: []"});
  auto parsed = ParseScenario(Lines(lines), "a.yaml");
  ASSERT_TRUE(parsed) << parsed.error().message;
  const AuthSettings& a = *parsed->listeners[0].auth;
  EXPECT_EQ(a.schemes, std::vector<AuthScheme>{AuthScheme::kNegotiate});
  EXPECT_EQ(a.domain, "CONTOSO");
  EXPECT_EQ(a.dns_domain, "corp.contoso.test");
  EXPECT_EQ(a.windows, WindowsServer::k2008R2);
  EXPECT_EQ(a.epa, EpaMode::kRequire);
  EXPECT_EQ(a.faults.size(), 3u);
  EXPECT_TRUE(a.anonymous.empty());
  for (auto f : {AuthFault::kCloseAfterChallenge, AuthFault::kAlways401, AuthFault::kKerberosOnly,
                 AuthFault::kSharedUpstream}) {
    EXPECT_EQ(ParseAuthFault(AuthFaultName(f)), f);
  }
  EXPECT_EQ(ParseEpaMode("accept"), EpaMode::kAccept);
  EXPECT_EQ(WindowsServerName(WindowsServer::k2012R2), "2012r2");
  EXPECT_EQ(ParseAuthScheme("ntlm"), AuthScheme::kNtlm);
  EXPECT_FALSE(ParseAuthScheme("Basic").has_value());
}

TEST(ScenarioAuthTest, UnknownFaultsSchemesAndModesNameLineAndChoices) {
  EXPECT_EQ(ErrorOf(AuthWith(18, "      faults: [close_after_challenge, slow_auth]")),
            "test.yaml:18: listener 'frontend' auth: unknown fault 'slow_auth' (expected "
            "close_after_challenge, always_401, kerberos_only, shared_upstream)");
  EXPECT_EQ(ErrorOf(AuthWith(18, "      faults: [always_401, always_401]")),
            "test.yaml:18: listener 'frontend' auth: fault 'always_401' listed twice");
  EXPECT_EQ(ErrorOf(AuthWith(14, "      schemes: [NTLM, Basic]")),
            "test.yaml:14: listener 'frontend' auth: unknown scheme 'Basic' (expected Negotiate, "
            "NTLM, Bearer)");
  EXPECT_EQ(ErrorOf(AuthWith(14, "      schemes: [NTLM, ntlm]")),
            "test.yaml:14: listener 'frontend' auth: scheme 'NTLM' listed twice");
  EXPECT_EQ(ErrorOf(AuthWith(14, "      schemes: []")),
            "test.yaml:14: listener 'frontend' auth: schemes must not be empty");
  EXPECT_EQ(ErrorOf(AuthWith(17, "      epa: allow")),
            "test.yaml:17: listener 'frontend' auth: unknown epa 'allow' (expected off, accept, "
            "require)");
  EXPECT_EQ(ErrorOf(AuthWith(17, "      windows: 2003")),
            "test.yaml:17: listener 'frontend' auth: unknown windows '2003' (expected 2008r2, "
            "2012r2, 2016, 2019, 2022)");
  EXPECT_EQ(ErrorOf(AuthWith(17, "      realm: contoso")),
            "test.yaml:17: listener 'frontend' auth: unknown key 'realm' (expected schemes, "
            "computer, domain, dns_domain, windows, epa, faults, anonymous)");
  auto not_a_mapping = WithAuth();
  not_a_mapping.resize(13);
  not_a_mapping[12] = "    auth: yes";
  EXPECT_EQ(ErrorOf(not_a_mapping),
            "test.yaml:13: listener 'frontend' auth: expected a mapping of keys");
}

TEST(ScenarioAuthTest, NamesAndPathsAreChecked) {
  EXPECT_EQ(ErrorOf(AuthWith(15, "      computer: EXCHANGE2016FRONTEND")),
            "test.yaml:15: listener 'frontend' auth: computer 'EXCHANGE2016FRONTEND' must be a "
            "NetBIOS name: 1-15 letters, digits, '-' or '_'");
  auto no_domain = WithAuth();
  no_domain.erase(no_domain.begin() + 15);
  EXPECT_EQ(ErrorOf(no_domain), "test.yaml:14: listener 'frontend' auth: missing 'domain'");
  EXPECT_EQ(ErrorOf(AuthWith(17, "      dns_domain: contoso..")),
            "test.yaml:17: listener 'frontend' auth: dns_domain 'contoso..' is not a DNS name");
  EXPECT_EQ(ErrorOf(AuthWith(17, "      anonymous: [healthcheck.htm]")),
            "test.yaml:17: listener 'frontend' auth: anonymous path 'healthcheck.htm' must start "
            "with '/' (at most 256 printable characters, no spaces)");
  auto kerberos_without_negotiate = AuthWith(18, "      faults: [kerberos_only]");
  kerberos_without_negotiate[13] = "      schemes: [NTLM]";
  EXPECT_EQ(ErrorOf(kerberos_without_negotiate),
            "test.yaml:14: listener 'frontend' auth: fault kerberos_only needs Negotiate in "
            "schemes");
}

TEST(ScenarioAuthTest, UsersAreCheckedAndRequiredByAuth) {
  EXPECT_EQ(ErrorOf(AuthWith(4, "    pass: x")),
            "test.yaml:4: user 'CONTOSO\\alice': unknown key 'pass' (expected account, password)");
  auto no_password = WithAuth();
  no_password.erase(no_password.begin() + 3);
  EXPECT_EQ(ErrorOf(no_password), "test.yaml:3: user 'CONTOSO\\alice': missing 'password'");
  EXPECT_EQ(ErrorOf(AuthWith(4, "    password:")),
            "test.yaml:4: user 'CONTOSO\\alice': 'password' must be a non-empty string");
  EXPECT_EQ(ErrorOf(AuthWith(3, "  - account: alice")),
            "test.yaml:3: user 'alice': account must be DOMAIN\\user (a NetBIOS domain of 1-15 "
            "letters, digits, '-' or '_', and a user name without \\/\"[]:;|=,+*?<>@)");
  EXPECT_EQ(ErrorOf(AuthWith(3, "  - account: contoso.test\\alice")),
            "test.yaml:3: user 'contoso.test\\alice': account must be DOMAIN\\user (a NetBIOS "
            "domain of 1-15 letters, digits, '-' or '_', and a user name without "
            "\\/\"[]:;|=,+*?<>@)");
  auto twice = WithAuth();
  twice.insert(twice.begin() + 4, {"  - account: contoso\\ALICE", "    password: other"});
  EXPECT_EQ(ErrorOf(twice), "test.yaml:5: user 'contoso\\ALICE': defined twice (first on line 3)");
  auto no_users = WithAuth();
  no_users.erase(no_users.begin() + 1, no_users.begin() + 4);
  EXPECT_EQ(ErrorOf(no_users),
            "test.yaml:10: listener 'frontend' auth: needs accounts: add a top-level 'users' "
            "list");
  auto empty_users = WithAuth();
  empty_users.erase(empty_users.begin() + 2, empty_users.begin() + 4);
  empty_users[1] = "users: []";
  EXPECT_EQ(ErrorOf(empty_users), "test.yaml:2: scenario: 'users' must be a non-empty list");
  std::string long_password(257, 'p');
  EXPECT_EQ(ErrorOf(AuthWith(4, "    password: " + long_password)),
            "test.yaml:4: user 'CONTOSO\\alice': password longer than 256 characters");
}

TEST(ScenarioAuthTest, ErrorsNeverShowThePassword) {
  auto lines = AuthWith(4, "    password: [Secret-1]");
  std::string error = ErrorOf(lines);
  EXPECT_NE(error, "(parsed)");
  EXPECT_EQ(error.find("Secret-1"), std::string::npos) << error;
}

}  // namespace
}  // namespace tlslab
