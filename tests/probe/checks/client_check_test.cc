// Client simulation against real servers whose configuration is the ground truth: openssl
// s_server (TLS 1.2 only, TLS 1.0 only, TLS 1.2 with ECDHE_RSA AES-GCM only, TLS 1.3 only) and
// tlslab's coexistence scenario (the seed situation: a TLS 1.2-only 2016 front end beside a 2010
// CAS speaking TLS 1.0-1.2).
#include "probe/checks/client_check.h"

#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "probe/checks/tls_check.h"
#include "tests/support/peers.h"
#include "tests/support/process.h"

namespace probe::checks {
namespace {

using namespace std::chrono_literals;
using tls::TlsVersion;

std::vector<ClientVerdict> Simulate(int port, const std::vector<std::string>& names,
                                    const std::string& sni = "localhost",
                                    std::span<const tls::ProtocolScan> known = {}) {
  auto profiles = tls::ResolveClientProfiles(names);
  EXPECT_TRUE(profiles.has_value());
  auto address = net::SocketAddress::FromNumeric("127.0.0.1", static_cast<std::uint16_t>(port));
  return SimulateClients({*address}, sni, *profiles, Deadline::After(20s), nullptr, known);
}

std::map<std::string, ClientVerdict> ByName(std::vector<ClientVerdict> verdicts) {
  std::map<std::string, ClientVerdict> out;
  for (auto& v : verdicts) out[std::string(v.profile->name)] = std::move(v);
  return out;
}

std::optional<testsupport::OpensslServer> Server(const std::vector<std::string>& args) {
  std::string error;
  auto server = testsupport::OpensslServer::Start(args, &error);
  EXPECT_TRUE(server.has_value()) << error;
  return server;
}

bool Mentions(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

void ExpectConnects(const ClientVerdict& v, TlsVersion version, std::uint16_t suite) {
  SCOPED_TRACE(std::string(v.profile->name));
  EXPECT_EQ(v.outcome, ClientOutcome::kConnects) << v.answer << " / " << v.why;
  EXPECT_EQ(v.protocol, version);
  EXPECT_EQ(v.cipher_suite, suite);
  EXPECT_TRUE(v.fix.empty());
}

// The seed case: Windows 7 with its defaults offers TLS 1.0 at most; a TLS 1.2-only server
// refuses it; KB3140245 + DefaultSecureProtocols=0xA00 + the SCHANNEL keys make it connect.
TEST(ClientCheckTest, Windows7FailsOnATls12OnlyServerAndConnectsAfterTheFix) {
  auto server = Server({"-tls1_2"});
  ASSERT_TRUE(server);
  auto v = ByName(Simulate(server->port(), {"all"}));
  ASSERT_EQ(v.size(), tls::ClientProfiles().size());
  const ClientVerdict& win7 = v["win7"];
  EXPECT_EQ(win7.outcome, ClientOutcome::kNoCommonProtocol);
  EXPECT_EQ(win7.fix_kind, FixKind::kUpdate);
  EXPECT_TRUE(Mentions(win7.why, "SSL 3.0 + TLS 1.0")) << win7.why;
  EXPECT_TRUE(Mentions(win7.why, "the server accepts TLS 1.2")) << win7.why;
  EXPECT_TRUE(Mentions(win7.fix, "KB3140245")) << win7.fix;
  EXPECT_TRUE(Mentions(win7.fix, "DefaultSecureProtocols=0xA00")) << win7.fix;
  EXPECT_TRUE(Mentions(win7.fix, "--enable tls1.1,tls1.2")) << win7.fix;
  EXPECT_TRUE(Mentions(win7.answer, "protocol_version")) << win7.answer;
  // OpenSSL answers in the client's order: the first suite of Windows 7 it has.
  ExpectConnects(v["win7-kb3140245"], TlsVersion::kTls12, 0xC028);
  ExpectConnects(v["win7-ie11"], TlsVersion::kTls12, 0xC028);
  ExpectConnects(v["win81"], TlsVersion::kTls12, 0xC028);
  ExpectConnects(v["win10"], TlsVersion::kTls12, 0xC030);
  ExpectConnects(v["win11"], TlsVersion::kTls12, 0xC030);
  // The uncertain assumption of the fixed profile is carried with its verdict.
  ASSERT_FALSE(v["win7-kb3140245"].caveats.empty());
  EXPECT_TRUE(Mentions(v["win7-kb3140245"].caveats[0], "SCHANNEL"));

  auto findings = ClientFindings(Simulate(server->port(), {"win7", "win7-kb3140245"}));
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].id, "client.no_common_protocol");
  EXPECT_EQ(findings[0].severity, Severity::kCritical);
  EXPECT_EQ(findings[1].id, "client.ok");
}

// The other direction: a server that only speaks TLS 1.0 and the fixed Windows 7 client, which
// has TLS 1.0 turned off (0xA00).
TEST(ClientCheckTest, FixedWindows7FailsOnATls10OnlyServerAndTheServerIsToldToEnableTls12) {
  auto server = Server({"-tls1", "-cipher", "DEFAULT:@SECLEVEL=0"});
  ASSERT_TRUE(server);
  auto v = ByName(Simulate(server->port(), {"all"}));
  ExpectConnects(v["win7"], TlsVersion::kTls10, 0xC014);
  ExpectConnects(v["win7-ie11"], TlsVersion::kTls10, 0xC014);
  ExpectConnects(v["win10"], TlsVersion::kTls10, 0xC014);
  ExpectConnects(v["win11"], TlsVersion::kTls10, 0xC014);
  const ClientVerdict& fixed = v["win7-kb3140245"];
  EXPECT_EQ(fixed.outcome, ClientOutcome::kNoCommonProtocol);
  EXPECT_TRUE(Mentions(fixed.why, "answered with TLS 1.0, which this client has disabled"))
      << fixed.why;
  EXPECT_EQ(fixed.fix_kind, FixKind::kServer);
  EXPECT_TRUE(Mentions(fixed.fix, "TLS 1.2\\Server")) << fixed.fix;
  EXPECT_TRUE(Mentions(fixed.fix, "--enable tls1.0,tls1.1,tls1.2")) << fixed.fix;
}

// A TLS 1.2 server with an RSA certificate and only ECDHE_RSA AES-GCM: Windows 7 fails even with
// TLS 1.2 enabled, because its list has neither 0xC02F nor 0xC030; the fix is server-side.
TEST(ClientCheckTest, Windows7FailsOnEcdheRsaGcmOnlyEvenWithTls12AndTheReportSaysWhy) {
  auto server =
      Server({"-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384"});
  ASSERT_TRUE(server);
  auto v = ByName(Simulate(server->port(), {"all"}));
  for (const char* name : {"win7-kb3140245", "win7-ie11", "win81"}) {
    const ClientVerdict& c = v[name];
    SCOPED_TRACE(name);
    EXPECT_EQ(c.outcome, ClientOutcome::kNoCommonCipher) << c.why;
    EXPECT_TRUE(Mentions(c.why, "0xC02F")) << c.why;
    EXPECT_TRUE(Mentions(c.why, "0xC030")) << c.why;
    EXPECT_EQ(c.fix_kind, FixKind::kServer);
    EXPECT_TRUE(Mentions(c.fix, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384")) << c.fix;
    EXPECT_TRUE(Mentions(c.fix, "ECDHE-RSA-AES256-SHA384")) << c.fix;
    EXPECT_TRUE(Mentions(c.fix, "RSA certificate")) << c.fix;
    // The reference's doubt about later SChannel updates travels with the verdict.
    bool doubt = false;
    for (const auto& caveat : c.caveats) doubt |= Mentions(caveat, "later SChannel updates");
    EXPECT_TRUE(doubt);
  }
  EXPECT_EQ(v["win7"].outcome, ClientOutcome::kNoCommonProtocol);
  ExpectConnects(v["win10"], TlsVersion::kTls12, 0xC030);
  ExpectConnects(v["win11"], TlsVersion::kTls12, 0xC030);
  auto findings = ClientFindings(Simulate(server->port(), {"win7-kb3140245"}));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].id, "client.no_common_cipher");
  EXPECT_TRUE(Mentions(findings[0].summary, "0xC02F")) << findings[0].summary;
}

// Only Windows 11 speaks TLS 1.3; the older ones can only be helped on the server.
TEST(ClientCheckTest, OnATls13OnlyServerOnlyWindows11Connects) {
  auto server = Server({"-tls1_3"});
  ASSERT_TRUE(server);
  auto v = ByName(Simulate(server->port(), {"all"}));
  ExpectConnects(v["win11"], TlsVersion::kTls13, 0x1302);
  for (const char* name : {"win7", "win7-kb3140245", "win81", "win10"}) {
    SCOPED_TRACE(name);
    EXPECT_EQ(v[name].outcome, ClientOutcome::kNoCommonProtocol);
    EXPECT_EQ(v[name].fix_kind, FixKind::kServer);
    EXPECT_TRUE(Mentions(v[name].fix, "cannot speak TLS 1.3")) << v[name].fix;
  }
}

// A HelloRetryRequest for a group Windows 11 offers (P-384) is a connection, not a refusal.
TEST(ClientCheckTest, HelloRetryRequestForAnOfferedGroupConnects) {
  auto server = Server({"-tls1_3", "-groups", "secp384r1"});
  ASSERT_TRUE(server);
  auto v = Simulate(server->port(), {"win11"});
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].outcome, ClientOutcome::kConnects) << v[0].answer;
  EXPECT_TRUE(Mentions(v[0].answer, "HelloRetryRequest")) << v[0].answer;
}

