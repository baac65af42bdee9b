#include "probe/exchange/lab_answers.h"

#include <gtest/gtest.h>

#include "probe/exchange/autodiscover_json.h"
#include "probe/exchange/outlook_choice.h"

namespace probe::exchange {
namespace {

constexpr const char* kGuid = "5f76be3c-9138-4f66-85e0-21bc23ca35f0";

LabMailbox Mailbox2016() {
  LabMailbox m;
  m.address = "jdoe@contoso.test";
  m.display_name = "Jane Doe";
  m.version = LabExchange::k2016;
  m.mailbox_guid = kGuid;
  m.internal_host = "ex16.corp.contoso.test";
  m.external_host = "mail.contoso.test";
  m.cert_principal = "msstd:*.contoso.test";
  return m;
}

LabMailbox Mailbox2010() {
  LabMailbox m;
  m.address = "legacy@contoso.test";
  m.display_name = "Legacy User";
  m.version = LabExchange::k2010;
  m.server = "casarray1.contoso.test";
  m.internal_host = "legacy.contoso.test";
  m.external_host = "mail.contoso.test";
  return m;
}

AutodiscoverResponse RoundTrip(const LabMailbox& m, const LabRequestFlags& flags) {
  auto xml = BuildPoxSettingsAnswer(m, flags);
  EXPECT_TRUE(xml) << (xml ? "" : xml.error().message);
  auto parsed = ParseAutodiscoverResponse(xml.value_or(""));
  EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error().message);
  EXPECT_TRUE(parsed && parsed->notes.empty());
  return parsed.value_or(AutodiscoverResponse{});
}

TEST(LabAnswersTest, Mailbox2016WithoutMapiHttpReadsBackFieldByField) {
  auto r = RoundTrip(Mailbox2016(), {});
  EXPECT_EQ(r.action, AutodiscoverAction::kSettings);
  EXPECT_EQ(r.user.display_name, "Jane Doe");
  const std::string org = "/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)";
  EXPECT_EQ(r.user.legacy_dn, org + "/cn=Recipients/cn=jdoe");
  EXPECT_EQ(r.user.autodiscover_smtp_address, "jdoe@contoso.test");
  EXPECT_EQ(r.user.deployment_id, "50817eff-b925-4578-a0db-13bfc635e7a5");
  EXPECT_EQ(r.account_type, "email");
  EXPECT_EQ(r.microsoft_online, false);
  ASSERT_EQ(r.protocols.size(), 3u);

  const auto& exch = r.protocols[0];
  ASSERT_EQ(exch.type, ProtocolType::kExch);
  const std::string server = std::string(kGuid) + "@contoso.test";
  EXPECT_EQ(exch.server, server);
  EXPECT_EQ(exch.server_dn, org + "/cn=Configuration/cn=Servers/cn=" + server);
  EXPECT_EQ(exch.server_version_hex, "73C189CB");
  EXPECT_EQ(exch.server_version, (ExchangeVersion{15, 1, 2507}));
  EXPECT_EQ(exch.mdb_dn, exch.server_dn + "/cn=Microsoft Private MDB");
  EXPECT_EQ(exch.public_folder_server, "ex16.corp.contoso.test");
  EXPECT_EQ(exch.as_url, "https://ex16.corp.contoso.test/EWS/Exchange.asmx");
  EXPECT_EQ(exch.ews_url, "https://ex16.corp.contoso.test/EWS/Exchange.asmx");
  EXPECT_EQ(exch.emws_url, "https://ex16.corp.contoso.test/EWS/Exchange.asmx");
  EXPECT_EQ(exch.ecp_url, "https://ex16.corp.contoso.test/ecp/");
  EXPECT_EQ(exch.oof_url, "https://ex16.corp.contoso.test/EWS/Exchange.asmx");
  EXPECT_EQ(exch.um_url, "https://ex16.corp.contoso.test/EWS/UM2007Legacy.asmx");
  EXPECT_EQ(exch.oab_url,
            "https://ex16.corp.contoso.test/OAB/c21c7bc2-53b3-4ddc-ad89-1219b486c37c/");
  EXPECT_EQ(exch.server_exclusive_connect, "off");

  const auto& expr = r.protocols[1];
  ASSERT_EQ(expr.type, ProtocolType::kExpr);
  EXPECT_EQ(expr.server, "mail.contoso.test");
  EXPECT_EQ(expr.ssl, "On");
  EXPECT_EQ(expr.auth_package, "Ntlm");
  EXPECT_EQ(expr.cert_principal_name, "msstd:*.contoso.test");
  EXPECT_FALSE(expr.CertPrincipalDefaulted());
  EXPECT_EQ(expr.server_exclusive_connect, "on");
  EXPECT_EQ(expr.ews_url, "https://mail.contoso.test/EWS/Exchange.asmx");
  EXPECT_EQ(expr.oab_url, "https://mail.contoso.test/OAB/c21c7bc2-53b3-4ddc-ad89-1219b486c37c/");

  const auto& web = r.protocols[2];
  ASSERT_EQ(web.type, ProtocolType::kWeb);
  ASSERT_TRUE(web.web_internal && web.web_external);
  EXPECT_EQ(web.web_internal->owa_url, "https://ex16.corp.contoso.test/owa/");
  EXPECT_EQ(web.web_internal->authentication_method, "Basic, Fba");
  EXPECT_EQ(web.web_internal->nested_type, "EXCH");
  EXPECT_EQ(web.web_external->owa_url, "https://mail.contoso.test/owa/");
  EXPECT_EQ(web.web_external->as_url, "https://mail.contoso.test/EWS/Exchange.asmx");

  auto choice = ChooseOutlookTransport(r);
  EXPECT_EQ(choice.transport, OutlookTransport::kRpcHttp);
  EXPECT_EQ(choice.rpc_server, server);
  EXPECT_EQ(choice.cert_principal, "msstd:*.contoso.test");
  EXPECT_EQ(DetectMailboxVersion(r).major, 15);
}

TEST(LabAnswersTest, Mailbox2016WithMapiHttpCapability) {
  auto r = RoundTrip(Mailbox2016(), {.mapi_http_capability = true});
  EXPECT_EQ(r.Find(ProtocolType::kExch), nullptr);
  EXPECT_EQ(r.Find(ProtocolType::kExpr), nullptr);
  EXPECT_EQ(r.Find(ProtocolType::kExhttp), nullptr);
  const auto* mapi = r.Find(ProtocolType::kMapiHttp);
  ASSERT_NE(mapi, nullptr);
  EXPECT_EQ(mapi->version, 1);
  const std::string id = "/?MailboxId=" + std::string(kGuid) + "@contoso.test";
  EXPECT_EQ(mapi->mail_store.internal_url, "https://ex16.corp.contoso.test/mapi/emsmdb" + id);
  EXPECT_EQ(mapi->mail_store.external_url, "https://mail.contoso.test/mapi/emsmdb" + id);
  EXPECT_EQ(mapi->address_book.internal_url, "https://ex16.corp.contoso.test/mapi/nspi" + id);
  EXPECT_EQ(mapi->address_book.external_url, "https://mail.contoso.test/mapi/nspi" + id);
  auto choice = ChooseOutlookTransport(r);
  EXPECT_EQ(choice.transport, OutlookTransport::kMapiHttp);
  EXPECT_EQ(choice.mail_store_url, "https://mail.contoso.test/mapi/emsmdb" + id);
  EXPECT_EQ(DetectMailboxVersion(r).major, 15);

  // MAPI/HTTP disabled for the mailbox: the normal EXCH/EXPR answer even when asked.
  LabMailbox disabled = Mailbox2016();
  disabled.mapi_http = false;
  auto d = RoundTrip(disabled, {.mapi_http_capability = true});
  EXPECT_NE(d.Find(ProtocolType::kExch), nullptr);
  EXPECT_EQ(d.Find(ProtocolType::kMapiHttp), nullptr);
}

TEST(LabAnswersTest, Mailbox2016WithExHttpInfo) {
  auto r = RoundTrip(Mailbox2016(), {.mapi_http_capability = true, .ex_http_info = true});
  std::vector<const AutodiscoverProtocol*> exhttp;
  for (const auto& p : r.protocols) {
    if (p.type == ProtocolType::kExhttp) exhttp.push_back(&p);
  }
  ASSERT_EQ(exhttp.size(), 2u);
  EXPECT_EQ(exhttp[0]->server, "ex16.corp.contoso.test");
  EXPECT_EQ(exhttp[0]->exposure, Exposure::kInternal);
  EXPECT_EQ(exhttp[1]->server, "mail.contoso.test");
  EXPECT_EQ(exhttp[1]->exposure, Exposure::kExternal);
  EXPECT_EQ(exhttp[1]->oof_url, "https://mail.contoso.test/EWS/Exchange.asmx");
  EXPECT_NE(r.Find(ProtocolType::kMapiHttp), nullptr);
}

TEST(LabAnswersTest, Mailbox2010IgnoresTheHeaders) {
  auto r = RoundTrip(Mailbox2010(), {.mapi_http_capability = true, .ex_http_info = true});
  EXPECT_TRUE(r.user.autodiscover_smtp_address.empty());
  EXPECT_FALSE(r.microsoft_online);
  EXPECT_EQ(r.Find(ProtocolType::kMapiHttp), nullptr);
  EXPECT_EQ(r.Find(ProtocolType::kExhttp), nullptr);
  const auto* exch = r.Find(ProtocolType::kExch);
  ASSERT_NE(exch, nullptr);
  EXPECT_EQ(exch->server, "casarray1.contoso.test");
  EXPECT_EQ(exch->server_dn,
            "/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Configuration/"
            "cn=Servers/cn=casarray1");
  EXPECT_EQ(exch->server_version_hex, "7383807B");
  EXPECT_TRUE(exch->emws_url.empty());
  EXPECT_TRUE(exch->server_exclusive_connect.empty());
  const auto* expr = r.Find(ProtocolType::kExpr);
  ASSERT_NE(expr, nullptr);
  EXPECT_FALSE(expr->cert_principal_name);
  auto choice = ChooseOutlookTransport(r);
  EXPECT_EQ(choice.transport, OutlookTransport::kRpcHttp);
  EXPECT_EQ(choice.rpc_server, "casarray1.contoso.test");
  EXPECT_EQ(choice.cert_principal, "msstd:mail.contoso.test");
  EXPECT_TRUE(choice.cert_principal_defaulted);
  auto version = DetectMailboxVersion(r);
  EXPECT_EQ(version.major, 14);
  EXPECT_EQ(version.version->ProductName(), "Exchange 2010 SP3");
}

TEST(LabAnswersTest, CustomBuildAndAlternativeMailbox) {
  LabMailbox m = Mailbox2016();
  m.build = ExchangeVersion{15, 2, 1118};
  m.legacy_dn = "/o=Lab/cn=jd";
  m.alternative_mailboxes.push_back({"Delegate", "Legacy User", "legacy@contoso.test",
                                     "legacy@contoso.test", "/o=Lab/cn=lu", ""});
  auto r = RoundTrip(m, {});
  EXPECT_EQ(r.user.legacy_dn, "/o=Lab/cn=jd");
  EXPECT_EQ(r.Find(ProtocolType::kExch)->server_version->ProductName(), "Exchange 2019");
  ASSERT_EQ(r.alternative_mailboxes.size(), 1u);
  const auto& a = r.alternative_mailboxes[0];
  EXPECT_EQ(a.type, "Delegate");
  EXPECT_EQ(a.display_name, "Legacy User");
  EXPECT_EQ(a.smtp_address, "legacy@contoso.test");
  EXPECT_EQ(a.owner_smtp_address, "legacy@contoso.test");
  EXPECT_EQ(a.legacy_dn, "/o=Lab/cn=lu");
  EXPECT_TRUE(a.server.empty());
}

TEST(LabAnswersTest, RefusesBadMailboxes) {
  LabMailbox m = Mailbox2016();
  m.mailbox_guid = "not-a-guid";
  EXPECT_FALSE(BuildPoxSettingsAnswer(m, {}));
  m = Mailbox2010();
  m.server = "";
  EXPECT_FALSE(BuildPoxSettingsAnswer(m, {}));
  m = Mailbox2016();
  m.display_name = "bell\x07";
  EXPECT_FALSE(BuildPoxSettingsAnswer(m, {}));
  m = Mailbox2016();
  m.external_host = "mail.contoso.test/evil";
  EXPECT_FALSE(BuildPoxSettingsAnswer(m, {}));
  m = Mailbox2016();
  m.address = "nobody";
  EXPECT_FALSE(BuildPoxSettingsAnswer(m, {}));
  m = Mailbox2016();
  m.build = ExchangeVersion{99, 0, 0};
  EXPECT_FALSE(BuildPoxSettingsAnswer(m, {}));
}

TEST(LabAnswersTest, RedirectsAndErrorsReadBack) {
  auto addr =
      ParseAutodiscoverResponse(BuildPoxRedirectAddrAnswer("jdoe@contoso.onmicrosoft.com").value());
  ASSERT_TRUE(addr);
  EXPECT_EQ(addr->action, AutodiscoverAction::kRedirectAddr);
  EXPECT_EQ(addr->redirect_addr, "jdoe@contoso.onmicrosoft.com");
  auto url = ParseAutodiscoverResponse(
      BuildPoxRedirectUrlAnswer("https://ad.fabrikam.test/autodiscover/autodiscover.xml").value());
  ASSERT_TRUE(url);
  EXPECT_EQ(url->action, AutodiscoverAction::kRedirectUrl);
  EXPECT_EQ(url->redirect_url, "https://ad.fabrikam.test/autodiscover/autodiscover.xml");
  EXPECT_FALSE(BuildPoxRedirectAddrAnswer("nobody"));
  EXPECT_FALSE(BuildPoxRedirectUrlAnswer("ftp://x/"));

  auto browser = ParseAutodiscoverResponse(BuildPoxErrorAnswer({}).value());
  ASSERT_TRUE(browser);
  ASSERT_TRUE(browser->error);
  EXPECT_EQ(browser->error->code, 600);
  EXPECT_EQ(browser->error->message, "Invalid Request");
  EXPECT_EQ(browser->error->time, "16:56:32.6164027");
  EXPECT_EQ(browser->error->id, "1054084152");
  LabPoxError e;
  e.code = 500;
  e.message = "The email address can't be found.";
  e.debug_data = "no <mailbox> & no luck";
  auto missing = ParseAutodiscoverResponse(BuildPoxErrorAnswer(e).value());
  ASSERT_TRUE(missing && missing->error);
  EXPECT_EQ(missing->error->code, 500);
  EXPECT_EQ(missing->error->message, e.message);
  EXPECT_EQ(missing->error->debug_data, e.debug_data);
}

TEST(LabAnswersTest, JsonV2ReadsBack) {
  auto ok = ParseAutodiscoverJson(
      BuildJsonV2Answer("Ews", "https://mail.contoso.test/EWS/Exchange.asmx").value());
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->protocol, "Ews");
  EXPECT_EQ(ok->url, "https://mail.contoso.test/EWS/Exchange.asmx");
  auto error = ParseAutodiscoverJson(
      BuildJsonV2Error("ProtocolNotSupported", "The given protocol value \"X\" is invalid.")
          .value());
  ASSERT_TRUE(error);
  EXPECT_EQ(error->error_code, "ProtocolNotSupported");
  EXPECT_EQ(error->error_message, "The given protocol value \"X\" is invalid.");
  EXPECT_FALSE(BuildJsonV2Answer("Ews", "\xff"));
}

