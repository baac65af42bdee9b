// KerberosClient against real Kerberos: a private MIT KDC on 127.0.0.1 (tests/peers/kdc.sh,
// realm LAB.TEST) and Apache 2.4 + mod_auth_gssapi accepting Kerberos only with the KDC's
// HTTP/localhost keytab (tests/peers/apache_ntlm.sh ... kerberos). gss-ntlmssp is installed on
// the same machine, which is what makes the "Kerberos only" SPNEGO assertions meaningful.
#include "probe/auth/kerberos.h"

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "probe/auth/base64.h"
#include "probe/auth/gss_mechs.h"
#include "probe/auth/spnego.h"
#include "probe/auth/token.h"
#include "probe/http/http_client.h"
#include "tests/support/peers.h"

// gss-ntlmssp 1.2.0 leaks the MD4 it fetches from OpenSSL each time it reads NTLM_USER_FILE
// (its acquire_cred path); that leak is the plugin's, not ours. The slow unwinder is needed to
// see the plugin's frame beneath libcrypto's (built without frame pointers).
extern "C" const char* __lsan_default_suppressions() { return "leak:gssntlmssp.so\n"; }
extern "C" const char* __asan_default_options() { return "fast_unwind_on_malloc=0"; }

namespace probe::auth {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using testsupport::RunCommand;

const std::string kPeers = std::string(EXPROBE_SOURCE_DIR) + "/tests/peers/";

bool HaveKdc() {
  for (const char* p : {"/usr/sbin/krb5kdc", "/usr/sbin/kdb5_util", "/usr/sbin/kadmin.local"})
    if (!fs::exists(p)) return false;
  return testsupport::HaveProgram("kinit");
}

bool HaveApacheGssapi() {
  return fs::exists("/usr/sbin/apache2") &&
         fs::exists("/usr/lib/apache2/modules/mod_auth_gssapi.so");
}

std::uintmax_t FileSize(const std::string& path) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  return ec ? 0 : size;
}

// Sets an environment variable for one scope (GSS-API reads KRB5CCNAME at each call).
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() { unsetenv(name_); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
};

class KerberosTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!HaveKdc()) return;
    char tmpl[] = "/tmp/exprobe-krb-XXXXXX";
    dir_ = mkdtemp(tmpl);
    fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                              fs::perms::others_read | fs::perms::others_exec);
    std::string error;
    auto kdc = testsupport::StartKdc(dir_ + "/kdc", &error);
    ASSERT_TRUE(kdc) << error;
    kdc_ = new testsupport::Kdc(std::move(*kdc));
    env_ = kdc_->env;
    // GSS-API reads KRB5_CONFIG each time it makes a krb5 context: this process's calls use the
    // private realm from now on.
    setenv("KRB5_CONFIG", env_["KRB5_CONFIG"].c_str(), 1);
    // gss-ntlmssp offers itself to SPNEGO only when it has credentials: give it some, as a
    // Windows-like client has, so that a silent NTLM fallback is possible in every test.
    std::ofstream(dir_ + "/ntlm_users") << "LAB:alice:Secret-123\n";
    setenv("NTLM_USER_FILE", (dir_ + "/ntlm_users").c_str(), 1);

    if (!HaveApacheGssapi()) return;
    apache_port_ = testsupport::ClosedPort();
    auto apache = testsupport::ChildProcess::Start(
        {"env", "KRB5_CONFIG=" + env_["KRB5_CONFIG"], "KRB5_KTNAME=" + env_["KRB5_KTNAME"], "bash",
         kPeers + "apache_ntlm.sh", dir_ + "/apache", std::to_string(apache_port_), "plain",
         "kerberos"},
        &error);
    ASSERT_TRUE(apache) << error;
    apache_ = new testsupport::ChildProcess(std::move(*apache));
    for (int i = 0; i < 200 && !testsupport::Accepts(apache_port_); ++i)
      std::this_thread::sleep_for(25ms);
    ASSERT_TRUE(testsupport::Accepts(apache_port_)) << apache_->output();
  }

  static void TearDownTestSuite() {
    delete apache_;  // SIGTERM to the recorded PID (the script execs apache2)
    apache_ = nullptr;
    delete kdc_;  // likewise: kdc.sh run execs krb5kdc -n
    kdc_ = nullptr;
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  void SetUp() override {
    if (!HaveKdc())
      GTEST_SKIP() << "MIT KDC not installed (krb5-kdc, krb5-admin-server, krb5-user)";
    ASSERT_NE(kdc_, nullptr);
  }

  void NeedApache() {
    if (!HaveApacheGssapi()) GTEST_SKIP() << "apache2 + mod_auth_gssapi not installed";
    ASSERT_NE(apache_, nullptr);
  }

  // kinit alice into a cache of its own; returns its name ("FILE:...").
  static std::string Kinit(const std::string& name, const std::string& lifetime = "") {
    std::string cache = "FILE:" + dir_ + "/" + name;
    std::string cmd = "kinit " + (lifetime.empty() ? "" : "-l " + lifetime + " ") +
                      "alice@LAB.TEST <\"$1\" >/dev/null";
    auto r = RunCommand({"env", "KRB5_CONFIG=" + env_["KRB5_CONFIG"], "KRB5CCNAME=" + cache, "bash",
                         "-c", cmd, "kinit", env_["KRB5_ALICE_PASSWORD_FILE"]},
                        20s);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return cache;
  }

  static KerberosOptions Options(const std::string& cache) {
    KerberosOptions options;
    options.ccache = cache;
    return options;
  }

  static std::string KdcLog() { return dir_ + "/kdc/kdc.log"; }

  std::string Url() const {
    return "http://localhost:" + std::to_string(apache_port_) + "/ews/index.html";
  }

  http::HttpResponse Get(const std::vector<std::string>& headers) {
    auto connection = http::HttpConnection::Create({});
    EXPECT_TRUE(connection) << connection.error().message;
    http::HttpRequest request;
    request.url = Url();
    request.headers = headers;
    auto response = connection->Perform(request, Deadline::After(10s));
    EXPECT_TRUE(response) << response.error().message;
    return response ? *response : http::HttpResponse{};
  }

  // The token of the response's "WWW-Authenticate: Negotiate <b64>", empty when there is none.
  static Bytes NegotiateToken(const http::HttpResponse& response) {
    for (const auto& value : response.HeaderValues("WWW-Authenticate")) {
      if (value.rfind("Negotiate ", 0) != 0) continue;
      auto token = Base64Decode(value.substr(10));
      EXPECT_TRUE(token) << value;
      if (token) return *token;
    }
    return {};
  }

  // Sends the client's first token to Apache and completes mutual authentication with the
  // server's answer.
  void AuthenticateAgainstApache(KerberosClient& client, bool* sent_raw_krb5_back) {
    auto response = Get({"Authorization: Negotiate " + Base64Encode(client.token())});
    ASSERT_EQ(response.status, 200) << apache_->output();
    Bytes answer = NegotiateToken(response);
    ASSERT_FALSE(answer.empty()) << "no Negotiate token on the 200";
    auto decoded = DecodeAuthToken(answer);
    ASSERT_TRUE(decoded) << decoded.error().message;
    *sent_raw_krb5_back = std::holds_alternative<KerberosToken>(*decoded);
    EXPECT_FALSE(client.complete());
    auto next = client.Step(answer, Deadline::After(10s));
    ASSERT_TRUE(next) << next.error().message;
    EXPECT_TRUE(next->empty()) << "Kerberos completes in one round trip";
    EXPECT_TRUE(client.complete());
    EXPECT_TRUE(client.mutual());
  }

  static inline std::string dir_;
  static inline std::map<std::string, std::string> env_;
  static inline testsupport::Kdc* kdc_ = nullptr;
  static inline testsupport::ChildProcess* apache_ = nullptr;
  static inline int apache_port_ = 0;
};