// A shared version and shared suites, but no shared curve: X25519-only ECDHE against Windows 7.
TEST(ClientCheckTest, NoCommonCurveIsARefusalThatNamesTheGroups) {
  auto server = Server({"-tls1_2", "-cipher", "ECDHE-RSA-AES256-SHA384", "-groups", "X25519"});
  ASSERT_TRUE(server);
  auto v = ByName(Simulate(server->port(), {"win7-kb3140245", "win10"}));
  EXPECT_EQ(v["win7-kb3140245"].outcome, ClientOutcome::kRefused) << v["win7-kb3140245"].why;
  EXPECT_TRUE(Mentions(v["win7-kb3140245"].why, "x25519")) << v["win7-kb3140245"].why;
  ExpectConnects(v["win10"], TlsVersion::kTls12, 0xC028);
}

// The tls check's scans explain failures without scanning again, and give the same verdicts.
TEST(ClientCheckTest, KnownScansGiveTheSameVerdicts) {
  auto server = Server({"-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"});
  ASSERT_TRUE(server);
  TlsCheckOptions options;
  options.host = "127.0.0.1";
  options.port = static_cast<std::uint16_t>(server->port());
  options.sni = "localhost";
  TlsCheckResult r = RunTlsCheck(options);
  std::vector<tls::ProtocolScan> known;
  for (const auto& p : r.protocols) {
    if (p.scan && !p.scan->error) known.push_back(*p.scan);
  }
  auto with = Simulate(server->port(), {"all"}, "localhost", known);
  auto without = Simulate(server->port(), {"all"});
  ASSERT_EQ(with.size(), without.size());
  for (std::size_t i = 0; i < with.size(); ++i) {
    EXPECT_EQ(with[i].outcome, without[i].outcome) << with[i].profile->name;
    EXPECT_EQ(with[i].fix, without[i].fix);
  }
}

