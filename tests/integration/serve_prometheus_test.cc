// `exprobe serve` scraped by a real Prometheus (Debian's prometheus 2.42) on loopback with the
// blackbox_exporter relabelling recipe, probing tlslab's certs scenario: Prometheus's HTTP API
// must show probe_success 1 for the healthy listener and 0 for the expired one and a closed
// port. Also: promtool on the exposition, the example alert rules and dashboard queries in
// fixtures/monitoring run by that Prometheus, and the exporter's HTTP rules (status codes,
// allowlist, scrape timeout header, concurrent scrapes, bounded requests).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

#include "tests/support/peers.h"
#include "tests/support/process.h"

namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testsupport::ChildProcess;
using testsupport::RunCommand;

const std::string kExprobe = std::string(EXPROBE_BIN_DIR) + "/exprobe";
const std::string kTlslab = std::string(EXPROBE_BIN_DIR) + "/tlslab";
const std::string kSource = EXPROBE_SOURCE_DIR;
const std::string kMonitoring = kSource + "/fixtures/monitoring/";

void Write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// curl as the HTTP client: prints the body, then "HTTP <code>" on its own line.
struct Http {
  int code = 0;
  std::string body;
};
Http Get(const std::string& url, std::vector<std::string> headers = {}) {
  std::vector<std::string> argv{
      "curl", "-s", "-g", "--max-time", "20", "-w", "\nHTTP %{http_code}"};
  for (const auto& h : headers) argv.insert(argv.end(), {"-H", h});
  argv.push_back(url);
  auto r = RunCommand(argv, 30s);
  Http out;
  auto at = r.output.rfind("\nHTTP ");
  if (at == std::string::npos) return out;
  out.code = std::atoi(r.output.c_str() + at + 6);
  out.body = r.output.substr(0, at);
  return out;
}

std::string UrlEncode(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

class ServePrometheusTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = ::testing::TempDir() + "exprobe_serve_prometheus_" + std::to_string(getpid()) + "/";
    std::filesystem::remove_all(dir_);
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
    Write(dir_ + "serve.yaml",
          "modules:\n"
          "  tls_quick:\n"
          "    check: tls\n"
          "    timeout: 10s\n"
          "    tls: {enumerate: false, ca_file: ca.pem}\n"
          "  tls_full:\n"
          "    check: tls\n"
          "    schedule: 1h\n"
          "    tls: {ca_file: ca.pem}\n"
          "  owa:\n"
          "    check: auth\n"
          "    auth: {user: 'CONTOSO\\probe', password_env: EXPROBE_SERVE_TEST_PASSWORD}\n"
          "targets:\n"
          "  - {target: '" +
              ports_["san"] +
              "', modules: [tls_full]}\n"
              "  - {target: 'https://mail.contoso.test/owa/', modules: [owa]}\n");
    serve_ = ChildProcess::Start({kExprobe, "serve", "--config", dir_ + "serve.yaml", "--listen",
                                  "127.0.0.1:0", "--print-address", "--max-probes", "4"},
                                 &error);
    ASSERT_TRUE(serve_.has_value()) << error;
    auto line = serve_->WaitFor("LISTEN ", 20s);
    ASSERT_TRUE(line.has_value()) << serve_->output();
    serve_address_ = line->substr(line->find("LISTEN ") + 7);
  }
  static void TearDownTestSuite() {
    prometheus_.reset();
    serve_.reset();
    lab_.reset();
  }

  static std::string Probe(const std::string& target, const std::string& module) {
    return "http://" + serve_address_ + "/probe?target=" + UrlEncode(target) + "&module=" + module;
  }

  // Starts Prometheus once, with the relabelling recipe and the example rules.
  static void StartPrometheus() {
    if (prometheus_) return;
    prometheus_port_ = testsupport::ClosedPort();
    std::filesystem::copy_file(kMonitoring + "exprobe-alerts.yml", dir_ + "exprobe-alerts.yml",
                               std::filesystem::copy_options::overwrite_existing);
    Write(dir_ + "prometheus.yml",
          "global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}\n"
          "rule_files: [exprobe-alerts.yml]\n"
          "scrape_configs:\n"
          "  - job_name: exprobe\n"
          "    metrics_path: /probe\n"
          "    params: {module: [tls_quick]}\n"
          "    static_configs:\n"
          "      - targets: ['" +
              ports_["san"] + "', '" + ports_["expired"] + "', '" + closed_ +
              "']\n"
              "    relabel_configs:\n"
              "      - {source_labels: [__address__], target_label: __param_target}\n"
              "      - {source_labels: [__param_target], target_label: instance}\n"
              "      - {target_label: __address__, replacement: '" +
              serve_address_ +
              "'}\n"
              "  - job_name: exprobe_self\n"
              "    static_configs: [{targets: ['" +
              serve_address_ + "']}]\n");
    std::string error;
    prometheus_ = ChildProcess::Start(
        {"prometheus", "--config.file=" + dir_ + "prometheus.yml",
         "--storage.tsdb.path=" + dir_ + "data",
         "--web.listen-address=127.0.0.1:" + std::to_string(prometheus_port_), "--log.level=warn"},
        &error);
    ASSERT_TRUE(prometheus_.has_value()) << error;
  }

  static json Query(const std::string& promql) {
    auto r = Get("http://127.0.0.1:" + std::to_string(prometheus_port_) +
                 "/api/v1/query?query=" + UrlEncode(promql));
    return json::parse(r.body, nullptr, false);
  }

  static inline std::string dir_;
  static inline std::optional<ChildProcess> lab_, serve_, prometheus_;
  static inline std::map<std::string, std::string> ports_;
  static inline std::string closed_, serve_address_;
  static inline int prometheus_port_ = 0;
};

