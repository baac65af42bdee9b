// `exprobe client` end to end: list/show/decode/fix as a user runs them, the .reg output against
// the fixture written from Microsoft's documented keys (and, where Debian's wine64 is installed,
// imported by Wine's own `reg import`), and `exprobe tls --client` against real servers.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "tests/support/peers.h"

namespace {

using namespace std::chrono_literals;
using testsupport::RunCommand;

const std::string kExprobe = std::string(EXPROBE_BIN_DIR) + "/exprobe";
const std::string kRegistryFixtures = std::string(EXPROBE_SOURCE_DIR) + "/fixtures/registry/";
const std::string kWine = "/usr/lib/wine/wine64";

int CountLines(const std::string& s) {
  return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
}

nlohmann::json Json(const testsupport::RunResult& r) {
  auto start = r.output.find('{');
  if (start == std::string::npos) return {};
  return nlohmann::json::parse(r.output.substr(start), nullptr, false);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A scratch directory removed at the end of the test.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "exprobe-client-XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

TEST(ClientCliTest, ListNamesEveryProfileAndTheOutlookTable) {
  auto text = RunCommand({kExprobe, "client", "list"}, 10s);
  ASSERT_EQ(text.exit_code, 0) << text.output;
  for (auto name : {"win7 ", "win7-kb3140245", "win7-ie11", "win81", "win10", "win11"}) {
    EXPECT_NE(text.output.find(name), std::string::npos) << name;
  }
  EXPECT_NE(text.output.find("Outlook 2010"), std::string::npos);
  auto doc = Json(RunCommand({kExprobe, "client", "list", "--format", "json"}, 10s));
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["schema"], "exprobe/1");
  EXPECT_EQ(doc["profiles"].size(), 6u);
  EXPECT_EQ(doc["outlook"].size(), 12u);
}

TEST(ClientCliTest, ShowGivesTheWholeHello) {
  auto doc = Json(RunCommand({kExprobe, "client", "show", "win7", "--format", "json"}, 10s));
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["hello_version"], "tls1.0");
  EXPECT_EQ(doc["record_version"], "0x0301");
  EXPECT_EQ(doc["cipher_suites"][0]["id"], "0xC014");
  EXPECT_EQ(doc["fixed_profile"], "win7-kb3140245");
  auto text = RunCommand({kExprobe, "client", "show", "win7-kb3140245"}, 10s);
  ASSERT_EQ(text.exit_code, 0);
  EXPECT_NE(text.output.find("[inferred]"), std::string::npos) << text.output;
}

TEST(ClientCliTest, DecodeGivesProtocolsAndFlagsTheCirculatingMistakes) {
  auto ok = RunCommand({kExprobe, "client", "decode", "0xA80", "--format", "json"}, 10s);
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  auto doc = Json(ok);
  EXPECT_EQ(doc["value"], "0xA80");
  EXPECT_EQ(doc["protocols"], nlohmann::json({"tls1.0", "tls1.1", "tls1.2"}));
  EXPECT_EQ(doc["findings"][0]["id"], "client.registry_value_ok");
  EXPECT_EQ(Json(RunCommand({kExprobe, "client", "decode", "0xA00", "--format", "json"},
                            10s))["protocols"],
            nlohmann::json({"tls1.1", "tls1.2"}));
  for (auto wrong : {"0xA8", "0xA08", "dword:00002560"}) {
    auto r = RunCommand(
        {kExprobe, "client", "decode", wrong, "--key", "SecureProtocols", "--format", "json"}, 10s);
    EXPECT_EQ(r.exit_code, 1) << wrong << ": " << r.output;
    auto d = Json(r);
    EXPECT_EQ(d["findings"][0]["id"], "client.registry_value_suspicious") << wrong;
    EXPECT_EQ(d["suggested_value"], std::string(wrong) == "dword:00002560" ? "0xA00" : "0xA80");
  }
  auto text = RunCommand({kExprobe, "client", "decode", "0xA08"}, 10s);
  EXPECT_NE(text.output.find("SSL 2.0 + TLS 1.1 + TLS 1.2"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("0xA80"), std::string::npos);
}

TEST(ClientCliTest, BadArgumentsAreUnknownWithOneSentence) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {kExprobe, "client"},
           {kExprobe, "client", "show", "win95"},
           {kExprobe, "client", "decode", "zz"},
           {kExprobe, "client", "decode", "0xA80", "--key", "Protocols"},
           {kExprobe, "client", "list", "--format", "xml"},
           {kExprobe, "client", "fix"},
           {kExprobe, "client", "fix", "--profile", "win95"},
           {kExprobe, "client", "fix", "--profile", "win7", "--enable", "tls1.3"},
           {kExprobe, "client", "fix", "--profile", "win7", "--enable", "ssl3"},
           {kExprobe, "client", "fix", "--profile", "win7", "--enable", "tls1.2,"}}) {
    auto r = RunCommand(args, 10s);
    EXPECT_EQ(r.exit_code, 3) << args.back() << ": " << r.output;
    EXPECT_EQ(CountLines(r.output), 1) << r.output;
    EXPECT_EQ(r.output.rfind("exprobe: ", 0), 0u) << r.output;
  }
}

