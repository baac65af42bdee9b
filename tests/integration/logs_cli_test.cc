// `exprobe logs` end to end: the built binary on the fixture logs (fixtures/logs/), as a user
// runs it, in text and JSON, with filters, a bad path and bad arguments.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace {

using namespace std::chrono_literals;
using testsupport::RunCommand;

const std::string kExprobe = std::string(EXPROBE_BIN_DIR) + "/exprobe";
const std::string kLogs = std::string(EXPROBE_SOURCE_DIR) + "/fixtures/logs/";

nlohmann::json Json(const testsupport::RunResult& r) {
  auto start = r.output.find('{');
  if (start == std::string::npos) return {};
  return nlohmann::json::parse(r.output.substr(start), nullptr, false);
}

testsupport::RunResult Logs(std::vector<std::string> args) {
  args.insert(args.begin(), {kExprobe, "logs"});
  return RunCommand(args, 30s);
}

std::vector<std::string> GroupLines(const nlohmann::json& doc) {
  std::vector<std::string> out;
  for (const auto& g : doc["groups"]) {
    out.push_back(g["finding"].get<std::string>() + " " +
                  (g["client_ip"].is_null() ? "-" : g["client_ip"].get<std::string>()) + " " +
                  std::to_string(g["count"].get<int>()));
  }
  return out;
}

TEST(LogsCliTest, HealthyTrafficIsOk) {
  auto r = Logs({kLogs + "healthy"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("OK       logs.ok: No 401 loop"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("Groups"), std::string::npos);
}

TEST(LogsCliTest, LoopsInJson) {
  auto r = Logs({kLogs + "loop", "--format", "json"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  auto doc = Json(r);
  ASSERT_TRUE(doc.is_object()) << r.output;
  EXPECT_EQ(doc["schema"], "exprobe/1");
  EXPECT_EQ(doc["command"], "logs");
  EXPECT_EQ(doc["status"], "critical");
  EXPECT_EQ(doc["exit_code"], 2);
  EXPECT_EQ(GroupLines(doc), (std::vector<std::string>{"logs.auth_loop 203.0.113.7 12",
                                                       "logs.auth_loop 198.51.100.23 7"}));
  const auto& g = doc["groups"][0];
  EXPECT_EQ(g["first"], "2023-01-07T09:10:00.000Z");
  EXPECT_EQ(g["last"], "2023-01-07T09:12:45.000Z");
  EXPECT_EQ(g["severity"], "critical");
  EXPECT_EQ(g["protocol"], "RpcHttp");
  EXPECT_TRUE(g["user"].is_null());
  EXPECT_NE(g["sample"]["file"].get<std::string>().find("HttpProxy_2023010709-1.LOG"),
            std::string::npos);
  EXPECT_GT(g["sample"]["line"].get<int>(), 5);
  EXPECT_EQ(doc["summary"]["requests"], 37);
  EXPECT_EQ(doc["findings"][0]["id"], "logs.auth_loop");
}

TEST(LogsCliTest, Kb3140410NamesTheUpdate) {
  auto r = Logs({kLogs + "kb3140410"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  for (auto text :
       {"CRITICAL auth.backend_invalid_token  CONTOSO\\legacy1 from 10.0.0.50, RpcHttp",
        "back end ex2010cas.contoso.com 14.03.0123.004", "with status 'InvalidToken'",
        "HttpProxy_2023010710-1.LOG:10", "Install update 3140410", "DefaultAppPool",
        "INFO     logs.proxied_to_2010: 2 mailboxes proxied", "WARNING  logs.backend_failure"}) {
    EXPECT_NE(r.output.find(text), std::string::npos) << text << "\n" << r.output;
  }
}

TEST(LogsCliTest, EveryFixtureAtOnceWithGzipAndIis) {
  auto doc = Json(Logs({kLogs, "--format", "json"}));
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["summary"]["files"], 9);
  EXPECT_EQ(doc["summary"]["malformed"], 9);
  EXPECT_EQ(doc["groups"].size(), 13u);
  std::set<std::string> ids;
  for (const auto& f : doc["findings"]) ids.insert(f["id"].get<std::string>());
  EXPECT_EQ(ids, (std::set<std::string>{"auth.backend_invalid_token", "logs.auth_loop",
                                        "logs.iis.bad_bindings", "logs.iis.invalid_token",
                                        "logs.iis.logon_denied", "logs.backend_failure",
                                        "logs.proxied_to_2010", "logs.malformed_lines"}));
}

TEST(LogsCliTest, Filters) {
  auto doc =
      Json(Logs({kLogs, "--user", "legacy1", "--protocol", "RpcHttp", "--since",
                 "2023-01-07T10:00:00Z", "--until", "2023-01-07T10:59:59Z", "--format", "json"}));
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(GroupLines(doc), (std::vector<std::string>{"auth.backend_invalid_token 10.0.0.50 8",
                                                       "logs.proxied_to_2010 - 8"}));
  EXPECT_EQ(doc["filters"]["user"], "legacy1");
  EXPECT_EQ(doc["filters"]["since"], "2023-01-07T10:00:00.000Z");
}

TEST(LogsCliTest, MalformedLinesWithFileAndLine) {
  auto r = Logs({kLogs + "malformed", "--format", "json"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  auto doc = Json(r);
  ASSERT_EQ(doc["malformed"].size(), 9u);
  EXPECT_EQ(doc["malformed"][1]["line"], 16);
  EXPECT_EQ(doc["malformed"][1]["reason"], "a quoted field has no closing quote");
  auto text = Logs({kLogs + "malformed"});
  EXPECT_NE(text.output.find("HttpProxy_2023010712-1.LOG:24: 2 fields where #Fields: names 23"),
            std::string::npos)
      << text.output;
}

TEST(LogsCliTest, AMissingPathIsNamedAndTheOthersAreReported) {
  auto r = Logs({kLogs + "nowhere", kLogs + "loop", "--format", "json"});
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("exprobe: logs: cannot read " + kLogs + "nowhere"), std::string::npos)
      << r.output;
  auto doc = Json(r);
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["status"], "unknown");
  EXPECT_EQ(doc["groups"].size(), 2u);
  EXPECT_EQ(doc["errors"].size(), 1u);
}

TEST(LogsCliTest, BadArgumentsAreOneSentenceAndUnknown) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {kLogs, "--since", "yesterday"},
           {kLogs, "--since", "2023-01-08", "--until", "2023-01-07"},
           {kLogs, "--format", "xml"},
           {kLogs, "--window", "0"},
           {kLogs, "--loop-threshold", "1"},
           {}}) {
    auto r = Logs(args);
    EXPECT_EQ(r.exit_code, 3) << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
    EXPECT_EQ(r.output.rfind("exprobe: ", 0), 0u) << r.output;
  }
}

TEST(LogsCliTest, FindingsCommandListsTheLogEntries) {
  auto r = RunCommand({kExprobe, "findings", "--format", "json"}, 10s);
  ASSERT_EQ(r.exit_code, 0);
  auto doc = nlohmann::json::parse(r.output.substr(r.output.find('[')), nullptr, false);
  std::set<std::string> ids;
  for (const auto& e : doc) ids.insert(e["id"].get<std::string>());
  for (auto id :
       {"logs.ok", "logs.auth_loop", "auth.backend_invalid_token", "logs.backend_failure",
        "logs.proxied_to_2010", "logs.malformed_lines", "logs.file_unreadable", "logs.no_requests",
        "logs.iis.logon_denied", "logs.iis.bad_bindings", "logs.iis.invalid_token"}) {
    EXPECT_TRUE(ids.count(id)) << id;
  }
}

}  // namespace