TEST_F(ServePrometheusTest, PrometheusScrapesProbeSuccessOneForHealthyAndZeroForFaulty) {
  StartPrometheus();
  std::map<std::string, double> success;
  json last;
  for (int i = 0; i < 120 && success.size() < 3; ++i) {
    std::this_thread::sleep_for(500ms);
    last = Query("probe_success{job=\"exprobe\"}");
    if (!last.is_object() || last["status"] != "success") continue;
    success.clear();
    for (const auto& s : last["data"]["result"]) {
      success[s["metric"]["instance"].get<std::string>()] =
          std::stod(s["value"][1].get<std::string>());
    }
  }
  ASSERT_EQ(success.size(), 3u) << last.dump() << "\n" << prometheus_->output();
  EXPECT_EQ(success[ports_["san"]], 1) << last.dump();
  EXPECT_EQ(success[ports_["expired"]], 0) << last.dump();
  EXPECT_EQ(success[closed_], 0) << last.dump();

  // The findings behind the 0 reach Prometheus too, with the instance label from relabelling.
  json expired = Query("exprobe_finding{id=\"cert.expired\"}");
  ASSERT_EQ(expired["data"]["result"].size(), 1u) << expired.dump();
  EXPECT_EQ(expired["data"]["result"][0]["metric"]["instance"], ports_["expired"]);
  // The exporter's own health is scraped as a normal target.
  json up = Query("up{job=\"exprobe_self\"}");
  ASSERT_EQ(up["data"]["result"].size(), 1u) << up.dump();
  EXPECT_EQ(up["data"]["result"][0]["value"][1], "1");
  // Prometheus sent its scrape timeout (1 s) and the module ran within it less the offset.
  json timeout = Query("probe_timeout_seconds{job=\"exprobe\"}");
  ASSERT_FALSE(timeout["data"]["result"].empty()) << timeout.dump();
  EXPECT_DOUBLE_EQ(std::stod(timeout["data"]["result"][0]["value"][1].get<std::string>()), 0.5);
}

TEST_F(ServePrometheusTest, ExampleRulesLoadAndDashboardQueriesRunInPrometheus) {
  StartPrometheus();
  auto check = RunCommand({"promtool", "check", "rules", kMonitoring + "exprobe-alerts.yml"}, 30s);
  EXPECT_EQ(check.exit_code, 0) << check.output;
  auto unit = RunCommand(
      {"/bin/sh", "-c", "cd " + kMonitoring + " && promtool test rules exprobe-alerts.test.yml"},
      60s);
  EXPECT_EQ(unit.exit_code, 0) << unit.output;
  // The running Prometheus loaded every rule and evaluates them without error.
  json rules;
  for (int i = 0; i < 40; ++i) {
    auto r = Get("http://127.0.0.1:" + std::to_string(prometheus_port_) + "/api/v1/rules");
    rules = json::parse(r.body, nullptr, false);
    if (rules.is_object() && rules["status"] == "success" && !rules["data"]["groups"].empty())
      break;
    std::this_thread::sleep_for(500ms);
  }
  ASSERT_TRUE(rules.is_object()) << rules.dump();
  ASSERT_EQ(rules["data"]["groups"].size(), 1u) << rules.dump();
  EXPECT_EQ(rules["data"]["groups"][0]["rules"].size(), 7u);
  for (const auto& rule : rules["data"]["groups"][0]["rules"]) {
    EXPECT_NE(rule["health"], "err") << rule.dump();
  }
  // Every dashboard query parses and runs (template variables set to match everything).
  json dashboard = json::parse(Slurp(kMonitoring + "exprobe-dashboard.json"));
  ASSERT_GE(dashboard["panels"].size(), 5u);
  for (const auto& panel : dashboard["panels"]) {
    for (const auto& target : panel["targets"]) {
      std::string expr = target["expr"];
      expr = std::regex_replace(expr, std::regex(R"(\$(job|instance))"), ".*");
      json result = Query(expr);
      EXPECT_EQ(result["status"], "success") << panel["title"] << ": " << expr << "\n"
                                             << result.dump();
    }
  }
}