TEST(ClientCliTest, FixWritesTheFixtureByteForByteAndNamesTheUpdate) {
  TempDir dir;
  std::string reg = dir / "win7.reg";
  auto r = RunCommand(
      {kExprobe, "client", "fix", "--profile", "win7", "--enable", "tls1.1,tls1.2", "-o", reg},
      10s);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Install first: KB3140245"), std::string::npos) << r.output;
  std::string fixture = ReadFile(kRegistryFixtures + "win7_tls11_tls12.reg");
  ASSERT_FALSE(fixture.empty());
  EXPECT_EQ(ReadFile(reg), fixture);
  // To stdout (not a terminal): the same UTF-16LE bytes; the update goes to stderr.
  std::string out = dir / "stdout.reg", err = dir / "stderr.txt";
  auto piped = RunCommand(
      {"/bin/sh", "-c",
       kExprobe + " client fix --profile win7 --enable tls1.1,tls1.2 >" + out + " 2>" + err},
      10s);
  ASSERT_EQ(piped.exit_code, 0) << piped.output;
  EXPECT_EQ(ReadFile(out), fixture);
  EXPECT_NE(ReadFile(err).find("KB3140245"), std::string::npos);
  auto doc =
      Json(RunCommand({kExprobe, "client", "fix", "--profile", "win7", "--format", "json"}, 10s));
  EXPECT_EQ(doc["value"], "0xA00");
  EXPECT_EQ(doc["values"].size(), 8u);
  EXPECT_NE(doc["prerequisites"][0].get<std::string>().find("KB3140245"), std::string::npos);
}

// Wine's `reg import` is the real thing's stand-in: Debian's wine64 is optional (it is large);
// without it this test says so and skips.
TEST(ClientCliTest, WineRegImportTakesTheFixAndRegeditExportsTheSameBytes) {
  if (!std::filesystem::exists(kWine))
    GTEST_SKIP() << "wine64 not installed (apt-get install wine64)";
  TempDir dir;
  std::string reg = dir / "win7.reg";
  ASSERT_EQ(RunCommand({kExprobe, "client", "fix", "--profile", "win7", "-o", reg}, 10s).exit_code,
            0);
  std::string env = "WINEPREFIX=" + (dir / "prefix") + " WINEDEBUG=-all DISPLAY= ";
  auto import = RunCommand({"/bin/sh", "-c", env + kWine + " reg import " + reg}, 180s);
  ASSERT_EQ(import.exit_code, 0) << import.output;
  auto query = RunCommand(
      {"/bin/sh", "-c",
       env + kWine +
           " reg query 'HKLM\\SOFTWARE\\Wow6432Node\\Microsoft\\Windows\\CurrentVersion\\Internet "
           "Settings\\WinHttp' /v DefaultSecureProtocols"},
      60s);
  EXPECT_NE(query.output.find("0xa00"), std::string::npos) << query.output;
  std::string exported = dir / "export.reg";
  auto exp = RunCommand(
      {"/bin/sh", "-c",
       env + kWine + " regedit /E " + exported +
           " 'HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\"
           "Protocols\\TLS 1.2\\Client'"},
      60s);
  ASSERT_EQ(exp.exit_code, 0) << exp.output;
  EXPECT_EQ(ReadFile(exported),
            ReadFile(kRegistryFixtures + "wine8_export_schannel_tls12_client.reg"));
}

