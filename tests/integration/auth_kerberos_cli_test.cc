// `exprobe auth --scheme kerberos` end to end: a private MIT KDC on 127.0.0.1 (tests/peers/
// kdc.sh, realm LAB.TEST) and Apache 2.4 + mod_auth_gssapi over HTTPS accepting Kerberos only
// with the KDC's HTTP/localhost keytab (tests/peers/apache_ntlm.sh ... tls kerberos). The same
// Apache is the real Kerberos-only acceptor for auth.kerberos_only.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "tests/support/peers.h"

namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using testsupport::RunCommand;

const std::string kExprobe = std::string(EXPROBE_BIN_DIR) + "/exprobe";
const std::string kPeers = std::string(EXPROBE_SOURCE_DIR) + "/tests/peers/";

bool HavePeers() {
  for (const char* p : {"/usr/sbin/krb5kdc", "/usr/sbin/kdb5_util", "/usr/sbin/kadmin.local",
                        "/usr/sbin/apache2", "/usr/lib/apache2/modules/mod_auth_gssapi.so"})
    if (!fs::exists(p)) return false;
  return testsupport::HaveProgram("kinit");
}

class AuthKerberosCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!HavePeers()) return;
    char tmpl[] = "/tmp/exprobe-authkrb-XXXXXX";
    dir_ = mkdtemp(tmpl);
    // Apache started as root serves as www-data, which must reach the document root inside.
    fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                              fs::perms::others_read | fs::perms::others_exec);
    std::string error;
    auto kdc = testsupport::StartKdc(dir_ + "/kdc", &error);
    ASSERT_TRUE(kdc) << error;
    kdc_ = new testsupport::Kdc(std::move(*kdc));
    env_ = kdc_->env;

    const auto& cert = testsupport::SharedTestCertificate();
    ASSERT_FALSE(cert.cert_pem.empty());
    fs::create_directories(dir_ + "/apache");
    fs::copy_file(cert.cert_pem, dir_ + "/apache/cert.pem");
    fs::copy_file(cert.key_pem, dir_ + "/apache/key.pem");
    ca_file_ = dir_ + "/apache/cert.pem";
    port_ = testsupport::ClosedPort();
    auto apache = testsupport::ChildProcess::Start(
        {"env", "KRB5_CONFIG=" + env_["KRB5_CONFIG"], "KRB5_KTNAME=" + env_["KRB5_KTNAME"], "bash",
         kPeers + "apache_ntlm.sh", dir_ + "/apache", std::to_string(port_), "tls", "kerberos"},
        &error);
    ASSERT_TRUE(apache) << error;
    apache_ = new testsupport::ChildProcess(std::move(*apache));
    for (int i = 0; i < 200 && !testsupport::Accepts(port_); ++i) std::this_thread::sleep_for(25ms);
    ASSERT_TRUE(testsupport::Accepts(port_)) << apache_->output();

    // An SPN registered on another account than the one whose key Apache holds (an Alternate
    // Service Account credential not deployed): the KDC issues tickets Apache cannot read.
    auto added = RunCommand({"env", "KRB5_CONFIG=" + env_["KRB5_CONFIG"],
                             "KRB5_KDC_PROFILE=" + env_["KRB5_KDC_PROFILE"], "kadmin.local", "-q",
                             "addprinc -randkey HTTP/elsewhere.lab.test@LAB.TEST"},
                            20s);
    ASSERT_EQ(added.exit_code, 0) << added.output;
    cache_ = "FILE:" + dir_ + "/alice.cc";
    auto r = RunCommand(
        {"env", "KRB5_CONFIG=" + env_["KRB5_CONFIG"], "KRB5CCNAME=" + cache_, "bash", "-c",
         "kinit alice@LAB.TEST <\"$1\" >/dev/null", "kinit", env_["KRB5_ALICE_PASSWORD_FILE"]},
        20s);
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  static void TearDownTestSuite() {
    delete apache_;  // SIGTERM to the recorded PIDs (both scripts exec their server)
    apache_ = nullptr;
    delete kdc_;
    kdc_ = nullptr;
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  void SetUp() override {
    if (!HavePeers()) GTEST_SKIP() << "MIT KDC or apache2 + mod_auth_gssapi not installed";
    ASSERT_NE(apache_, nullptr);
  }

  // exprobe auth against the Kerberos-only Apache; returns the JSON report.
  static nlohmann::json Auth(std::vector<std::string> extra, int* exit_code, std::string* raw) {
    std::vector<std::string> argv = {
        "env",
        "KRB5_CONFIG=" + env_["KRB5_CONFIG"],
        "KRB5CCNAME=FILE:" + dir_ + "/none.cc",
        "EXPROBE_TEST_PW=wrong-anyway",
        kExprobe,
        "auth",
        "https://localhost:" + std::to_string(port_) + "/ews/index.html",
        "--ca-file",
        ca_file_,
        "--format",
        "json",
        "--timeout",
        "20"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto r = RunCommand(argv, 60s);
    *exit_code = r.exit_code;
    *raw = r.output;
    auto start = r.output.find('{');
    if (start == std::string::npos) return {};
    return nlohmann::json::parse(r.output.substr(start), nullptr, false);
  }

  static std::vector<std::string> FindingIds(const nlohmann::json& doc) {
    std::vector<std::string> ids;
    for (const auto& f : doc["findings"]) ids.push_back(f["id"].get<std::string>());
    return ids;
  }

  static inline std::string dir_, ca_file_, cache_;
  static inline std::map<std::string, std::string> env_;
  static inline int port_ = 0;
  static inline testsupport::Kdc* kdc_ = nullptr;
  static inline testsupport::ChildProcess* apache_ = nullptr;
};

TEST_F(AuthKerberosCliTest, TicketAuthenticatesWithMutualAuthentication) {
  int rc = -1;
  std::string raw;
  auto doc = Auth({"--scheme", "kerberos", "--ccache", cache_}, &rc, &raw);
  EXPECT_EQ(rc, 0) << raw;
  EXPECT_EQ(doc["outcome"], "authenticated") << raw;
  EXPECT_EQ(FindingIds(doc), std::vector<std::string>{"auth.ok"});
  EXPECT_EQ(doc["legs"].size(), 2u);
  EXPECT_EQ(doc["legs"][0]["offered"], nlohmann::json{"Negotiate"});
  EXPECT_EQ(doc["kerberos"]["spn"], "HTTP@localhost");
  EXPECT_EQ(doc["kerberos"]["client_principal"], "alice@LAB.TEST");
  EXPECT_EQ(doc["kerberos"]["mutual"], true);
  EXPECT_EQ(doc["attempts"], 0) << "a Kerberos ticket risks no lockout";
}

TEST_F(AuthKerberosCliTest, NoTicketSaysWhyAndStopsWithoutCredentials) {
  int rc = -1;
  std::string raw;
  auto doc = Auth({"--scheme", "kerberos"}, &rc, &raw);  // KRB5CCNAME names an empty cache
  EXPECT_EQ(rc, 3) << raw;
  EXPECT_EQ(FindingIds(doc), std::vector<std::string>{"auth.kerberos_unavailable"}) << raw;
  EXPECT_NE(doc["findings"][0]["summary"].get<std::string>().find("no_credentials"),
            std::string::npos)
      << raw;
  EXPECT_EQ(doc["legs"].size(), 1u) << "nothing but the anonymous request went out";
}

TEST_F(AuthKerberosCliTest, UnknownSpnIsNamed) {
  int rc = -1;
  std::string raw;
  auto doc = Auth({"--scheme", "kerberos", "--ccache", cache_, "--spn", "HTTP@unknown.lab.test"},
                  &rc, &raw);
  EXPECT_EQ(rc, 3) << raw;
  ASSERT_EQ(FindingIds(doc), std::vector<std::string>{"auth.kerberos_unavailable"}) << raw;
  EXPECT_NE(doc["findings"][0]["summary"].get<std::string>().find("server_principal_unknown"),
            std::string::npos)
      << raw;
}

// A ticket for an SPN whose key Apache does not hold: the server refuses it.
TEST_F(AuthKerberosCliTest, TicketForAnotherPrincipalIsRejected) {
  int rc = -1;
  std::string raw;
  auto doc = Auth(
      {"--scheme", "kerberos", "--ccache", cache_, "--spn", "HTTP/elsewhere.lab.test@LAB.TEST"},
      &rc, &raw);
  EXPECT_EQ(rc, 2) << raw;
  EXPECT_EQ(FindingIds(doc), std::vector<std::string>{"auth.kerberos_rejected"}) << raw;
}

// Without a ticket but with an account, exprobe goes on with NTLM inside Negotiate like Windows;
// Apache accepting Kerberos only refuses it: the Kerberos-only diagnosis.
TEST_F(AuthKerberosCliTest, NtlmFallbackAgainstAKerberosOnlyServerIsKerberosOnly) {
  int rc = -1;
  std::string raw;
  auto doc = Auth({"--scheme", "kerberos", "-u", "LAB\\alice", "--password-env", "EXPROBE_TEST_PW"},
                  &rc, &raw);
  EXPECT_EQ(rc, 2) << raw;
  EXPECT_EQ(FindingIds(doc),
            (std::vector<std::string>{"auth.kerberos_unavailable", "auth.kerberos_only"}))
      << raw;
  EXPECT_EQ(doc["attempts"], 0) << "NTLM was refused before any AUTHENTICATE went out";
  // Asked for NTLM inside Negotiate directly, the same diagnosis.
  doc = Auth({"--scheme", "negotiate", "-u", "LAB\\alice", "--password-env", "EXPROBE_TEST_PW"},
             &rc, &raw);
  EXPECT_EQ(FindingIds(doc), std::vector<std::string>{"auth.kerberos_only"}) << raw;
  // And raw NTLM is not even offered.
  doc = Auth({"--scheme", "ntlm", "-u", "LAB\\alice", "--password-env", "EXPROBE_TEST_PW"}, &rc,
             &raw);
  EXPECT_EQ(FindingIds(doc), std::vector<std::string>{"auth.no_common_scheme"}) << raw;
}

}  // namespace
