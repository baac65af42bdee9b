#include "probe/exchange/autodiscover_response.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/probe/exchange/fixture.h"

namespace probe::exchange {
namespace {

using testing::Fixture;

constexpr const char* kDn2016 =
    "/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Configuration/cn=Servers/"
    "cn=5f76be3c-9138-4f66-85e0-21bc23ca35f0@contoso.com";
constexpr const char* kOab2016 =
    "https://mail.contoso.com/OAB/c21c7bc2-53b3-4ddc-ad89-1219b486c37c/";
constexpr const char* kEws = "https://mail.contoso.com/EWS/Exchange.asmx";

Result<AutodiscoverResponse> ParseFixture(const std::string& name) {
  return ParseAutodiscoverResponse(Fixture("autodiscover/" + name));
}

void ExpectJaneDoe(const AutodiscoverUser& u) {
  EXPECT_EQ(u.display_name, "Jane Doe");
  EXPECT_EQ(u.legacy_dn,
            "/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/"
            "cn=f5eeabead90d4b6fb51d6379474692cd-jdoe");
  EXPECT_EQ(u.autodiscover_smtp_address, "jdoe@contoso.com");
  EXPECT_EQ(u.deployment_id, "50817eff-b925-4578-a0db-13bfc635e7a5");
}

void ExpectContosoWeb(const AutodiscoverProtocol& web) {
  EXPECT_EQ(web.type, ProtocolType::kWeb);
  ASSERT_TRUE(web.web_internal);
  EXPECT_EQ(web.web_internal->owa_url, "https://mail.contoso.com/owa/");
  EXPECT_EQ(web.web_internal->authentication_method, "Basic, Fba");
  EXPECT_EQ(web.web_internal->nested_type, "EXCH");
  EXPECT_EQ(web.web_internal->as_url, kEws);
  ASSERT_TRUE(web.web_external);
  EXPECT_EQ(web.web_external->owa_url, "https://mail.contoso.com/owa/");
  EXPECT_EQ(web.web_external->authentication_method, "Fba");
  EXPECT_EQ(web.web_external->nested_type, "EXPR");
  EXPECT_EQ(web.web_external->as_url, kEws);
  EXPECT_EQ(web.exposure, Exposure::kUnspecified);
}

TEST(AutodiscoverResponseTest, Exchange2016WithoutMapiHttp) {
  auto r = ParseFixture("pox_2016_exch_expr.xml");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->action, AutodiscoverAction::kSettings);
  ExpectJaneDoe(r->user);
  EXPECT_EQ(r->account_type, "email");
  EXPECT_EQ(r->microsoft_online, false);
  EXPECT_TRUE(r->notes.empty());
  ASSERT_EQ(r->protocols.size(), 3u);

  const auto& exch = r->protocols[0];
  EXPECT_EQ(exch.type, ProtocolType::kExch);
  EXPECT_EQ(exch.type_name, "EXCH");
  EXPECT_EQ(exch.exposure, Exposure::kInternal);
  EXPECT_EQ(exch.server, "5f76be3c-9138-4f66-85e0-21bc23ca35f0@contoso.com");
  EXPECT_EQ(exch.server_dn, kDn2016);
  EXPECT_EQ(exch.server_version_hex, "73C189CB");
  ASSERT_TRUE(exch.server_version);
  EXPECT_EQ(*exch.server_version, (ExchangeVersion{15, 1, 2507}));
  EXPECT_EQ(exch.mdb_dn, std::string(kDn2016) + "/cn=Microsoft Private MDB");
  EXPECT_EQ(exch.public_folder_server, "mail.contoso.com");
  EXPECT_EQ(exch.ad, "dc01.contoso.com");
  EXPECT_EQ(exch.as_url, kEws);
  EXPECT_EQ(exch.ews_url, kEws);
  EXPECT_EQ(exch.emws_url, kEws);
  EXPECT_EQ(exch.ecp_url, "https://mail.contoso.com/ecp/");
  EXPECT_EQ(exch.oof_url, kEws);
  EXPECT_EQ(exch.um_url, "https://mail.contoso.com/EWS/UM2007Legacy.asmx");
  EXPECT_EQ(exch.oab_url, kOab2016);
  EXPECT_EQ(exch.server_exclusive_connect, "off");
  EXPECT_FALSE(exch.cert_principal_name);
  EXPECT_FALSE(exch.ssl);
  EXPECT_TRUE(exch.mail_store.internal_url.empty());

