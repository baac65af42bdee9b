// tlslab's HttpProxy request log, end to end: a real NTLM handshake loop against the always-401
// listener of the auth-faults scenario (the KB3140410 situation), logged with --proxy-log, then
// diagnosed by the built `exprobe logs DIR --format json`.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
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
using nlohmann::json;

class RequestLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto scenario = LoadScenario("auth-faults");
    ASSERT_TRUE(scenario) << scenario.error().message;
    StartOptions options;
    options.log = [](std::string_view) {};
    options.proxy_log_dir = dir_.path() + "/Logging/HttpProxy";
    auto lab = LabServer::Start(*scenario, options);
    ASSERT_TRUE(lab) << lab.error().message;
    lab_ = std::move(*lab);
    ca_file_ = dir_.Write("ca.pem", lab_->ExportCaPem());
  }

  std::string Url(std::string_view listener, std::string_view path) {
    return "https://127.0.0.1:" + std::to_string(lab_->FindListener(listener)->port) +
           std::string(path);
  }

  // Outlook's attempt: anonymous leg, NEGOTIATE, AUTHENTICATE on one connection. Returns the
  // statuses of the three legs.
  std::vector<int> Handshake(const std::string& url, const auth::NtlmCredentials& who) {
    http::HttpOptions options;
    options.ca_file = ca_file_;
    auto c = http::HttpConnection::Create(options);
    EXPECT_TRUE(c) << c.error().message;
    if (!c) return {};
    std::vector<int> statuses;
    http::HttpRequest get;
    get.url = url;
    get.headers = {"User-Agent: MSRPC"};
    auto leg = [&]() {
      auto r = c->Perform(get, probe::Deadline::After(10s));
      EXPECT_TRUE(r) << r.error().message;
      statuses.push_back(r ? r->status : 0);
      return r.value_or(http::HttpResponse{});
    };
    leg();
    labtest::ClientOptions client_options;
    client_options.credentials = who;
    labtest::TestClient client(client_options);
    get.headers.push_back("Authorization: NTLM " + auth::Base64Encode(client.negotiate()));
    http::HttpResponse challenge = leg();
    std::optional<probe::Bytes> token;
    for (const auto& v : challenge.HeaderValues("WWW-Authenticate")) {
      if (v.starts_with("NTLM ")) {
        token = labtest::ChallengeIn(auth::Base64Decode(v.substr(5)).value_or(probe::Bytes()));
      }
    }
    EXPECT_TRUE(token);
    if (!token) return statuses;
    get.headers.back() =
        "Authorization: NTLM " + auth::Base64Encode(client.Authenticate(*token)->message);
    leg();
    return statuses;
  }

  std::unique_ptr<LabServer> lab_;
  labtest::TempDir dir_;
  std::string ca_file_;
};

TEST_F(RequestLogTest, ExprobeLogsFindsTheLabsInvalidTokenLoop) {
  const std::string rpc = "/rpc/rpcproxy.dll?ex2010mbx.contoso.test:6001";
  for (int attempt = 0; attempt < 4; ++attempt) {
    EXPECT_EQ(Handshake(Url("always-401", rpc), {"alice", "CONTOSO", "Passw0rd!"}),
              (std::vector<int>{401, 401, 401}));
  }
  // A healthy user on the healthy listener: no finding for bob.
  EXPECT_EQ(Handshake(Url("ok", rpc), {"bob", "CONTOSO", "Lab-Only-Bob-2016"}),
            (std::vector<int>{401, 401, 200}));
  lab_->Stop();

  // Exchange's layout: Logging\HttpProxy\RpcHttp\HttpProxy_YYYYMMDDHH-1.LOG.
  std::string root = dir_.path() + "/Logging/HttpProxy";
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    if (e.is_regular_file()) files.push_back(e.path().string());
  }
  ASSERT_EQ(files.size(), 1u);
  EXPECT_NE(files[0].find("/RpcHttp/HttpProxy_"), std::string::npos) << files[0];
  std::ifstream in(files[0]);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str().rfind("#Software: Microsoft Exchange Server\r\n", 0), 0u);
  EXPECT_EQ(text.str().find("Passw0rd"), std::string::npos);

  auto run = testsupport::RunCommand(
      {std::string(EXPROBE_BIN_DIR) + "/exprobe", "logs", root, "--format", "json"}, 60s);
  auto doc = json::parse(run.output.substr(std::min(run.output.find('{'), run.output.size())),
                         nullptr, false);
  ASSERT_TRUE(doc.is_object()) << run.output;
  EXPECT_EQ(doc["summary"]["requests"], 4 * 3 + 3) << run.output;
  EXPECT_EQ(doc["summary"]["malformed"], 0);
  const json* invalid_token = nullptr;
  for (const auto& g : doc["groups"]) {
    EXPECT_NE(g["user"], "CONTOSO\\bob") << g.dump();
    if (g["finding"] == "auth.backend_invalid_token") invalid_token = &g;
  }
  ASSERT_NE(invalid_token, nullptr) << run.output;
  const json& g = *invalid_token;
  EXPECT_EQ(g["user"], "CONTOSO\\alice");
  EXPECT_EQ(g["count"], 4);
  EXPECT_EQ(g["protocol"], "RpcHttp");
  EXPECT_EQ(g["client_ip"], "127.0.0.1");
  EXPECT_EQ(g["target_server"], "ex2010mbx.contoso.test");
  EXPECT_EQ(g["target_version"].get<std::string>().rfind("14.", 0), 0u) << g.dump();
  EXPECT_NE(g["detail"].get<std::string>().find(
                "NegotiateSecurityContext failed with for host '' with status 'InvalidToken'"),
            std::string::npos)
      << g.dump();
  EXPECT_NE(run.exit_code, 0);  // a CRITICAL finding
}

}  // namespace
}  // namespace tlslab