// `exprobe tls --client` is wired by tls_command.cc; until then these tests skip.
bool TlsHasClientOption() {
  auto help = RunCommand({kExprobe, "tls", "--help"}, 10s);
  return help.output.find("--client") != std::string::npos;
}

nlohmann::json TlsClients(int port, std::vector<std::string> clients, int* exit_code) {
  std::vector<std::string> argv = {kExprobe, "tls",       "127.0.0.1:" + std::to_string(port),
                                   "--sni",  "localhost", "--format",
                                   "json",   "--timeout", "20"};
  for (auto& c : clients) {
    argv.push_back("--client");
    argv.push_back(c);
  }
  auto r = RunCommand(argv, 60s);
  *exit_code = r.exit_code;
  return Json(r);
}

const nlohmann::json* Client(const nlohmann::json& doc, const std::string& name) {
  for (const auto& c : doc["clients"]) {
    if (c["profile"] == name) return &c;
  }
  return nullptr;
}

TEST(ClientCliTest, TlsClientWindows7EndToEnd) {
  if (!TlsHasClientOption()) GTEST_SKIP() << "exprobe tls has no --client yet";
  std::string error;
  auto server = testsupport::OpensslServer::Start({"-tls1_2"}, &error);
  ASSERT_TRUE(server.has_value()) << error;
  int code = 0;
  auto doc = TlsClients(server->port(), {"win7", "win7-kb3140245"}, &code);
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(code, 2);
  const auto* win7 = Client(doc, "win7");
  const auto* fixed = Client(doc, "win7-kb3140245");
  ASSERT_TRUE(win7 && fixed) << doc.dump(2);
  EXPECT_EQ((*win7)["connects"], false);
  EXPECT_EQ((*win7)["outcome"], "no_common_protocol");
  EXPECT_NE((*win7)["fix"].get<std::string>().find("KB3140245"), std::string::npos);
  EXPECT_EQ((*fixed)["connects"], true);
  EXPECT_EQ((*fixed)["protocol"], "tls1.2");
  EXPECT_EQ((*fixed)["cipher_suite"]["id"], "0xC028");
  EXPECT_TRUE((*fixed)["fix"].is_null());
}

TEST(ClientCliTest, TlsClientAllOnAnEcdheRsaGcmServerSaysWhyWindows7Fails) {
  if (!TlsHasClientOption()) GTEST_SKIP() << "exprobe tls has no --client yet";
  std::string error;
  auto server = testsupport::OpensslServer::Start(
      {"-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384"}, &error);
  ASSERT_TRUE(server.has_value()) << error;
  int code = 0;
  auto doc = TlsClients(server->port(), {"all"}, &code);
  ASSERT_EQ(doc["clients"].size(), 6u) << doc.dump(2);
  const auto* fixed = Client(doc, "win7-kb3140245");
  ASSERT_NE(fixed, nullptr);
  EXPECT_EQ((*fixed)["outcome"], "no_common_cipher");
  EXPECT_NE((*fixed)["why"].get<std::string>().find("0xC030"), std::string::npos);
  EXPECT_NE((*fixed)["fix"].get<std::string>().find("TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"),
            std::string::npos);
  EXPECT_EQ((*Client(doc, "win10"))["connects"], true);
  auto text = RunCommand({kExprobe, "tls", "127.0.0.1:" + std::to_string(server->port()), "--sni",
                          "localhost", "--client", "win7-kb3140245"},
                         60s);
  EXPECT_NE(text.output.find("no common cipher"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("client.no_common_cipher"), std::string::npos) << text.output;
}

TEST(ClientCliTest, TlsClientUnknownProfileIsUnknown) {
  if (!TlsHasClientOption()) GTEST_SKIP() << "exprobe tls has no --client yet";
  auto r = RunCommand({kExprobe, "tls", "127.0.0.1:1", "--client", "win95"}, 10s);
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_EQ(CountLines(r.output), 1) << r.output;
}

}  // namespace