  const auto& expr = r->protocols[1];
  EXPECT_EQ(expr.type, ProtocolType::kExpr);
  EXPECT_EQ(expr.exposure, Exposure::kExternal);
  EXPECT_EQ(expr.server, "mail.contoso.com");
  EXPECT_EQ(expr.ssl, "On");
  EXPECT_TRUE(expr.SslRequired());
  EXPECT_EQ(expr.auth_package, "Ntlm");
  EXPECT_EQ(expr.server_exclusive_connect, "on");
  EXPECT_EQ(expr.cert_principal_name, "None");
  EXPECT_TRUE(expr.CertPrincipalDefaulted());
  EXPECT_EQ(expr.EffectiveCertPrincipal(), "msstd:mail.contoso.com");
  EXPECT_EQ(expr.as_url, kEws);
  EXPECT_EQ(expr.ews_url, kEws);
  EXPECT_EQ(expr.oab_url, kOab2016);
  EXPECT_FALSE(expr.server_version);

  ExpectContosoWeb(r->protocols[2]);
  EXPECT_EQ(r->Find(ProtocolType::kExpr), &r->protocols[1]);
  EXPECT_EQ(r->Find(ProtocolType::kMapiHttp), nullptr);
}

TEST(AutodiscoverResponseTest, Exchange2016WithMapiHttp) {
  auto r = ParseFixture("pox_2016_mapihttp.xml");
  ASSERT_TRUE(r) << r.error().message;
  ExpectJaneDoe(r->user);
  ASSERT_EQ(r->protocols.size(), 4u);
  EXPECT_EQ(r->Find(ProtocolType::kExch), nullptr);
  EXPECT_EQ(r->Find(ProtocolType::kExpr), nullptr);

  const auto& internal = r->protocols[0];
  EXPECT_EQ(internal.type, ProtocolType::kExhttp);
  EXPECT_EQ(internal.exposure, Exposure::kInternal);
  EXPECT_EQ(internal.server, "mail.contoso.com");
  EXPECT_EQ(internal.ssl, "On");
  EXPECT_EQ(internal.auth_package, "Ntlm");
  EXPECT_EQ(internal.server_exclusive_connect, "On");
  EXPECT_EQ(internal.cert_principal_name, "None");
  EXPECT_EQ(internal.as_url, kEws);
  EXPECT_EQ(internal.ews_url, kEws);
  EXPECT_EQ(internal.oof_url, kEws);
  EXPECT_EQ(internal.oab_url, kOab2016);
  const auto& external = r->protocols[1];
  EXPECT_EQ(external.type, ProtocolType::kExhttp);
  EXPECT_EQ(external.exposure, Exposure::kExternal);
  EXPECT_TRUE(external.as_url.empty());
  EXPECT_EQ(external.ews_url, kEws);

  const auto& mapi = r->protocols[2];
  EXPECT_EQ(mapi.type, ProtocolType::kMapiHttp);
  EXPECT_EQ(mapi.type_name, "mapiHttp");
  EXPECT_EQ(mapi.version, 1);
  const std::string id = "/?MailboxId=5f76be3c-9138-4f66-85e0-21bc23ca35f0@contoso.com";
  EXPECT_EQ(mapi.mail_store.internal_url, "https://mail.contoso.com/mapi/emsmdb" + id);
  EXPECT_EQ(mapi.mail_store.external_url, "https://mail.contoso.com/mapi/emsmdb" + id);
  EXPECT_EQ(mapi.address_book.internal_url, "https://mail.contoso.com/mapi/nspi" + id);
  EXPECT_EQ(mapi.address_book.external_url, "https://mail.contoso.com/mapi/nspi" + id);
  EXPECT_TRUE(mapi.server.empty());
  ExpectContosoWeb(r->protocols[3]);
}

TEST(AutodiscoverResponseTest, Exchange2010Sp3) {
  auto r = ParseFixture("pox_2010_sp3.xml");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->user.display_name, "Wendy Richardson");
  EXPECT_EQ(
      r->user.legacy_dn,
      "/o=Tailspin Toys/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=wendy");
  EXPECT_TRUE(r->user.autodiscover_smtp_address.empty());
  EXPECT_EQ(r->user.deployment_id, "a3d0b7c5-6b7e-4a3e-9c55-0d1b1b2f5a11");
  EXPECT_FALSE(r->microsoft_online);
  ASSERT_EQ(r->protocols.size(), 3u);
  const auto& exch = r->protocols[0];
  EXPECT_EQ(exch.server, "casarray1.tailspintoys.com");
  EXPECT_EQ(exch.server_version_hex, "7383807B");
  ASSERT_TRUE(exch.server_version);
  EXPECT_EQ(exch.server_version->Dotted(), "14.3.123");
  EXPECT_EQ(exch.server_version->ProductName(), "Exchange 2010 SP3");
  EXPECT_EQ(exch.public_folder_server, "ex2010-mbx1.tailspintoys.com");
  EXPECT_EQ(exch.ad, "dc1.tailspintoys.com");
  EXPECT_EQ(exch.sharing_url, "https://mail.tailspintoys.com/EWS/Exchange.asmx");
  EXPECT_EQ(exch.oab_url,
            "https://mail.tailspintoys.com/OAB/2a3b5c7d-1111-2222-3333-444455556666/");
  EXPECT_TRUE(exch.emws_url.empty());
  const auto& expr = r->protocols[1];
  EXPECT_EQ(expr.server, "mail.tailspintoys.com");
  EXPECT_FALSE(expr.cert_principal_name);  // absent on 2010 unless Set-OutlookProvider set it
  EXPECT_EQ(expr.EffectiveCertPrincipal(), "msstd:mail.tailspintoys.com");
  EXPECT_EQ(expr.ecp_url, "https://mail.tailspintoys.com/ecp/");
  const auto& web = r->protocols[2];
  ASSERT_TRUE(web.web_internal && web.web_external);
  EXPECT_EQ(web.web_internal->owa_url, "https://ex2010-cas1.tailspintoys.com/owa/");
  EXPECT_EQ(web.web_external->owa_url, "https://mail.tailspintoys.com/owa/");
}

