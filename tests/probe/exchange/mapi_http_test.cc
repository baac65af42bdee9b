#include "probe/exchange/mapi_http.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>

namespace probe::exchange {
namespace {

Bytes Hex(std::string_view hex) { return FromHex(hex).value(); }

const char kUserDn[] =
    "/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=jdoe";

// The reference's Connect request and success response (exchange-protocols.md 3.5).
const char kConnectRequestHex[] =
    "2f 6f 3d 43 6f 6e 74 6f 73 6f 2f 6f 75 3d 45 78"
    "63 68 61 6e 67 65 20 41 64 6d 69 6e 69 73 74 72"
    "61 74 69 76 65 20 47 72 6f 75 70 20 28 46 59 44"
    "49 42 4f 48 46 32 33 53 50 44 4c 54 29 2f 63 6e"
    "3d 52 65 63 69 70 69 65 6e 74 73 2f 63 6e 3d 6a"
    "64 6f 65 00 00 00 00 00 e4 04 00 00 09 04 00 00"
    "09 04 00 00 00 00 00 00";
const char kConnectResponseHex[] =
    "00 00 00 00 00 00 00 00 60 ea 00 00 06 00 00 00"
    "10 27 00 00 2f 6f 3d 43 6f 6e 74 6f 73 6f 2f 6f"
    "75 3d 45 78 63 68 61 6e 67 65 20 41 64 6d 69 6e"
    "69 73 74 72 61 74 69 76 65 20 47 72 6f 75 70 20"
    "28 46 59 44 49 42 4f 48 46 32 33 53 50 44 4c 54"
    "29 00 4a 00 6f 00 68 00 6e 00 20 00 44 00 6f 00"
    "65 00 00 00 00 00 00 00";

TEST(MapiHttpTest, ConnectRequestMatchesTheReferenceBytes) {
  MapiConnectRequest request;
  request.user_dn = kUserDn;
  auto body = EncodeConnectRequest(request);
  ASSERT_TRUE(body) << body.error().message;
  EXPECT_EQ(ToHex(*body), ToHex(Hex(kConnectRequestHex)));
  EXPECT_EQ(body->size(), 104u);
  auto back = DecodeConnectRequest(*body);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->user_dn, kUserDn);
  EXPECT_EQ(back->code_page, 1252u);
  EXPECT_EQ(back->lcid_sort, 0x409u);
  EXPECT_EQ(back->lcid_string, 0x409u);
  EXPECT_TRUE(back->auxiliary.empty());
}

TEST(MapiHttpTest, LcidSortComesBeforeLcidString) {
  MapiConnectRequest request;
  request.user_dn = "/o=X";
  request.lcid_sort = 0x0407;
  request.lcid_string = 0x040C;
  Bytes body = EncodeConnectRequest(request).value();
  // "/o=X\0" flags cp | sort | string
  EXPECT_EQ(ToHex(ByteView(body).subspan(13, 8)),
            "07040000"
            "0c040000");
}

TEST(MapiHttpTest, ConnectRequestRefusesBadDns) {
  MapiConnectRequest request;
  EXPECT_FALSE(EncodeConnectRequest(request));
  request.user_dn = std::string("/o=X\0/cn=y", 10);
  EXPECT_FALSE(EncodeConnectRequest(request));
  request.user_dn = "/o=Contoso/cn=j\xc3\xb6rg";
  EXPECT_FALSE(EncodeConnectRequest(request));
}

TEST(MapiHttpTest, ConnectResponseMatchesTheReferenceBytes) {
  auto r = DecodeConnectResponse(Hex(kConnectResponseHex));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status_code, 0u);
  EXPECT_EQ(r->error_code, 0u);
  EXPECT_TRUE(r->LoggedOn());
  EXPECT_EQ(r->polls_max, 60000u);
  EXPECT_EQ(r->retry_count, 6u);
  EXPECT_EQ(r->retry_delay, 10000u);
  EXPECT_EQ(r->dn_prefix, "/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)");
  EXPECT_EQ(r->display_name, "John Doe");
  // The lab's encoder writes the same bytes back.
  EXPECT_EQ(ToHex(EncodeConnectResponse(*r)), ToHex(Hex(kConnectResponseHex)));
}

