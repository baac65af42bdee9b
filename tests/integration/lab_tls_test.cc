// exprobe tls against the tlslab program: each listener's accepted versions must equal the
// versions its scenario file declares (the scenario is the ground truth, parsed independently).
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "tests/support/process.h"
#include "tlslab/scenario.h"

namespace {

using namespace std::chrono_literals;
using testsupport::ChildProcess;
using testsupport::RunCommand;

const std::string kExprobe = std::string(EXPROBE_BIN_DIR) + "/exprobe";
const std::string kTlslab = std::string(EXPROBE_BIN_DIR) + "/tlslab";

tlslab::Scenario LoadFixture(const std::string& name) {
  std::ifstream in(std::string(EXPROBE_SOURCE_DIR) + "/fixtures/scenarios/" + name + ".yaml");
  std::stringstream text;
  text << in.rdbuf();
  auto scenario = tlslab::ParseScenario(text.str(), name + ".yaml");
  EXPECT_TRUE(scenario.has_value()) << scenario.error().message;
  return *scenario;
}

// Starts tlslab and returns listener name -> "127.0.0.1:PORT" from its LISTEN lines.
std::map<std::string, std::string> StartLab(const std::string& scenario,
                                            std::optional<ChildProcess>& lab,
                                            const std::string& export_ca = "") {
  std::string error;
  std::vector<std::string> args = {kTlslab, "--scenario", scenario, "--print-ports"};
  if (!export_ca.empty()) args.insert(args.end(), {"--export-ca", export_ca});
  lab = ChildProcess::Start(args, &error);
  EXPECT_TRUE(lab.has_value()) << error;
  std::map<std::string, std::string> out;
  if (!lab) return out;
  while (auto line = lab->ReadLine(20s)) {
    if (*line == "READY") return out;
    std::istringstream words(*line);
    std::string tag, name, address;
    if (words >> tag >> name >> address && tag == "LISTEN") out[name] = address;
  }
  ADD_FAILURE() << "tlslab never printed READY: " << lab->output();
  return out;
}

std::set<std::string> AcceptedVersions(const std::string& address) {
  auto r =
      RunCommand({kExprobe, "tls", address, "--sni", "lab.contoso.test", "--format", "json"}, 60s);
  auto doc = nlohmann::json::parse(r.output, nullptr, false);
  EXPECT_TRUE(doc.is_object()) << r.output;
  std::set<std::string> out;
  if (!doc.is_object()) return out;
  for (const auto& p : doc["protocols"]) {
    if (p["accepted"]) out.insert(p["version"].get<std::string>());
  }
  return out;
}

std::set<std::string> Declared(const tlslab::ListenerSpec& listener) {
  std::set<std::string> out;
  for (auto v : {tlslab::TlsVersion::kTls10, tlslab::TlsVersion::kTls11, tlslab::TlsVersion::kTls12,
                 tlslab::TlsVersion::kTls13}) {
    if (listener.tls.Enables(v)) out.insert(std::string(tlslab::TlsVersionName(v)));
  }
  return out;
}

TEST(LabTlsTest, EveryTlsMatrixListenerAcceptsExactlyItsDeclaredVersions) {
  tlslab::Scenario scenario = LoadFixture("tls-matrix");
  std::optional<ChildProcess> lab;
  auto listeners = StartLab("tls-matrix", lab);
  ASSERT_EQ(listeners.size(), scenario.listeners.size());
  for (const auto& spec : scenario.listeners) {
    ASSERT_TRUE(listeners.count(spec.name)) << spec.name;
    EXPECT_EQ(AcceptedVersions(listeners[spec.name]), Declared(spec)) << spec.name;
  }
}

TEST(LabTlsTest, DefaultScenarioModelsTheLockedDownFrontEndBesideTheLegacyCas) {
  tlslab::Scenario scenario = LoadFixture("coexistence");
  std::optional<ChildProcess> lab;
  const std::string ca_file =
      ::testing::TempDir() + "lab_tls_coexistence_" + std::to_string(getpid()) + "_ca.pem";
  auto listeners = StartLab("coexistence", lab, ca_file);
  ASSERT_TRUE(listeners.count("frontend") && listeners.count("legacy"));
  EXPECT_EQ(AcceptedVersions(listeners["frontend"]), Declared(*scenario.FindListener("frontend")));
  EXPECT_EQ(AcceptedVersions(listeners["legacy"]), Declared(*scenario.FindListener("legacy")));
  // Probed by the name clients use and trusting the lab's CA, the legacy CAS's only problem is
  // TLS 1.0/1.1 (a WARNING); its certificate is judged by the cert check's code path.
  const std::string host = "legacy.contoso.test";
  const std::string address = listeners["legacy"];
  auto legacy = RunCommand({kExprobe, "tls", host, "--connect-to",
                            host + ":443:" + address.substr(0, address.rfind(':')) + ":" +
                                address.substr(address.rfind(':') + 1),
                            "--ca-file", ca_file},
                           60s);
  EXPECT_EQ(legacy.exit_code, 1) << legacy.output;
  EXPECT_NE(legacy.output.find("WARNING  tls.protocol.legacy_enabled"), std::string::npos)
      << legacy.output;
  EXPECT_NE(legacy.output.find("OK       cert.chain_ok"), std::string::npos) << legacy.output;
  EXPECT_NE(legacy.output.find("OK       cert.name_ok"), std::string::npos) << legacy.output;
  // Without the lab's CA the same chain is untrusted: CRITICAL.
  auto untrusted = RunCommand({kExprobe, "tls", listeners["legacy"], "--sni", host}, 60s);
  EXPECT_EQ(untrusted.exit_code, 2) << untrusted.output;
  EXPECT_NE(untrusted.output.find("CRITICAL cert.untrusted"), std::string::npos)
      << untrusted.output;
}

}  // namespace
