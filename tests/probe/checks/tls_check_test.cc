// The tls check against real servers whose configuration is the ground truth.
#include "probe/checks/tls_check.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "probe/tls/cipher_suites.h"
#include "tests/support/peers.h"

namespace probe::checks {
namespace {

using namespace std::chrono_literals;
using tls::TlsVersion;

TlsCheckResult Check(int port, std::chrono::milliseconds timeout = 10s) {
  TlsCheckOptions options;
  options.host = "127.0.0.1";
  options.port = static_cast<std::uint16_t>(port);
  options.sni = "localhost";
  options.timeout = timeout;
  return RunTlsCheck(options);
}

std::set<TlsVersion> Accepted(const TlsCheckResult& r) {
  std::set<TlsVersion> out;
  for (const auto& p : r.protocols) {
    if (p.accepted()) {
      EXPECT_TRUE(p.completed()) << tls::VersionName(p.version) << ": " << p.handshake->detail;
      out.insert(p.version);
    }
  }
  return out;
}

// The protocol and suite findings; the certificate findings the check adds come from the cert
// check's code path and are tested there (cert_check_test.cc).
std::vector<Finding> TlsFindings(const TlsCheckResult& r) {
  std::vector<Finding> out;
  for (const auto& f : r.findings) {
    if (!f.id.starts_with("cert.")) out.push_back(f);
  }
  return out;
}

std::set<std::string> Ids(const TlsCheckResult& r) {
  std::set<std::string> out;
  for (const auto& f : TlsFindings(r)) out.insert(f.id);
  return out;
}

const Finding* FindingById(const TlsCheckResult& r, const std::string& id) {
  auto it =
      std::find_if(r.findings.begin(), r.findings.end(), [&](const auto& f) { return f.id == id; });
  return it == r.findings.end() ? nullptr : &*it;
}

struct ServerCase {
  const char* name;
  std::vector<std::string> args;
  std::set<TlsVersion> configured;
  std::set<std::string> expected_ids;
  ExitCode exit_code;
};

class OpensslServerMatrix : public ::testing::TestWithParam<ServerCase> {};

TEST_P(OpensslServerMatrix, AcceptedVersionsEqualTheServersConfiguration) {
  const ServerCase& c = GetParam();
  std::string error;
  auto server = testsupport::OpensslServer::Start(c.args, &error);
  ASSERT_TRUE(server.has_value()) << error;
  TlsCheckResult r = Check(server->port());
  EXPECT_EQ(Accepted(r), c.configured);
  EXPECT_EQ(Ids(r), c.expected_ids);
  EXPECT_EQ(ExitCodeFor(WorstSeverity(TlsFindings(r))), c.exit_code);
  ASSERT_FALSE(r.chain.empty());
  EXPECT_EQ(r.chain[0].common_name, "localhost");
  EXPECT_EQ(r.address, "127.0.0.1:" + std::to_string(server->port()));
}

void PrintTo(const ServerCase& c, std::ostream* os) { *os << c.name; }

// Ground truth: what each s_server command line enables. OpenSSL's DEFAULT list includes static
// RSA suites, hence no_forward_secrecy below 1.3.
INSTANTIATE_TEST_SUITE_P(
    RealServers, OpensslServerMatrix,
    ::testing::Values(ServerCase{"tls10_only",
                                 {"-tls1", "-cipher", "DEFAULT:@SECLEVEL=0"},
                                 {TlsVersion::kTls10},
                                 {"tls.protocol.legacy_enabled", "tls.protocol.modern_missing",
                                  "tls.cipher.no_forward_secrecy"},
                                 ExitCode::kCritical},
                      ServerCase{"tls12_only",
                                 {"-tls1_2"},
                                 {TlsVersion::kTls12},
                                 {"tls.protocol.legacy_disabled", "tls.protocol.modern_ok",
                                  "tls.protocol.tls13_missing", "tls.cipher.no_forward_secrecy"},
                                 ExitCode::kWarning},
                      ServerCase{"tls13_only",
                                 {"-tls1_3"},
                                 {TlsVersion::kTls13},
                                 {"tls.protocol.legacy_disabled", "tls.protocol.modern_ok",
                                  "tls.cipher.strong_only"},
                                 ExitCode::kOk},
                      ServerCase{"tls10_to_12",
                                 {"-no_tls1_3", "-cipher", "DEFAULT:@SECLEVEL=0"},
                                 {TlsVersion::kTls10, TlsVersion::kTls11, TlsVersion::kTls12},
                                 {"tls.protocol.legacy_enabled", "tls.protocol.modern_ok",
                                  "tls.protocol.tls13_missing", "tls.cipher.no_forward_secrecy"},
                                 ExitCode::kWarning},
                      ServerCase{"tls12_ecdhe_only",
                                 {"-tls1_2", "-cipher", "ECDHE+AESGCM"},
                                 {TlsVersion::kTls12},
                                 {"tls.protocol.legacy_disabled", "tls.protocol.modern_ok",
                                  "tls.protocol.tls13_missing", "tls.cipher.strong_only"},
                                 ExitCode::kOk}),
    [](const ::testing::TestParamInfo<ServerCase>& p) { return std::string(p.param.name); });

const ProtocolProbe& Row(const TlsCheckResult& r, TlsVersion v) {
  return *std::find_if(r.protocols.begin(), r.protocols.end(),
                       [v](const auto& p) { return p.version == v; });
}

TEST(TlsCheckTest, ServerPreferenceAndItsOrderAreRecovered) {
  std::string error;
  auto server = testsupport::OpensslServer::Start(
      {"-tls1_2", "-serverpref", "-cipher",
       "AES128-SHA:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256"},
      &error);
  ASSERT_TRUE(server.has_value()) << error;
  TlsCheckResult r = Check(server->port());
  const ProtocolProbe& tls12 = Row(r, TlsVersion::kTls12);
  ASSERT_TRUE(tls12.scan.has_value());
  EXPECT_EQ(tls12.scan->server_preference, true);
  EXPECT_EQ(tls12.scan->suites, (std::vector<std::uint16_t>{0x002F, 0xC030, 0xC02F}));
}

TEST(TlsCheckTest, ClientPreferenceIsReportedAsSuch) {
  std::string error;
  auto server = testsupport::OpensslServer::Start(
      {"-tls1_2", "-cipher", "AES128-SHA:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256"},
      &error);
  ASSERT_TRUE(server.has_value()) << error;
  TlsCheckResult r = Check(server->port());
  const ProtocolProbe& tls12 = Row(r, TlsVersion::kTls12);
  ASSERT_TRUE(tls12.scan.has_value());
  EXPECT_EQ(tls12.scan->server_preference, false);
  std::set<std::uint16_t> suites(tls12.scan->suites.begin(), tls12.scan->suites.end());
  EXPECT_EQ(suites, (std::set<std::uint16_t>{0x002F, 0xC030, 0xC02F}));
}

TEST(TlsCheckTest, Tls13GroupsComeFromHelloRetryRequests) {
  std::string error;
  auto server =
      testsupport::OpensslServer::Start({"-tls1_3", "-groups", "secp384r1:x25519"}, &error);
  ASSERT_TRUE(server.has_value()) << error;
  TlsCheckResult r = Check(server->port());
  const ProtocolProbe& tls13 = Row(r, TlsVersion::kTls13);
  ASSERT_TRUE(tls13.scan.has_value());
  std::set<std::uint16_t> groups(tls13.scan->groups.begin(), tls13.scan->groups.end());
  EXPECT_EQ(groups, (std::set<std::uint16_t>{0x0018, 0x001d}));
}

TEST(TlsCheckTest, EnumerationSendsFewHellos) {
  std::string error;
  auto server = testsupport::OpensslServer::Start({"-tls1_2", "-cipher", "ECDHE+AESGCM"}, &error);
  ASSERT_TRUE(server.has_value()) << error;
  TlsCheckResult r = Check(server->port());
  const ProtocolProbe& tls12 = Row(r, TlsVersion::kTls12);
  ASSERT_TRUE(tls12.scan.has_value());
  // OpenSSL's ECDHE+AESGCM with an RSA key: C02F, C030 (and ECDSA ones it cannot use).
  EXPECT_EQ(std::set<std::uint16_t>(tls12.scan->suites.begin(), tls12.scan->suites.end()),
            (std::set<std::uint16_t>{0xC02F, 0xC030}));
  // accepted suites + refused batches (ceil(n/128)) + 2 preference probes + 5 group probes.
  std::size_t batches = (tls::SuitesFor(TlsVersion::kTls12).size() + 127) / 128;
  EXPECT_LE(static_cast<std::size_t>(tls12.scan->hellos), 2 + batches + 2 + 5);
}

TEST(TlsCheckTest, RefusedPortIsCriticalWithOneClearSentence) {
  int port = testsupport::ClosedPort();
  auto started = Clock::now();
  TlsCheckResult r = Check(port, 3s);
  EXPECT_LT(Clock::now() - started, 3s);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].id, "net.unreachable");
  EXPECT_EQ(r.findings[0].severity, Severity::kCritical);
  EXPECT_NE(r.findings[0].summary.find("refused"), std::string::npos) << r.findings[0].summary;
  EXPECT_EQ(ExitCodeFor(WorstSeverity(r.findings)), ExitCode::kCritical);
}

