// `exprobe run` end to end against tlslab's certs scenario: a plan with a healthy listener (the
// lab CA trusted, a SAN covering 127.0.0.1), an expired one and a closed port, written in every
// format and read back by real consumers: python3-jsonschema against
// fixtures/schema/exprobe-1.schema.json, python3-junitparser, `promtool check metrics`, and the
// monitoring-plugins output rules for Nagios.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "tests/support/peers.h"
#include "tests/support/process.h"

namespace {

using namespace std::chrono_literals;
using testsupport::ChildProcess;
using testsupport::RunCommand;

const std::string kExprobe = std::string(EXPROBE_BIN_DIR) + "/exprobe";
const std::string kTlslab = std::string(EXPROBE_BIN_DIR) + "/tlslab";
const std::string kSource = EXPROBE_SOURCE_DIR;
const std::string kSchema = kSource + "/fixtures/schema/exprobe-1.schema.json";
const std::string kPython = "/usr/bin/python3";

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void Write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// The lab runs once for the whole suite; its listeners are the plan's targets.
class RunCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = ::testing::TempDir() + "exprobe_run_cli_" + std::to_string(getpid()) + "/";
    std::filesystem::create_directories(dir_);
    std::string error;
    lab_ = ChildProcess::Start(
        {kTlslab, "--scenario", "certs", "--print-ports", "--export-ca", dir_ + "ca.pem"}, &error);
    ASSERT_TRUE(lab_.has_value()) << error;
    while (auto line = lab_->ReadLine(20s)) {
      if (*line == "READY") break;
      std::istringstream words(*line);
      std::string tag, name, address;
      if (words >> tag >> name >> address && tag == "LISTEN") ports_[name] = address;
    }
    ASSERT_TRUE(ports_.count("san") && ports_.count("expired")) << lab_->output();
    closed_ = "127.0.0.1:" + std::to_string(testsupport::ClosedPort());
    Write(dir_ + "plan.yaml", Plan());
  }
  static void TearDownTestSuite() { lab_.reset(); }

  static std::string Plan() {
    return "run: {jobs: 4, per_host_connections: 8}\n"
           "modules:\n"
           "  tls_quick:\n"
           "    check: tls\n"
           "    timeout: 10s\n"
           "    tls: {enumerate: false, ca_file: ca.pem}\n"
           "  cert:\n"
           "    check: cert\n"
           "    cert: {ca_file: ca.pem, msstd: none, revocation: false}\n"
           "targets:\n"
           "  - {target: '" +
           ports_["san"] +
           "', name: healthy, modules: [tls_quick, cert]}\n"
           "  - {target: '" +
           ports_["expired"] +
           "', name: expired, modules: [tls_quick, cert]}\n"
           "  - {target: '" +
           closed_ + "', name: closed, modules: [tls_quick]}\n";
  }

  static testsupport::RunResult Run(std::vector<std::string> extra) {
    std::vector<std::string> argv{kExprobe, "run", dir_ + "plan.yaml"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return RunCommand(argv, 90s);
  }

  static inline std::string dir_;
  static inline std::optional<ChildProcess> lab_;
  static inline std::map<std::string, std::string> ports_;
  static inline std::string closed_;
};