// The cache comes from KRB5CCNAME here, as for a user who ran kinit: that is the path on which
// gss-ntlmssp also finds its credentials (NTLM_USER_FILE) and SPNEGO could fall back to NTLM.
TEST_F(KerberosTest, SpnegoTokenOffersOnlyKerberosAndCarriesAnApReq) {
  ScopedEnv ccache("KRB5CCNAME", Kinit("cc_spnego"));
  auto client = KerberosClient::Start("localhost", {}, Deadline::After(10s));
  ASSERT_TRUE(client) << client.error().message;
  EXPECT_EQ(client->spn(), "HTTP@localhost");
  EXPECT_EQ(client->credential().principal, "alice@LAB.TEST");
  EXPECT_GT(client->credential().lifetime_seconds, 3600u);

  auto spnego = DecodeSpnego(client->token());
  ASSERT_TRUE(spnego) << spnego.error().message;
  auto* init = std::get_if<NegTokenInit>(&*spnego);
  ASSERT_NE(init, nullptr) << "the first token must be a NegTokenInit";
  ASSERT_FALSE(init->mech_types.empty());
  for (const auto& oid : init->mech_types) {
    auto mech = FindMech(oid);
    ASSERT_TRUE(mech) << "unknown mechanism OID " << ToHex(oid);
    EXPECT_NE(mech->mech, Mech::kNtlm) << "NTLMSSP offered although Kerberos was asked for";
    EXPECT_TRUE(IsKerberos(mech->mech)) << mech->name;
  }
  ASSERT_TRUE(init->mech_token);
  auto inner = DecodeMechToken(*init->mech_token);
  ASSERT_TRUE(inner) << inner.error().message;
  auto* krb = std::get_if<KerberosToken>(&*inner);
  ASSERT_NE(krb, nullptr);
  EXPECT_EQ(krb->tok_id, 0x0100) << "the optimistic token is an AP-REQ";
}

// The control for the test above: the same credential acquisition without gss_set_neg_mechs
// offers NTLMSSP too on this machine, so the restriction is what removed it.
TEST_F(KerberosTest, UnrestrictedSpnegoWouldOfferNtlmHere) {
  if (!fs::exists("/usr/lib/x86_64-linux-gnu/gssntlmssp/gssntlmssp.so"))
    GTEST_SKIP() << "gss-ntlmssp not installed: nothing to fall back to";
  ScopedEnv ccache("KRB5CCNAME", Kinit("cc_control"));
  gss_OID_desc spnego_oid = {6, const_cast<char*>("\x2b\x06\x01\x05\x05\x02")};
  gss_OID_set_desc spnego_set = {1, &spnego_oid};
  OM_uint32 minor = 0;
  gss_cred_id_t cred = GSS_C_NO_CREDENTIAL;
  ASSERT_FALSE(GSS_ERROR(gss_acquire_cred(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE, &spnego_set,
                                          GSS_C_INITIATE, &cred, nullptr, nullptr)));
  std::string spn = "HTTP@localhost";
  gss_buffer_desc name_buffer = {spn.size(), spn.data()};
  gss_name_t name = GSS_C_NO_NAME;
  ASSERT_FALSE(GSS_ERROR(gss_import_name(&minor, &name_buffer, GSS_C_NT_HOSTBASED_SERVICE, &name)));
  gss_ctx_id_t context = GSS_C_NO_CONTEXT;
  gss_buffer_desc out = GSS_C_EMPTY_BUFFER;
  OM_uint32 major = gss_init_sec_context(&minor, cred, &context, name, &spnego_oid,
                                         GSS_C_MUTUAL_FLAG, 0, GSS_C_NO_CHANNEL_BINDINGS,
                                         GSS_C_NO_BUFFER, nullptr, &out, nullptr, nullptr);
  Bytes token(static_cast<std::uint8_t*>(out.value),
              static_cast<std::uint8_t*>(out.value) + out.length);
  gss_release_buffer(&minor, &out);
  gss_delete_sec_context(&minor, &context, GSS_C_NO_BUFFER);
  gss_release_name(&minor, &name);
  gss_release_cred(&minor, &cred);
  ASSERT_FALSE(GSS_ERROR(major));
  auto spnego_token = DecodeSpnego(token);
  ASSERT_TRUE(spnego_token) << spnego_token.error().message;
  bool ntlm = false;
  for (const auto& oid : std::get<NegTokenInit>(*spnego_token).mech_types) {
    auto mech = FindMech(oid);
    ntlm = ntlm || (mech && mech->mech == Mech::kNtlm);
  }
  EXPECT_TRUE(ntlm) << "plain SPNEGO did not offer NTLMSSP: the restriction test proves nothing";
}

