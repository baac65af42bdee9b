// `exprobe cert` as a user runs it: exit codes, one-sentence argument errors, the JSON contract,
// and the msstd: principal on tlslab's wildcard listener, wrong and right.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/probe/tls/cert_test_support.h"
#include "tests/support/peers.h"

namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testsupport::RunCommand;

const auto* const kPrivateNetwork =
    ::testing::AddGlobalTestEnvironment(new certtest::PrivateNetworkEnvironment);

const std::string kExprobe = certtest::Program("exprobe");
constexpr char kHost[] = "mail.contoso.test";

int CountLines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

std::vector<std::string> CertArgs(int port, const std::string& ca_file,
                                  std::vector<std::string> extra) {
  std::string p = std::to_string(port);
  std::vector<std::string> argv = {kExprobe,
                                   "cert",
                                   std::string(kHost) + ":" + p,
                                   "--resolve",
                                   std::string(kHost) + ":" + p + ":127.0.0.1",
                                   "--ca-file",
                                   ca_file};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

certtest::Lab* LabOrFail() {
  std::string error;
  auto* lab = certtest::SharedLab(&error);
  EXPECT_NE(lab, nullptr) << error;
  return lab;
}

std::set<std::string> FindingIds(const json& doc) {
  std::set<std::string> out;
  for (const auto& f : doc["findings"]) out.insert(f["id"].get<std::string>());
  return out;
}

TEST(CertCliTest, BadArgumentsAreUnknownWithOneSentence) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {kExprobe, "cert"},
           {kExprobe, "cert", "mail.contoso.test:0"},
           {kExprobe, "cert", "mail.contoso.test", "--msstd", "mail.contoso.test"},
           {kExprobe, "cert", "mail.contoso.test", "--msstd", "fullsic:CN=mail"},
           {kExprobe, "cert", "mail.contoso.test", "--ca-file", "/nonexistent/ca.pem"},
           {kExprobe, "cert", "mail.contoso.test", "--ca-file", "/etc/hostname"},
           {kExprobe, "cert", "mail.contoso.test", "--warn-days", "5", "--crit-days", "10"},
           {kExprobe, "cert", "mail.contoso.test", "--warn-days", "-1"},
           {kExprobe, "cert", "mail.contoso.test", "--name", "mail.contoso.test:443"},
           {kExprobe, "cert", "mail.contoso.test", "--name", "bad name"},
           {kExprobe, "cert", "mail.contoso.test", "--sni", "a..b"},
           {kExprobe, "cert", "mail.contoso.test", "--format", "xml"},
           {kExprobe, "cert", "mail.contoso.test", "--timeout", "0"},
           {kExprobe, "cert", "mail.contoso.test", "--resolve", "nonsense"},
           {kExprobe, "cert", "mail.contoso.test", "--warn-days", "many"}}) {
    auto r = RunCommand(args, 10s);
    EXPECT_EQ(r.exit_code, 3) << args.back() << ": " << r.output;
    EXPECT_EQ(CountLines(r.output), 1) << r.output;
    EXPECT_EQ(r.output.rfind("exprobe: ", 0), 0u) << r.output;
  }
  auto r = RunCommand({kExprobe, "cert", "mail.contoso.test", "--msstd", "mail.contoso.test"}, 10s);
  EXPECT_EQ(r.output.rfind("exprobe: cert: --msstd", 0), 0u) << r.output;
}

