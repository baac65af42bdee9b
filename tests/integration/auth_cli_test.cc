// `exprobe auth` end to end against a real NTLM acceptor nobody on the project wrote: Apache 2.4
// + mod_auth_gssapi 1.6.4 + gss-ntlmssp, started from a private config (tests/peers/
// apache_ntlm.sh) on 127.0.0.1 over HTTPS with a test certificate, and stopped by its PID.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/support/peers.h"

namespace {

using namespace std::chrono_literals;
using testsupport::RunCommand;

const std::string kExprobe = std::string(EXPROBE_BIN_DIR) + "/exprobe";
const std::string kScript = std::string(EXPROBE_SOURCE_DIR) + "/tests/peers/apache_ntlm.sh";
constexpr char kPassword[] = "Secret-123";  // the user file's password for LAB\alice

std::string HexByte(unsigned char b) {
  const char* digits = "0123456789abcdef";
  return {digits[b >> 4], digits[b & 15]};
}

class AuthCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!std::filesystem::exists("/usr/sbin/apache2") ||
        !std::filesystem::exists("/usr/lib/apache2/modules/mod_auth_gssapi.so"))
      return;
    const auto& cert = testsupport::SharedTestCertificate();
    if (cert.cert_pem.empty()) return;
    char tmpl[] = "/tmp/exprobe-apache-XXXXXX";
    dir_ = mkdtemp(tmpl);
    std::filesystem::copy_file(cert.cert_pem, dir_ + "/cert.pem");
    std::filesystem::copy_file(cert.key_pem, dir_ + "/key.pem");
    ca_file_ = dir_ + "/cert.pem";
    port_ = testsupport::ClosedPort();
    std::string error;
    auto process = testsupport::ChildProcess::Start(
        {"bash", kScript, dir_, std::to_string(port_), "tls"}, &error);
    ASSERT_TRUE(process) << error;
    apache_ = new testsupport::ChildProcess(std::move(*process));
    for (int i = 0; i < 100 && !testsupport::Accepts(port_); ++i) std::this_thread::sleep_for(50ms);
    ASSERT_TRUE(testsupport::Accepts(port_)) << apache_->output();
  }
  static void TearDownTestSuite() {
    delete apache_;  // SIGTERM to the recorded PID (the script execs apache2)
    apache_ = nullptr;
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  void SetUp() override {
    if (apache_ == nullptr) GTEST_SKIP() << "apache2 + mod_auth_gssapi not installed";
  }

  static std::string Url() {
    return "https://localhost:" + std::to_string(port_) + "/ews/index.html";
  }

  // Runs exprobe auth with the password in an environment variable; returns the JSON report.
  static nlohmann::json Auth(const std::string& password, std::vector<std::string> extra,
                             int* exit_code, std::string* raw = nullptr) {
    std::vector<std::string> argv = {"env",
                                     "EXPROBE_TEST_PW=" + password,
                                     kExprobe,
                                     "auth",
                                     Url(),
                                     "-u",
                                     "LAB\\alice",
                                     "--password-env",
                                     "EXPROBE_TEST_PW",
                                     "--ca-file",
                                     ca_file_,
                                     "--format",
                                     "json",
                                     "--timeout",
                                     "20"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto r = RunCommand(argv, 60s);
    *exit_code = r.exit_code;
    if (raw) *raw = r.output;
    auto start = r.output.find('{');
    if (start == std::string::npos) return {};
    return nlohmann::json::parse(r.output.substr(start), nullptr, false);
  }

  static std::vector<std::string> FindingIds(const nlohmann::json& doc) {
    std::vector<std::string> ids;
    for (const auto& f : doc["findings"]) ids.push_back(f["id"].get<std::string>());
    return ids;
  }

  static inline std::string dir_;
  static inline std::string ca_file_;
  static inline int port_ = 0;
  static inline testsupport::ChildProcess* apache_ = nullptr;
};

TEST_F(AuthCliTest, RightPasswordAuthenticatesOnOneConnection) {
  int rc = -1;
  std::string raw;
  auto doc = Auth(kPassword, {}, &rc, &raw);
  ASSERT_TRUE(doc.is_object()) << raw;
  EXPECT_EQ(rc, 0) << raw;
  EXPECT_EQ(doc["schema"], "exprobe/1");
  EXPECT_EQ(doc["command"], "auth");
  EXPECT_EQ(doc["outcome"], "authenticated");
  EXPECT_EQ(FindingIds(doc), std::vector<std::string>{"auth.ok"});
  ASSERT_EQ(doc["legs"].size(), 3u);
  EXPECT_EQ(doc["legs"][0]["offered"], (nlohmann::json{"Negotiate", "NTLM"}));
  EXPECT_TRUE(doc["legs"][0]["connection"]["new"].get<bool>());
  for (int i = 1; i < 3; ++i) {
    EXPECT_FALSE(doc["legs"][i]["connection"]["new"].get<bool>());
    EXPECT_EQ(doc["legs"][i]["connection"]["local_port"],
              doc["legs"][0]["connection"]["local_port"]);
  }
  EXPECT_EQ(doc["legs"][2]["status"], 200);
  EXPECT_EQ(doc["legs"][1]["received"]["scheme"], "NTLM");
  EXPECT_EQ(raw.find(kPassword), std::string::npos) << "the password leaked into the report";
}

TEST_F(AuthCliTest, NegotiateCarryingNtlmAuthenticates) {
  int rc = -1;
  auto doc = Auth(kPassword, {"--scheme", "negotiate"}, &rc);
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(doc["outcome"], "authenticated");
  EXPECT_EQ(doc["scheme"], "Negotiate");
}

// MD5 of the gss_channel_bindings_struct over "tls-server-end-point:" + SHA-256(leaf DER),
// computed here independently of exprobe from the certificate file Apache serves.
std::string ExpectedChannelBinding(const std::string& cert_pem) {
  FILE* f = std::fopen(cert_pem.c_str(), "r");
  X509* cert = f ? PEM_read_X509(f, nullptr, nullptr, nullptr) : nullptr;
  if (f) std::fclose(f);
  if (!cert) return "";
  unsigned char* der = nullptr;
  int der_len = i2d_X509(cert, &der);
  X509_free(cert);
  unsigned char sha[32];
  unsigned int sha_len = 0;
  EVP_Digest(der, static_cast<size_t>(der_len), sha, &sha_len, EVP_sha256(), nullptr);
  OPENSSL_free(der);
  std::string app = "tls-server-end-point:" + std::string(reinterpret_cast<char*>(sha), sha_len);
  std::string gss(16, '\0');
  for (int i = 0; i < 4; ++i) gss.push_back(static_cast<char>((app.size() >> (8 * i)) & 0xff));
  gss += app;
  unsigned char md5[16];
  unsigned int md5_len = 0;
  EVP_Digest(gss.data(), gss.size(), md5, &md5_len, EVP_md5(), nullptr);
  std::string hex;
  for (unsigned char b : md5) hex += HexByte(b);
  return hex;
}

// The MsvAvChannelBindings value in the AUTHENTICATE of leg 3, "" when absent.
std::string SentChannelBinding(const nlohmann::json& doc) {
  std::string text = doc["legs"][2]["sent"]["token"].dump();
  auto at = text.find("\"MsvAvChannelBindings\",\"value\":\"");
  if (at == std::string::npos) return "";
  at = text.find("\"value\":\"", at) + 9;
  return text.substr(at, 32);
}

TEST_F(AuthCliTest, CorrectChannelBindingHashesTheServedCertificate) {
  int rc = -1;
  auto doc = Auth(kPassword, {}, &rc);
  EXPECT_EQ(doc["cbt"], "correct");
  std::string expected = ExpectedChannelBinding(ca_file_);
  ASSERT_EQ(expected.size(), 32u);
  EXPECT_EQ(SentChannelBinding(doc), expected);
  doc = Auth(kPassword, {"--cbt", "omit"}, &rc);
  EXPECT_EQ(rc, 0) << "Apache never checks channel bindings";
  EXPECT_EQ(SentChannelBinding(doc), "");
}

TEST_F(AuthCliTest, CheckSharingFindsNoSharingOnApache) {
  int rc = -1;
  std::string raw;
  auto doc = Auth(kPassword, {"--check-sharing"}, &rc, &raw);
  EXPECT_EQ(rc, 0) << raw;
  EXPECT_EQ(FindingIds(doc), std::vector<std::string>{"auth.ok"});
  // The handshake (3 legs), an anonymous request on a new connection, then a second handshake
  // left half done (NEGOTIATE only) and another anonymous request interleaved with it.
  ASSERT_EQ(doc["legs"].size(), 6u);
  for (int i : {3, 5}) {
    EXPECT_EQ(doc["legs"][i]["status"], 401);
    EXPECT_TRUE(doc["legs"][i]["connection"]["new"].get<bool>());
    EXPECT_FALSE(doc["legs"][i].contains("sent"));
  }
  EXPECT_EQ(doc["legs"][4]["received"]["scheme"], "NTLM");
  EXPECT_EQ(doc["attempts"], 1) << "check-sharing sends no credentials";
}

// Apache never checks channel bindings: every mode authenticates, which --probe-epa reports as
// Extended Protection not enforced, within a budget of three attempts.
TEST_F(AuthCliTest, ProbeEpaOnApacheFindsBindingsNotEnforced) {
  int rc = -1;
  std::string raw;
  auto doc = Auth(kPassword, {"--probe-epa"}, &rc, &raw);
  EXPECT_EQ(rc, 0) << raw;
  EXPECT_EQ(FindingIds(doc), (std::vector<std::string>{"auth.ok", "auth.epa_not_enforced"})) << raw;
  ASSERT_EQ(doc["epa_trials"].size(), 2u) << raw;
  EXPECT_EQ(doc["epa_trials"][0]["cbt"], "omit");
  EXPECT_EQ(doc["epa_trials"][1]["cbt"], "wrong");
  EXPECT_EQ(doc["attempts"], 3);
  // A budget of two stops the probe before the third attempt, and says so.
  doc = Auth(kPassword, {"--probe-epa", "--attempt-budget", "2"}, &rc, &raw);
  EXPECT_EQ(doc["attempts"], 2) << raw;
  EXPECT_EQ(doc["epa_trials"].size(), 1u);
  ASSERT_EQ(doc["notes"].size(), 1u) << raw;
  EXPECT_NE(doc["notes"][0].get<std::string>().find("attempt budget"), std::string::npos);
  EXPECT_EQ(FindingIds(doc), std::vector<std::string>{"auth.ok"}) << "omit alone proves nothing";
}

// With a wrong password --probe-epa tries once without a binding (a re-terminated TLS would
// pass there), then stops: two refusals and no success.
TEST_F(AuthCliTest, ProbeEpaWithAWrongPasswordStopsAfterTwoRefusals) {
  int rc = -1;
  std::string raw;
  auto doc = Auth("not-the-password", {"--probe-epa"}, &rc, &raw);
  EXPECT_EQ(rc, 2) << raw;
  EXPECT_EQ(FindingIds(doc), std::vector<std::string>{"auth.credentials_rejected"});
  EXPECT_EQ(doc["attempts"], 2);
  ASSERT_EQ(doc["epa_trials"].size(), 1u);
  EXPECT_EQ(doc["epa_trials"][0]["outcome"], "rejected");
  EXPECT_NE(raw.find("two handshakes were refused"), std::string::npos) << raw;
}

TEST_F(AuthCliTest, MethodBodyAndHeadersRideEveryLeg) {
  int rc = -1;
  std::string raw;
  std::string body_file = dir_ + "/body.xml";
  {
    std::ofstream out(body_file);
    out << "<soap:Envelope/>";
  }
  auto doc = Auth(kPassword,
                  {"--method", "POST", "--body", "@" + body_file, "--header",
                   "Content-Type: text/xml", "--header", "X-AnchorMailbox: alice@lab.test", "-v"},
                  &rc, &raw);
  EXPECT_EQ(doc["outcome"], "authenticated") << raw;
  for (const auto& leg : doc["legs"]) EXPECT_EQ(leg["method"], "POST");
  // -v traces the request headers on stderr (merged into the output here).
  EXPECT_NE(raw.find("POST /ews/index.html"), std::string::npos) << raw;
  EXPECT_NE(raw.find("X-AnchorMailbox: alice@lab.test"), std::string::npos) << raw;
  EXPECT_NE(raw.find("Content-Length: 16"), std::string::npos) << raw;
  for (const auto& bad :
       std::vector<std::vector<std::string>>{{"--header", "Authorization: NTLM x"},
                                             {"--header", "no colon"},
                                             {"--body", "@/nonexistent/body"},
                                             {"--method", "GET POST"}}) {
    Auth(kPassword, bad, &rc, &raw);
    EXPECT_EQ(rc, 3) << bad[1] << ": " << raw;
  }
}

// Secrets are masked by default (a length and a fingerprint); --show-secrets prints them.
TEST_F(AuthCliTest, ShowSecretsUnmasksResponsesButNeverThePassword) {
  int rc = -1;
  std::string raw;
  auto masked = Auth(kPassword, {}, &rc, &raw);
  std::string token = masked["legs"][2]["sent"]["token"].dump();
  EXPECT_NE(token.find("\"masked\":true"), std::string::npos) << token;
  EXPECT_EQ(masked["secrets_shown"], false);
  auto shown = Auth(kPassword, {"--show-secrets"}, &rc, &raw);
  token = shown["legs"][2]["sent"]["token"].dump();
  EXPECT_EQ(token.find("\"masked\":true"), std::string::npos) << token;
  EXPECT_NE(token.find("\"masked\":false"), std::string::npos) << token;
  EXPECT_EQ(shown["secrets_shown"], true);
  EXPECT_EQ(raw.find(kPassword), std::string::npos) << "the password leaked into the report";
}

TEST_F(AuthCliTest, WrongPasswordIsRejectedAndRunStops) {
  int rc = -1;
  std::string raw;
  auto doc = Auth("not-the-password", {}, &rc, &raw);
  EXPECT_EQ(rc, 2) << raw;
  EXPECT_EQ(doc["outcome"], "rejected");
  EXPECT_EQ(FindingIds(doc), std::vector<std::string>{"auth.credentials_rejected"});
  EXPECT_EQ(doc["legs"].size(), 3u) << "one AUTHENTICATE only (lockout-safe)";
  EXPECT_EQ(raw.find("not-the-password"), std::string::npos);
}

TEST_F(AuthCliTest, NewConnectionPerLegIsConnectionNotKept) {
  int rc = -1;
  auto doc = Auth(kPassword, {"--new-connection-per-leg"}, &rc);
  EXPECT_EQ(rc, 2);
  EXPECT_EQ(FindingIds(doc), std::vector<std::string>{"auth.ntlm.connection_not_kept"});
  EXPECT_NE(doc["legs"][2]["connection"]["local_port"], doc["legs"][1]["connection"]["local_port"]);
}

TEST_F(AuthCliTest, PlainHttpIsRefusedWithoutSendingCredentials) {
  std::vector<std::string> argv = {"env",
                                   "EXPROBE_TEST_PW=x",
                                   kExprobe,
                                   "auth",
                                   "http://127.0.0.1:" + std::to_string(port_) + "/ews/",
                                   "-u",
                                   "LAB\\alice",
                                   "--password-env",
                                   "EXPROBE_TEST_PW",
                                   "--format",
                                   "json"};
  auto r = RunCommand(argv, 30s);
  auto doc = nlohmann::json::parse(r.output.substr(r.output.find('{')), nullptr, false);
  EXPECT_EQ(FindingIds(doc), std::vector<std::string>{"auth.insecure_transport"});
  EXPECT_TRUE(doc["legs"].empty());
  EXPECT_NE(r.exit_code, 0);
}

TEST_F(AuthCliTest, UntrustedCertificateIsAnErrorUnlessInsecure) {
  std::vector<std::string> argv = {"env",
                                   "EXPROBE_TEST_PW=" + std::string(kPassword),
                                   kExprobe,
                                   "auth",
                                   Url(),
                                   "-u",
                                   "LAB\\alice",
                                   "--password-env",
                                   "EXPROBE_TEST_PW",
                                   "--format",
                                   "json"};
  auto r = RunCommand(argv, 30s);
  EXPECT_EQ(r.exit_code, 3) << r.output;
  argv.push_back("--insecure");
  r = RunCommand(argv, 30s);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  auto doc = nlohmann::json::parse(r.output.substr(r.output.find('{')), nullptr, false);
  EXPECT_FALSE(doc["certificate_verification"].get<bool>());
}

}  // namespace
