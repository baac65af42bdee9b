#include <gtest/gtest.h>

#include <pugixml.hpp>

#include "probe/exchange/ews_request.h"
#include "probe/exchange/ews_response.h"
#include "probe/exchange/xml.h"
#include "tests/probe/exchange/fixture.h"

namespace probe::exchange {
namespace {

using testing::Fixture;
constexpr std::string_view kSoap = kSoapEnvelopeNamespace;
constexpr std::string_view kM = kEwsMessagesNamespace;
constexpr std::string_view kT = kEwsTypesNamespace;

// --- requests, parsed back ---------------------------------------------------------------------

pugi::xml_node LoadEnvelope(const std::string& body, pugi::xml_document& doc) {
  auto loaded = xml::Load(body, {}, doc);
  EXPECT_TRUE(loaded) << (loaded ? "" : loaded.error().message);
  pugi::xml_node env = doc.document_element();
  EXPECT_TRUE(xml::Is(env, kSoap, "Envelope"));
  return env;
}

TEST(EwsRequestTest, GetFolderOfRootAndInbox) {
  auto body = BuildGetFolderRequest({});
  ASSERT_TRUE(body) << body.error().message;
  pugi::xml_document doc;
  pugi::xml_node env = LoadEnvelope(*body, doc);
  pugi::xml_node version = xml::Child(xml::Child(env, kSoap, "Header"), kT, "RequestServerVersion");
  EXPECT_STREQ(version.attribute("Version").value(), "Exchange2010_SP2");
  pugi::xml_node op = xml::Child(xml::Child(env, kSoap, "Body"), kM, "GetFolder");
  ASSERT_TRUE(op);
  EXPECT_EQ(xml::ChildText(xml::Child(op, kM, "FolderShape"), kT, "BaseShape"), "IdOnly");
  auto ids = xml::Children(xml::Child(op, kM, "FolderIds"), kT, "DistinguishedFolderId");
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_STREQ(ids[0].attribute("Id").value(), "msgfolderroot");
  EXPECT_STREQ(ids[1].attribute("Id").value(), "inbox");
  EXPECT_FALSE(xml::Child(ids[0], kT, "Mailbox"));
}

TEST(EwsRequestTest, GetFolderOfAnotherMailboxAndVersion) {
  GetFolderRequest request;
  request.folders = {DistinguishedFolder::kInbox};
  request.mailbox = "legacy@contoso.com";
  request.server_version = "Exchange2013_SP1";
  auto body = BuildGetFolderRequest(request);
  ASSERT_TRUE(body);
  pugi::xml_document doc;
  pugi::xml_node env = LoadEnvelope(*body, doc);
  pugi::xml_node id = xml::Child(
      xml::Child(xml::Child(xml::Child(env, kSoap, "Body"), kM, "GetFolder"), kM, "FolderIds"), kT,
      "DistinguishedFolderId");
  EXPECT_EQ(xml::ChildText(xml::Child(id, kT, "Mailbox"), kT, "EmailAddress"),
            "legacy@contoso.com");
  EXPECT_NE(body->find("Version=\"Exchange2013_SP1\""), std::string::npos);
  EXPECT_TRUE(IsKnownRequestServerVersion("Exchange2013_SP1"));
  EXPECT_FALSE(IsKnownRequestServerVersion("Exchange2016"));

  request.server_version = "Exchange2010\" evil=\"1";
  EXPECT_FALSE(BuildGetFolderRequest(request));
  request.server_version = "Exchange2016";  // unknown but a token: sent, to provoke the fault
  EXPECT_TRUE(BuildGetFolderRequest(request));
  request.mailbox = "nobody";
  EXPECT_FALSE(BuildGetFolderRequest(request));
  EXPECT_FALSE(BuildGetFolderRequest(GetFolderRequest{{}, "", "Exchange2010_SP2"}));
}

TEST(EwsRequestTest, GetUserAvailabilityParsesBack) {
  AvailabilityRequest request;
  request.mailboxes = {"legacy@contoso.com", "jdoe@contoso.com"};
  request.start_time = "2024-01-15T08:00:00";
  request.end_time = "2024-01-15T18:00:00";
  auto body = BuildGetUserAvailabilityRequest(request);
  ASSERT_TRUE(body) << body.error().message;
  pugi::xml_document doc;
  pugi::xml_node env = LoadEnvelope(*body, doc);
  pugi::xml_node op = xml::Child(xml::Child(env, kSoap, "Body"), kM, "GetUserAvailabilityRequest");
  ASSERT_TRUE(op);
  pugi::xml_node tz = xml::Child(op, kT, "TimeZone");
  EXPECT_EQ(xml::ChildText(tz, kT, "Bias"), "0");
  EXPECT_EQ(xml::ChildText(xml::Child(tz, kT, "StandardTime"), kT, "DayOfWeek"), "Sunday");
  EXPECT_TRUE(xml::Child(tz, kT, "DaylightTime"));
  auto data = xml::Children(xml::Child(op, kM, "MailboxDataArray"), kT, "MailboxData");
  ASSERT_EQ(data.size(), 2u);
  EXPECT_EQ(xml::ChildText(xml::Child(data[0], kT, "Email"), kT, "Address"), "legacy@contoso.com");
  EXPECT_EQ(xml::ChildText(data[1], kT, "AttendeeType"), "Required");
  pugi::xml_node options = xml::Child(op, kT, "FreeBusyViewOptions");
  pugi::xml_node window = xml::Child(options, kT, "TimeWindow");
  EXPECT_EQ(xml::ChildText(window, kT, "StartTime"), "2024-01-15T08:00:00");
  EXPECT_EQ(xml::ChildText(window, kT, "EndTime"), "2024-01-15T18:00:00");
  EXPECT_EQ(xml::ChildText(options, kT, "MergedFreeBusyIntervalInMinutes"), "30");
  EXPECT_EQ(xml::ChildText(options, kT, "RequestedView"), "FreeBusy");
  // Deterministic: the same inputs give the same bytes.
  EXPECT_EQ(*body, BuildGetUserAvailabilityRequest(request).value());
}

TEST(EwsRequestTest, GetUserAvailabilityValidates) {
  AvailabilityRequest good;
  good.mailboxes = {"a@contoso.com"};
  good.start_time = "2024-01-15T08:00:00";
  good.end_time = "2024-01-16T08:00:00";
  ASSERT_TRUE(BuildGetUserAvailabilityRequest(good));
  auto bad = good;
  bad.end_time = good.start_time;
  EXPECT_FALSE(BuildGetUserAvailabilityRequest(bad));
  bad = good;
  bad.start_time = "2024-01-15 08:00:00";
  EXPECT_FALSE(BuildGetUserAvailabilityRequest(bad));
  bad = good;
  bad.start_time = "2024-13-15T08:00:00";
  EXPECT_FALSE(BuildGetUserAvailabilityRequest(bad));
  bad = good;
  bad.mailboxes.clear();
  EXPECT_FALSE(BuildGetUserAvailabilityRequest(bad));
  bad.mailboxes.assign(101, "a@contoso.com");
  EXPECT_FALSE(BuildGetUserAvailabilityRequest(bad));
  bad = good;
  bad.requested_view = "Everything";
  EXPECT_FALSE(BuildGetUserAvailabilityRequest(bad));
  bad = good;
  bad.merged_interval_minutes = 0;
  EXPECT_FALSE(BuildGetUserAvailabilityRequest(bad));
}

TEST(EwsRequestTest, Headers) {
  auto h = EwsRequestHeaders("jdoe@contoso.com");
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0].Line(), "Content-Type: text/xml; charset=utf-8");
  EXPECT_EQ(h[2].Line(), "X-AnchorMailbox: jdoe@contoso.com");
  EXPECT_EQ(EwsRequestHeaders("").size(), 2u);
  EXPECT_EQ(EwsRequestHeaders("a@b.com\r\nX: y").size(), 2u);
}

