// `exprobe autodiscover`, `ews` and `check` end to end against tlslab (real TLS, real NTLM): the
// default scenario's two mailboxes, variants of it written to a temporary file (stale cache,
// msstd fixed, redirect loops and unsafe redirects), and the credential refusals.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/support/process.h"

namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testsupport::ChildProcess;
using testsupport::RunCommand;

const std::string kExprobe = std::string(EXPROBE_BIN_DIR) + "/exprobe";
const std::string kTlslab = std::string(EXPROBE_BIN_DIR) + "/tlslab";
constexpr char kAlicePassword[] = "Passw0rd!";
constexpr char kBobPassword[] = "Lab-Only-Bob-2016";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The default scenario with text replaced (each `from` must occur), written to a temp file.
std::string Variant(const std::string& name,
                    const std::vector<std::pair<std::string, std::string>>& edits) {
  std::string text =
      ReadFile(std::string(EXPROBE_SOURCE_DIR) + "/fixtures/scenarios/coexistence.yaml");
  for (const auto& [from, to] : edits) {
    auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
  }
  std::string path =
      ::testing::TempDir() + "exchange_cli_" + name + std::to_string(getpid()) + ".yaml";
  std::ofstream(path) << text;
  return path;
}

// One running lab: its listeners and the --connect-to/--ca-file arguments that reach them by
// the names the answers use.
struct Lab {
  std::optional<ChildProcess> process;
  std::map<std::string, std::string> listeners;  // name -> 127.0.0.1:PORT
  std::string ca_file;

  std::string Port(const std::string& name) {
    const std::string& a = listeners[name];
    return a.substr(a.rfind(':') + 1);
  }
  std::vector<std::string> Network(const std::vector<std::string>& extra_hosts = {}) {
    std::vector<std::string> out = {
        "--ca-file",    ca_file,
        "--connect-to", "mail.contoso.test:443:127.0.0.1:" + Port("frontend"),
        "--connect-to", "legacy.contoso.test:443:127.0.0.1:" + Port("legacy"),
        "--connect-to", "autodiscover.contoso.test:80:127.0.0.1:" + Port("autodiscover-redirect")};
    for (const auto& host : extra_hosts)
      out.insert(out.end(), {"--connect-to", host + ":443:127.0.0.1:" + Port("frontend")});
    return out;
  }
};

void StartLab(Lab& lab, const std::string& scenario) {
  static int n = 0;
  // ctest runs every case in its own process, several at once: the name must be this one's.
  lab.ca_file = ::testing::TempDir() + "exchange_cli_ca" + std::to_string(getpid()) + "_" +
                std::to_string(++n) + ".pem";
  std::string error;
  lab.process = ChildProcess::Start(
      {kTlslab, "--scenario", scenario, "--print-ports", "--export-ca", lab.ca_file}, &error);
  ASSERT_TRUE(lab.process.has_value()) << error;
  while (auto line = lab.process->ReadLine(20s)) {
    if (*line == "READY") return;
    std::istringstream words(*line);
    std::string tag, name, address;
    if (words >> tag >> name >> address && tag == "LISTEN") lab.listeners[name] = address;
  }
  FAIL() << "tlslab never printed READY: " << lab.process->output();
}

struct Run {
  int exit_code = -1;
  std::string output;
  json doc;
};

Run Exprobe(const std::string& password, std::vector<std::string> args) {
  std::vector<std::string> argv = {"env", "EXPROBE_TEST_PW=" + password, kExprobe};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(),
              {"--password-env", "EXPROBE_TEST_PW", "--format", "json", "--timeout", "60"});
  auto r = RunCommand(argv, 90s);
  Run out{r.exit_code, r.output, json()};
  auto start = r.output.find('{');
  if (start != std::string::npos) out.doc = json::parse(r.output.substr(start), nullptr, false);
  EXPECT_EQ(r.output.find(password), std::string::npos) << "the password leaked: " << r.output;
  return out;
}

