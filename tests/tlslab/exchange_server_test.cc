// tlslab's Exchange endpoints over real TLS and NTLM: Autodiscover POX and JSON v2, EWS and the
// health pages of the coexistence scenario (and of small scenarios written here), requested with
// exprobe's libcurl client and its request builders, and read back with exprobe's own parsers.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <memory>
#include <string>
#include <vector>

#include "probe/auth/base64.h"
#include "probe/exchange/autodiscover_json.h"
#include "probe/exchange/autodiscover_request.h"
#include "probe/exchange/autodiscover_response.h"
#include "probe/exchange/ews_request.h"
#include "probe/exchange/ews_response.h"
#include "probe/http/http_client.h"
#include "tests/tlslab/auth_test_support.h"
#include "tests/tlslab/openssl_client.h"
#include "tlslab/exchange_endpoints.h"
#include "tlslab/lab_server.h"
#include "tlslab/scenario_catalog.h"

namespace tlslab {
namespace {

namespace auth = probe::auth;
namespace ex = probe::exchange;
namespace http = probe::http;
using namespace std::chrono_literals;
using labtest::ChallengeIn;
using labtest::ClientOptions;
using labtest::TestClient;

constexpr const char* kAliceGuidDomain = "@contoso.test";

probe::auth::NtlmCredentials Alice() { return {"alice", "CONTOSO", "Passw0rd!"}; }
probe::auth::NtlmCredentials Bob() { return {"bob", "CONTOSO", "Lab-Only-Bob-2016"}; }

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Header(const http::HttpResponse& r, std::string_view name) {
  auto values = r.HeaderValues(name);
  return values.empty() ? "(absent)" : values.front();
}

// A scenario beside the coexistence one: a moved mailbox (bob, 2010 -> 2016), an alias, and two
// 2016 front ends, one with a stale Autodiscover cache; plus a 2010 mailbox server principal.
constexpr const char* kMoveScenario = R"(name: move
users:
  - {account: CONTOSO\alice, password: "Passw0rd!"}
  - {account: CONTOSO\bob, password: "Lab-Only-Bob-2016"}
mailboxes:
  - {address: alice@contoso.test, account: CONTOSO\alice, version: "2016", server: EX2016MBX}
  - address: bob@contoso.test
    account: CONTOSO\bob
    version: "2010"
    server: EX2010MBX
    moved_to: EX2016MB2
    moved_version: "2016"
redirects:
  - {address: carol@contoso.test, redirect_addr: alice@contoso.test}
certificates:
  - {name: mail, kind: san, san: [mail.contoso.test]}
listeners:
  - name: stale
    certificate: mail
    auth: {computer: EX2016FE, domain: CONTOSO, dns_domain: contoso.test}
    exchange:
      hostname: mail.contoso.test
      rpc_hostname: oa.contoso.test
      cert_principal: "msstd:*.contoso.test"
      faults: [stale_autodiscover]
  - name: fresh
    certificate: mail
    auth: {computer: EX2016FE2, domain: CONTOSO, dns_domain: contoso.test}
    exchange: {hostname: mail.contoso.test}
)";

class ExchangeServerTest : public ::testing::Test {
 protected:
  void Start(const Scenario& scenario) {
    scenario_ = scenario;
    StartOptions options;
    options.log = [](std::string_view) {};
    auto lab = LabServer::Start(scenario_, options);
    ASSERT_TRUE(lab) << lab.error().message;
    lab_ = std::move(*lab);
    ca_file_ = dir_.Write("ca.pem", lab_->ExportCaPem());
  }
  void Start(std::string_view name) {
    auto scenario = LoadScenario(name);
    ASSERT_TRUE(scenario) << scenario.error().message;
    Start(*scenario);
  }
  void StartText(const char* yaml) {
    auto scenario = ParseScenario(yaml, "test.yaml");
    ASSERT_TRUE(scenario) << scenario.error().message;
    Start(*scenario);
  }