TEST(AutodiscoverResponseTest, Redirects) {
  auto addr = ParseFixture("pox_redirect_addr.xml");
  ASSERT_TRUE(addr) << addr.error().message;
  EXPECT_EQ(addr->action, AutodiscoverAction::kRedirectAddr);
  EXPECT_EQ(addr->redirect_addr, "jdoe@contoso.mail.onmicrosoft.com");
  EXPECT_TRUE(addr->protocols.empty());
  auto url = ParseFixture("pox_redirect_url.xml");
  ASSERT_TRUE(url) << url.error().message;
  EXPECT_EQ(url->action, AutodiscoverAction::kRedirectUrl);
  EXPECT_EQ(url->redirect_url, "https://autodiscover.fabrikam.com/autodiscover/autodiscover.xml");
  EXPECT_EQ(AutodiscoverActionName(url->action), "redirectUrl");
}

TEST(AutodiscoverResponseTest, ErrorForms) {
  auto e600 = ParseFixture("pox_error_600.xml");
  ASSERT_TRUE(e600) << e600.error().message;
  EXPECT_EQ(e600->action, AutodiscoverAction::kError);
  ASSERT_TRUE(e600->error);
  EXPECT_EQ(e600->error->code, 600);
  EXPECT_EQ(e600->error->code_text, "600");
  EXPECT_EQ(e600->error->message, "Invalid Request");
  EXPECT_EQ(e600->error->time, "16:56:32.6164027");
  EXPECT_EQ(e600->error->id, "1054084152");
  EXPECT_TRUE(e600->error->debug_data.empty());
  // The 500 fixture carries the provider namespace on Response (MS-ASCMD's form).
  auto e500 = ParseFixture("pox_error_500.xml");
  ASSERT_TRUE(e500) << e500.error().message;
  ASSERT_TRUE(e500->error);
  EXPECT_EQ(e500->error->code, 500);
  EXPECT_EQ(e500->error->message, "The email address can't be found.");
  EXPECT_EQ(e500->error->debug_data, "No mailbox for nobody@contoso.com");
  EXPECT_EQ(e500->error->time, "08:12:04");
}