std::vector<std::string> Ids(const json& doc) {
  std::vector<std::string> ids;
  if (doc.is_object())
    for (const auto& f : doc["findings"]) ids.push_back(f["id"].get<std::string>());
  return ids;
}

bool Has(const json& doc, const std::string& id) {
  auto ids = Ids(doc);
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

std::vector<std::string> With(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

class ExchangeCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    lab_ = new Lab;
    StartLab(*lab_, "coexistence");
  }
  static void TearDownTestSuite() {
    delete lab_;
    lab_ = nullptr;
  }
  static inline Lab* lab_ = nullptr;
};

TEST_F(ExchangeCliTest, AliceOnExchange2016ComesOutOnMapiHttp) {
  auto r = Exprobe(kAlicePassword,
                   With({"check", "alice@contoso.test", "-u", "CONTOSO\\alice"}, lab_->Network()));
  ASSERT_TRUE(r.doc.is_object()) << r.output;
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.doc["schema"], "exprobe/1");
  EXPECT_EQ(r.doc["command"], "check");
  EXPECT_EQ(r.doc["transport"]["type"], "mapi_http");
  EXPECT_EQ(r.doc["mailbox"]["version"], "15.1.2507");
  EXPECT_NE(r.doc["mailbox"]["legacy_dn"].get<std::string>().find("cn=alice"), std::string::npos);
  bool mapi = false;
  for (const auto& p : r.doc["protocols"]) mapi |= p["type"] == "mapiHttp";
  EXPECT_TRUE(mapi) << r.doc["protocols"].dump();
  // The real chain: the root domain and autodiscover host do not resolve, the HTTP redirect
  // answers 302, the POST there gives the settings.
  const auto& c = r.doc["candidates"];
  ASSERT_GE(c.size(), 4u);
  EXPECT_EQ(c[0]["result"], "unreachable");
  EXPECT_EQ(c[2]["result"], "http 302");
  EXPECT_EQ(c[3]["url"], "https://mail.contoso.test/autodiscover/autodiscover.xml");
  EXPECT_EQ(c[3]["result"], "settings");
  for (auto id : {"exchange.autodiscover.ok", "exchange.provider.ok", "cert.namespace_ok",
                  "exchange.health.ok", "auth.ok", "exchange.ews.ok"})
    EXPECT_TRUE(Has(r.doc, id)) << id << " in " << r.output;
  // MAPI/HTTP does not use msstd:, so the wildcard certificate is no problem for alice.
  EXPECT_FALSE(Has(r.doc, "cert.msstd_mismatch"));
  EXPECT_FALSE(Has(r.doc, "exchange.autodiscover.stale"));
  EXPECT_FALSE(Has(r.doc, "auth.bearer_offered"));
  EXPECT_EQ(r.doc["attempts"], 4);  // two POX requests, the MAPI/HTTP URL, EWS
}