// --- responses from the fixtures -------------------------------------------------------------

Result<EwsResponse> ParseFixture(const std::string& name) {
  return ParseEwsResponse(Fixture("ews/" + name));
}

TEST(EwsResponseTest, GetFolderSuccess) {
  auto r = ParseFixture("getfolder_success.xml");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_TRUE(r->server_version);
  EXPECT_EQ(r->server_version->major_version, 15);
  EXPECT_EQ(r->server_version->minor_version, 1);
  EXPECT_EQ(r->server_version->major_build, 2507);
  EXPECT_EQ(r->server_version->minor_build, 6);
  EXPECT_EQ(r->server_version->version, "V2017_07_11");
  EXPECT_EQ(r->server_version->AsVersion().Dotted(), "15.1.2507.6");
  EXPECT_FALSE(r->fault);
  EXPECT_EQ(r->operation, "GetFolderResponse");
  ASSERT_EQ(r->messages.size(), 1u);
  const auto& m = r->messages[0];
  EXPECT_EQ(m.element, "GetFolderResponseMessage");
  EXPECT_EQ(m.response_class, ResponseClass::kSuccess);
  EXPECT_EQ(m.response_code, "NoError");
  EXPECT_TRUE(m.message_text.empty());
  ASSERT_EQ(m.folders.size(), 1u);
  EXPECT_EQ(m.folders[0].id, "AAMkAD...AAA=");
  EXPECT_EQ(m.folders[0].change_key, "AQAAABYAAA...");
  EXPECT_TRUE(r->AllSucceeded());
  EXPECT_EQ(r->FirstFailure(), nullptr);
}