TEST(LabAnswersTest, GetFolderAnswersReadBack) {
  auto xml = BuildGetFolderAnswer(LabServerVersionInfo(LabExchange::k2010),
                                  {LabFolderResult{},
                                   {"ErrorMailboxStoreUnavailable",
                                    "The mailbox database is temporarily unavailable.", "", ""}});
  ASSERT_TRUE(xml) << xml.error().message;
  auto r = ParseEwsResponse(*xml);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->server_version->AsVersion().Dotted(), "14.3.123.4");
  EXPECT_EQ(r->server_version->version, "Exchange2010_SP2");
  ASSERT_EQ(r->messages.size(), 2u);
  EXPECT_EQ(r->messages[0].response_class, ResponseClass::kSuccess);
  EXPECT_EQ(r->messages[0].response_code, "NoError");
  ASSERT_EQ(r->messages[0].folders.size(), 1u);
  EXPECT_EQ(r->messages[0].folders[0].id, LabFolderResult{}.folder_id);
  EXPECT_EQ(r->messages[0].folders[0].change_key, LabFolderResult{}.change_key);
  EXPECT_EQ(r->messages[1].response_class, ResponseClass::kError);
  EXPECT_EQ(r->messages[1].response_code, "ErrorMailboxStoreUnavailable");
  EXPECT_EQ(r->messages[1].message_text, "The mailbox database is temporarily unavailable.");
  EXPECT_EQ(r->messages[1].descriptive_link_key, "0");
  EXPECT_FALSE(BuildGetFolderAnswer({}, {{"Error Code", "", "", ""}}));
}