TEST_F(KerberosTest, ApacheAcceptsTheSpnegoTokenAndMutualAuthCompletes) {
  NeedApache();
  auto bare = Get({});
  EXPECT_EQ(bare.status, 401);
  EXPECT_EQ(bare.HeaderValues("WWW-Authenticate"), std::vector<std::string>{"Negotiate"});

  auto client =
      KerberosClient::Start("localhost", Options(Kinit("cc_apache")), Deadline::After(10s));
  ASSERT_TRUE(client) << client.error().message;
  bool raw_back = true;
  AuthenticateAgainstApache(*client, &raw_back);
  EXPECT_FALSE(raw_back) << "a SPNEGO request gets a SPNEGO NegTokenResp back";
  auto again = client->Step(Bytes{0x01}, Deadline::After(1s));
  EXPECT_FALSE(again) << "an established context expects no further token";
}

TEST_F(KerberosTest, ApacheAcceptsARawKerberosToken) {
  NeedApache();
  KerberosOptions options = Options(Kinit("cc_raw"));
  options.framing = KerberosFraming::kRaw;
  auto client = KerberosClient::Start("localhost", options, Deadline::After(10s));
  ASSERT_TRUE(client) << client.error().message;
  auto decoded = DecodeAuthToken(client->token());
  ASSERT_TRUE(decoded) << decoded.error().message;
  auto* krb = std::get_if<KerberosToken>(&*decoded);
  ASSERT_NE(krb, nullptr) << "raw framing must not wrap the AP-REQ in SPNEGO";
  EXPECT_EQ(krb->tok_id, 0x0100);
  bool raw_back = false;
  AuthenticateAgainstApache(*client, &raw_back);
  EXPECT_TRUE(raw_back) << "a raw AP-REQ gets a raw AP-REP back";
}

TEST_F(KerberosTest, ATamperedServerTokenIsRejected) {
  NeedApache();
  auto client =
      KerberosClient::Start("localhost", Options(Kinit("cc_tamper")), Deadline::After(10s));
  ASSERT_TRUE(client) << client.error().message;
  auto response = Get({"Authorization: Negotiate " + Base64Encode(client->token())});
  ASSERT_EQ(response.status, 200);
  Bytes answer = NegotiateToken(response);
  ASSERT_GT(answer.size(), 20u);
  answer[answer.size() - 5] ^= 0x55;  // inside the AP-REP's encrypted part
  auto next = client->Step(answer, Deadline::After(10s));
  ASSERT_FALSE(next);
  EXPECT_EQ(next.error().failure, KerberosFailure::kServerRejected) << next.error().message;
  EXPECT_FALSE(client->complete());
}

TEST_F(KerberosTest, NoCredentialsCacheFailsWithoutContactingTheKdc) {
  auto before = FileSize(KdcLog());
  auto start = std::chrono::steady_clock::now();
  auto client = KerberosClient::Start("localhost", Options("FILE:" + dir_ + "/no_such_cache"),
                                      Deadline::After(10s));
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error().failure, KerberosFailure::kNoCredentials) << client.error().message;
  EXPECT_EQ(KerberosFailureName(client.error().failure), "no_credentials");
  EXPECT_NE(client.error().minor_text, "");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_EQ(FileSize(KdcLog()), before) << "the KDC was asked something";
}

TEST_F(KerberosTest, EmptyEnvironmentCacheIsNoCredentials) {
  ScopedEnv ccache("KRB5CCNAME", "FILE:" + dir_ + "/empty_env_cache");
  auto client = KerberosClient::Start("localhost", {}, Deadline::After(10s));
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error().failure, KerberosFailure::kNoCredentials) << client.error().message;
}

