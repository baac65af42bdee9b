// `exprobe auth` against tlslab's own NTLM/Negotiate acceptor and its faults (scenario
// auth-faults, one listener per fault) and the coexistence front end (Extended Protection
// "accept"): each auth finding appears where its fault is and stays away elsewhere.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <thread>

#include "tests/support/peers.h"
#include "tests/support/process.h"

namespace {

using namespace std::chrono_literals;
using testsupport::ChildProcess;
using testsupport::RunCommand;

const std::string kExprobe = std::string(EXPROBE_BIN_DIR) + "/exprobe";
const std::string kTlslab = std::string(EXPROBE_BIN_DIR) + "/tlslab";
constexpr char kHost[] = "mail.contoso.test";

// One tlslab per scenario for the whole suite; listener name -> "127.0.0.1:PORT".
struct Lab {
  std::optional<ChildProcess> process;
  std::map<std::string, std::string> listeners;
  std::string ca_file;
};

Lab* StartLab(const std::string& scenario) {
  auto* lab = new Lab;
  lab->ca_file =
      ::testing::TempDir() + "auth_lab_" + scenario + "_" + std::to_string(getpid()) + "_ca.pem";
  std::string error;
  lab->process = ChildProcess::Start(
      {kTlslab, "--scenario", scenario, "--print-ports", "--export-ca", lab->ca_file}, &error);
  if (!lab->process) return lab;
  while (auto line = lab->process->ReadLine(20s)) {
    if (*line == "READY") break;
    std::istringstream words(*line);
    std::string tag, name, address;
    if (words >> tag >> name >> address && tag == "LISTEN") lab->listeners[name] = address;
  }
  return lab;
}

class AuthLabTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    faults_ = StartLab("auth-faults");
    coexistence_ = StartLab("coexistence");
  }
  static void TearDownTestSuite() {
    delete faults_;
    delete coexistence_;
  }

  struct Run {
    int exit_code = -1;
    std::string raw;
    nlohmann::json doc;
    std::vector<std::string> ids;
  };

  // exprobe auth https://mail.contoso.test/ews/ routed to `listener` of `lab`, as CONTOSO\alice.
  static Run Auth(Lab* lab, const std::string& listener, std::vector<std::string> extra,
                  const std::string& password = "Passw0rd!") {
    Run run;
    if (lab->listeners.count(listener) == 0) {
      ADD_FAILURE() << "tlslab has no listener " << listener;
      return run;
    }
    const std::string& address = lab->listeners[listener];
    std::string colon_port = address.substr(address.rfind(':'));
    std::vector<std::string> argv = {"env",
                                     "EXPROBE_TEST_PW=" + password,
                                     kExprobe,
                                     "auth",
                                     std::string("https://") + kHost + "/ews/exchange.asmx",
                                     "--connect-to",
                                     std::string(kHost) + ":443:127.0.0.1" + colon_port,
                                     "-u",
                                     "CONTOSO\\alice",
                                     "--password-env",
                                     "EXPROBE_TEST_PW",
                                     "--ca-file",
                                     lab->ca_file,
                                     "--format",
                                     "json",
                                     "--timeout",
                                     "20"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto r = RunCommand(argv, 60s);
    run.exit_code = r.exit_code;
    run.raw = r.output;
    auto start = r.output.find('{');
    if (start != std::string::npos)
      run.doc = nlohmann::json::parse(r.output.substr(start), nullptr, false);
    if (run.doc.is_object()) {
      for (const auto& f : run.doc["findings"]) run.ids.push_back(f["id"].get<std::string>());
    }
    return run;
  }

  static std::string Evidence(const Run& run, const std::string& id) {
    for (const auto& f : run.doc["findings"]) {
      if (f["id"] == id) return f["evidence"].dump();
    }
    return "";
  }

  static inline Lab* faults_ = nullptr;
  static inline Lab* coexistence_ = nullptr;
};

using Ids = std::vector<std::string>;

TEST_F(AuthLabTest, HealthyListenerAuthenticatesWithNtlmAndNegotiate) {
  for (const char* scheme : {"ntlm", "negotiate"}) {
    auto run = Auth(faults_, "ok", {"--scheme", scheme});
    EXPECT_EQ(run.exit_code, 0) << run.raw;
    EXPECT_EQ(run.ids, Ids{"auth.ok"}) << run.raw;
    ASSERT_EQ(run.doc["legs"].size(), 3u);
    EXPECT_EQ(run.doc["legs"][2]["headers"]["X-Tlslab-User"], "CONTOSO\\alice");
    EXPECT_EQ(run.doc["legs"][2]["headers"]["Persistent-Auth"], "true");
    EXPECT_EQ(run.doc["legs"][1]["headers"]["X-FEServer"], "EX2016FE");
  }
}