TEST(MapiHttpTest, ConnectResponseFailureLayoutAndErrorCodes) {
  // StatusCode != 0: only AuxiliaryBufferSize and the buffer follow.
  auto failed = DecodeConnectResponse(Hex("05 00 00 00 02 00 00 00 aa bb"));
  ASSERT_TRUE(failed) << failed.error().message;
  EXPECT_EQ(failed->status_code, 5u);
  EXPECT_FALSE(failed->LoggedOn());
  EXPECT_EQ(failed->auxiliary, (Bytes{0xaa, 0xbb}));
  MapiConnectResponse denied;
  denied.error_code = 0x80040111;
  denied.display_name = "J\xc3\xb6rg \xf0\x9f\x98\x80";  // "Jörg 😀": a surrogate pair
  auto back = DecodeConnectResponse(EncodeConnectResponse(denied));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->error_code, 0x80040111u);
  EXPECT_EQ(MapiErrorCodeName(back->error_code), "ecLoginFailure");
  EXPECT_EQ(back->display_name, denied.display_name);
  EXPECT_FALSE(back->LoggedOn());
  EXPECT_EQ(MapiErrorCodeName(0x4DF), "ecClientVerDisallowed");
  EXPECT_TRUE(MapiErrorCodeName(0x12345).empty());
}

TEST(MapiHttpTest, EveryTruncationOfTheBodiesFails) {
  for (const char* hex : {kConnectRequestHex, kConnectResponseHex}) {
    Bytes full = Hex(hex);
    for (std::size_t n = 0; n < full.size(); ++n) {
      ByteView cut(full.data(), n);
      if (hex == kConnectRequestHex) {
        EXPECT_FALSE(DecodeConnectRequest(cut)) << n;
      } else {
        EXPECT_FALSE(DecodeConnectResponse(cut)) << n;
      }
    }
  }
}

TEST(MapiHttpTest, EveryWrongAuxiliarySizeFails) {
  Bytes request = Hex(kConnectRequestHex);
  Bytes response = Hex(kConnectResponseHex);
  for (std::uint32_t size : {1u, 2u, 4u, 100u, 0x7FFFFFFFu, 0xFFFFFFFFu}) {
    Bytes bad_req = request;
    Bytes bad_resp = response;
    for (int i = 0; i < 4; ++i) {
      bad_req[100 + i] = static_cast<std::uint8_t>(size >> (8 * i));
      bad_resp[100 + i] = static_cast<std::uint8_t>(size >> (8 * i));
    }
    EXPECT_FALSE(DecodeConnectRequest(bad_req)) << size;
    EXPECT_FALSE(DecodeConnectResponse(bad_resp)) << size;
  }
  // Trailing bytes after the auxiliary buffer are refused too.
  request.push_back(0);
  EXPECT_FALSE(DecodeConnectRequest(request));
  // A DisplayName that never ends.
  Bytes no_nul = Hex(kConnectResponseHex);
  no_nul.resize(0x62);
  no_nul.push_back(0x41);
  EXPECT_FALSE(DecodeConnectResponse(no_nul));
}

TEST(MapiHttpTest, HostileStringsAreKeptPrintable) {
  Bytes body = Hex(kConnectResponseHex);
  body[0x15] = 0x1b;  // ESC inside DnPrefix
  body[0x16] = 0xff;
  auto r = DecodeConnectResponse(body);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->dn_prefix.substr(0, 4), "/??C");
}

TEST(MapiHttpTest, DisconnectBodies) {
  EXPECT_EQ(ToHex(EncodeDisconnectRequest()), "00000000");
  auto ok = DecodeDisconnectResponse(Hex("00000000 00000000 00000000"));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->error_code, 0u);
  auto failed = DecodeDisconnectResponse(Hex("0a000000 00000000"));
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->status_code, 10u);
  EXPECT_FALSE(DecodeDisconnectResponse(Hex("00000000 00000000")));
}