// --- hostile and malformed input --------------------------------------------------------------

std::string Wrap(const std::string& account) {
  return "<Autodiscover "
         "xmlns='http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006'>"
         "<Response "
         "xmlns='http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a'>"
         "<Account>" +
         account + "</Account></Response></Autodiscover>";
}

void ExpectMalformed(std::string_view body, std::string_view needle) {
  auto r = ParseAutodiscoverResponse(body);
  ASSERT_FALSE(r) << "parsed: " << body.substr(0, 120);
  EXPECT_EQ(r.error().code, ErrorCode::kMalformed);
  EXPECT_NE(r.error().message.find(needle), std::string::npos) << r.error().message;
}

TEST(AutodiscoverResponseTest, RejectsGarbage) {
  ExpectMalformed("", "empty");
  ExpectMalformed(std::string_view("\x00\x01\x02garbage", 10), "not well-formed");
  ExpectMalformed("<html><body>Exchange Server: Autodiscover failed</body></html>", "<html>");
  ExpectMalformed("<Autodiscover", "not well-formed");
  ExpectMalformed("<?xml version='1.0'?>", "No document element");
}

TEST(AutodiscoverResponseTest, RejectsWrongOrMissingNamespaces) {
  std::string body = Fixture("autodiscover/pox_2016_exch_expr.xml");
  std::string https = body;
  https.replace(https.find("http://schemas"), 7, "https://");
  ExpectMalformed(https, "https://schemas.microsoft.com/exchange/autodiscover/responseschema/2006");
  ExpectMalformed(
      "<Autodiscover><Response><Account><Action>settings</Action></Account></Response>"
      "</Autodiscover>",
      "namespace ''");
  // Right root, but the Response in no provider namespace: not Outlook's settings.
  ExpectMalformed(
      "<Autodiscover xmlns='http://schemas.microsoft.com/exchange/autodiscover/"
      "responseschema/2006'><Response><Account><Action>settings</Action></Account>"
      "</Response></Autodiscover>",
      "Response is in namespace");
  auto mobile = ParseAutodiscoverResponse(
      "<Autodiscover "
      "xmlns='http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006'>"
      "<Response xmlns='http://schemas.microsoft.com/exchange/autodiscover/mobilesync/"
      "responseschema/2006'><Culture>en:us</Culture></Response></Autodiscover>");
  ASSERT_FALSE(mobile);
  EXPECT_EQ(mobile.error().code, ErrorCode::kUnsupported);
  ExpectMalformed("<a:Autodiscover><a:Response/></a:Autodiscover>", "not declared");
}

TEST(AutodiscoverResponseTest, RejectsBrokenAccounts) {
  ExpectMalformed(Wrap(""), "no Action");
  ExpectMalformed(Wrap("<Action>explode</Action>"), "'explode'");
  ExpectMalformed(Wrap("<Action>redirectAddr</Action>"), "without a RedirectAddr");
  ExpectMalformed(Wrap("<Action>redirectUrl</Action><RedirectUrl> </RedirectUrl>"),
                  "without a RedirectUrl");
  ExpectMalformed(
      "<Autodiscover xmlns='http://schemas.microsoft.com/exchange/autodiscover/"
      "responseschema/2006'><Response xmlns='http://schemas.microsoft.com/exchange/"
      "autodiscover/outlook/responseschema/2006a'/></Autodiscover>",
      "neither Account nor Error");
  ExpectMalformed(
      "<Autodiscover xmlns='http://schemas.microsoft.com/exchange/autodiscover/"
      "responseschema/2006'/>",
      "no Response");
}