  // https://<host>:<port of listener><path>, the host resolved to the listener (curl --resolve).
  std::string Url(std::string_view listener, std::string_view path,
                  std::string host = "mail.contoso.test") {
    const BoundListener* l = lab_->FindListener(listener);
    EXPECT_NE(l, nullptr) << listener;
    std::uint16_t port = l ? l->port : 0;
    resolve_.push_back({host, port, "127.0.0.1"});
    return "https://" + host + ":" + std::to_string(port) + std::string(path);
  }

  std::unique_ptr<http::HttpConnection> Connection() {
    http::HttpOptions options;
    options.ca_file = ca_file_;
    options.net.resolve = resolve_;
    auto c = http::HttpConnection::Create(options);
    EXPECT_TRUE(c) << c.error().message;
    return c ? std::make_unique<http::HttpConnection>(std::move(*c)) : nullptr;
  }

  http::HttpResponse Perform(http::HttpConnection& c, http::HttpRequest request) {
    auto response = c.Perform(request, probe::Deadline::After(10s));
    EXPECT_TRUE(response) << response.error().message;
    return response.value_or(http::HttpResponse{});
  }

  // A connection authenticated with NTLM (three legs on one connection, like Outlook), ready for
  // requests without an Authorization header (Persistent-Auth).
  std::unique_ptr<http::HttpConnection> Authenticated(const std::string& url,
                                                      const auth::NtlmCredentials& who) {
    auto c = Connection();
    if (!c) return nullptr;
    http::HttpRequest get;
    get.url = url;
    EXPECT_EQ(Perform(*c, get).status, 401);
    ClientOptions options;
    options.credentials = who;
    TestClient client(options);
    get.headers = {"Authorization: NTLM " + auth::Base64Encode(client.negotiate())};
    http::HttpResponse challenge = Perform(*c, get);
    std::optional<probe::Bytes> token;
    for (const auto& v : challenge.HeaderValues("WWW-Authenticate")) {
      if (v.starts_with("NTLM ")) token = ChallengeIn(auth::Base64Decode(v.substr(5)).value());
    }
    EXPECT_TRUE(token.has_value());
    if (!token) return nullptr;
    get.headers = {"Authorization: NTLM " +
                   auth::Base64Encode(client.Authenticate(*token)->message)};
    http::HttpResponse done = Perform(*c, get);
    EXPECT_EQ(done.status, 200) << done.body;
    return c;
  }

  http::HttpResponse Post(http::HttpConnection& c, const std::string& url, std::string body,
                          const std::vector<ex::HeaderField>& headers) {
    http::HttpRequest post;
    post.method = "POST";
    post.url = url;
    post.body = std::move(body);
    for (const auto& h : headers) post.headers.push_back(h.Line());
    return Perform(c, post);
  }

  // POST a POX request for `address` on an authenticated connection; the answer parsed.
  ex::AutodiscoverResponse Pox(http::HttpConnection& c, const std::string& url,
                               std::string_view address, bool mapi_http,
                               std::string client_can_handle = "Negotiate") {
    ex::PoxRequestOptions options;
    options.mapi_http_capability = mapi_http;
    options.client_can_handle = std::move(client_can_handle);
    auto request = ex::BuildPoxRequest(address, options);
    EXPECT_TRUE(request);
    http::HttpResponse r = Post(c, url, request->body, request->headers);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(Header(r, "Content-Type"), "text/xml; charset=utf-8");
    auto parsed = ex::ParseAutodiscoverResponse(r.body);
    EXPECT_TRUE(parsed) << parsed.error().message << "\n" << r.body;
    return parsed.value_or(ex::AutodiscoverResponse{});
  }

  http::HttpResponse GetFolder(http::HttpConnection& c, const std::string& url,
                               std::string anchor = "") {
    ex::GetFolderRequest request;
    auto body = ex::BuildGetFolderRequest(request);
    EXPECT_TRUE(body);
    return Post(c, url, body.value_or(""), ex::EwsRequestHeaders(anchor));
  }