TEST(MapiHttpTest, RequestHeadersHaveTheSpecFormats) {
  MapiSession session = MapiSession::Start();
  const std::regex guid_counter(
      R"(\{[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}\}:(\d+))");
  std::vector<std::string> request_ids;
  for (MapiRequestType type : {MapiRequestType::kConnect, MapiRequestType::kPing}) {
    auto headers = NextRequestHeaders(session, type);
    auto get = [&](std::string_view name) {
      for (const auto& h : headers) {
        if (h.name == name) return h.value;
      }
      return std::string();
    };
    EXPECT_EQ(get("Content-Type"), "application/mapi-http");
    EXPECT_EQ(get("X-RequestType"), MapiRequestTypeName(type));
    EXPECT_EQ(get("X-ClientApplication"), "Outlook/15.00.0856.000");
    std::smatch m;
    std::string request_id = get("X-RequestId");
    ASSERT_TRUE(std::regex_match(request_id, m, guid_counter)) << request_id;
    request_ids.push_back(request_id);
    std::string client_info = get("X-ClientInfo");
    ASSERT_TRUE(std::regex_match(client_info, m, guid_counter)) << client_info;
    EXPECT_EQ(m[1], "1");
    EXPECT_EQ(get("Cookie"), "");
  }
  // Same GUID, counter increasing by one per request.
  EXPECT_EQ(request_ids[0].substr(0, 38), request_ids[1].substr(0, 38));
  EXPECT_EQ(request_ids[0].substr(39), "1");
  EXPECT_EQ(request_ids[1].substr(39), "2");
  session.cookie = "MapiContext=abc; MapiSequence=10-AA==";
  auto headers = NextRequestHeaders(session, MapiRequestType::kPing);
  EXPECT_EQ(headers.back(), (HeaderField{"Cookie", "MapiContext=abc; MapiSequence=10-AA=="}));
  EXPECT_NE(MapiSession::Start().client_info_guid, session.client_info_guid);
}

TEST(MapiHttpTest, CorrelationValuesInEveryVariant) {
  auto spec = ParseMapiCorrelation("{2EF33C39-49C8-421C-B876-CDF7F2AC3AA0}:123");
  ASSERT_TRUE(spec);
  EXPECT_EQ(spec->guid, "2EF33C39-49C8-421C-B876-CDF7F2AC3AA0");
  EXPECT_EQ(spec->counter, 123u);
  EXPECT_TRUE(spec->braces);
  EXPECT_EQ(spec->separator, ':');
  auto bare = ParseMapiCorrelation("E2EA6C1C-E61B-49E9-9CFB-38184F907552:123456");
  ASSERT_TRUE(bare);
  EXPECT_FALSE(bare->braces);
  EXPECT_EQ(bare->counter, 123456u);
  auto suite = ParseMapiCorrelation("{2ef33c39-49c8-421c-b876-cdf7f2ac3aa0}-5");
  ASSERT_TRUE(suite);
  EXPECT_EQ(suite->separator, '-');
  EXPECT_EQ(suite->counter, 5u);
  auto ruler = ParseMapiCorrelation("{2EF33C39-49C8-421C-B876-CDF7F2AC3AA0}");
  ASSERT_TRUE(ruler);
  EXPECT_FALSE(ruler->counter);
  for (const char* bad :
       {"", "{}", "{2EF33C39-49C8-421C-B876-CDF7F2AC3AA0", "not-a-guid:1",
        "{2EF33C39-49C8-421C-B876-CDF7F2AC3AA0}:",
        "{2EF33C39-49C8-421C-B876-"
        "CDF7F2AC3AA0}:12x",
        "2EF33C39-49C8-421C-B876-CDF7F2AC3AA0", "{2EF33C39+49C8-421C-B876-CDF7F2AC3AA0}:1"}) {
    EXPECT_FALSE(ParseMapiCorrelation(bad)) << bad;
  }
  EXPECT_EQ(FormatMapiClientInfo("AB", 3), "{AB}:3");
}

TEST(MapiHttpTest, RequestTypesAndEndpoints) {
  EXPECT_EQ(MapiRequestTypeName(MapiRequestType::kPing), "PING");
  EXPECT_EQ(MapiRequestTypeName(MapiRequestType::kDnToMId), "DNToMId");
  EXPECT_EQ(ParseMapiRequestType("ping"), MapiRequestType::kPing);
  EXPECT_EQ(ParseMapiRequestType("GetMailboxUrl"), MapiRequestType::kGetMailboxUrl);
  EXPECT_FALSE(ParseMapiRequestType("Logon"));
  EXPECT_TRUE(ServedBy(MapiEndpoint::kEmsmdb, MapiRequestType::kConnect));
  EXPECT_FALSE(ServedBy(MapiEndpoint::kNspi, MapiRequestType::kConnect));
  EXPECT_TRUE(ServedBy(MapiEndpoint::kNspi, MapiRequestType::kBind));
  EXPECT_TRUE(ServedBy(MapiEndpoint::kNspi, MapiRequestType::kPing));
  EXPECT_TRUE(ServedBy(MapiEndpoint::kEmsmdb, MapiRequestType::kPing));
}