TEST_F(ExchangeCliTest, BobOnExchange2010ComesOutOnOutlookAnywhereWithTheMsstdMismatch) {
  auto r = Exprobe(kBobPassword,
                   With({"check", "bob@contoso.test", "-u", "CONTOSO\\bob"}, lab_->Network()));
  ASSERT_TRUE(r.doc.is_object()) << r.output;
  EXPECT_EQ(r.exit_code, 1) << r.output;  // WARNING: the msstd: principal
  EXPECT_EQ(r.doc["transport"]["type"], "rpc_http");
  EXPECT_EQ(r.doc["transport"]["proxy_server"], "mail.contoso.test");
  EXPECT_EQ(r.doc["transport"]["cert_principal"], "msstd:mail.contoso.test");
  EXPECT_EQ(r.doc["mailbox"]["version"], "14.3.123");
  EXPECT_EQ(r.doc["findings"][0]["id"], "cert.msstd_mismatch");  // worst first
  for (auto id : {"exchange.provider.ok", "exchange.ews.ok", "auth.ok"})
    EXPECT_TRUE(Has(r.doc, id)) << id;
  bool proxy_checked = false;
  for (const auto& e : r.doc["endpoints"]) {
    if (e["rpc_proxy"] == true) {
      proxy_checked = true;
      EXPECT_EQ(e["msstd"]["match"], false);
      EXPECT_EQ(e["msstd"]["suggested"], "msstd:*.contoso.test");
    }
  }
  EXPECT_TRUE(proxy_checked);
  // The text report: an endpoint table, then the findings worst first.
  auto text = RunCommand(
      {"env", std::string("PW=") + kBobPassword, kExprobe, "check", "bob@contoso.test", "-u",
       "CONTOSO\\bob", "--password-env", "PW", "--ca-file", lab_->ca_file, "--connect-to",
       "mail.contoso.test:443:127.0.0.1:" + lab_->Port("frontend"), "--connect-to",
       "autodiscover.contoso.test:80:127.0.0.1:" + lab_->Port("autodiscover-redirect")},
      90s);
  EXPECT_NE(text.output.find("Endpoints\n"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("MISMATCH"), std::string::npos) << text.output;
  EXPECT_LT(text.output.find("WARNING  cert.msstd_mismatch"),
            text.output.find("OK       exchange.ews.ok"));
}

TEST_F(ExchangeCliTest, WrongPasswordStopsAtTheFirstRejection) {
  auto r = Exprobe("not-the-password",
                   With({"check", "alice@contoso.test", "-u", "CONTOSO\\alice"}, lab_->Network()));
  ASSERT_TRUE(r.doc.is_object()) << r.output;
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Has(r.doc, "auth.credentials_rejected"));
  EXPECT_EQ(r.doc["attempts"], 1);  // nothing after the rejection: no second POX, no EWS
  EXPECT_FALSE(r.doc.contains("ews"));
}

TEST_F(ExchangeCliTest, AutodiscoverNeverSendsCredentialsOverHttp) {
  auto r = Exprobe(kAlicePassword,
                   With({"autodiscover", "alice@contoso.test", "-u", "CONTOSO\\alice", "--url",
                         "http://mail.contoso.test/autodiscover/autodiscover.xml"},
                        lab_->Network()));
  ASSERT_TRUE(r.doc.is_object()) << r.output;
  EXPECT_EQ(r.doc["attempts"], 0);
  EXPECT_EQ(r.doc["candidates"][0]["result"], "refused");
  EXPECT_TRUE(Has(r.doc, "exchange.credentials_refused"));
  EXPECT_EQ(r.doc["credential_hosts"].size(), 0u);
}

TEST_F(ExchangeCliTest, HostOutsideTheDomainNeedsAllowHost) {
  const std::string url = "https://mail.fabrikam.test/autodiscover/autodiscover.xml";
  auto refused = Exprobe(kAlicePassword, With({"autodiscover", "alice@contoso.test", "-u",
                                               "CONTOSO\\alice", "--url", url, "-k"},
                                              lab_->Network({"mail.fabrikam.test"})));
  EXPECT_EQ(refused.doc["attempts"], 0) << refused.output;
  EXPECT_TRUE(Has(refused.doc, "exchange.credentials_refused"));
  auto allowed =
      Exprobe(kAlicePassword, With({"autodiscover", "alice@contoso.test", "-u", "CONTOSO\\alice",
                                    "--url", url, "-k", "--allow-host", "mail.fabrikam.test"},
                                   lab_->Network({"mail.fabrikam.test"})));
  EXPECT_GE(allowed.doc["attempts"], 1) << allowed.output;
  EXPECT_FALSE(Has(allowed.doc, "exchange.credentials_refused"));
  EXPECT_TRUE(Has(allowed.doc, "exchange.autodiscover.ok")) << allowed.output;
}

