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
  top.push_back("mailboxes: []");
  EXPECT_EQ(ErrorOf(top),
            "test.yaml:10: scenario: unknown key 'mailboxes' (expected name, description, "
            "certificates, listeners)");
  EXPECT_EQ(ErrorOf(With(9, "    cert: web")),
            "test.yaml:9: listener 'frontend': unknown key 'cert' (expected name, address, port, "
            "tls, certificate)");
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

}  // namespace
}  // namespace tlslab
