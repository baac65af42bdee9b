// The pure verdicts of the Exchange checks, on documents written by probe/exchange's lab answer
// builders (the same shapes tlslab serves): the provider Outlook picks versus the mailbox
// version, EWS errors, the stale-cache signatures, and the endpoints an answer names.
#include <gtest/gtest.h>

#include "probe/checks/ews_check.h"
#include "probe/checks/mailbox_check.h"
#include "probe/exchange/lab_answers.h"

namespace probe::checks {
namespace {

using exchange::LabExchange;
using exchange::LabMailbox;

exchange::AutodiscoverResponse Answer(const LabMailbox& m, bool mapi) {
  auto xml = exchange::BuildPoxSettingsAnswer(m, {.mapi_http_capability = mapi});
  EXPECT_TRUE(xml.has_value());
  auto parsed = exchange::ParseAutodiscoverResponse(*xml);
  EXPECT_TRUE(parsed.has_value()) << parsed.error().message;
  return *parsed;
}

LabMailbox Mailbox(LabExchange version) {
  LabMailbox m;
  m.address = version == LabExchange::k2016 ? "alice@contoso.test" : "bob@contoso.test";
  m.version = version;
  m.mailbox_guid = "2701da24-ca4b-450a-816a-c5316a65d06b";
  m.server = version == LabExchange::k2010 ? "ex2010mbx.contoso.test" : "";
  m.internal_host = "mail.contoso.test";
  m.external_host = "mail.contoso.test";
  return m;
}

std::vector<std::string> Ids(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const auto& f : findings) out.push_back(f.id);
  return out;
}

std::vector<std::string> Judge(const LabMailbox& m) {
  auto plain = Answer(m, false);
  auto mapi = Answer(m, true);
  return Ids(
      JudgeProvider(exchange::DetectMailboxVersion(plain), exchange::ChooseOutlookTransport(mapi)));
}

TEST(JudgeProviderTest, Exchange2016OnMapiHttpAnd2010OnOutlookAnywhereAreRight) {
  EXPECT_EQ(Judge(Mailbox(LabExchange::k2016)), std::vector<std::string>{"exchange.provider.ok"});
  EXPECT_EQ(Judge(Mailbox(LabExchange::k2010)), std::vector<std::string>{"exchange.provider.ok"});
}

TEST(JudgeProviderTest, Exchange2016WithoutMapiHttpIsAMismatch) {
  LabMailbox m = Mailbox(LabExchange::k2016);
  m.mapi_http = false;  // Set-CASMailbox -MapiHttpEnabled $false
  auto findings = JudgeProvider(exchange::DetectMailboxVersion(Answer(m, false)),
                                exchange::ChooseOutlookTransport(Answer(m, true)));
  ASSERT_EQ(Ids(findings), std::vector<std::string>{"exchange.provider.mismatch"});
  EXPECT_NE(findings[0].summary.find("Outlook Anywhere"), std::string::npos);
}

TEST(JudgeProviderTest, NoTransportAtAllIsAMismatch) {
  exchange::OutlookChoice none;
  exchange::MailboxVersion version;
  version.major = 15;
  EXPECT_EQ(Ids(JudgeProvider(version, none)),
            std::vector<std::string>{"exchange.provider.mismatch"});
}

EwsCall ParsedCall(const std::string& operation, const Result<std::string>& body, int status) {
  EwsCall call;
  call.operation = operation;
  call.http_status = status;
  EXPECT_TRUE(body.has_value());
  auto parsed = exchange::ParseEwsResponse(*body);
  EXPECT_TRUE(parsed.has_value()) << parsed.error().message;
  call.response = *parsed;
  return call;
}

exchange::MailboxVersion Said(int major) {
  exchange::MailboxVersion v;
  v.major = major;
  v.evidence = "test";
  return v;
}

const std::string kUrl = "https://mail.contoso.test/EWS/Exchange.asmx";

TEST(JudgeEwsTest, SuccessFromTheVersionAutodiscoverNamedIsOk) {
  auto call = ParsedCall(
      "GetFolder",
      exchange::BuildGetFolderAnswer(exchange::LabServerVersionInfo(LabExchange::k2010), {{}, {}}),
      200);
  EXPECT_EQ(Ids(JudgeEws(kUrl, call, nullptr, Said(14))),
            std::vector<std::string>{"exchange.ews.ok"});
}

TEST(JudgeEwsTest, ServedByAnotherVersionThanAutodiscoverSaidIsStale) {
  auto call = ParsedCall(
      "GetFolder",
      exchange::BuildGetFolderAnswer(exchange::LabServerVersionInfo(LabExchange::k2016), {{}, {}}),
      200);
  call.routing.calculated_be_target = "ex2016mbx.contoso.test";
  auto findings = JudgeEws(kUrl, call, nullptr, Said(14));
  EXPECT_EQ(Ids(findings),
            (std::vector<std::string>{"exchange.ews.ok", "exchange.autodiscover.stale"}));
  EXPECT_NE(findings[1].summary.find("ex2016mbx.contoso.test"), std::string::npos);
  EXPECT_NE(findings[1].remediation.find("MSExchangeAutodiscoverAppPool"), std::string::npos);
  // Without what Autodiscover said there is nothing to compare.
  EXPECT_EQ(Ids(JudgeEws(kUrl, call, nullptr, std::nullopt)),
            std::vector<std::string>{"exchange.ews.ok"});
}

TEST(JudgeEwsTest, FreeBusyProxyFailureIsTheStaleSignature) {
  auto server = exchange::LabServerVersionInfo(LabExchange::k2016);
  auto folder = ParsedCall("GetFolder", exchange::BuildGetFolderAnswer(server, {{}}), 200);
  auto stale = ParsedCall(
      "GetUserAvailability",
      exchange::BuildGetUserAvailabilityAnswer(server, {exchange::StaleCacheFreeBusy()}), 200);
  EXPECT_EQ(Ids(JudgeEws(kUrl, folder, &stale, Said(15))),
            (std::vector<std::string>{"exchange.ews.ok", "exchange.autodiscover.stale"}));
  auto fine = ParsedCall("GetUserAvailability",
                         exchange::BuildGetUserAvailabilityAnswer(server, {{}}), 200);
  EXPECT_EQ(Ids(JudgeEws(kUrl, folder, &fine, Said(15))),
            std::vector<std::string>{"exchange.ews.ok"});
  exchange::LabFreeBusy denied;
  denied.response_code = "ErrorAccessDenied";
  denied.message_text = "no rights";
  auto other = ParsedCall("GetUserAvailability",
                          exchange::BuildGetUserAvailabilityAnswer(server, {denied}), 200);
  EXPECT_EQ(Ids(JudgeEws(kUrl, folder, &other, Said(15))),
            (std::vector<std::string>{"exchange.ews.ok", "exchange.ews.error"}));
}

TEST(JudgeEwsTest, PerMessageErrorsAndSoapFaultsAreEwsErrors) {
  auto server = exchange::LabServerVersionInfo(LabExchange::k2016);
  exchange::LabFolderResult dismounted;
  dismounted.response_code = "ErrorMailboxStoreUnavailable";
  dismounted.message_text = "The mailbox database is temporarily unavailable.";
  auto message = ParsedCall("GetFolder", exchange::BuildGetFolderAnswer(server, {dismounted}), 200);
  auto findings = JudgeEws(kUrl, message, nullptr, Said(15));
  ASSERT_EQ(Ids(findings), std::vector<std::string>{"exchange.ews.error"});
  EXPECT_NE(findings[0].summary.find("ErrorMailboxStoreUnavailable"), std::string::npos);
  auto fault = ParsedCall("GetFolder",
                          exchange::BuildSoapFaultAnswer("ErrorSchemaValidation",
                                                         "The request failed schema validation."),
                          500);
  auto fault_findings = JudgeEws(kUrl, fault, nullptr, Said(15));
  ASSERT_EQ(Ids(fault_findings), std::vector<std::string>{"exchange.ews.error"});
  EXPECT_NE(fault_findings[0].summary.find("ErrorSchemaValidation"), std::string::npos);
  EwsCall unreachable;
  unreachable.operation = "GetFolder";
  unreachable.error = "connect refused";
  EXPECT_EQ(Ids(JudgeEws(kUrl, unreachable, nullptr, Said(15))),
            std::vector<std::string>{"exchange.ews.error"});
}

TEST(EndpointsOfTest, RpcProxyOnlyWhenOutlookUsesRpcHttp) {
  for (auto version : {LabExchange::k2016, LabExchange::k2010}) {
    LabMailbox m = Mailbox(version);
    m.external_host = "mail.contoso.test";
    m.internal_host = "ex-internal.contoso.test";
    AutodiscoverCheckResult d;
    d.answered_by = "https://autodiscover.contoso.test/autodiscover/autodiscover.xml";
    d.answer = Answer(m, false);
    d.mapi_answer = Answer(m, true);
    d.choice = exchange::ChooseOutlookTransport(*d.mapi_answer);
    auto endpoints = EndpointsOf(d, /*external=*/true);
    ASSERT_EQ(endpoints.size(), 2u);  // the Autodiscover host, then the external namespace
    EXPECT_EQ(endpoints[0].host, "autodiscover.contoso.test");
    EXPECT_EQ(endpoints[1].host, "mail.contoso.test");
    EXPECT_EQ(endpoints[1].rpc_proxy, version == LabExchange::k2010);
    if (version == LabExchange::k2010) {
      EXPECT_EQ(endpoints[1].cert_principal, "msstd:mail.contoso.test");
    }
    auto internal = EndpointsOf(d, /*external=*/false);
    bool internal_host = false;
    for (const auto& e : internal) internal_host |= e.host == "ex-internal.contoso.test";
    EXPECT_TRUE(internal_host);
  }
}

}  // namespace
}  // namespace probe::checks
