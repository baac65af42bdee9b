// `exprobe tls` against real peers whose configuration is the ground truth, and against sslscan
// on the same servers: openssl s_server, gnutls-serv (RC4, 3DES; in a private network namespace),
// and a scripted SSL 3.0 server.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "tests/support/peers.h"

namespace {

using namespace std::chrono_literals;
using testsupport::RunCommand;
using VersionSuite = std::pair<std::string, std::string>;  // ("tls1.2", "0xC02F")

const std::string kExprobe = std::string(EXPROBE_BIN_DIR) + "/exprobe";
const std::string kPeers = std::string(EXPROBE_SOURCE_DIR) + "/tests/peers";

nlohmann::json ExprobeJson(const std::string& target, std::vector<std::string> extra = {}) {
  std::vector<std::string> argv = {kExprobe, "tls", target, "--format", "json", "--timeout", "20"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  auto r = RunCommand(argv, 60s);
  EXPECT_LE(r.exit_code, 2) << r.output;
  auto start = r.output.find('{');
  if (start == std::string::npos) return {};
  return nlohmann::json::parse(r.output.substr(start), nullptr, false);
}

std::set<VersionSuite> ExprobeSuites(const nlohmann::json& doc) {
  std::set<VersionSuite> out;
  for (const auto& p : doc["protocols"]) {
    for (const auto& s : p["cipher_suites"]) {
      out.insert({p["version"].get<std::string>(), s["id"].get<std::string>()});
    }
  }
  return out;
}

std::set<std::string> Accepted(const nlohmann::json& doc) {
  std::set<std::string> out;
  for (const auto& p : doc["protocols"]) {
    if (p["accepted"]) out.insert(p["version"].get<std::string>());
  }
  return out;
}

std::set<std::string> FindingIds(const nlohmann::json& doc) {
  std::set<std::string> out;
  for (const auto& f : doc["findings"]) out.insert(f["id"].get<std::string>());
  return out;
}

// sslscan --xml: <cipher status="accepted" sslversion="TLSv1.2" ... id="0xC030" .../>
std::set<VersionSuite> SslscanSuites(const std::string& xml) {
  static const std::map<std::string, std::string> kVersions = {
      {"SSLv2", "ssl2"},     {"SSLv3", "ssl3"},     {"TLSv1.0", "tls1.0"},
      {"TLSv1.1", "tls1.1"}, {"TLSv1.2", "tls1.2"}, {"TLSv1.3", "tls1.3"}};
  std::regex cipher(
      "<cipher status=\"[a-z]+\" sslversion=\"([^\"]+)\"[^>]* id=\"0x([0-9A-Fa-f]{4})\"");
  std::set<VersionSuite> out;
  for (std::sregex_iterator it(xml.begin(), xml.end(), cipher), end; it != end; ++it) {
    std::string id = (*it)[2];
    for (char& ch : id) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    out.insert({kVersions.at((*it)[1]), "0x" + id});
  }
  return out;
}

struct ParityCase {
  const char* name;
  std::vector<std::string> args;
  std::set<std::string> versions;
};
void PrintTo(const ParityCase& c, std::ostream* os) { *os << c.name; }

class SslscanParity : public ::testing::TestWithParam<ParityCase> {};

TEST_P(SslscanParity, VersionsEqualTheConfigurationAndSuitesEqualSslscans) {
  std::string error;
  auto server = testsupport::OpensslServer::Start(GetParam().args, &error);
  ASSERT_TRUE(server.has_value()) << error;
  std::string target = "127.0.0.1:" + std::to_string(server->port());
  nlohmann::json doc = ExprobeJson(target);
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(Accepted(doc), GetParam().versions);
  auto sslscan = RunCommand({"sslscan", "--no-colour", "--xml=-", target}, 60s);
  ASSERT_EQ(sslscan.exit_code, 0) << sslscan.output;
  std::set<VersionSuite> theirs = SslscanSuites(sslscan.output);
  ASSERT_FALSE(theirs.empty()) << sslscan.output;
  EXPECT_EQ(ExprobeSuites(doc), theirs);
}

INSTANTIATE_TEST_SUITE_P(OpensslServers, SslscanParity,
                         ::testing::Values(ParityCase{"tls10_only",
                                                      {"-tls1", "-cipher", "DEFAULT:@SECLEVEL=0"},
                                                      {"tls1.0"}},
                                           ParityCase{"tls12_only", {"-tls1_2"}, {"tls1.2"}},
                                           ParityCase{"tls13_only", {"-tls1_3"}, {"tls1.3"}},
                                           ParityCase{"tls10_to_12",
                                                      {"-min_protocol", "TLSv1", "-max_protocol",
                                                       "TLSv1.2", "-cipher", "DEFAULT:@SECLEVEL=0"},
                                                      {"tls1.0", "tls1.1", "tls1.2"}}),
                         [](const ::testing::TestParamInfo<ParityCase>& p) {
                           return std::string(p.param.name);
                         });

// gnutls-serv binds every interface: it runs in a namespace of its own, with exprobe beside it.
nlohmann::json GnutlsScan(const std::string& priority) {
  const auto& cert = testsupport::SharedTestCertificate();
  std::string server = "exec gnutls-serv --x509certfile " + cert.cert_pem + " --x509keyfile " +
                       cert.key_pem + " -p 4433 --priority '" + priority + "'";
  std::string client = kExprobe + " tls 127.0.0.1:4433 --format json --timeout 20 || true";
  auto r = RunCommand({kPeers + "/in_netns.sh", "4433", server, client}, 60s);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  auto start = r.output.find('{');
  if (start == std::string::npos) return {};
  return nlohmann::json::parse(r.output.substr(start), nullptr, false);
}

std::set<std::string> SuitesOf(const nlohmann::json& doc, const std::string& version) {
  std::set<std::string> out;
  for (const auto& p : doc["protocols"]) {
    if (p["version"] != version) continue;
    for (const auto& s : p["cipher_suites"]) out.insert(s["id"].get<std::string>());
  }
  return out;
}

TEST(GnutlsPeerTest, Rc4OnlyServerIsWeakAndModernMissing) {
  if (!testsupport::HaveProgram("gnutls-serv")) GTEST_SKIP() << "gnutls-bin not installed";
  nlohmann::json doc = GnutlsScan(
      "NONE:+VERS-TLS1.2:+VERS-TLS1.1:+VERS-TLS1.0:+ARCFOUR-128:+RSA:+ECDHE-RSA:+SHA1:+MD5:+COMP-"
      "NULL:+SIGN-ALL:+CURVE-ALL");
  ASSERT_TRUE(doc.is_object());
  std::set<std::string> rc4 = {"0x0004", "0x0005", "0xC011"};
  for (const char* v : {"tls1.0", "tls1.1", "tls1.2"}) EXPECT_EQ(SuitesOf(doc, v), rc4) << v;
  auto ids = FindingIds(doc);
  EXPECT_TRUE(ids.count("tls.cipher.weak"));
  EXPECT_TRUE(ids.count("tls.protocol.modern_missing"));
  EXPECT_FALSE(ids.count("tls.cipher.strong_only"));
}

TEST(GnutlsPeerTest, TripleDesOnlyServerIsWeak) {
  if (!testsupport::HaveProgram("gnutls-serv")) GTEST_SKIP() << "gnutls-bin not installed";
  nlohmann::json doc = GnutlsScan(
      "NONE:+VERS-TLS1.2:+VERS-TLS1.1:+VERS-TLS1.0:+3DES-CBC:+RSA:+DHE-RSA:+ECDHE-RSA:+SHA1:+COMP-"
      "NULL:+SIGN-ALL:+CURVE-ALL");
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(SuitesOf(doc, "tls1.2"), (std::set<std::string>{"0x000A", "0x0016", "0xC012"}));
  const nlohmann::json* weak = nullptr;
  for (const auto& f : doc["findings"]) {
    if (f["id"] == "tls.cipher.weak") weak = &f;
  }
  ASSERT_NE(weak, nullptr);
  EXPECT_EQ((*weak)["severity"], "warning");  // 3DES: weak, but not NULL/EXPORT/anonymous
  EXPECT_NE((*weak)["evidence"].dump().find("SWEET32"), std::string::npos);
}

TEST(Ssl3PeerTest, ScriptedSsl3ServerIsDetected) {
  std::string error;
  auto server =
      testsupport::ChildProcess::Start({"/usr/bin/python3", kPeers + "/ssl3_server.py"}, &error);
  ASSERT_TRUE(server.has_value()) << error;
  auto line = server->WaitFor("PORT", 10s);
  ASSERT_TRUE(line.has_value()) << server->output();
  nlohmann::json doc =
      ExprobeJson("127.0.0.1:" + std::to_string(*testsupport::PortAfterColon(*line)));
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(Accepted(doc), (std::set<std::string>{"ssl3"}));
  EXPECT_EQ(SuitesOf(doc, "ssl3"), (std::set<std::string>{"0x000A", "0x0005"}));
  auto ids = FindingIds(doc);
  EXPECT_TRUE(ids.count("tls.protocol.ssl3_enabled"));
  EXPECT_TRUE(ids.count("tls.cipher.weak"));
  EXPECT_EQ(doc["exit_code"], 2);
}

nlohmann::json ScanScripted(const std::string& mode) {
  std::string error;
  auto server = testsupport::ChildProcess::Start(
      {"/usr/bin/python3", kPeers + "/ssl3_server.py", mode}, &error);
  EXPECT_TRUE(server.has_value()) << error;
  if (!server) return {};
  auto line = server->WaitFor("PORT", 10s);
  EXPECT_TRUE(line.has_value()) << server->output();
  if (!line) return {};
  return ExprobeJson("127.0.0.1:" + std::to_string(*testsupport::PortAfterColon(*line)));
}

TEST(Ssl2PeerTest, ScriptedSsl2ServerIsDetected) {
  nlohmann::json doc = ScanScripted("ssl2");
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(Accepted(doc), (std::set<std::string>{"ssl2"}));
  EXPECT_TRUE(FindingIds(doc).count("tls.protocol.ssl2_enabled"));
  EXPECT_EQ(doc["exit_code"], 2);
}

TEST(HandshakePeerTest, ServerThatClosesAfterItsServerHelloIsIncomplete) {
  nlohmann::json doc = ScanScripted("hello_then_close");
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(Accepted(doc), (std::set<std::string>{"tls1.2"}));
  auto ids = FindingIds(doc);
  EXPECT_TRUE(ids.count("tls.handshake.incomplete"));
  EXPECT_FALSE(ids.count("tls.protocol.ssl2_enabled"));
}

TEST(Ssl3PeerTest, ModernServerHasNoSsl3Finding) {
  std::string error;
  auto server = testsupport::OpensslServer::Start({}, &error);
  ASSERT_TRUE(server.has_value()) << error;
  nlohmann::json doc = ExprobeJson("127.0.0.1:" + std::to_string(server->port()));
  auto ids = FindingIds(doc);
  EXPECT_FALSE(ids.count("tls.protocol.ssl3_enabled"));
  EXPECT_FALSE(ids.count("tls.protocol.ssl2_enabled"));
  EXPECT_FALSE(ids.count("tls.cipher.weak"));
  EXPECT_FALSE(ids.count("tls.handshake.incomplete"));
}

}  // namespace