TEST(LabAnswersTest, AvailabilityAnswersReadBack) {
  LabFreeBusy busy;
  busy.view_type = "FreeBusyMerged";
  busy.merged_free_busy = "0022";
  busy.events = {{"2024-01-15T09:00:00", "2024-01-15T10:00:00", "Busy"}};
  auto xml = BuildGetUserAvailabilityAnswer(LabServerVersionInfo(LabExchange::k2016),
                                            {busy, StaleCacheFreeBusy()});
  ASSERT_TRUE(xml) << xml.error().message;
  auto r = ParseEwsResponse(*xml);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->server_version->AsVersion().Dotted(), "15.1.2507.6");
  ASSERT_EQ(r->free_busy.size(), 2u);
  const auto& ok = r->free_busy[0];
  EXPECT_EQ(ok.message.response_class, ResponseClass::kSuccess);
  EXPECT_EQ(ok.view_type, "FreeBusyMerged");
  EXPECT_EQ(ok.merged_free_busy, "0022");
  ASSERT_EQ(ok.events.size(), 1u);
  EXPECT_EQ(ok.events[0].start_time, "2024-01-15T09:00:00");
  EXPECT_EQ(ok.events[0].end_time, "2024-01-15T10:00:00");
  EXPECT_EQ(ok.events[0].busy_type, "Busy");
  const auto& stale = r->free_busy[1];
  EXPECT_EQ(stale.message.response_class, ResponseClass::kError);
  EXPECT_EQ(stale.message.response_code, "ErrorProxyRequestProcessingFailed");
  EXPECT_EQ(stale.message.message_text, StaleCacheFreeBusy().message_text);
  EXPECT_EQ(ClassifyFreeBusyCode(stale.message.response_code), FreeBusyFailure::kProxyFailed);
  EXPECT_EQ(stale.view_type, "None");
}

TEST(LabAnswersTest, SoapFaultReadsBack) {
  auto xml =
      BuildSoapFaultAnswer("ErrorInvalidServerVersion", "The specified server version is invalid.");
  ASSERT_TRUE(xml);
  auto r = ParseEwsResponse(*xml);
  ASSERT_TRUE(r && r->fault);
  EXPECT_EQ(r->fault->fault_code, "a:ErrorInvalidServerVersion");
  EXPECT_EQ(r->fault->fault_string, "The specified server version is invalid.");
  EXPECT_EQ(r->fault->response_code, "ErrorInvalidServerVersion");
  EXPECT_EQ(r->fault->message, "The specified server version is invalid.");
  EXPECT_FALSE(BuildSoapFaultAnswer("a:b", "x"));
}

}  // namespace
}  // namespace probe::exchange