// A counting listener: connections queue in the backlog; none may arrive during a dry run.
class Witness {
 public:
  Witness() {
    tcp_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    udp_ = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(tcp_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    listen(tcp_, 16);
    bind(udp_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t n = sizeof a;
    getsockname(tcp_, reinterpret_cast<sockaddr*>(&a), &n);
    tcp_port_ = ntohs(a.sin_port);
    n = sizeof a;
    getsockname(udp_, reinterpret_cast<sockaddr*>(&a), &n);
    udp_port_ = ntohs(a.sin_port);
  }
  ~Witness() {
    close(tcp_);
    close(udp_);
  }
  bool SawAnything() {
    int c = accept(tcp_, nullptr, nullptr);
    if (c >= 0) close(c);
    char b[512];
    return c >= 0 || recv(udp_, b, sizeof b, 0) >= 0;
  }
  int tcp_port() const { return tcp_port_; }
  int udp_port() const { return udp_port_; }

 private:
  int tcp_ = -1, udp_ = -1, tcp_port_ = 0, udp_port_ = 0;
};

TEST(ExchangeCliDryRun, ListsEveryCredentialHostAndSendsNothing) {
  Witness witness;
  std::string to = "127.0.0.1:" + std::to_string(witness.tcp_port());
  auto r = RunCommand(
      {kExprobe, "check", "alice@contoso.test", "--dry-run", "--format", "json", "--connect-to",
       "contoso.test:443:" + to, "--connect-to", "autodiscover.contoso.test:443:" + to,
       "--connect-to", "autodiscover.contoso.test:80:" + to, "--dns-server",
       "127.0.0.1:" + std::to_string(witness.udp_port())},
      30s);
  auto doc = json::parse(r.output, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << r.output;
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(doc["dry_run"], true);
  EXPECT_EQ(doc["credential_hosts"], (json{"contoso.test", "autodiscover.contoso.test"}));
  EXPECT_EQ(doc["attempts"], 0);
  EXPECT_EQ(Ids(doc), std::vector<std::string>{"exchange.autodiscover.dry_run"});
  EXPECT_FALSE(witness.SawAnything()) << "a dry run connected or sent a DNS query";
  // Without --dry-run the same command does connect: the witness can see.
  RunCommand({"env", "PW=x", kExprobe, "autodiscover", "alice@contoso.test", "--password-env", "PW",
              "--timeout", "2", "--step-timeout", "0.5", "--connect-to", "contoso.test:443:" + to},
             30s);
  EXPECT_TRUE(witness.SawAnything());
}

TEST_F(ExchangeCliTest, UnknownAddressIsAnAutodiscoverError) {
  auto r = Exprobe(
      kAlicePassword,
      With({"autodiscover", "nobody@contoso.test", "-u", "CONTOSO\\alice"}, lab_->Network()));
  ASSERT_TRUE(r.doc.is_object()) << r.output;
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Has(r.doc, "exchange.autodiscover.error")) << r.output;
  EXPECT_FALSE(Has(r.doc, "exchange.autodiscover.ok"));
}

TEST_F(ExchangeCliTest, NoCandidateAnsweringIsNotFound) {
  auto r =
      Exprobe(kAlicePassword, {"autodiscover", "alice@contoso.test", "-u", "CONTOSO\\alice",
                               "--exclude-srv", "--no-json", "--step-timeout", "2", "--connect-to",
                               "autodiscover.contoso.test:80:127.0.0.1:" + std::to_string(1)});
  ASSERT_TRUE(r.doc.is_object()) << r.output;
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Has(r.doc, "exchange.autodiscover.not_found")) << r.output;
  EXPECT_EQ(r.doc["candidates"].size(), 3u);
}

TEST_F(ExchangeCliTest, EwsByUrlAndByAddressWithFreeBusy) {
  auto by_url = Exprobe(kAlicePassword, With({"ews", "https://mail.contoso.test/EWS/Exchange.asmx",
                                              "--mailbox", "alice@contoso.test", "-u",
                                              "CONTOSO\\alice", "--free-busy", "bob@contoso.test"},
                                             lab_->Network()));
  ASSERT_TRUE(by_url.doc.is_object()) << by_url.output;
  EXPECT_EQ(by_url.exit_code, 0) << by_url.output;
  EXPECT_EQ(by_url.doc["command"], "ews");
  ASSERT_EQ(by_url.doc["calls"].size(), 2u);
  EXPECT_EQ(by_url.doc["calls"][0]["routing"]["X-FEServer"], "EX2016FE");
  EXPECT_EQ(by_url.doc["calls"][0]["server_version"]["version"], "15.1.2507.6");
  EXPECT_EQ(by_url.doc["calls"][1]["operation"], "GetUserAvailability");
  auto by_address = Exprobe(
      kBobPassword, With({"ews", "bob@contoso.test", "-u", "CONTOSO\\bob"}, lab_->Network()));
  EXPECT_EQ(by_address.exit_code, 0) << by_address.output;
  EXPECT_EQ(by_address.doc["url"], "https://mail.contoso.test/EWS/Exchange.asmx");
  EXPECT_EQ(by_address.doc["calls"][0]["routing"]["X-CalculatedBETarget"],
            "ex2010mbx.contoso.test");
  EXPECT_FALSE(Has(by_address.doc, "exchange.autodiscover.stale"));
}

// Variants of the default scenario, one lab each.

TEST(ExchangeCliVariant, StaleCacheAfterAMoveIsReported) {
  Lab lab;
  StartLab(lab, Variant("stale", {{"    server: EX2010MBX\n",
                                   "    server: EX2010MBX\n    moved_to: EX2016MBX\n"},
                                  {"faults: []", "faults: [stale_autodiscover]"}}));
  auto r = Exprobe(kBobPassword,
                   With({"check", "bob@contoso.test", "-u", "CONTOSO\\bob"}, lab.Network()));
  ASSERT_TRUE(r.doc.is_object()) << r.output;
  EXPECT_TRUE(Has(r.doc, "exchange.autodiscover.stale")) << r.output;
  EXPECT_EQ(r.doc["mailbox"]["version"], "14.3.123");  // what the stale cache still says
}

TEST(ExchangeCliVariant, MsstdMatchesOnceTheProviderNamesTheWildcard) {
  Lab lab;
  StartLab(lab, Variant("msstd", {{"# cert_principal: \"msstd:*.contoso.test\"",
                                   "cert_principal: \"msstd:*.contoso.test\""}}));
  auto r = Exprobe(kBobPassword,
                   With({"check", "bob@contoso.test", "-u", "CONTOSO\\bob"}, lab.Network()));
  ASSERT_TRUE(r.doc.is_object()) << r.output;
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Has(r.doc, "cert.msstd_ok"));
  EXPECT_FALSE(Has(r.doc, "cert.msstd_mismatch"));
}