TEST(MapiHttpTest, EveryResponseCodeIsNamed) {
  const char* names[] = {"Success",
                         "Unknown Failure",
                         "Invalid Verb",
                         "Invalid Path",
                         "Invalid Header",
                         "Invalid Request Type",
                         "Invalid Context Cookie",
                         "Missing Header",
                         "Anonymous Not Allowed",
                         "Too Large",
                         "Context Not Found",
                         "No Privilege",
                         "Invalid Request Body",
                         "Missing Cookie",
                         "Reserved",
                         "Invalid Sequence",
                         "Endpoint Disabled",
                         "Invalid Response",
                         "Endpoint Shutting Down"};
  for (std::uint32_t code = 0; code < std::size(names); ++code) {
    EXPECT_EQ(MapiResponseCodeName(code), names[code]) << code;
  }
  EXPECT_EQ(MapiResponseCodeName(19), "unknown");
  EXPECT_EQ(MapiResponseCodeName(static_cast<std::uint32_t>(MapiResponseCode::kMissingCookie)),
            "Missing Cookie");
}

MapiHeaderValues Outer(std::uint32_t code) {
  std::vector<HeaderField> headers = {{"X-ResponseCode", std::to_string(code)},
                                      {"x-pendingperiod", "15000"},
                                      {"X-ExpirationInfo", "1800000"},
                                      {"X-ServerApplication", "Exchange/15.01.2507.006"},
                                      {"Set-Cookie", "MapiContext=abc"}};
  return PickMapiHeaders(headers).value();
}

TEST(MapiHttpTest, ParsesAStreamedConnectResponse) {
  Bytes body = Hex(kConnectResponseHex);
  std::string entity =
      "PROCESSING\r\nPENDING\r\nPENDING\r\nDONE\r\nX-StartTime: Tue, 25 Nov 2025 08:00:00 "
      "GMT\r\nX-ElapsedTime: 31\r\n\r\n";
  entity.append(body.begin(), body.end());
  auto r = ParseMapiResponse(Outer(0), AsBytes(entity));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->has_preamble);
  EXPECT_TRUE(r->processing);
  EXPECT_EQ(r->pending, 2u);
  EXPECT_EQ(r->ResponseCode(), 0u);
  EXPECT_EQ(r->inner.elapsed_ms, 31u);
  EXPECT_EQ(r->inner.start_time, "Tue, 25 Nov 2025 08:00:00 GMT");
  EXPECT_EQ(r->PendingPeriodMs(), 15000u);
  EXPECT_EQ(r->ExpirationMs(), 1800000u);
  EXPECT_EQ(r->ServerApplication(), "Exchange/15.01.2507.006");
  EXPECT_EQ(r->inner_headers.size(), 2u);
  EXPECT_EQ(r->body, body);
  auto connect = DecodeConnectResponse(r->body);
  ASSERT_TRUE(connect);
  EXPECT_EQ(connect->display_name, "John Doe");
}

TEST(MapiHttpTest, InnerResponseCodeWinsOverTheOuter) {
  // A failure found after 200 + PROCESSING were sent: reported after DONE, body is text/html.
  std::string entity =
      "PROCESSING\r\nDONE\r\nContent-Type: text/html\r\nX-ResponseCode: 16\r\nX-FailureLID: "
      "42\r\nX-FailureDescription: MAPI over HTTP is disabled\r\nX-ElapsedTime: 3\r\n\r\n<html>"
      "disabled</html>";
  auto r = ParseMapiResponse(Outer(0), AsBytes(entity));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->outer.response_code, 0u);
  EXPECT_EQ(r->ResponseCode(), 16u);
  EXPECT_EQ(MapiResponseCodeName(*r->ResponseCode()), "Endpoint Disabled");
  EXPECT_EQ(r->inner.content_type, "text/html");
  EXPECT_EQ(r->inner.failure_lid, "42");
  EXPECT_EQ(r->inner.failure_description, "MAPI over HTTP is disabled");
  EXPECT_EQ(std::string(r->body.begin(), r->body.end()), "<html>disabled</html>");
}