TEST(CertCliTest, JsonContractOnTheLabWildcardCertificate) {
  auto* lab = LabOrFail();
  ASSERT_NE(lab, nullptr);
  auto r = RunCommand(CertArgs(lab->ports.at("wildcard"), lab->ca_file,
                               {"--name", "autodiscover.contoso.test", "--name", "contoso.test",
                                "--format", "json"}),
                      30s);
  ASSERT_EQ(r.exit_code, 1) << r.output;  // the default msstd: principal does not match: a warning
  json doc = json::parse(r.output);
  EXPECT_EQ(doc["schema"], "exprobe/1");
  EXPECT_EQ(doc["command"], "cert");
  EXPECT_EQ(doc["status"], "warning");
  EXPECT_EQ(doc["exit_code"], 1);
  EXPECT_EQ(doc["target"]["sni"], kHost);
  EXPECT_EQ(doc["trusted"], true);
  ASSERT_EQ(doc["chain"].size(), 2u);
  const json& leaf = doc["chain"][0];
  EXPECT_EQ(leaf["subject"], "CN=*.contoso.test,O=tlslab");
  EXPECT_EQ(leaf["issuer"], "CN=tlslab Test Intermediate CA,O=tlslab");
  EXPECT_EQ(leaf["san"], (std::vector<std::string>{"*.contoso.test", "contoso.test"}));
  EXPECT_TRUE(leaf["not_before"].is_string());
  EXPECT_TRUE(leaf["not_after"].get<std::string>().ends_with("Z"));
  EXPECT_EQ(leaf["key"]["type"], "RSA");
  EXPECT_EQ(leaf["key"]["bits"], 2048);
  EXPECT_EQ(leaf["signature"], "sha256WithRSAEncryption");
  EXPECT_EQ(leaf["sha256"].get<std::string>().size(), 95u);  // 32 bytes as XX:XX:...
  ASSERT_EQ(doc["built_chain"].size(), 3u);
  EXPECT_EQ(doc["built_chain"][2]["source"], "trust_store");

  // names: one row per (name, client).
  ASSERT_EQ(doc["names"].size(), 12u);
  std::set<std::string> clients;
  for (const auto& n : doc["names"]) {
    clients.insert(n["client"].get<std::string>());
    EXPECT_TRUE(n["match"].is_boolean());
    EXPECT_EQ(n["match"], true)
        << n.dump();  // mail., autodiscover. and the bare domain are all covered
  }
  EXPECT_EQ(clients, (std::set<std::string>{"rfc6125", "openssl", "schannel", "curl"}));

  const json& msstd = doc["msstd"];
  EXPECT_EQ(msstd["principal"], "msstd:mail.contoso.test");
  EXPECT_EQ(msstd["match"], false);
  EXPECT_EQ(msstd["suggested"], "msstd:*.contoso.test");
  ASSERT_EQ(msstd["clients"].size(), 2u);
  EXPECT_EQ(msstd["clients"][0]["client"], "windows_xp");
  EXPECT_EQ(msstd["clients"][0]["confidence"], "documented");
  EXPECT_EQ(msstd["clients"][1]["client"], "windows_vista_or_later");
  EXPECT_EQ(msstd["clients"][1]["confidence"], "uncertain");
  EXPECT_EQ(doc["sni"]["without_sni"]["same"], true);
  EXPECT_TRUE(doc["revocation"].is_array());

  EXPECT_EQ(FindingIds(doc),
            (std::set<std::string>{"cert.chain_ok", "cert.validity_ok", "cert.strength_ok",
                                   "cert.name_ok", "cert.wildcard", "cert.msstd_mismatch",
                                   "cert.sni_ok"}));
  for (const auto& f : doc["findings"]) {
    for (const char* key :
         {"id", "severity", "summary", "evidence", "cause", "remediation", "references"}) {
      EXPECT_TRUE(f.contains(key)) << key << " missing in " << f.dump();
    }
  }
}

TEST(CertCliTest, RightPrincipalMakesTheWildcardCertificateOk) {
  auto* lab = LabOrFail();
  ASSERT_NE(lab, nullptr);
  auto r = RunCommand(
      CertArgs(lab->ports.at("wildcard"), lab->ca_file, {"--msstd", "msstd:*.contoso.test"}), 30s);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("OK       cert.msstd_ok: msstd:*.contoso.test matches"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("INFO     cert.wildcard"), std::string::npos) << r.output;
  auto wrong = RunCommand(CertArgs(lab->ports.at("wildcard"), lab->ca_file, {}), 30s);
  EXPECT_EQ(wrong.exit_code, 1) << wrong.output;
  EXPECT_NE(
      wrong.output.find("fix: Set-OutlookProvider EXPR -CertPrincipalName msstd:*.contoso.test"),
      std::string::npos)
      << wrong.output;
  auto skipped = RunCommand(
      CertArgs(lab->ports.at("wildcard"), lab->ca_file, {"--msstd", "none", "--format", "json"}),
      30s);
  EXPECT_EQ(skipped.exit_code, 0) << skipped.output;
  EXPECT_TRUE(json::parse(skipped.output)["msstd"].is_null());
}