TEST(ExchangeCliVariant, RedirectAddrLoopStops) {
  Lab lab;
  StartLab(lab, Variant("loop", {{"\ncertificates:\n",
                                  "\nredirects:\n  - address: carol@contoso.test\n"
                                  "    redirect_addr: dave@contoso.test\n"
                                  "  - address: dave@contoso.test\n"
                                  "    redirect_addr: carol@contoso.test\n\ncertificates:\n"}}));
  auto r =
      Exprobe(kAlicePassword,
              With({"autodiscover", "carol@contoso.test", "-u", "CONTOSO\\alice", "--exclude-srv"},
                   lab.Network()));
  ASSERT_TRUE(r.doc.is_object()) << r.output;
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Has(r.doc, "exchange.autodiscover.redirect_loop")) << r.output;
  EXPECT_FALSE(Has(r.doc, "exchange.autodiscover.not_found"));
}

TEST(ExchangeCliVariant, RedirectAddrToAMailboxIsFollowed) {
  Lab lab;
  StartLab(lab, Variant("alias", {{"\ncertificates:\n",
                                   "\nredirects:\n  - address: carol@contoso.test\n"
                                   "    redirect_addr: alice@contoso.test\n\ncertificates:\n"}}));
  auto r =
      Exprobe(kAlicePassword,
              With({"autodiscover", "carol@contoso.test", "-u", "CONTOSO\\alice"}, lab.Network()));
  ASSERT_TRUE(r.doc.is_object()) << r.output;
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.doc["final_address"], "alice@contoso.test");
  EXPECT_FALSE(Has(r.doc, "exchange.autodiscover.redirect_loop"));
}

