// The tlslab program as users and scripts run it: a real process, real signals, real files.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "tests/support/process.h"
#include "tests/tlslab/openssl_client.h"

namespace tlslab {
namespace {

using namespace std::chrono_literals;
using testsupport::ChildProcess;

constexpr auto kStartTimeout = 10s;

// Starts tlslab with `args` plus --print-ports and reads its LISTEN lines up to READY.
struct RunningLab {
  std::optional<ChildProcess> process;
  std::map<std::string, std::string> listeners;  // name -> "address:port"
  std::vector<std::string> listen_lines;
};

RunningLab StartLab(std::vector<std::string> args, const std::string& cwd = "") {
  std::vector<std::string> argv{TLSLAB_BINARY, "--print-ports"};
  argv.insert(argv.end(), args.begin(), args.end());
  if (!cwd.empty()) {
    // "from any directory": the embedded scenarios do not depend on where it runs.
    std::string command = "cd " + cwd + " && exec";
    for (const auto& a : argv) command += " '" + a + "'";
    argv = {"sh", "-c", command};
  }
  RunningLab lab;
  std::string error;
  lab.process = ChildProcess::Start(argv, &error);
  EXPECT_TRUE(lab.process) << error;
  if (!lab.process) return lab;
  auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto line = lab.process->ReadLine(1s);
    if (!line) continue;
    if (*line == "READY") return lab;
    if (line->starts_with("LISTEN ")) {
      lab.listen_lines.push_back(*line);
      auto space = line->find(' ', 7);
      lab.listeners[line->substr(7, space - 7)] = line->substr(space + 1);
    }
  }
  ADD_FAILURE() << "no READY; output: " << lab.process->output();
  return lab;
}

std::uint16_t PortOf(const std::string& host_port) {
  return static_cast<std::uint16_t>(testsupport::PortAfterColon(host_port).value_or(0));
}

TEST(TlslabMainTest, PrintsListenLinesThenReadyAndStopsOnSigterm) {
  RunningLab lab = StartLab({}, "/");
  ASSERT_TRUE(lab.process);
  ASSERT_EQ(lab.listen_lines.size(), 3u);
  EXPECT_TRUE(lab.listen_lines[0].starts_with("LISTEN frontend 127.0.0.1:"));
  EXPECT_TRUE(lab.listen_lines[1].starts_with("LISTEN legacy 127.0.0.1:"));
  EXPECT_TRUE(lab.listen_lines[2].starts_with("LISTEN autodiscover-redirect 127.0.0.1:"));
  auto result = labtest::SClient("127.0.0.1", PortOf(lab.listeners["frontend"]), {"-brief"});
  EXPECT_EQ(result.exit_code, 0) << result.output;

  ASSERT_EQ(kill(lab.process->pid(), SIGTERM), 0);
  EXPECT_EQ(lab.process->WaitExit(5s), 0) << "did not stop cleanly on SIGTERM";
  EXPECT_TRUE(lab.process->WaitFor("tlslab: stopped", 2s)) << lab.process->output();
}

TEST(TlslabMainTest, ListenAddressAppliesToEveryListener) {
  RunningLab lab = StartLab({"--scenario", "tls-matrix", "--listen", "::1"});
  ASSERT_TRUE(lab.process);
  ASSERT_EQ(lab.listeners.size(), 6u) << lab.process->output();
  for (const auto& [name, host_port] : lab.listeners) {
    EXPECT_TRUE(host_port.starts_with("[::1]:")) << name << " " << host_port;
  }
}

TEST(TlslabMainTest, ExportedCaVerifiesTheServedChain) {
  labtest::TempDir dir;
  std::string ca = dir.path() + "/ca.pem";
  RunningLab lab = StartLab({"--scenario", "tls-matrix", "--export-ca", ca});
  ASSERT_TRUE(lab.process);
  auto shown = labtest::SClient("127.0.0.1", PortOf(lab.listeners["tls12"]), {"-showcerts"});
  auto pems = labtest::PemCertificates(shown.output);
  ASSERT_EQ(pems.size(), 2u) << shown.output;  // leaf + intermediate, never the root
  std::string leaf = dir.Write("leaf.pem", pems[0]);
  std::string chain = dir.Write("chain.pem", pems[1]);
  auto verified =
      testsupport::RunCommand({"openssl", "verify", "-CAfile", ca, "-untrusted", chain, leaf}, 10s);
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  EXPECT_EQ(verified.output, leaf + ": OK\n");
  // Without the lab CA the same chain is not trusted.
  auto untrusted = testsupport::RunCommand({"openssl", "verify", "-CAfile", chain, leaf}, 10s);
  EXPECT_NE(untrusted.exit_code, 0);
}

TEST(TlslabMainTest, ScenarioFilesAndErrorsFromTheCommandLine) {
  labtest::TempDir dir;
  std::string file = dir.Write("one.yaml",
                               "name: one\ncertificates: [{name: c, cn: one.test}]\n"
                               "listeners: [{name: only, certificate: c}]\n");
  RunningLab lab = StartLab({"--scenario", file});
  ASSERT_TRUE(lab.process);
  EXPECT_EQ(lab.listeners.size(), 1u);
  EXPECT_TRUE(lab.listeners.count("only"));

  std::string bad = dir.Write("bad.yaml",
                              "name: bad\ncertificates: [{name: c, cn: one.test}]\n"
                              "listeners:\n  - name: x\n    tls: {versions: [tls1.4]}\n"
                              "    certificate: c\n");
  auto result = testsupport::RunCommand({TLSLAB_BINARY, "--scenario", bad}, 10s);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.output, "tlslab: " + bad +
                               ":5: listener 'x': unknown TLS version 'tls1.4' (expected tls1.0, "
                               "tls1.1, tls1.2, tls1.3)\n");
  auto unknown = testsupport::RunCommand({TLSLAB_BINARY, "--scenario", "nope"}, 10s);
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.output.find("no scenario named 'nope'"), std::string::npos);
}

}  // namespace
}  // namespace tlslab