TEST(EwsResponseTest, GetFolderPerMessageError) {
  auto r = ParseFixture("getfolder_error_nonexistent_mailbox.xml");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->server_version->AsVersion().ProductName(), "Exchange 2010 SP3");
  EXPECT_EQ(r->server_version->version, "Exchange2010_SP2");
  ASSERT_EQ(r->messages.size(), 2u);
  EXPECT_EQ(r->messages[0].response_class, ResponseClass::kError);
  EXPECT_EQ(r->messages[0].response_class_text, "Error");
  EXPECT_EQ(r->messages[0].response_code, "ErrorNonExistentMailbox");
  EXPECT_EQ(r->messages[0].message_text, "The SMTP address has no mailbox associated with it.");
  EXPECT_EQ(r->messages[0].descriptive_link_key, "0");
  EXPECT_TRUE(r->messages[0].folders.empty());
  EXPECT_FALSE(r->AllSucceeded());
  EXPECT_EQ(r->FirstFailure(), &r->messages[0]);
}

TEST(EwsResponseTest, SoapFault) {
  auto r = ParseFixture("soap_fault_schema_validation.xml");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_TRUE(r->fault);
  EXPECT_EQ(r->operation, "Fault");
  EXPECT_EQ(r->fault->fault_code, "a:ErrorSchemaValidation");
  EXPECT_EQ(r->fault->fault_string.rfind("The request failed schema validation: The 'Id'", 0), 0u);
  EXPECT_EQ(r->fault->response_code, "ErrorSchemaValidation");
  EXPECT_EQ(r->fault->message, "The request failed schema validation.");
  EXPECT_TRUE(r->fault->fault_actor.empty());
  EXPECT_FALSE(r->server_version);
  EXPECT_FALSE(r->AllSucceeded());
}

TEST(EwsResponseTest, GetUserAvailabilitySuccess) {
  auto r = ParseFixture("getuseravailability_success.xml");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->operation, "GetUserAvailabilityResponse");
  EXPECT_EQ(r->server_version->major_build, 2507);
  EXPECT_TRUE(r->server_version->version.empty());
  ASSERT_EQ(r->free_busy.size(), 2u);
  const auto& first = r->free_busy[0];
  EXPECT_EQ(first.message.response_class, ResponseClass::kSuccess);
  EXPECT_EQ(first.message.response_code, "NoError");
  EXPECT_EQ(first.view_type, "DetailedMerged");
  EXPECT_EQ(first.merged_free_busy, "000002220220000000000000");
  ASSERT_EQ(first.events.size(), 2u);
  EXPECT_EQ(first.events[0].start_time, "2006-10-16T06:00:00-07:00");
  EXPECT_EQ(first.events[0].end_time, "2006-10-16T06:30:00-07:00");
  EXPECT_EQ(first.events[0].busy_type, "Busy");
  EXPECT_EQ(r->free_busy[1].view_type, "FreeBusyMerged");
  ASSERT_EQ(r->free_busy[1].events.size(), 1u);
  EXPECT_EQ(r->free_busy[1].events[0].busy_type, "Tentative");
  EXPECT_TRUE(r->AllSucceeded());
}