TEST(AutodiscoverResponseTest, LimitsHold) {
  std::string many = "<Action>settings</Action>";
  for (int i = 0; i < 17; ++i) many += "<Protocol><Type>EXPR</Type></Protocol>";
  ExpectMalformed(Wrap(many), "more than the limit of 16");

  std::string deep = "<Action>settings</Action>";
  for (int i = 0; i < 40; ++i) deep += "<Protocol>";
  for (int i = 0; i < 40; ++i) deep += "</Protocol>";
  ExpectMalformed(Wrap(deep), "deeper");

  std::string big = Wrap("<Action>settings</Action><Protocol><Type>EXPR</Type><Server>" +
                         std::string(1 << 20, 'a') + "</Server></Protocol>");
  ExpectMalformed(big, "exceeds the limit");

  AutodiscoverLimits generous;
  generous.xml.max_bytes = 4 << 20;
  auto ok = ParseAutodiscoverResponse(big, generous);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->protocols[0].server.size(), 1u << 20);
}

TEST(AutodiscoverResponseTest, ToleratesOdditiesWithNotes) {
  auto r = ParseAutodiscoverResponse(
      Wrap("<Action>Settings</Action><MicrosoftOnline>maybe</MicrosoftOnline>"
           "<Protocol><Type>EXCH</Type><ServerVersion>NOTHEX!!</ServerVersion></Protocol>"
           "<Protocol><Type>POP3</Type></Protocol>"
           "<Protocol><Type>exhttp</Type></Protocol><Protocol><Type>EXHTTP</Type></Protocol>"
           "<Protocol><Type>EXHTTP</Type></Protocol>"
           "<Protocol Type='mapiHttp' Version='99999999'/>"
           "<AlternativeMailbox><Type>Delegate</Type><DisplayName>Legacy</DisplayName>"
           "<SmtpAddress>legacy@contoso.com</SmtpAddress><OwnerSmtpAddress>legacy@contoso.com"
           "</OwnerSmtpAddress></AlternativeMailbox>"
           "<PublicFolderInformation><SmtpAddress>pf@contoso.com</SmtpAddress>"
           "</PublicFolderInformation>"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->action, AutodiscoverAction::kSettings);
  EXPECT_FALSE(r->microsoft_online);
  EXPECT_EQ(r->notes.size(), 2u);
  EXPECT_FALSE(r->protocols[0].server_version);
  EXPECT_EQ(r->protocols[1].type, ProtocolType::kOther);
  EXPECT_EQ(r->protocols[2].type, ProtocolType::kExhttp);  // case-insensitive
  EXPECT_EQ(r->protocols[2].exposure, Exposure::kInternal);
  EXPECT_EQ(r->protocols[3].exposure, Exposure::kExternal);
  EXPECT_EQ(r->protocols[4].exposure, Exposure::kUnspecified);
  EXPECT_EQ(r->protocols[5].version, 0);  // out of range, not trusted
  ASSERT_EQ(r->alternative_mailboxes.size(), 1u);
  EXPECT_EQ(r->alternative_mailboxes[0].type, "Delegate");
  EXPECT_EQ(r->alternative_mailboxes[0].display_name, "Legacy");
  EXPECT_EQ(r->alternative_mailboxes[0].smtp_address, "legacy@contoso.com");
  EXPECT_EQ(r->alternative_mailboxes[0].owner_smtp_address, "legacy@contoso.com");
  EXPECT_EQ(r->public_folder_smtp_address, "pf@contoso.com");
}

TEST(AutodiscoverResponseTest, ElementsInAForeignNamespaceAreNotSettings) {
  // A Server in another namespace must not be read as the EXPR server.
  auto r = ParseAutodiscoverResponse(
      Wrap("<Action>settings</Action><Protocol xmlns:x='urn:evil'><Type>EXPR</Type>"
           "<x:Server>evil.example</x:Server></Protocol>"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->protocols[0].server.empty());
}

}  // namespace
}  // namespace probe::exchange