TEST(CertCliTest, ExitCodesFollowTheWorstFinding) {
  auto* lab = LabOrFail();
  ASSERT_NE(lab, nullptr);
  auto expired =
      RunCommand(CertArgs(lab->ports.at("expired"), lab->ca_file, {"--msstd", "none"}), 30s);
  EXPECT_EQ(expired.exit_code, 2) << expired.output;
  EXPECT_NE(expired.output.find("CRITICAL cert.expired"), std::string::npos) << expired.output;
  auto san = RunCommand(
      CertArgs(lab->ports.at("san"), lab->ca_file, {"--warn-days", "3650", "--crit-days", "1"}),
      30s);
  EXPECT_EQ(san.exit_code, 1) << san.output;  // 89 days left is within 3650
  EXPECT_NE(san.output.find("WARNING  cert.expires_soon"), std::string::npos) << san.output;
  int closed = testsupport::ClosedPort();
  auto refused =
      RunCommand({kExprobe, "cert", "127.0.0.1:" + std::to_string(closed), "--timeout", "3"}, 10s);
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
  EXPECT_NE(refused.output.find("CRITICAL net.unreachable"), std::string::npos) << refused.output;
}

TEST(CertCliTest, RevokedCertificateOverCrlAndOcsp) {
  const auto& f = certtest::SharedFixtures();
  ASSERT_TRUE(f.ok()) << f.error;
  std::string error;
  auto server = certtest::StartServer("revoked", {}, &error);
  ASSERT_TRUE(server.has_value()) << error;
  auto r = RunCommand(CertArgs(server->port, f.RootCa(), {"--format", "json"}), 30s);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  json doc = json::parse(r.output);
  EXPECT_TRUE(FindingIds(doc).count("cert.revoked")) << r.output;
  std::set<std::string> revoked_by;
  for (const auto& c : doc["revocation"]) {
    if (c["status"] == "revoked") revoked_by.insert(c["method"].get<std::string>());
  }
  std::set<std::string> expected = {"crl"};
  if (f.ocsp_port) expected.insert("ocsp");
  EXPECT_EQ(revoked_by, expected) << doc["revocation"].dump(2);
  auto skipped =
      RunCommand(CertArgs(server->port, f.RootCa(), {"--no-revocation", "--format", "json"}), 30s);
  EXPECT_EQ(skipped.exit_code, 0) << skipped.output;
  EXPECT_TRUE(json::parse(skipped.output)["revocation"].empty());
}

TEST(CertCliTest, FetchAiaRepairsTheChainLikeWindows) {
  const auto& f = certtest::SharedFixtures();
  ASSERT_TRUE(f.ok()) << f.error;
  std::string error;
  auto server = certtest::StartServer("good", {}, &error, "");
  ASSERT_TRUE(server.has_value()) << error;
  auto plain = RunCommand(CertArgs(server->port, f.RootCa(), {"--format", "json"}), 30s);
  json a = json::parse(plain.output);
  EXPECT_EQ(a["trusted"], false);
  EXPECT_EQ(a["trust"]["complete"], false);
  EXPECT_EQ(a["trust"]["aia_urls"][0], f.http_base + "/int.der");
  auto fetched =
      RunCommand(CertArgs(server->port, f.RootCa(), {"--fetch-aia", "--format", "json"}), 30s);
  json b = json::parse(fetched.output);
  EXPECT_EQ(b["trusted"], true) << fetched.output;
  EXPECT_EQ(b["trust"]["complete"], false);
  EXPECT_EQ(b["trust"]["aia_fetched"][0]["ok"], true);
  EXPECT_EQ(b["built_chain"][1]["source"], "aia");
  EXPECT_EQ(fetched.exit_code, 1) << fetched.output;  // chain_incomplete stays a warning
}

}  // namespace
