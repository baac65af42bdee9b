#include "tlslab/scenario_catalog.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/tlslab/openssl_client.h"

namespace tlslab {
namespace {

std::string ReadFixture(const std::string& name) {
  std::ifstream in(std::string(EXPROBE_SOURCE_DIR) + "/fixtures/scenarios/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(ScenarioCatalogTest, EmbedsEveryFixtureFile) {
  std::vector<std::string> on_disk;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(EXPROBE_SOURCE_DIR) +
                                                               "/fixtures/scenarios")) {
    if (entry.path().extension() == ".yaml") on_disk.push_back(entry.path().stem().string());
  }
  std::sort(on_disk.begin(), on_disk.end());
  EXPECT_EQ(EmbeddedScenarioNames(), on_disk);
  for (const auto& name : on_disk) {
    auto scenario = LoadScenario(name);
    ASSERT_TRUE(scenario) << scenario.error().message;
    EXPECT_EQ(scenario->name, name);
    EXPECT_EQ(scenario->source, name + ".yaml");
    // The embedded bytes are the file's bytes.
    auto from_text = ParseScenario(ReadFixture(name + ".yaml"), name + ".yaml");
    ASSERT_TRUE(from_text);
    EXPECT_EQ(from_text->listeners.size(), scenario->listeners.size());
  }
}

TEST(ScenarioCatalogTest, CoexistenceIsTheSeedSituation) {
  auto s = LoadScenario(kDefaultScenario);
  ASSERT_TRUE(s) << s.error().message;
  const ListenerSpec* frontend = s->FindListener("frontend");
  const ListenerSpec* legacy = s->FindListener("legacy");
  ASSERT_TRUE(frontend && legacy);
  EXPECT_EQ(frontend->tls.min_version, TlsVersion::kTls12);
  EXPECT_EQ(frontend->tls.max_version, TlsVersion::kTls12);
  EXPECT_EQ(s->FindCertificate(frontend->certificate)->kind, CertificateKind::kWildcard);
  EXPECT_EQ(legacy->tls.min_version, TlsVersion::kTls10);
  EXPECT_EQ(legacy->tls.max_version, TlsVersion::kTls12);
  const CertificateSpec* legacy_cert = s->FindCertificate(legacy->certificate);
  EXPECT_EQ(legacy_cert->san,
            (std::vector<std::string>{"legacy.contoso.test", "autodiscover.contoso.test"}));
  // Both ask for Windows authentication, like the IIS sites of the two Exchange versions.
  ASSERT_EQ(s->users.size(), 2u);
  ASSERT_TRUE(frontend->auth && legacy->auth);
  EXPECT_EQ(frontend->auth->computer, "EX2016FE");
  EXPECT_EQ(frontend->auth->schemes,
            (std::vector<AuthScheme>{AuthScheme::kNegotiate, AuthScheme::kNtlm}));
  EXPECT_EQ(frontend->auth->epa, EpaMode::kAccept);
  EXPECT_EQ(frontend->auth->windows, WindowsServer::k2016);
  EXPECT_EQ(legacy->auth->computer, "EX2010CAS");
  EXPECT_EQ(legacy->auth->schemes,
            (std::vector<AuthScheme>{AuthScheme::kNtlm, AuthScheme::kNegotiate}));
  EXPECT_EQ(legacy->auth->epa, EpaMode::kOff);
  EXPECT_EQ(legacy->auth->windows, WindowsServer::k2008R2);
}

TEST(ScenarioCatalogTest, AuthFaultsHasOneListenerPerFault) {
  auto s = LoadScenario("auth-faults");
  ASSERT_TRUE(s) << s.error().message;
  struct Expected {
    const char* listener;
    std::vector<AuthFault> faults;
    EpaMode epa;
  };
  const Expected expected[] = {
      {"ok", {}, EpaMode::kOff},
      {"close-after-challenge", {AuthFault::kCloseAfterChallenge}, EpaMode::kOff},
      {"always-401", {AuthFault::kAlways401}, EpaMode::kOff},
      {"kerberos-only", {AuthFault::kKerberosOnly}, EpaMode::kOff},
      {"shared-upstream", {AuthFault::kSharedUpstream}, EpaMode::kOff},
      {"epa-require", {}, EpaMode::kRequire},
  };
  ASSERT_EQ(s->listeners.size(), std::size(expected));
  for (std::size_t i = 0; i < std::size(expected); ++i) {
    const ListenerSpec& l = s->listeners[i];
    EXPECT_EQ(l.name, expected[i].listener);
    ASSERT_TRUE(l.auth) << l.name;
    EXPECT_EQ(l.auth->faults, expected[i].faults) << l.name;
    EXPECT_EQ(l.auth->epa, expected[i].epa) << l.name;
  }
}

TEST(ScenarioCatalogTest, LoadsAFileByPath) {
  labtest::TempDir dir;
  std::string path = dir.Write("mine.yaml",
                               "name: mine\ncertificates: [{name: c, cn: a.test}]\n"
                               "listeners: [{name: l, certificate: c}]\n");
  auto s = LoadScenario(path);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->name, "mine");
  EXPECT_EQ(s->source, path);

  std::string bad = dir.Write("bad.yaml", "name: bad\nlisteners: 3\n");
  auto error = LoadScenario(bad);
  ASSERT_FALSE(error);
  EXPECT_EQ(error.error().message, bad + ":1: scenario: missing 'certificates'");
}

TEST(ScenarioCatalogTest, UnknownNamesAndMissingFilesSayWhat) {
  auto unknown = LoadScenario("nope");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message,
            "no scenario named 'nope' (built in: auth-faults, certs, coexistence, tls-matrix; or "
            "give a YAML file)");
  auto missing = LoadScenario("/nonexistent/x.yaml");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "/nonexistent/x.yaml: No such file or directory");
}

}  // namespace
}  // namespace tlslab