TEST(EwsResponseTest, GetUserAvailabilityFailures) {
  auto r = ParseFixture("getuseravailability_failure.xml");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->free_busy.size(), 2u);
  const auto& proxy = r->free_busy[0].message;
  EXPECT_EQ(proxy.response_class, ResponseClass::kError);
  EXPECT_EQ(proxy.response_code, "ErrorProxyRequestProcessingFailed");
  EXPECT_NE(proxy.message_text.find("(503)"), std::string::npos);
  EXPECT_EQ(r->free_busy[0].view_type, "None");
  EXPECT_TRUE(r->free_busy[0].events.empty());
  EXPECT_EQ(ClassifyFreeBusyCode(proxy.response_code), FreeBusyFailure::kProxyFailed);
  const auto& missing = r->free_busy[1].message;
  EXPECT_EQ(missing.response_code, "ErrorMailRecipientNotFound");
  EXPECT_EQ(ClassifyFreeBusyCode(missing.response_code), FreeBusyFailure::kRecipientNotFound);
  EXPECT_EQ(r->FirstFailure(), &proxy);
  EXPECT_EQ(FreeBusyFailureName(FreeBusyFailure::kProxyFailed), "proxy_failed");
  EXPECT_EQ(ClassifyFreeBusyCode("NoError"), FreeBusyFailure::kNone);
  EXPECT_EQ(ClassifyFreeBusyCode("ErrorMailboxStoreUnavailable"),
            FreeBusyFailure::kMailboxUnavailable);
  EXPECT_EQ(ClassifyFreeBusyCode("ErrorSomethingNew"), FreeBusyFailure::kOther);
}

// --- hostile input --------------------------------------------------------------------------

void ExpectMalformed(std::string_view body, std::string_view needle) {
  auto r = ParseEwsResponse(body);
  ASSERT_FALSE(r) << body.substr(0, 100);
  EXPECT_EQ(r.error().code, ErrorCode::kMalformed);
  EXPECT_NE(r.error().message.find(needle), std::string::npos) << r.error().message;
}

TEST(EwsResponseTest, RejectsWhatIsNotAnEwsAnswer) {
  ExpectMalformed("", "empty");
  ExpectMalformed("<html><title>Runtime Error</title></html>", "not a SOAP 1.1 Envelope");
  ExpectMalformed(
      "<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope'><s:Body/></s:Envelope>",
      "not a SOAP 1.1 Envelope");
  ExpectMalformed("<Envelope><Body/></Envelope>", "not a SOAP 1.1 Envelope");
  ExpectMalformed("<s:Envelope xmlns:s='http://schemas.xmlsoap.org/soap/envelope/'/>",
                  "no SOAP Body");
  ExpectMalformed(
      "<s:Envelope xmlns:s='http://schemas.xmlsoap.org/soap/envelope/'><s:Body>"
      "<m:GetFolderResponse xmlns:m='urn:wrong'><m:ResponseMessages>"
      "<m:GetFolderResponseMessage ResponseClass='Success'/></m:ResponseMessages>"
      "</m:GetFolderResponse></s:Body></s:Envelope>",
      "neither a Fault nor response messages");
  ExpectMalformed(
      "<s:Envelope xmlns:s='http://schemas.xmlsoap.org/soap/envelope/'><s:Body>"
      "<m:x/></s:Body></s:Envelope>",
      "not declared");
}

TEST(EwsResponseTest, LimitsHold) {
  std::string head =
      "<s:Envelope xmlns:s='http://schemas.xmlsoap.org/soap/envelope/' "
      "xmlns:m='http://schemas.microsoft.com/exchange/services/2006/messages'><s:Body>"
      "<m:GetFolderResponse><m:ResponseMessages>";
  std::string tail = "</m:ResponseMessages></m:GetFolderResponse></s:Body></s:Envelope>";
  std::string many;
  for (int i = 0; i < 257; ++i) many += "<m:GetFolderResponseMessage ResponseClass='Success'/>";
  ExpectMalformed(head + many + tail, "more than 256 messages");
  std::string deep;
  for (int i = 0; i < 50; ++i) deep += "<m:x>";
  for (int i = 0; i < 50; ++i) deep += "</m:x>";
  ExpectMalformed(head + deep + tail, "deeper");
  ExpectMalformed(head + std::string(1 << 20, ' ') + tail, "exceeds");
}

}  // namespace
}  // namespace probe::exchange
