// The exprobe binary: exit codes, one-sentence errors, and the JSON contract.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/peers.h"

namespace {

using namespace std::chrono_literals;
using testsupport::RunCommand;

const std::string kExprobe = std::string(EXPROBE_BIN_DIR) + "/exprobe";

int CountLines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

TEST(CliTest, BadArgumentsAreUnknownWithOneSentence) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {kExprobe, "tls"},
           {kExprobe, "tls", "mail.contoso.test:99999"},
           {kExprobe, "tls", "mail.contoso.test", "--resolve", "nonsense"},
           {kExprobe, "tls", "mail.contoso.test", "--format", "xml"},
           {kExprobe, "tls", "mail.contoso.test", "--timeout", "-1"},
           {kExprobe, "tls", "mail.contoso.test", "--no-such-option"},
           {kExprobe, "frobnicate"}}) {
    auto r = RunCommand(args, 10s);
    EXPECT_EQ(r.exit_code, 3) << args.back() << ": " << r.output;
    EXPECT_EQ(CountLines(r.output), 1) << r.output;
    EXPECT_EQ(r.output.rfind("exprobe: ", 0), 0u) << r.output;
  }
}

TEST(CliTest, JsonReportAgainstARealServer) {
  std::string error;
  auto server = testsupport::OpensslServer::Start({"-tls1_2", "-cipher", "ECDHE+AESGCM"}, &error);
  ASSERT_TRUE(server.has_value()) << error;
  auto r = RunCommand({kExprobe, "tls", "127.0.0.1:" + std::to_string(server->port()), "--sni",
                       "localhost", "--format", "json"},
                      20s);
  // The test certificate is self-signed: the certificate findings make the run CRITICAL.
  ASSERT_EQ(r.exit_code, 2) << r.output;
  auto doc = nlohmann::json::parse(r.output);
  EXPECT_EQ(doc["schema"], "exprobe/1");
  EXPECT_EQ(doc["status"], "critical");
  EXPECT_EQ(doc["certificate"]["trusted"], false);
  EXPECT_EQ(doc["certificate"]["built_chain"][0]["common_name"], "localhost");
  bool self_signed = false;
  for (const auto& f : doc["findings"]) self_signed |= f["id"] == "cert.self_signed";
  EXPECT_TRUE(self_signed) << r.output;
  EXPECT_EQ(doc["target"]["sni"], "localhost");
  EXPECT_EQ(doc["target"]["port"], server->port());
  std::vector<std::string> versions;
  for (const auto& p : doc["protocols"]) {
    versions.push_back(p["version"]);
    EXPECT_EQ(p["accepted"], p["version"] == "tls1.2") << p.dump();
  }
  EXPECT_EQ(versions,
            (std::vector<std::string>{"ssl2", "ssl3", "tls1.0", "tls1.1", "tls1.2", "tls1.3"}));
  EXPECT_EQ(doc["certificate_chain"][0]["common_name"], "localhost");
}

TEST(CliTest, RefusedPortIsCriticalExitTwo) {
  int port = testsupport::ClosedPort();
  auto r =
      RunCommand({kExprobe, "tls", "127.0.0.1:" + std::to_string(port), "--timeout", "3"}, 10s);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("CRITICAL net.unreachable"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("refused"), std::string::npos) << r.output;
}

TEST(CliTest, FindingsCatalogueIsListed) {
  auto r = RunCommand({kExprobe, "findings", "--format", "json"}, 10s);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto doc = nlohmann::json::parse(r.output);
  ASSERT_TRUE(doc.is_array());
  bool has_legacy = false;
  for (const auto& e : doc) has_legacy |= e["id"] == "tls.protocol.legacy_enabled";
  EXPECT_TRUE(has_legacy);
}

}  // namespace