TEST_F(KerberosTest, UnknownHostIsServerPrincipalUnknown) {
  for (auto framing : {KerberosFraming::kSpnego, KerberosFraming::kRaw}) {
    KerberosOptions options = Options(Kinit("cc_unknown"));
    options.framing = framing;
    auto client = KerberosClient::Start("unknown.lab.test", options, Deadline::After(10s));
    ASSERT_FALSE(client);
    const auto& e = client.error();
    EXPECT_EQ(e.failure, KerberosFailure::kServerPrincipalUnknown) << e.message;
    EXPECT_NE(e.message.find("no SPN HTTP/unknown.lab.test registered"), std::string::npos)
        << e.message;
    EXPECT_NE(e.minor_text.find("not found in Kerberos database"), std::string::npos)
        << e.minor_text;
    EXPECT_EQ(e.ToError().code, ErrorCode::kUnsupported);
  }
}

TEST_F(KerberosTest, NoCredentialsDoesNotFallBackToNtlm) {
  // NTLM credentials are there (NTLM_USER_FILE), a Kerberos ticket is not: still no token.
  ScopedEnv ccache("KRB5CCNAME", "FILE:" + dir_ + "/none");
  auto client = KerberosClient::Start("localhost", {}, Deadline::After(10s));
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error().failure, KerberosFailure::kNoCredentials);
}

TEST_F(KerberosTest, SpnOverrideIsUsedAsGiven) {
  KerberosOptions options = Options(Kinit("cc_override"));
  options.spn = "HTTP/localhost@LAB.TEST";  // a principal name, not host-based
  auto client = KerberosClient::Start("unknown.lab.test", options, Deadline::After(10s));
  ASSERT_TRUE(client) << client.error().message;
  EXPECT_EQ(client->spn(), "HTTP/localhost@LAB.TEST");

  options.spn = "HTTP@nowhere.lab.test";
  auto unknown = KerberosClient::Start("localhost", options, Deadline::After(10s));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().failure, KerberosFailure::kServerPrincipalUnknown);
}

TEST_F(KerberosTest, ExpiredTicketIsTicketExpired) {
  std::string cache = Kinit("cc_short", "1s");
  std::this_thread::sleep_for(2500ms);
  auto client = KerberosClient::Start("localhost", Options(cache), Deadline::After(10s));
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error().failure, KerberosFailure::kTicketExpired) << client.error().message;
}

TEST_F(KerberosTest, UnreachableKdcIsKdcUnreachable) {
  std::string cache = Kinit("cc_unreach");  // a valid TGT, but no ticket for the service yet
  std::ifstream in(env_["KRB5_CONFIG"]);
  std::string config((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string from = "127.0.0.1:" + env_["KDC_PORT"];
  auto at = config.find(from);
  ASSERT_NE(at, std::string::npos);
  config.replace(at, from.size(), "127.0.0.1:" + std::to_string(testsupport::ClosedPort()));
  std::string bad = dir_ + "/krb5-closed.conf";
  std::ofstream(bad) << config;
  setenv("KRB5_CONFIG", bad.c_str(), 1);
  auto start = std::chrono::steady_clock::now();
  auto client = KerberosClient::Start("localhost", Options(cache), Deadline::After(10s));
  setenv("KRB5_CONFIG", env_["KRB5_CONFIG"].c_str(), 1);
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error().failure, KerberosFailure::kKdcUnreachable) << client.error().message;
  EXPECT_EQ(client.error().ToError().code, ErrorCode::kUnreachable);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s) << "a refused KDC must fail fast";
}

TEST_F(KerberosTest, ExpiredDeadlineIsTimeout) {
  auto client =
      KerberosClient::Start("localhost", Options(Kinit("cc_deadline")), Deadline::After(0ms));
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error().failure, KerberosFailure::kTimeout);
}

}  // namespace
}  // namespace probe::auth