TEST_F(AuthLabTest, WrongPasswordIsRejectedOnce) {
  auto run = Auth(faults_, "ok", {}, "not-the-password");
  EXPECT_EQ(run.exit_code, 2) << run.raw;
  EXPECT_EQ(run.ids, Ids{"auth.credentials_rejected"});
  EXPECT_EQ(run.doc["attempts"], 1);
}

TEST_F(AuthLabTest, CloseAfterChallengeIsConnectionNotKept) {
  auto run = Auth(faults_, "close-after-challenge", {});
  EXPECT_EQ(run.exit_code, 2) << run.raw;
  EXPECT_EQ(run.ids, Ids{"auth.ntlm.connection_not_kept"}) << run.raw;
  EXPECT_NE(Evidence(run, "auth.ntlm.connection_not_kept").find("Connection: close"),
            std::string::npos)
      << run.raw;
  // And a balancer without affinity on a healthy server looks the same.
  auto split = Auth(faults_, "ok", {"--new-connection-per-leg"});
  EXPECT_EQ(split.ids, Ids{"auth.ntlm.connection_not_kept"}) << split.raw;
}

TEST_F(AuthLabTest, Always401IsALoopWithTheBackEndStatus) {
  auto run = Auth(faults_, "always-401", {"--probe-epa"});
  EXPECT_EQ(run.exit_code, 2) << run.raw;
  EXPECT_EQ(run.doc["outcome"], "loop");
  EXPECT_EQ(run.ids, Ids{"auth.loop"}) << run.raw;
  EXPECT_NE(Evidence(run, "auth.loop").find("X-BackEndHttpStatus: 401"), std::string::npos);
  EXPECT_EQ(run.doc["epa_trials"].size(), 0u) << "no verdict on the credentials to vary";
  EXPECT_EQ(run.doc["attempts"], 1);
}

TEST_F(AuthLabTest, KerberosOnlyRefusesNtlmInsideNegotiate) {
  auto run = Auth(faults_, "kerberos-only", {});
  EXPECT_EQ(run.exit_code, 2) << run.raw;
  EXPECT_EQ(run.doc["legs"][0]["offered"], nlohmann::json{"Negotiate"});
  EXPECT_EQ(run.ids, Ids{"auth.kerberos_only"}) << run.raw;
  EXPECT_EQ(run.doc["attempts"], 0) << "refused before any AUTHENTICATE went out";
  EXPECT_EQ(Auth(faults_, "ok", {"--scheme", "negotiate"}).ids, Ids{"auth.ok"});
}

TEST_F(AuthLabTest, SharedUpstreamIsFoundByCheckSharing) {
  auto run = Auth(faults_, "shared-upstream", {"--check-sharing"});
  EXPECT_EQ(run.exit_code, 2) << run.raw;
  EXPECT_EQ(run.ids, (Ids{"auth.ok", "auth.connection_shared"})) << run.raw;
  EXPECT_NE(Evidence(run, "auth.connection_shared").find("X-Tlslab-User: CONTOSO\\\\alice"),
            std::string::npos)
      << run.raw;
  auto healthy = Auth(faults_, "ok", {"--check-sharing"});
  EXPECT_EQ(healthy.ids, Ids{"auth.ok"}) << healthy.raw;
}