// The HTTP redirect points somewhere credentials must not go.
void ExpectUnsafe(const std::string& name, const std::string& target, bool o365 = false) {
  Lab lab;
  StartLab(lab, Variant(name, {{"redirect_to: \"https://mail.contoso.test/autodiscover/"
                                "autodiscover.xml\"",
                                "redirect_to: \"" + target + "\""}}));
  auto r = Exprobe(kAlicePassword, With({"autodiscover", "alice@contoso.test", "-u",
                                         "CONTOSO\\alice", "--exclude-srv", "--no-json"},
                                        lab.Network()));
  ASSERT_TRUE(r.doc.is_object()) << r.output;
  EXPECT_EQ(r.doc["attempts"], 0) << r.output;
  EXPECT_TRUE(Has(r.doc, o365 ? "exchange.autodiscover.o365_redirect"
                              : "exchange.autodiscover.unsafe_redirect"))
      << r.output;
  EXPECT_FALSE(Has(r.doc, "exchange.autodiscover.ok"));
}

TEST(ExchangeCliVariant, RedirectToPlainHttpIsRefused) {
  ExpectUnsafe("to_http", "http://mail.contoso.test/autodiscover/autodiscover.xml");
}
TEST(ExchangeCliVariant, RedirectToAnotherDomainIsRefused) {
  ExpectUnsafe("to_fabrikam", "https://mail.fabrikam.test/autodiscover/autodiscover.xml");
}
TEST(ExchangeCliVariant, RedirectToAnAutodiscoverTldHostIsRefused) {
  ExpectUnsafe("to_tld", "https://autodiscover.test/autodiscover/autodiscover.xml");
}
TEST(ExchangeCliVariant, RedirectToOffice365IsReportedNotFailed) {
  ExpectUnsafe("to_o365", "https://autodiscover-s.outlook.com/autodiscover/autodiscover.xml", true);
}

// A hybrid front end offers Bearer (OAuth) beside the Windows schemes: reported, not a failure.
TEST(ExchangeCliVariant, BearerOfferIsReportedNotFailed) {
  Lab lab;
  StartLab(lab,
           Variant("bearer", {{"schemes: [Negotiate, NTLM]  # offered in this order",
                               "schemes: [Negotiate, NTLM, Bearer]  # offered in this order"}}));
  auto r =
      Exprobe(kAlicePassword,
              With({"autodiscover", "alice@contoso.test", "-u", "CONTOSO\\alice"}, lab.Network()));
  ASSERT_TRUE(r.doc.is_object()) << r.output;
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(Has(r.doc, "auth.bearer_offered")) << r.output;
  EXPECT_TRUE(Has(r.doc, "exchange.autodiscover.ok")) << r.output;
}

TEST(ExchangeCliVariant, HostTheCertificateDoesNotCoverIsReported) {
  Lab lab;
  StartLab(lab, Variant("namespace", {{"hostname: mail.contoso.test       # external",
                                       "hostname: mail.eu.contoso.test       # external"}}));
  auto r = Exprobe(kAlicePassword, With({"check", "alice@contoso.test", "-u", "CONTOSO\\alice"},
                                        lab.Network({"mail.eu.contoso.test"})));
  ASSERT_TRUE(r.doc.is_object()) << r.output;
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Has(r.doc, "cert.namespace_not_covered")) << r.output;
  EXPECT_FALSE(Has(r.doc, "cert.namespace_ok"));
}

}  // namespace