TEST(MapiHttpTest, PingIsPreambleOnlyAndBareLfIsTolerated) {
  auto r = ParseMapiResponse(Outer(0), AsBytes("DONE\nX-ElapsedTime: 0\n\n"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->processing);
  EXPECT_EQ(r->pending, 0u);
  EXPECT_TRUE(r->body.empty());
  EXPECT_EQ(r->ResponseCode(), 0u);
}

TEST(MapiHttpTest, ImmediateFailureHasNoPreamble) {
  auto r = ParseMapiResponse(Outer(13), AsBytes("<html><body>Missing cookie</body></html>"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->has_preamble);
  EXPECT_EQ(r->ResponseCode(), 13u);
  EXPECT_EQ(r->body.size(), 40u);
  // The same body under a success code is malformed.
  EXPECT_FALSE(ParseMapiResponse(Outer(0), AsBytes("<html>")));
  EXPECT_FALSE(ParseMapiResponse(MapiHeaderValues{}, AsBytes("")));
}

TEST(MapiHttpTest, EveryTruncationOfTheFramingFails) {
  std::string entity =
      "PROCESSING\r\nPENDING\r\nDONE\r\nX-ResponseCode: 0\r\nX-ElapsedTime: 5\r\n\r\n";
  for (std::size_t n = 0; n < entity.size(); ++n) {
    EXPECT_FALSE(ParseMapiResponse(Outer(0), AsBytes(entity.substr(0, n)))) << n;
  }
  EXPECT_TRUE(ParseMapiResponse(Outer(0), AsBytes(entity)));
  auto truncated = ParseMapiResponse(Outer(0), AsBytes("PROCESSING\r\nPENDING\r\nPENDING\r\n"));
  ASSERT_FALSE(truncated);
  EXPECT_EQ(truncated.error().message,
            "MAPI/HTTP response ended after PROCESSING and 2 PENDING line(s) without DONE");
}

TEST(MapiHttpTest, HostileFramingFails) {
  MapiResponseLimits limits;
  limits.max_pending = 3;
  limits.max_inner_headers = 2;
  limits.max_line = 64;
  limits.max_body = 4;
  const char* bad[] = {
      "PROCESSING\r\nPROCESSING\r\nDONE\r\n\r\n",                  // PROCESSING twice
      "PENDING\r\nPROCESSING\r\nDONE\r\n\r\n",                     // PROCESSING after PENDING
      "DONE\r\nDONE\r\n\r\n",                                      // DONE is not a header
      "PROCESSING\r\nWORKING\r\nDONE\r\n\r\n",                     // unknown meta-tag
      "PENDING\r\nPENDING\r\nPENDING\r\nPENDING\r\nDONE\r\n\r\n",  // past max_pending
      "DONE\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n",                      // past max_inner_headers
      "DONE\r\nX-ResponseCode: zero\r\n\r\n",                      // non-numeric response code
      "DONE\r\nX-ResponseCode: 99999999999\r\n\r\n",               // out of range
      "DONE\r\nX-PendingPeriod: -1\r\n\r\n",                       // negative
      "DONE\r\nno colon here\r\n\r\n",                             // not a header
      "DONE\r\n: empty name\r\n\r\n",                              // empty name
      "DONE\r\nbad name: x\r\n\r\n",                               // space in name
      "DONE\r\n\r\n12345",                                         // body past max_body
  };
  for (const char* entity : bad) {
    EXPECT_FALSE(ParseMapiResponse(Outer(0), AsBytes(entity), limits)) << entity;
  }
  std::string long_line = "DONE\r\nX-A: " + std::string(100, 'a') + "\r\n\r\n";
  EXPECT_FALSE(ParseMapiResponse(Outer(0), AsBytes(long_line), limits));
  std::string long_tag(200, 'P');
  EXPECT_FALSE(ParseMapiResponse(Outer(0), AsBytes(long_tag), limits));
  std::vector<HeaderField> outer = {{"X-ResponseCode", "1e3"}};
  EXPECT_FALSE(PickMapiHeaders(outer));
}

TEST(MapiHttpTest, LabEntityRoundTrips) {
  Bytes body = Hex(kConnectResponseHex);
  Bytes entity =
      BuildMapiResponseEntity(3, {{"X-ResponseCode", "0"}, {"X-ElapsedTime", "7"}}, body);
  EXPECT_EQ(std::string(entity.begin(), entity.begin() + 43),
            "PROCESSING\r\nPENDING\r\nPENDING\r\nPENDING\r\nDONE");
  auto r = ParseMapiResponse(MapiHeaderValues{}, entity);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->pending, 3u);
  EXPECT_EQ(r->inner.response_code, 0u);
  EXPECT_EQ(r->body, body);
}

}  // namespace
}  // namespace probe::exchange