TEST(ClientCheckTest, AnUnreachableServerIsUnknownNotAFinding) {
  auto v = Simulate(testsupport::ClosedPort(), {"win7"});
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].outcome, ClientOutcome::kUnknown);
  EXPECT_TRUE(ClientFindings(v).empty());
}

// tlslab's default scenario is the seed situation.
std::map<std::string, int> StartLab(std::optional<testsupport::ChildProcess>& lab) {
  std::string error;
  lab = testsupport::ChildProcess::Start(
      {std::string(EXPROBE_BIN_DIR) + "/tlslab", "--scenario", "coexistence", "--print-ports"},
      &error);
  EXPECT_TRUE(lab.has_value()) << error;
  std::map<std::string, int> ports;
  while (lab) {
    auto line = lab->ReadLine(20s);
    if (!line || line->starts_with("READY")) break;
    std::istringstream words(*line);
    std::string tag, name, address;
    if (words >> tag >> name >> address && tag == "LISTEN") {
      ports[name] = std::stoi(address.substr(address.rfind(':') + 1));
    }
  }
  return ports;
}

TEST(ClientCheckTest, TlslabCoexistenceWindows7ReachesTheLegacyCasButNotTheFrontEnd) {
  std::optional<testsupport::ChildProcess> lab;
  auto ports = StartLab(lab);
  ASSERT_TRUE(ports.count("frontend") && ports.count("legacy")) << (lab ? lab->output() : "");
  auto front = ByName(Simulate(ports["frontend"], {"win7", "win7-kb3140245"}, "mail.contoso.test"));
  EXPECT_EQ(front["win7"].outcome, ClientOutcome::kNoCommonProtocol) << front["win7"].why;
  EXPECT_TRUE(Mentions(front["win7"].fix, "KB3140245"));
  EXPECT_EQ(front["win7-kb3140245"].outcome, ClientOutcome::kConnects)
      << front["win7-kb3140245"].why;
  EXPECT_EQ(front["win7-kb3140245"].protocol, TlsVersion::kTls12);
  auto legacy = ByName(Simulate(ports["legacy"], {"win7"}, "legacy.contoso.test"));
  EXPECT_EQ(legacy["win7"].outcome, ClientOutcome::kConnects) << legacy["win7"].why;
  EXPECT_EQ(legacy["win7"].protocol, TlsVersion::kTls10);
}

}  // namespace
}  // namespace probe::checks