TEST_F(ServePrometheusTest, ExpositionPassesPromtoolForEveryModuleAndMetrics) {
  for (const auto& url : {Probe(ports_["san"], "tls_quick"), Probe(closed_, "tls_quick"),
                          "http://" + serve_address_ + "/metrics"}) {
    auto r = RunCommand(
        {"/bin/sh", "-c",
         "curl -s --max-time 20 '" + url + "' | tee /dev/stderr | promtool check metrics"},
        60s);
    EXPECT_EQ(r.exit_code, 0) << url << "\n" << r.output;
    EXPECT_NE(r.output.find("# TYPE"), std::string::npos) << url << "\n" << r.output;
  }
}

TEST_F(ServePrometheusTest, ScheduledModulesServeTheirCachedResultWithItsAge) {
  Http r;
  for (int i = 0; i < 60; ++i) {
    r = Get(Probe(ports_["san"], "tls_full"));
    if (r.code == 200) break;
    EXPECT_EQ(r.code, 503) << r.body;  // before the first scheduled run ends
    std::this_thread::sleep_for(500ms);
  }
  ASSERT_EQ(r.code, 200) << r.body;
  EXPECT_NE(r.body.find("probe_success 1\n"), std::string::npos) << r.body;
  std::smatch m;
  ASSERT_TRUE(
      std::regex_search(r.body, m, std::regex(R"(\nexprobe_result_age_seconds ([0-9.e+-]+)\n)")))
      << r.body;
  EXPECT_GT(std::stod(m[1]), 0.0);
  // Full enumeration ran: suites per version are there.
  EXPECT_NE(r.body.find("exprobe_tls_cipher_suites_accepted{version=\"TLS 1.2\"}"),
            std::string::npos)
      << r.body;
  // A target outside the plan is not probed on demand by a scheduled module.
  EXPECT_EQ(Get(Probe(closed_, "tls_full")).code, 404);
}

TEST_F(ServePrometheusTest, CredentialedModulesProbeOnlyTargetsTheirPlanLists) {
  auto r = Get(Probe("https://evil.example.test/owa/", "owa"));
  EXPECT_EQ(r.code, 403) << r.body;
  EXPECT_NE(r.body.find("stored credentials"), std::string::npos) << r.body;
}

TEST_F(ServePrometheusTest, BadRequestsGetClearStatusCodes) {
  EXPECT_EQ(Get("http://" + serve_address_ + "/probe?target=" + ports_["san"]).code, 400);
  EXPECT_EQ(Get(Probe(ports_["san"], "nope")).code, 400);
  EXPECT_EQ(Get(Probe("not a host:99999", "tls_quick")).code, 400);
  EXPECT_EQ(Get("http://" + serve_address_ + "/nothing").code, 404);
  EXPECT_EQ(Get("http://" + serve_address_ + "/probe?target=%zz").code, 400);
  // Headers beyond the limit (8 KiB) end with 400, not a crash or a hang.
  auto big = Get(Probe(ports_["san"], "tls_quick"), {"X-Padding: " + std::string(20000, 'a')});
  EXPECT_EQ(big.code, 400);
  // The server is still there.
  EXPECT_EQ(Get("http://" + serve_address_ + "/metrics").code, 200);
}

TEST_F(ServePrometheusTest, ScrapeTimeoutHeaderBoundsTheProbeAndScrapesRunConcurrently) {
  testsupport::SilentListener silent;  // accepts, never answers: a probe waits for its deadline
  std::string hang = "127.0.0.1:" + std::to_string(silent.port());
  auto started = std::chrono::steady_clock::now();
  auto slow = std::async(std::launch::async, [&] {
    return Get(Probe(hang, "tls_quick"), {"X-Prometheus-Scrape-Timeout-Seconds: 3"});
  });
  std::this_thread::sleep_for(200ms);
  auto quick_start = std::chrono::steady_clock::now();
  auto quick = Get(Probe(ports_["san"], "tls_quick"));
  auto quick_took = std::chrono::steady_clock::now() - quick_start;
  EXPECT_EQ(quick.code, 200);
  EXPECT_NE(quick.body.find("probe_success 1\n"), std::string::npos) << quick.body;
  EXPECT_LT(quick_took, 2s) << "a slow scrape held up another";
  auto r = slow.get();
  auto slow_took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(r.code, 200) << r.body;
  EXPECT_NE(r.body.find("probe_success 0\n"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("probe_timeout_seconds 2.5\n"), std::string::npos) << r.body;
  EXPECT_GE(slow_took, 2s);
  EXPECT_LT(slow_took, 5s);
}

TEST_F(ServePrometheusTest, ListensOnLoopbackByDefault) {
  auto r = RunCommand({kExprobe, "serve", "--help"}, 10s);
  EXPECT_NE(r.output.find("127.0.0.1:9339"), std::string::npos) << r.output;
}

}  // namespace