  http::HttpResponse Availability(http::HttpConnection& c, const std::string& url,
                                  std::vector<std::string> mailboxes) {
    ex::AvailabilityRequest request;
    request.mailboxes = std::move(mailboxes);
    request.start_time = "2024-01-15T08:00:00";
    request.end_time = "2024-01-15T18:00:00";
    auto body = ex::BuildGetUserAvailabilityRequest(request);
    EXPECT_TRUE(body) << body.error().message;
    return Post(c, url, body.value_or(""), ex::EwsRequestHeaders(""));
  }

  Scenario scenario_;
  std::unique_ptr<LabServer> lab_;
  labtest::TempDir dir_;
  std::string ca_file_;
  std::vector<probe::net::ResolveOverride> resolve_;
};

const ex::AutodiscoverProtocol& Need(const ex::AutodiscoverResponse& r, ex::ProtocolType type) {
  static const ex::AutodiscoverProtocol kNone;
  const ex::AutodiscoverProtocol* p = r.Find(type);
  EXPECT_NE(p, nullptr) << ex::ProtocolTypeName(type);
  return p ? *p : kNone;
}

TEST_F(ExchangeServerTest, Autodiscover2016MailboxWithAndWithoutMapiHttp) {
  Start("coexistence");
  std::string url = Url("frontend", "/Autodiscover/Autodiscover.xml");
  // Anonymous: the listener's 401 with its offers.
  auto anonymous = Connection();
  http::HttpResponse refused = Post(*anonymous, url, "<x/>", {});
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(refused.HeaderValues("WWW-Authenticate"),
            (std::vector<std::string>{"Negotiate", "NTLM"}));

  auto c = Authenticated(url, Alice());
  ASSERT_TRUE(c);
  const std::string guid = LabMailboxGuid("alice@contoso.test");
  ex::AutodiscoverResponse rpc = Pox(*c, url, "alice@contoso.test", false);
  EXPECT_EQ(rpc.action, ex::AutodiscoverAction::kSettings);
  EXPECT_EQ(rpc.user.autodiscover_smtp_address, "alice@contoso.test");
  EXPECT_EQ(rpc.user.legacy_dn,
            "/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=alice");
  const auto& exch = Need(rpc, ex::ProtocolType::kExch);
  EXPECT_EQ(exch.server, guid + kAliceGuidDomain);
  ASSERT_TRUE(exch.server_version);
  EXPECT_EQ(exch.server_version->major, 15);
  EXPECT_EQ(exch.ews_url, "https://mail.contoso.test/EWS/Exchange.asmx");
  EXPECT_EQ(exch.oab_url.rfind("https://mail.contoso.test/OAB/", 0), 0u) << exch.oab_url;
  const auto& expr = Need(rpc, ex::ProtocolType::kExpr);
  EXPECT_EQ(expr.server, "mail.contoso.test");
  EXPECT_FALSE(expr.cert_principal_name.has_value());  // the seed: no CertPrincipalName
  EXPECT_EQ(expr.EffectiveCertPrincipal(), "msstd:mail.contoso.test");
  EXPECT_EQ(rpc.Find(ex::ProtocolType::kMapiHttp), nullptr);
  EXPECT_EQ(rpc.Find(ex::ProtocolType::kExhttp), nullptr);

  ex::AutodiscoverResponse exhttp =
      Pox(*c, url, "alice@contoso.test", false, "Negotiate,ExHttpInfo");
  EXPECT_NE(exhttp.Find(ex::ProtocolType::kExhttp), nullptr);

  ex::AutodiscoverResponse mapi = Pox(*c, url, "alice@contoso.test", true);
  EXPECT_EQ(mapi.Find(ex::ProtocolType::kExch), nullptr);
  EXPECT_EQ(mapi.Find(ex::ProtocolType::kExpr), nullptr);
  const auto& m = Need(mapi, ex::ProtocolType::kMapiHttp);
  EXPECT_EQ(m.mail_store.external_url,
            "https://mail.contoso.test/mapi/emsmdb/?MailboxId=" + guid + kAliceGuidDomain);
  EXPECT_EQ(m.address_book.external_url,
            "https://mail.contoso.test/mapi/nspi/?MailboxId=" + guid + kAliceGuidDomain);
}

TEST_F(ExchangeServerTest, Autodiscover2010MailboxIsExchExprWeb) {
  Start("coexistence");
  std::string url = Url("frontend", "/autodiscover/autodiscover.xml");
  auto c = Authenticated(url, Bob());
  ASSERT_TRUE(c);
  for (bool mapi_http : {false, true}) {  // Exchange 2010 ignores X-MapiHttpCapability
    SCOPED_TRACE(mapi_http);
    ex::AutodiscoverResponse r = Pox(*c, url, "bob@contoso.test", mapi_http);
    const auto& exch = Need(r, ex::ProtocolType::kExch);
    EXPECT_EQ(exch.server, "ex2010mbx.contoso.test");
    ASSERT_TRUE(exch.server_version);
    EXPECT_EQ(exch.server_version->major, 14);
    EXPECT_EQ(exch.server_version->minor, 3);
    const auto& expr = Need(r, ex::ProtocolType::kExpr);
    EXPECT_EQ(expr.server, "mail.contoso.test");
    EXPECT_EQ(expr.EffectiveCertPrincipal(), "msstd:mail.contoso.test");
    EXPECT_NE(r.Find(ex::ProtocolType::kWeb), nullptr);
    EXPECT_EQ(r.Find(ex::ProtocolType::kMapiHttp), nullptr);
    EXPECT_FALSE(r.microsoft_online.has_value());
  }
}

TEST_F(ExchangeServerTest, ExprPrincipalAndRpcHostnameComeFromTheListener) {
  StartText(kMoveScenario);
  std::string url = Url("stale", "/autodiscover/autodiscover.xml");
  auto c = Authenticated(url, Bob());
  ASSERT_TRUE(c);
  ex::AutodiscoverResponse r = Pox(*c, url, "bob@contoso.test", false);
  const auto& expr = Need(r, ex::ProtocolType::kExpr);
  EXPECT_EQ(expr.server, "oa.contoso.test");
  EXPECT_EQ(expr.cert_principal_name.value_or("(absent)"), "msstd:*.contoso.test");
  EXPECT_EQ(expr.ews_url, "https://mail.contoso.test/EWS/Exchange.asmx");
}

TEST_F(ExchangeServerTest, RedirectAddrUnknownAddressAndBadRequests) {
  StartText(kMoveScenario);
  std::string url = Url("fresh", "/autodiscover/autodiscover.xml");
  auto c = Authenticated(url, Alice());
  ASSERT_TRUE(c);
  ex::AutodiscoverResponse alias = Pox(*c, url, "carol@contoso.test", false);
  EXPECT_EQ(alias.action, ex::AutodiscoverAction::kRedirectAddr);
  EXPECT_EQ(alias.redirect_addr, "alice@contoso.test");
  for (const char* address : {"nobody@contoso.test", "bob@contoso.test"}) {
    SCOPED_TRACE(address);  // unknown, and a mailbox alice may not open: both "not found"
    ex::AutodiscoverResponse r = Pox(*c, url, address, false);
    ASSERT_EQ(r.action, ex::AutodiscoverAction::kError);
    EXPECT_EQ(r.error->code, 500);
    EXPECT_EQ(r.error->message, "The email address can't be found.");
  }
  struct Bad {
    std::string body;
    int code;
  };
  auto request = ex::BuildPoxRequest("alice@contoso.test", {}).value();
  std::string https_schema = request.body;
  https_schema.replace(https_schema.find("http://schemas.microsoft.com/exchange/autodiscover/"
                                         "outlook/responseschema"),
                       4, "https");
  for (const Bad& bad :
       {Bad{"<Autodiscover>not pox", 600}, Bad{"<a/>", 600}, Bad{https_schema, 601}}) {
    http::HttpResponse r = Post(*c, url, bad.body, request.headers);
    EXPECT_EQ(r.status, 200);
    auto parsed = ex::ParseAutodiscoverResponse(r.body);
    ASSERT_TRUE(parsed) << r.body;
    ASSERT_EQ(parsed->action, ex::AutodiscoverAction::kError);
    EXPECT_EQ(parsed->error->code, bad.code) << bad.body;
  }
  http::HttpRequest get;
  get.url = url;
  http::HttpResponse browser = Perform(*c, get);
  EXPECT_EQ(browser.status, 200);
  EXPECT_EQ(ex::ParseAutodiscoverResponse(browser.body)->error->message, "Invalid Request");
}

TEST_F(ExchangeServerTest, AutodiscoverJsonV2IsAnonymous) {
  Start("coexistence");
  auto get = [&](const std::string& url) {  // no credentials on any of them
    http::HttpRequest request;
    request.url = url;
    auto c = Connection();
    return Perform(*c, request);
  };
  std::string base = "/autodiscover/autodiscover.json/v1.0/alice%40contoso.test?Protocol=";
  http::HttpResponse ews = get(Url("frontend", base + "Ews"));
  EXPECT_EQ(ews.status, 200);
  EXPECT_EQ(Header(ews, "Content-Type"), "application/json; charset=utf-8");
  auto answer = ex::ParseAutodiscoverJson(ews.body);
  ASSERT_TRUE(answer) << ews.body;
  EXPECT_EQ(answer->protocol, "Ews");
  EXPECT_EQ(answer->url, "https://mail.contoso.test/EWS/Exchange.asmx");
  auto v1 = ex::ParseAutodiscoverJson(get(Url("frontend", base + "autodiscoverv1")).body);
  ASSERT_TRUE(v1);
  EXPECT_EQ(v1->url, "https://mail.contoso.test/autodiscover/autodiscover.xml");
  auto email_form = get(Url(
      "frontend", "/autodiscover/autodiscover.json?Email=bob@contoso.test&Protocol=ActiveSync"));
  EXPECT_EQ(email_form.status, 200);
  for (const auto& [query, code] : {std::pair{base + "Imap", "ProtocolNotSupported"},
                                    std::pair{base.substr(0, base.find('?')), "MissingProtocol"}}) {
    http::HttpResponse r = get(Url("frontend", query));
    EXPECT_EQ(r.status, 400) << query;
    auto error = ex::ParseAutodiscoverJson(r.body);
    ASSERT_TRUE(error) << r.body;
    EXPECT_EQ(error->error_code, code);
  }
  // Exchange 2010 has no Autodiscover v2.
  EXPECT_EQ(get(Url("legacy", base + "Ews", "legacy.contoso.test")).status, 404);
}

TEST_F(ExchangeServerTest, EwsRoutesToTheMailboxServerWithCafeHeaders) {
  Start("coexistence");
  std::string url = Url("frontend", "/EWS/Exchange.asmx");
  auto c = Authenticated(url, Alice());
  ASSERT_TRUE(c);
  struct Case {
    std::string anchor;
    std::string be_server;
    int major;
  };
  for (const Case& k : {Case{"", "EX2016MBX", 15}, Case{"bob@contoso.test", "EX2010MBX", 14}}) {
    SCOPED_TRACE(k.anchor);
    http::HttpResponse r = GetFolder(*c, url, k.anchor);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(Header(r, "X-FEServer"), "EX2016FE");
    EXPECT_EQ(Header(r, "X-BEServer"), k.be_server);
    EXPECT_EQ(Header(r, "X-CalculatedBETarget"), Lower(k.be_server) + ".contoso.test");
    EXPECT_EQ(Header(r, "X-BackEndHttpStatus"), "200");
    EXPECT_NE(Header(r, "request-id"), "(absent)");
    auto parsed = ex::ParseEwsResponse(r.body);
    ASSERT_TRUE(parsed) << r.body;
    EXPECT_TRUE(parsed->AllSucceeded());
    EXPECT_EQ(parsed->messages.size(), 2u);  // msgfolderroot and inbox
    ASSERT_TRUE(parsed->server_version);
    EXPECT_EQ(parsed->server_version->major_version, k.major);
  }
  http::HttpResponse nobody = GetFolder(*c, url, "nobody@contoso.test");
  auto missing = ex::ParseEwsResponse(nobody.body);
  ASSERT_TRUE(missing) << nobody.body;
  ASSERT_NE(missing->FirstFailure(), nullptr);
  EXPECT_EQ(missing->FirstFailure()->response_code, "ErrorNonExistentMailbox");

  http::HttpResponse fault = Post(*c, url, "<not soap/>", ex::EwsRequestHeaders(""));
  EXPECT_EQ(fault.status, 500);
  auto f = ex::ParseEwsResponse(fault.body);
  ASSERT_TRUE(f && f->fault) << fault.body;
  EXPECT_EQ(f->fault->response_code, "ErrorSchemaValidation");
  std::string unknown_op = ex::BuildGetFolderRequest({}).value();
  unknown_op.replace(unknown_op.find("m:GetFolder>"), 11, "m:GetFolders");
  unknown_op.replace(unknown_op.rfind("m:GetFolder>"), 11, "m:GetFolders");
  auto op = ex::ParseEwsResponse(Post(*c, url, unknown_op, ex::EwsRequestHeaders("")).body);
  ASSERT_TRUE(op && op->fault);
  EXPECT_EQ(op->fault->response_code, "ErrorInvalidRequest");

  auto fb = ex::ParseEwsResponse(Availability(*c, url, {"bob@contoso.test"}).body);
  ASSERT_TRUE(fb);
  EXPECT_TRUE(fb->AllSucceeded());
  ASSERT_EQ(fb->free_busy.size(), 1u);

  // The 2010 CAS answers itself: no Cafe routing headers.
  std::string legacy = Url("legacy", "/EWS/Exchange.asmx", "legacy.contoso.test");
  auto b = Authenticated(legacy, Bob());
  ASSERT_TRUE(b);
  http::HttpResponse own = GetFolder(*b, legacy);
  EXPECT_EQ(own.status, 200);
  EXPECT_EQ(Header(own, "X-BEServer"), "(absent)");
  EXPECT_EQ(Header(own, "X-OWA-Version"), "14.3.123.4");
  EXPECT_EQ(ex::ParseEwsResponse(own.body)->server_version->major_version, 14);
}

// stale_autodiscover: a moved mailbox's Autodiscover answer names its old 2010 server while EWS
// routes it to its new 2016 one, and free/busy for it fails; without the fault both agree.
TEST_F(ExchangeServerTest, StaleAutodiscoverFaultOnAndOff) {
  StartText(kMoveScenario);
  for (const char* listener : {"stale", "fresh"}) {
    SCOPED_TRACE(listener);
    bool stale = std::string(listener) == "stale";
    std::string pox = Url(listener, "/autodiscover/autodiscover.xml");
    std::string ews = Url(listener, "/EWS/Exchange.asmx");
    auto bob = Authenticated(pox, Bob());
    ASSERT_TRUE(bob);
    ex::AutodiscoverResponse r = Pox(*bob, pox, "bob@contoso.test", false);
    const auto& exch = Need(r, ex::ProtocolType::kExch);
    ASSERT_TRUE(exch.server_version);
    EXPECT_EQ(exch.server_version->major, stale ? 14 : 15);
    EXPECT_EQ(exch.server, stale ? "ex2010mbx.contoso.test"
                                 : LabMailboxGuid("bob@contoso.test") + "@contoso.test");
    http::HttpResponse routed = GetFolder(*bob, ews);
    EXPECT_EQ(Header(routed, "X-BEServer"), "EX2016MB2");
    EXPECT_EQ(ex::ParseEwsResponse(routed.body)->server_version->major_version, 15);

    auto alice = Authenticated(ews, Alice());
    ASSERT_TRUE(alice);
    auto fb = ex::ParseEwsResponse(Availability(*alice, ews, {"bob@contoso.test"}).body);
    ASSERT_TRUE(fb);
    ASSERT_EQ(fb->free_busy.size(), 1u);
    EXPECT_EQ(fb->free_busy[0].message.response_code,
              stale ? "ErrorProxyRequestProcessingFailed" : "NoError");
    EXPECT_EQ(ex::ClassifyFreeBusyCode(fb->free_busy[0].message.response_code),
              stale ? ex::FreeBusyFailure::kProxyFailed : ex::FreeBusyFailure::kNone);
  }
}

TEST_F(ExchangeServerTest, HealthPagesAnswerAnonymously) {
  Start("coexistence");
  Url("frontend", "/");
  auto c = Connection();
  for (const char* vdir : {"owa", "ews", "mapi", "rpc", "oab", "autodiscover", "ecp",
                           "Microsoft-Server-ActiveSync", "OWA"}) {
    SCOPED_TRACE(vdir);
    http::HttpRequest get;
    get.url = Url("frontend", "/" + std::string(vdir) + "/HealthCheck.htm");
    http::HttpResponse r = Perform(*c, get);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(Header(r, "Content-Type"), "text/html");
    EXPECT_EQ(r.body, "200 OK<br/>EX2016FE.contoso.test");
    EXPECT_EQ(Header(r, "X-OWA-Version"), "15.1.2507.6");
    EXPECT_TRUE(r.HeaderValues("WWW-Authenticate").empty());
  }
  http::HttpRequest other;
  other.url = Url("frontend", "/owa/");
  EXPECT_EQ(Perform(*c, other).status, 401);
}

// The http://autodiscover.DOMAIN listener: plain HTTP, a 302 to the https POX URL, on a port the
// scenario fixes (as the namespace tests bind port 80).
TEST_F(ExchangeServerTest, PlainListenerRedirectsOnItsFixedPort) {
  int probe_socket = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(probe_socket, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(bind(probe_socket, reinterpret_cast<sockaddr*>(&addr), len), 0);
  ASSERT_EQ(getsockname(probe_socket, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  int port = ntohs(addr.sin_port);
  close(probe_socket);  // free again: the lab binds it below
  auto scenario = LoadScenario("coexistence");
  ASSERT_TRUE(scenario);
  for (auto& l : scenario->listeners) {
    if (l.plain) l.port = static_cast<std::uint16_t>(port);
  }
  Start(*scenario);
  ASSERT_EQ(lab_->FindListener("autodiscover-redirect")->port, port);
  http::HttpRequest get;
  get.url =
      "http://autodiscover.contoso.test:" + std::to_string(port) + "/autodiscover/autodiscover.xml";
  resolve_.push_back({"autodiscover.contoso.test", static_cast<std::uint16_t>(port), "127.0.0.1"});
  auto c = Connection();
  http::HttpResponse r = Perform(*c, get);
  EXPECT_EQ(r.status, 302);
  EXPECT_FALSE(r.tls);
  EXPECT_EQ(Header(r, "Location"), "https://mail.contoso.test/autodiscover/autodiscover.xml");
  EXPECT_TRUE(r.HeaderValues("WWW-Authenticate").empty());
  get.method = "POST";
  get.body = "x";
  EXPECT_EQ(Perform(*c, get).status, 405);
}

}  // namespace
}  // namespace tlslab