TEST_F(AuthLabTest, EpaRequireAcceptsOnlyTheCorrectBinding) {
  EXPECT_EQ(Auth(faults_, "epa-require", {}).ids, Ids{"auth.ok"});
  for (const char* mode : {"omit", "zero", "wrong"}) {
    auto run = Auth(faults_, "epa-require", {"--cbt", mode});
    EXPECT_EQ(run.ids, Ids{"auth.credentials_rejected"}) << mode << run.raw;
  }
  // --probe-epa proves it: the run's own mode refused, the correct binding accepted.
  auto proved = Auth(faults_, "epa-require", {"--cbt", "omit", "--probe-epa"});
  EXPECT_EQ(proved.exit_code, 2) << proved.raw;
  EXPECT_EQ(proved.ids, Ids{"auth.epa_required"}) << proved.raw;
  EXPECT_EQ(proved.doc["epa_trials"][0]["cbt"], "correct");
  EXPECT_EQ(proved.doc["epa_trials"][0]["outcome"], "authenticated");
  // From a correct run, the level: Require.
  auto level = Auth(faults_, "epa-require", {"--probe-epa"});
  EXPECT_EQ(level.exit_code, 0) << level.raw;
  EXPECT_EQ(level.ids, (Ids{"auth.ok", "auth.epa_enforced"})) << level.raw;
  EXPECT_NE(level.raw.find("(Require)"), std::string::npos);
  // A listener that checks nothing.
  EXPECT_EQ(Auth(faults_, "ok", {"--probe-epa"}).ids, (Ids{"auth.ok", "auth.epa_not_enforced"}));
}

TEST_F(AuthLabTest, FrontEndWithEpaAcceptTakesNoBindingButRefusesAWrongOne) {
  auto run = Auth(coexistence_, "frontend", {"--probe-epa"});
  EXPECT_EQ(run.exit_code, 0) << run.raw;
  EXPECT_EQ(run.ids, (Ids{"auth.ok", "auth.epa_enforced"})) << run.raw;
  EXPECT_NE(run.raw.find("(Allow)"), std::string::npos) << run.raw;
  EXPECT_EQ(Auth(coexistence_, "frontend", {"--cbt", "omit"}).ids, Ids{"auth.ok"});
  // IIS "Allow" refuses an all-zero binding (the curl/SSPI bug --cbt zero reproduces).
  EXPECT_EQ(Auth(coexistence_, "frontend", {"--cbt", "zero"}).ids,
            Ids{"auth.credentials_rejected"});
}

// SSL offloading in front of a server with Extended Protection "accept": socat terminates TLS
// with its own certificate and re-encrypts to the lab front end, which binds to its own.
TEST_F(AuthLabTest, TlsReterminationInFrontIsABindingMismatch) {
  if (!testsupport::HaveProgram("socat")) GTEST_SKIP() << "socat is not installed";
  const auto& cert = testsupport::SharedTestCertificate();
  ASSERT_FALSE(cert.cert_pem.empty());
  const std::string& upstream = coexistence_->listeners["frontend"];
  int port = testsupport::ClosedPort();
  std::string error;
  auto relay = ChildProcess::Start(
      {"socat",
       "OPENSSL-LISTEN:" + std::to_string(port) +
           ",bind=127.0.0.1,reuseaddr,fork,verify=0,cert=" + cert.cert_pem + ",key=" + cert.key_pem,
       "OPENSSL:" + upstream + ",verify=0"},
      &error);
  ASSERT_TRUE(relay) << error;
  for (int i = 0; i < 100 && !testsupport::Accepts(port); ++i) std::this_thread::sleep_for(50ms);
  ASSERT_TRUE(testsupport::Accepts(port)) << relay->output();
  auto run = [&](std::vector<std::string> extra) {
    std::vector<std::string> argv = {"env",
                                     "EXPROBE_TEST_PW=Passw0rd!",
                                     kExprobe,
                                     "auth",
                                     "https://localhost:" + std::to_string(port) + "/ews/",
                                     "-u",
                                     "CONTOSO\\alice",
                                     "--password-env",
                                     "EXPROBE_TEST_PW",
                                     "--ca-file",
                                     cert.cert_pem,
                                     "--format",
                                     "json"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto r = RunCommand(argv, 60s);
    auto doc = nlohmann::json::parse(r.output.substr(std::min(r.output.find('{'), r.output.size())),
                                     nullptr, false);
    Ids ids;
    if (doc.is_object()) {
      for (const auto& f : doc["findings"]) ids.push_back(f["id"].get<std::string>());
    }
    return std::make_pair(ids, r.output);
  };
  auto [plain_ids, plain_raw] = run({});
  EXPECT_EQ(plain_ids, Ids{"auth.credentials_rejected"}) << plain_raw;
  auto [ids, raw] = run({"--probe-epa"});
  EXPECT_EQ(ids, Ids{"auth.epa_binding_mismatch"}) << raw;
  auto [omit_ids, omit_raw] = run({"--cbt", "omit"});
  EXPECT_EQ(omit_ids, Ids{"auth.ok"}) << omit_raw;
}

}  // namespace
