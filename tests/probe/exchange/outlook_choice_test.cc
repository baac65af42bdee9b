#include "probe/exchange/outlook_choice.h"

#include <gtest/gtest.h>

#include "tests/probe/exchange/fixture.h"

namespace probe::exchange {
namespace {

using testing::Fixture;

AutodiscoverResponse Parse(const std::string& name) {
  auto r = ParseAutodiscoverResponse(Fixture("autodiscover/" + name));
  EXPECT_TRUE(r) << name << ": " << (r ? "" : r.error().message);
  return r.value_or(AutodiscoverResponse{});
}

TEST(OutlookChoiceTest, Mailbox2016OnMapiHttp) {
  auto answer = Parse("pox_2016_mapihttp.xml");
  auto choice = ChooseOutlookTransport(answer);
  EXPECT_EQ(choice.transport, OutlookTransport::kMapiHttp);
  EXPECT_EQ(choice.mail_store_url,
            "https://mail.contoso.com/mapi/emsmdb/"
            "?MailboxId=5f76be3c-9138-4f66-85e0-21bc23ca35f0@contoso.com");
  EXPECT_EQ(choice.address_book_url,
            "https://mail.contoso.com/mapi/nspi/"
            "?MailboxId=5f76be3c-9138-4f66-85e0-21bc23ca35f0@contoso.com");
  EXPECT_EQ(OutlookTransportName(choice.transport), "mapi_http");
  auto version = DetectMailboxVersion(answer);
  EXPECT_EQ(version.major, 15);
  EXPECT_FALSE(version.version);
  EXPECT_NE(version.evidence.find("mapiHttp"), std::string::npos);
}

TEST(OutlookChoiceTest, ClientThatDidNotAskGetsRpcHttpThroughExhttp) {
  auto answer = Parse("pox_2016_mapihttp.xml");
  ChoiceOptions options;
  options.client_asked_mapi_http = false;
  auto choice = ChooseOutlookTransport(answer, options);
  EXPECT_EQ(choice.transport, OutlookTransport::kRpcHttp);
  EXPECT_EQ(choice.proxy_protocol, ProtocolType::kExhttp);
  EXPECT_EQ(choice.proxy_server, "mail.contoso.com");
  EXPECT_TRUE(choice.rpc_server.empty());  // no EXCH in a mapiHttp answer
  EXPECT_NE(choice.reason.find("did not ask"), std::string::npos) << choice.reason;
}

TEST(OutlookChoiceTest, Mailbox2016WithoutMapiHttpUsesExpr) {
  auto answer = Parse("pox_2016_exch_expr.xml");
  auto choice = ChooseOutlookTransport(answer);
  EXPECT_EQ(choice.transport, OutlookTransport::kRpcHttp);
  EXPECT_EQ(choice.proxy_protocol, ProtocolType::kExpr);
  EXPECT_EQ(choice.proxy_server, "mail.contoso.com");
  EXPECT_EQ(choice.rpc_server, "5f76be3c-9138-4f66-85e0-21bc23ca35f0@contoso.com");
  EXPECT_EQ(choice.auth_package, "Ntlm");
  EXPECT_TRUE(choice.ssl);
  EXPECT_EQ(choice.cert_principal, "msstd:mail.contoso.com");
  EXPECT_TRUE(choice.cert_principal_defaulted);
  auto version = DetectMailboxVersion(answer);
  EXPECT_EQ(version.major, 15);
  ASSERT_TRUE(version.version);
  EXPECT_EQ(version.version->Dotted(), "15.1.2507");
  EXPECT_NE(version.evidence.find("Exchange 2016"), std::string::npos);
}

TEST(OutlookChoiceTest, Mailbox2010OnOutlookAnywhere) {
  auto answer = Parse("pox_2010_sp3.xml");
  auto choice = ChooseOutlookTransport(answer);
  EXPECT_EQ(choice.transport, OutlookTransport::kRpcHttp);
  EXPECT_EQ(choice.rpc_server, "casarray1.tailspintoys.com");
  EXPECT_EQ(choice.proxy_server, "mail.tailspintoys.com");
  EXPECT_EQ(choice.cert_principal, "msstd:mail.tailspintoys.com");
  auto version = DetectMailboxVersion(answer);
  EXPECT_EQ(version.major, 14);
  ASSERT_TRUE(version.version);
  EXPECT_EQ(version.version->ProductName(), "Exchange 2010 SP3");
}

TEST(OutlookChoiceTest, VersionFromServerFormWithoutServerVersion) {
  AutodiscoverResponse guid;
  AutodiscoverProtocol exch;
  exch.type = ProtocolType::kExch;
  exch.server = "5F76BE3C-9138-4f66-85e0-21bc23ca35f0@contoso.com";
  guid.protocols.push_back(exch);
  EXPECT_EQ(DetectMailboxVersion(guid).major, 15);
  guid.protocols[0].server = "casarray1.contoso.com";
  EXPECT_EQ(DetectMailboxVersion(guid).major, 14);
  guid.protocols[0].server = "5f76be3c-9138-4f66-85e0-21bc23ca35f0@";  // no domain: not the form
  EXPECT_EQ(DetectMailboxVersion(guid).major, 14);
  EXPECT_EQ(DetectMailboxVersion(AutodiscoverResponse{}).major, 0);
}

TEST(OutlookChoiceTest, ExplicitPrincipalAndInternalSide) {
  AutodiscoverResponse answer;
  AutodiscoverProtocol expr;
  expr.type = ProtocolType::kExpr;
  expr.server = "mail.contoso.com";
  expr.cert_principal_name = "msstd:*.contoso.com";
  expr.ssl = "off";
  AutodiscoverProtocol internal;
  internal.type = ProtocolType::kExhttp;
  internal.exposure = Exposure::kInternal;
  internal.server = "ex16.corp.contoso.com";
  answer.protocols = {expr, internal};
  auto external = ChooseOutlookTransport(answer);
  EXPECT_EQ(external.proxy_server, "mail.contoso.com");
  EXPECT_EQ(external.cert_principal, "msstd:*.contoso.com");
  EXPECT_FALSE(external.cert_principal_defaulted);
  EXPECT_FALSE(external.ssl);
  ChoiceOptions lan;
  lan.external = false;
  EXPECT_EQ(ChooseOutlookTransport(answer, lan).proxy_server, "ex16.corp.contoso.com");
}

TEST(OutlookChoiceTest, NothingUsable) {
  auto redirect = Parse("pox_redirect_addr.xml");
  auto choice = ChooseOutlookTransport(redirect);
  EXPECT_EQ(choice.transport, OutlookTransport::kNone);
  EXPECT_NE(choice.reason.find("redirectAddr"), std::string::npos);
  auto error = Parse("pox_error_600.xml");
  EXPECT_EQ(ChooseOutlookTransport(error).transport, OutlookTransport::kNone);
  AutodiscoverResponse web_only;
  web_only.protocols.push_back(AutodiscoverProtocol{});
  EXPECT_EQ(ChooseOutlookTransport(web_only).transport, OutlookTransport::kNone);
}

}  // namespace
}  // namespace probe::exchange