TEST(TlsCheckTest, ServerThatAcceptsAndNeverAnswersEndsAtTheTimeout) {
  testsupport::SilentListener silent;
  auto started = Clock::now();
  TlsCheckResult r = Check(silent.port(), 1500ms);
  auto took = Clock::now() - started;
  EXPECT_GE(took, 1400ms);
  EXPECT_LT(took, 3s);
  const Finding* f = FindingById(r, "net.unreachable");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kCritical);
  EXPECT_NE(f->summary.find("never answered"), std::string::npos) << f->summary;
  EXPECT_EQ(r.protocols.size(), 6u);  // what was attempted stays in the result
}

TEST(TlsCheckTest, ResolveOverrideKeepsTheNameAsSni) {
  std::string error;
  auto server = testsupport::OpensslServer::Start({"-tls1_2"}, &error);
  ASSERT_TRUE(server.has_value()) << error;
  TlsCheckOptions options;
  options.host = "mail.contoso.test";
  options.port = 443;
  options.net.resolve.push_back({"mail.contoso.test", 443, "127.0.0.1"});
  options.net.connect_to.push_back(
      {"mail.contoso.test", 443, "127.0.0.1", static_cast<std::uint16_t>(server->port())});
  TlsCheckResult r = RunTlsCheck(options);
  EXPECT_EQ(r.sni, "mail.contoso.test");
  EXPECT_EQ(r.address, "127.0.0.1:" + std::to_string(server->port()));
  EXPECT_EQ(Accepted(r), (std::set<TlsVersion>{TlsVersion::kTls12}));
}

}  // namespace
}  // namespace probe::checks
