// tlslab's authentication over real TLS: the auth-faults and coexistence scenarios served by a
// LabServer on loopback, driven by exprobe's libcurl client (probe/http, every Authorization
// header written by the test) with exprobe's NTLM/SPNEGO codecs. Each fault is judged by what
// the client sees: statuses, headers, and which TCP connection carried each leg.
#include <gtest/gtest.h>

#include <fstream>
#include <mutex>
#include <regex>
#include <string>
#include <vector>

#include "probe/auth/base64.h"
#include "probe/http/http_client.h"
#include "tests/support/process.h"
#include "tests/tlslab/auth_test_support.h"
#include "tests/tlslab/openssl_client.h"
#include "tlslab/lab_server.h"
#include "tlslab/scenario_catalog.h"

namespace tlslab {
namespace {

namespace auth = probe::auth;
namespace http = probe::http;
using namespace std::chrono_literals;
using labtest::ChallengeIn;
using labtest::ClientOptions;
using labtest::TestClient;
using probe::Bytes;

class Lines {
 public:
  LogSink Sink() {
    return [this](std::string_view line) {
      std::lock_guard lock(mu_);
      text_ += std::string(line) + "\n";
    };
  }
  std::string Text() {
    std::lock_guard lock(mu_);
    return text_;
  }

 private:
  std::mutex mu_;
  std::string text_;
};

// What one handshake looked like from the client.
struct Legs {
  std::vector<http::HttpResponse> responses;
  const http::HttpResponse& last() const { return responses.back(); }
  bool OneConnection() const {
    for (std::size_t i = 1; i < responses.size(); ++i) {
      if (responses[i].connection.is_new ||
          responses[i].connection.id != responses[0].connection.id) {
        return false;
      }
    }
    return true;
  }
};

class AuthServerTest : public ::testing::Test {
 protected:
  void Start(std::string_view scenario_name) {
    auto scenario = LoadScenario(scenario_name);
    ASSERT_TRUE(scenario) << scenario.error().message;
    scenario_ = std::move(*scenario);
    StartOptions options;
    options.log = log_.Sink();
    auto lab = LabServer::Start(scenario_, options);
    ASSERT_TRUE(lab) << lab.error().message;
    lab_ = std::move(*lab);
    ca_file_ = dir_.Write("ca.pem", lab_->ExportCaPem());
  }

  std::string Url(std::string_view listener, std::string_view path = "/EWS/Exchange.asmx") {
    const BoundListener* l = lab_->FindListener(listener);
    EXPECT_NE(l, nullptr) << listener;
    return "https://" + host_ + ":" + std::to_string(l ? l->port : 0) + std::string(path);
  }

  http::HttpConnection Connection() {
    http::HttpOptions options;
    options.ca_file = ca_file_;
    options.net.resolve = resolve_;
    auto c = http::HttpConnection::Create(options);
    EXPECT_TRUE(c) << c.error().message;
    return std::move(*c);
  }

  http::HttpResponse Get(http::HttpConnection& c, const std::string& url,
                         const std::string& authorization = "") {
    http::HttpRequest request;
    request.url = url;
    if (!authorization.empty()) request.headers.push_back("Authorization: " + authorization);
    auto response = c.Perform(request, probe::Deadline::After(10s));
    EXPECT_TRUE(response) << response.error().message;
    return response.value_or(http::HttpResponse{});
  }

  // The three legs: anonymous, NEGOTIATE, AUTHENTICATE, on `c` unless the server closes it.
  // The channel binding is computed from the certificate the client received on leg 1.
  Legs Handshake(http::HttpConnection& c, const std::string& url, const std::string& scheme,
                 ClientOptions options = {}) {
    Legs legs;
    legs.responses.push_back(Get(c, url));
    if (legs.last().peer_certificate) {
      options.certificate_hash =
          http::TlsServerEndPointHash(*legs.last().peer_certificate).value_or(Bytes());
    }
    TestClient client(options);
    bool spnego = scheme == "Negotiate";
    Bytes first = spnego ? client.SpnegoInit() : client.negotiate();
    legs.responses.push_back(Get(c, url, scheme + " " + auth::Base64Encode(first)));
    auto challenge = ChallengeIn(TokenOf(legs.last(), scheme));
    if (!challenge) return legs;
    Bytes third = spnego ? client.SpnegoAuthenticate(*challenge, true).value_or(Bytes())
                         : client.Authenticate(*challenge)->message;
    legs.responses.push_back(Get(c, url, scheme + " " + auth::Base64Encode(third)));
    return legs;
  }