TEST_F(RunCliTest, TextNamesEveryTargetAndCheckWithItsStateAndExitsCritical) {
  auto r = Run({});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(std::regex_search(r.output, std::regex(R"(\nOK +healthy +tls_quick )"))) << r.output;
  EXPECT_TRUE(std::regex_search(r.output, std::regex(R"(\nOK +healthy +cert )"))) << r.output;
  EXPECT_TRUE(
      std::regex_search(r.output, std::regex(R"(\nCRITICAL +expired +cert .*cert\.expired)")))
      << r.output;
  EXPECT_TRUE(std::regex_search(r.output,
                                std::regex(R"(\nCRITICAL +closed +tls_quick .*net\.unreachable)")))
      << r.output;
  EXPECT_NE(r.output.find("5 check(s)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("2 ok, 0 warning, 3 critical, 0 unknown"), std::string::npos) << r.output;
}

TEST_F(RunCliTest, JsonIsOneSchemaValidDocumentWithEveryResult) {
  auto r = Run({"--format", "json", "-o", dir_ + "run.json"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  auto valid = RunCommand(
      {kPython, kSource + "/tests/integration/validate_json.py", kSchema, dir_ + "run.json"}, 30s);
  EXPECT_EQ(valid.exit_code, 0) << valid.output;
  auto doc = nlohmann::json::parse(Slurp(dir_ + "run.json"));
  ASSERT_EQ(doc["results"].size(), 5u);
  std::map<std::string, std::string> status;
  for (const auto& res : doc["results"]) {
    status[res["target"].get<std::string>() + " " + res["module"].get<std::string>()] =
        res["status"];
    EXPECT_EQ(res["report"]["command"], res["check"]) << res.dump();
  }
  EXPECT_EQ(status["healthy tls_quick"], "ok");
  EXPECT_EQ(status["healthy cert"], "ok");
  EXPECT_EQ(status["expired tls_quick"], "critical");
  EXPECT_EQ(status["expired cert"], "critical");
  EXPECT_EQ(status["closed tls_quick"], "critical");
  EXPECT_EQ(doc["summary"]["ok"], 2);
  EXPECT_EQ(doc["summary"]["critical"], 3);
  EXPECT_EQ(doc["exit_code"], 2);
}

// The schema can fail: a document whose status and exit code disagree is rejected.
TEST_F(RunCliTest, SchemaRejectsAStatusThatContradictsTheExitCode) {
  auto r = Run({"--format", "json"});
  auto doc = nlohmann::json::parse(r.output);
  doc["results"][0]["exit_code"] = doc["results"][0]["status"] == "ok" ? 2 : 0;
  Write(dir_ + "broken.json", doc.dump());
  auto valid = RunCommand(
      {kPython, kSource + "/tests/integration/validate_json.py", kSchema, dir_ + "broken.json"},
      30s);
  EXPECT_EQ(valid.exit_code, 1) << valid.output;
}

// Every other command's JSON follows the same schema.
TEST_F(RunCliTest, EveryCommandsJsonValidatesAgainstTheSchema) {
  std::vector<std::vector<std::string>> commands = {
      {kExprobe, "tls", ports_["san"], "--ca-file", dir_ + "ca.pem", "--format", "json"},
      {kExprobe, "tls", closed_, "--format", "json"},
      {kExprobe, "cert", ports_["expired"], "--ca-file", dir_ + "ca.pem", "--no-revocation",
       "--format", "json"},
      {kExprobe, "findings", "--format", "json"},
      {kExprobe, "client", "list", "--format", "json"},
      {kExprobe, "ntlm", "decode",
       "TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAGAbEdAAAADw==", "--format", "json"},
      {kExprobe, "logs", kSource + "/fixtures/logs/loop", "--format", "json"},
  };
  for (const auto& argv : commands) {
    auto r = RunCommand(argv, 60s);
    ASSERT_FALSE(r.timed_out) << argv[1];
    Write(dir_ + "doc.json", r.output);
    auto valid = RunCommand(
        {kPython, kSource + "/tests/integration/validate_json.py", kSchema, dir_ + "doc.json"},
        30s);
    EXPECT_EQ(valid.exit_code, 0) << argv[1] << " " << argv[2] << ": " << valid.output << "\n"
                                  << r.output.substr(0, 400);
  }
}

TEST_F(RunCliTest, JunitHasOneCasePerTargetAndCheckAsJunitparserReadsIt) {
  auto r = Run({"--format", "junit", "-o", dir_ + "run.xml"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  auto read =
      RunCommand({kPython, kSource + "/tests/integration/junit_cases.py", dir_ + "run.xml"}, 30s);
  ASSERT_EQ(read.exit_code, 0) << read.output;
  EXPECT_NE(read.output.find("exprobe.tls_quick healthy pass"), std::string::npos) << read.output;
  EXPECT_NE(read.output.find("exprobe.cert healthy pass"), std::string::npos) << read.output;
  EXPECT_NE(read.output.find("exprobe.tls_quick expired failure"), std::string::npos)
      << read.output;
  EXPECT_NE(read.output.find("exprobe.cert expired failure"), std::string::npos) << read.output;
  EXPECT_NE(read.output.find("exprobe.tls_quick closed failure"), std::string::npos) << read.output;
  EXPECT_NE(read.output.find("suites 1 tests 5 failures 3 errors 0"), std::string::npos)
      << read.output;
  // The failure carries the finding's summary.
  EXPECT_NE(Slurp(dir_ + "run.xml").find("cert.expired"), std::string::npos);
}

TEST_F(RunCliTest, PrometheusTextfileIsWrittenAtomicallyAndPassesPromtool) {
  std::string out = dir_ + "exprobe.prom";
  auto r = Run({"--format", "prometheus", "-o", out});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    EXPECT_EQ(entry.path().string().find(".tmp."), std::string::npos) << entry.path();
  }
  std::string text = Slurp(out);
  auto check = RunCommand({"/bin/sh", "-c", "promtool check metrics < " + out}, 30s);
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_NE(text.find("probe_success{target=\"healthy\",module=\"tls_quick\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("probe_success{target=\"expired\",module=\"cert\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("probe_success{target=\"closed\",module=\"tls_quick\"} 0\n"),
            std::string::npos);
  EXPECT_NE(text.find("exprobe_finding{target=\"expired\",module=\"cert\",id=\"cert.expired\","
                      "severity=\"critical\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("exprobe_tls_protocol_accepted{target=\"healthy\",module=\"tls_quick\","
                      "version=\"TLS 1.0\"} 0\n"),
            std::string::npos);
  EXPECT_NE(text.find("exprobe_tls_protocol_accepted{target=\"healthy\",module=\"tls_quick\","
                      "version=\"TLS 1.3\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("probe_tls_version_info{target=\"healthy\",module=\"tls_quick\","
                      "version=\"TLS 1.3\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("exprobe_run_checks{status=\"critical\"} 3\n"), std::string::npos);
  // Each family appears under exactly one TYPE line.
  EXPECT_EQ(text.find("# TYPE probe_success gauge"), text.rfind("# TYPE probe_success gauge"));
}

// monitoring-plugins: "STATE - text | perfdata" on the first line, long text after, perfdata
// 'label'=value[UOM];[warn];[crit];[min];[max], exit code = state.
const std::regex kPerf(
    R"(('([^']|'')+'|[^ '=]+)=-?[0-9]+(\.[0-9]+)?(s|ms|us|%|B|KB|MB|TB|c)?(;[-~@0-9.:]*){0,4})");

bool PerfdataValid(const std::string& text) {
  std::istringstream items(text);
  std::string item, label_part;
  // Labels may hold spaces inside quotes: re-join words until the quotes balance.
  std::string pending;
  while (items >> item) {
    pending += pending.empty() ? item : " " + item;
    if (std::count(pending.begin(), pending.end(), '\'') % 2 != 0) continue;
    if (!std::regex_match(pending, kPerf)) return false;
    pending.clear();
  }
  return pending.empty();
}

TEST_F(RunCliTest, NagiosFollowsThePluginRulesAndThresholdsJudgeCertDays) {
  auto r = Run({"--format", "nagios", "-w", "cert_days=30:", "-c", "cert_days=7:", "-w",
                "handshake_time=5"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  std::istringstream lines(r.output);
  std::string first;
  std::getline(lines, first);
  std::smatch m;
  ASSERT_TRUE(std::regex_match(
      first, m, std::regex(R"(EXPROBE (OK|WARNING|CRITICAL|UNKNOWN) - ([^|]+) \| (.*))")))
      << first;
  EXPECT_EQ(m[1], "CRITICAL");
  EXPECT_TRUE(PerfdataValid(m[3])) << m[3];
  std::string line, perf;
  int problems = 0;
  while (std::getline(lines, line)) {
    if (line.starts_with("|")) {
      perf = line.substr(1);
    } else if (line.starts_with("CRITICAL ") || line.starts_with("WARNING ")) {
      ++problems;
    }
  }
  EXPECT_EQ(problems, 3) << r.output;
  EXPECT_TRUE(PerfdataValid(perf)) << perf;
  EXPECT_NE(perf.find("'healthy cert cert_days'="), std::string::npos) << perf;
  EXPECT_NE(perf.find(";30:;7:;;"), std::string::npos) << perf;
  EXPECT_TRUE(
      std::regex_search(perf, std::regex(R"('healthy tls_quick handshake_time'=[0-9.]+s;5;;;)")))
      << perf;
}

// The lab's certificates live 90 days: a warning range above that turns the healthy target
// WARNING through its measure alone.
TEST_F(RunCliTest, AThresholdAloneTurnsAHealthyTargetWarning) {
  std::string plan = Plan();
  plan = plan.substr(0, plan.find("  - {target: '" + ports_["expired"]));
  Write(dir_ + "healthy.yaml", plan);
  auto ok = RunCommand({kExprobe, "run", dir_ + "healthy.yaml", "--format", "nagios"}, 60s);
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_TRUE(ok.output.starts_with("EXPROBE OK - 2 checks: 2 ok")) << ok.output;
  auto warn = RunCommand(
      {kExprobe, "run", dir_ + "healthy.yaml", "--format", "nagios", "-w", "cert_days=100:"}, 60s);
  EXPECT_EQ(warn.exit_code, 1) << warn.output;
  EXPECT_TRUE(warn.output.starts_with("EXPROBE WARNING - ")) << warn.output;
  EXPECT_NE(warn.output.find("cert_days"), std::string::npos) << warn.output;
  auto bad = RunCommand(
      {kExprobe, "run", dir_ + "healthy.yaml", "--format", "nagios", "-w", "cert_dayz=1"}, 60s);
  EXPECT_EQ(bad.exit_code, 3) << bad.output;
}

TEST_F(RunCliTest, ABadPlanNamesFileLineAndField) {
  Write(dir_ + "bad.yaml",
        "modules:\n"
        "  tls_quick: {check: tls}\n"
        "targets:\n"
        "  - target: 127.0.0.1:443\n"
        "    modules: [tls_quick, nope]\n");
  auto r = RunCommand({kExprobe, "run", dir_ + "bad.yaml"}, 30s);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.output.find("bad.yaml:5: target '127.0.0.1:443': module 'nope' is not defined"),
            std::string::npos)
      << r.output;
  Write(dir_ + "secret.yaml",
        "modules:\n"
        "  owa:\n"
        "    check: auth\n"
        "    auth: {user: 'CONTOSO\\probe', password: hunter2}\n"
        "targets: [{target: 'https://127.0.0.1/ews', modules: [owa]}]\n");
  auto secret = RunCommand({kExprobe, "run", dir_ + "secret.yaml"}, 30s);
  EXPECT_EQ(secret.exit_code, 3);
  EXPECT_NE(secret.output.find("secret.yaml:4: module 'owa': auth: a password is never written"),
            std::string::npos)
      << secret.output;
  EXPECT_EQ(secret.output.find("hunter2"), std::string::npos);
}

TEST_F(RunCliTest, DryRunListsTheHostsThatWouldReceiveCredentials) {
  Write(dir_ + "creds.yaml",
        "modules:\n"
        "  owa: {check: auth, auth: {user: 'CONTOSO\\probe', password_env: EXPROBE_TEST_PW}}\n"
        "  tls_quick: {check: tls}\n"
        "targets:\n"
        "  - {target: 'https://mail.contoso.test/ews/exchange.asmx', modules: [owa, tls_quick]}\n");
  auto r = RunCommand({kExprobe, "run", dir_ + "creds.yaml", "--dry-run"}, 30s);
  // tls takes HOST[:PORT], not a URL: the plan is refused before anything runs.
  EXPECT_EQ(r.exit_code, 3) << r.output;
  Write(dir_ + "creds.yaml",
        "modules:\n"
        "  owa: {check: auth, auth: {user: 'CONTOSO\\probe', password_env: EXPROBE_TEST_PW}}\n"
        "targets:\n"
        "  - {target: 'https://mail.contoso.test/ews/exchange.asmx', modules: [owa]}\n");
  r = RunCommand({kExprobe, "run", dir_ + "creds.yaml", "--dry-run"}, 30s);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("credentials would go to: mail.contoso.test"), std::string::npos)
      << r.output;
}

TEST_F(RunCliTest, ListChecksComesFromTheRegistry) {
  auto r = RunCommand({kExprobe, "run", "--list-checks"}, 30s);
  EXPECT_EQ(r.exit_code, 0);
  for (const char* kind : {"tls ", "cert ", "auth "}) {
    EXPECT_NE(r.output.find(kind), std::string::npos) << r.output;
  }
}

}  // namespace