  static Bytes TokenOf(const http::HttpResponse& r, const std::string& scheme) {
    for (const auto& v : r.HeaderValues("WWW-Authenticate")) {
      if (v.starts_with(scheme + " ")) {
        return auth::Base64Decode(v.substr(scheme.size() + 1)).value_or(Bytes());
      }
    }
    return {};
  }

  static std::string Header(const http::HttpResponse& r, std::string_view name) {
    auto values = r.HeaderValues(name);
    return values.empty() ? "(absent)" : values.front();
  }

  Scenario scenario_;
  std::unique_ptr<LabServer> lab_;
  Lines log_;
  labtest::TempDir dir_;
  std::string ca_file_;
  std::string host_ = "127.0.0.1";
  std::vector<probe::net::ResolveOverride> resolve_;
};

using Offers = std::vector<std::string>;

TEST_F(AuthServerTest, OkListenerAuthenticatesBothSchemesOnOneConnection) {
  Start("auth-faults");
  for (const char* scheme : {"NTLM", "Negotiate"}) {
    SCOPED_TRACE(scheme);
    auto c = Connection();
    Legs legs = Handshake(c, Url("ok"), scheme);
    ASSERT_EQ(legs.responses.size(), 3u);
    const auto& first = legs.responses[0];
    EXPECT_EQ(first.status, 401);
    EXPECT_EQ(first.HeaderValues("WWW-Authenticate"), (Offers{"Negotiate", "NTLM"}));
    EXPECT_EQ(Header(first, "X-FEServer"), "EX2016FE");
    EXPECT_TRUE(
        std::regex_match(Header(first, "request-id"),
                         std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                                    "[0-9a-f]{12}")))
        << Header(first, "request-id");
    EXPECT_EQ(legs.responses[1].status, 401);
    EXPECT_FALSE(legs.responses[1].HasToken("Connection", "close"));
    EXPECT_EQ(legs.last().status, 200);
    EXPECT_EQ(Header(legs.last(), "X-Tlslab-User"), "CONTOSO\\alice");
    EXPECT_EQ(Header(legs.last(), "Persistent-Auth"), "true");
    EXPECT_TRUE(legs.OneConnection());
    if (std::string(scheme) == "Negotiate") {
      EXPECT_TRUE(Header(legs.last(), "WWW-Authenticate").starts_with("Negotiate oRsw"))
          << Header(legs.last(), "WWW-Authenticate");  // accept-completed + mechListMIC
    }
    // The connection stays authenticated; a new one does not.
    http::HttpResponse again = Get(c, Url("ok", "/owa/"));
    EXPECT_EQ(again.status, 200);
    EXPECT_FALSE(again.connection.is_new);
    EXPECT_EQ(Header(again, "X-Tlslab-User"), "CONTOSO\\alice");
    auto other = Connection();
    EXPECT_EQ(Get(other, Url("ok")).status, 401);
  }
  EXPECT_NE(log_.Text().find("auth: NTLM CONTOSO\\alice authenticated (workstation 'WS01', MIC "
                             "verified, channel binding absent)"),
            std::string::npos)
      << log_.Text();
  EXPECT_EQ(log_.Text().find("Passw0rd"), std::string::npos);
}

TEST_F(AuthServerTest, WrongPasswordIsRefusedOnAKeptConnection) {
  Start("auth-faults");
  auto c = Connection();
  ClientOptions wrong;
  wrong.credentials.password = "Winter2016!";
  Legs legs = Handshake(c, Url("ok"), "NTLM", wrong);
  ASSERT_EQ(legs.responses.size(), 3u);
  EXPECT_EQ(legs.last().status, 401);
  EXPECT_EQ(legs.last().HeaderValues("WWW-Authenticate"), (Offers{"Negotiate", "NTLM"}));
  EXPECT_TRUE(legs.OneConnection());
  EXPECT_FALSE(legs.last().HasToken("Connection", "close"));
  http::HttpResponse next = Get(c, Url("ok"));
  EXPECT_EQ(next.status, 401);
  EXPECT_FALSE(next.connection.is_new);
  EXPECT_NE(log_.Text().find("rejected (bad_proof)"), std::string::npos);
  EXPECT_EQ(log_.Text().find("Winter2016"), std::string::npos);
}

TEST_F(AuthServerTest, CloseAfterChallengeClosesAndTheAuthenticateFindsNoState) {
  Start("auth-faults");
  auto c = Connection();
  Legs legs = Handshake(c, Url("close-after-challenge"), "NTLM");
  ASSERT_EQ(legs.responses.size(), 3u);
  const auto& challenge = legs.responses[1];
  EXPECT_EQ(challenge.status, 401);
  EXPECT_TRUE(challenge.HasToken("Connection", "close"));
  EXPECT_TRUE(Header(challenge, "WWW-Authenticate").starts_with("NTLM TlRMTVNTUAACAAAA"));
  EXPECT_FALSE(challenge.connection.is_new);
  EXPECT_TRUE(legs.last().connection.is_new);  // the server closed the challenge's connection
  EXPECT_EQ(legs.last().status, 401);
  EXPECT_EQ(legs.last().HeaderValues("WWW-Authenticate"), (Offers{"Negotiate", "NTLM"}));
  EXPECT_NE(log_.Text().find("rejected (no_challenge)"), std::string::npos) << log_.Text();
}

TEST_F(AuthServerTest, Always401LoopsAfterAValidHandshake) {
  Start("auth-faults");
  auto c = Connection();
  for (int round = 0; round < 2; ++round) {
    Legs legs = Handshake(c, Url("always-401"), round == 0 ? "NTLM" : "Negotiate");
    ASSERT_EQ(legs.responses.size(), 3u);
    EXPECT_EQ(legs.last().status, 401);
    EXPECT_EQ(legs.last().HeaderValues("WWW-Authenticate"), (Offers{"Negotiate", "NTLM"}));
    EXPECT_EQ(Header(legs.last(), "X-BackEndHttpStatus"), "401");
    EXPECT_EQ(Header(legs.responses[1], "X-BackEndHttpStatus"), "(absent)");
    EXPECT_FALSE(legs.last().connection.is_new);
  }
}

TEST_F(AuthServerTest, KerberosOnlyOffersNegotiateAloneAndRefusesNtlm) {
  Start("auth-faults");
  auto c = Connection();
  EXPECT_EQ(Get(c, Url("kerberos-only")).HeaderValues("WWW-Authenticate"), (Offers{"Negotiate"}));
  TestClient client;
  http::HttpResponse ntlm =
      Get(c, Url("kerberos-only"), "NTLM " + auth::Base64Encode(client.negotiate()));
  EXPECT_EQ(ntlm.status, 401);
  EXPECT_EQ(ntlm.HeaderValues("WWW-Authenticate"), (Offers{"Negotiate"}));
  http::HttpResponse spnego =
      Get(c, Url("kerberos-only"), "Negotiate " + auth::Base64Encode(client.SpnegoInit()));
  EXPECT_EQ(spnego.status, 401);
  EXPECT_EQ(spnego.HeaderValues("WWW-Authenticate"), (Offers{"Negotiate oQcwBaADCgEC"}));
  EXPECT_FALSE(spnego.connection.is_new);
}

TEST_F(AuthServerTest, SharedUpstreamServesAnUnauthenticatedSecondConnection) {
  Start("auth-faults");
  auto stranger = Connection();
  EXPECT_EQ(Get(stranger, Url("shared-upstream")).status, 401);  // nobody authenticated yet
  auto alice = Connection();
  Legs legs = Handshake(alice, Url("shared-upstream"), "NTLM");
  ASSERT_EQ(legs.last().status, 200);
  auto fresh = Connection();
  http::HttpResponse served = Get(fresh, Url("shared-upstream"));
  EXPECT_EQ(served.status, 200);
  EXPECT_TRUE(served.connection.is_new);
  EXPECT_EQ(Header(served, "X-Tlslab-User"), "CONTOSO\\alice");
  EXPECT_EQ(Get(stranger, Url("shared-upstream")).status, 200);
  // The healthy listener challenges the same sequence.
  auto ok = Connection();
  ASSERT_EQ(Handshake(ok, Url("ok"), "NTLM").last().status, 200);
  auto other = Connection();
  EXPECT_EQ(Get(other, Url("ok")).status, 401);
  EXPECT_NE(log_.Text().find("fault shared_upstream"), std::string::npos);
}

TEST_F(AuthServerTest, EpaRequireAcceptsOnlyTheCorrectBinding) {
  Start("auth-faults");
  struct Case {
    auth::ChannelBindingMode mode;
    int status;
  };
  for (const Case& c :
       {Case{auth::ChannelBindingMode::kOmit, 401}, Case{auth::ChannelBindingMode::kZero, 401},
        Case{auth::ChannelBindingMode::kWrong, 401},
        Case{auth::ChannelBindingMode::kCorrect, 200}}) {
    SCOPED_TRACE(auth::ChannelBindingModeName(c.mode));
    for (const char* scheme : {"NTLM", "Negotiate"}) {
      auto connection = Connection();
      ClientOptions o;
      o.binding = c.mode;
      Legs legs = Handshake(connection, Url("epa-require"), scheme, o);
      ASSERT_EQ(legs.responses.size(), 3u);
      EXPECT_EQ(legs.last().status, c.status) << scheme;
      EXPECT_TRUE(legs.OneConnection());
    }
  }
  EXPECT_NE(log_.Text().find("channel binding matched"), std::string::npos);
  EXPECT_NE(log_.Text().find("rejected (missing_binding)"), std::string::npos);
  EXPECT_NE(log_.Text().find("rejected (bad_binding)"), std::string::npos);
}

TEST_F(AuthServerTest, CoexistenceFrontEndAndLegacyCas) {
  Start("coexistence");
  // Each listener under its own name, as the certificates expect (curl's --resolve).
  resolve_ = {{"mail.contoso.test", lab_->FindListener("frontend")->port, "127.0.0.1"},
              {"legacy.contoso.test", lab_->FindListener("legacy")->port, "127.0.0.1"}};
  host_ = "mail.contoso.test";
  std::string frontend = Url("frontend");
  host_ = "legacy.contoso.test";
  std::string legacy = Url("legacy");

  // epa accept (IIS Allow): a client without the pair and the correct binding pass, zeros do not.
  struct Case {
    auth::ChannelBindingMode mode;
    int status;
  };
  for (const Case& c :
       {Case{auth::ChannelBindingMode::kOmit, 200}, Case{auth::ChannelBindingMode::kCorrect, 200},
        Case{auth::ChannelBindingMode::kZero, 401}}) {
    SCOPED_TRACE(auth::ChannelBindingModeName(c.mode));
    auto connection = Connection();
    ClientOptions o;
    o.binding = c.mode;
    Legs legs = Handshake(connection, frontend, "Negotiate", o);
    ASSERT_EQ(legs.responses.size(), 3u);
    EXPECT_EQ(legs.last().status, c.status);
  }
  auto connection = Connection();
  http::HttpResponse first = Get(connection, legacy);
  EXPECT_EQ(first.HeaderValues("WWW-Authenticate"), (Offers{"NTLM", "Negotiate"}));
  EXPECT_EQ(Header(first, "X-FEServer"), "EX2010CAS");
  ClientOptions bob;
  bob.credentials = {"bob", "CONTOSO", "Lab-Only-Bob-2016"};
  bob.binding = auth::ChannelBindingMode::kWrong;  // the 2010 CAS has no Extended Protection
  Legs legs = Handshake(connection, legacy, "NTLM", bob);
  EXPECT_EQ(legs.last().status, 200);
  EXPECT_EQ(Header(legs.last(), "X-Tlslab-User"), "CONTOSO\\bob");
  auto anonymous = Connection();
  host_ = "mail.contoso.test";
  http::HttpResponse health = Get(anonymous, Url("frontend", "/owa/healthcheck.htm"));
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(Header(health, "X-Tlslab-User"), "(absent)");
}

// Clients nobody on the project wrote: curl's own NTLMv2 (no MIC, no channel binding, a 64-byte
// AUTHENTICATE header) and, through curl --negotiate, MIT GSS-API with gss-ntlmssp (SPNEGO with
// a MIC and a mechListMIC, and it checks the server's mechListMIC on the 200).
TEST_F(AuthServerTest, CurlAndGssNtlmsspAuthenticate) {
  if (!testsupport::HaveProgram("curl")) GTEST_SKIP() << "no curl";
  Start("auth-faults");
  auto curl = [&](std::vector<std::string> args, const std::string& url) {
    std::vector<std::string> argv = {"env",
                                     "NTLM_USER_FILE=" + dir_.path() + "/ntlm_users",
                                     "NTLMUSER=CONTOSO\\alice",
                                     "KRB5_CONFIG=/dev/null",
                                     "KRB5CCNAME=FILE:" + dir_.path() + "/no_ccache",
                                     "curl",
                                     "-sS",
                                     "--max-time",
                                     "20",
                                     "--cacert",
                                     ca_file_,
                                     "-D",
                                     "-",
                                     "-o",
                                     "/dev/null"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back(url);
    return testsupport::RunCommand(argv, 30s).output;
  };
  dir_.Write("ntlm_users", "CONTOSO:alice:Passw0rd!\n");
  std::string ntlm = curl({"--ntlm", "-u", "CONTOSO\\alice:Passw0rd!"}, Url("ok"));
  EXPECT_NE(ntlm.find("HTTP/1.1 200 OK"), std::string::npos) << ntlm;
  EXPECT_NE(ntlm.find("X-Tlslab-User: CONTOSO\\alice"), std::string::npos) << ntlm;
  std::string wrong = curl({"--ntlm", "-u", "CONTOSO\\alice:passw0rd!"}, Url("ok"));
  EXPECT_EQ(wrong.find("200 OK"), std::string::npos) << wrong;
  // curl's NTLM has no channel binding: a legacy client, refused by epa require.
  std::string epa = curl({"--ntlm", "-u", "CONTOSO\\alice:Passw0rd!"}, Url("epa-require"));
  EXPECT_EQ(epa.find("200 OK"), std::string::npos) << epa;
  EXPECT_NE(log_.Text().find("auth: NTLM CONTOSO\\alice authenticated (workstation"),
            std::string::npos)
      << log_.Text();

  if (!std::ifstream("/etc/gss/mech.d/mech.ntlmssp.conf")) {
    GTEST_SKIP() << "gss-ntlmssp is not installed";
  }
  std::string spnego = curl({"--negotiate", "-u", ":"}, Url("ok"));
  EXPECT_NE(spnego.find("HTTP/1.1 200 OK"), std::string::npos) << spnego << log_.Text();
  EXPECT_NE(spnego.find("WWW-Authenticate: Negotiate oRsw"), std::string::npos) << spnego;
  std::string log = log_.Text();
  std::size_t line = log.find("auth: Negotiate CONTOSO\\alice authenticated");
  ASSERT_NE(line, std::string::npos) << log;
  EXPECT_NE(log.substr(line, log.find('\n', line) - line).find("MIC verified"), std::string::npos)
      << log;
}

TEST_F(AuthServerTest, ListenersWithoutAuthAnswerAsBefore) {
  Start("tls-matrix");
  host_ = "127.0.0.1";
  auto c = Connection();
  http::HttpResponse r = Get(c, Url("tls12", "/owa/"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Header(r, "X-Tlslab-Listener"), "tls12");
  EXPECT_EQ(Header(r, "X-FEServer"), "(absent)");
  EXPECT_NE(Header(r, "request-id"), "(absent)");
  EXPECT_TRUE(r.HeaderValues("WWW-Authenticate").empty());
}

}  // namespace
}  // namespace tlslab
