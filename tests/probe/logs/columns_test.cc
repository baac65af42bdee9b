#include "probe/logs/columns.h"

#include <gtest/gtest.h>

#include "probe/logs/csv.h"
#include "probe/logs/request.h"

namespace probe::logs {
namespace {

// The start of the Exchange 2016 CU22 list (exchange-protocols.md 5.5), cut after RoutingType.
constexpr std::string_view kCu22Head =
    " DateTime,RequestId,MajorVersion,MinorVersion,BuildVersion,RevisionVersion,ClientRequestId,"
    "Protocol,UrlHost,UrlStem,ProtocolAction,AuthenticationType,IsAuthenticated,"
    "AuthenticatedUser,Organization,AnchorMailbox,UserAgent,ClientIpAddress,ServerHostName,"
    "HttpStatus,BackEndStatus,ErrorCode,Method,ProxyAction,TargetServer,TargetServerVersion,"
    "RoutingType";

TEST(ColumnsTest, HttpProxyColumnsByName) {
  ColumnMap map = MapColumns(kCu22Head);
  ASSERT_TRUE(map.usable()) << map.missing;
  EXPECT_EQ(map.format, LogFormat::kHttpProxy);
  EXPECT_EQ(map.field_count, 27u);
  EXPECT_EQ(map.index[static_cast<int>(Column::kDateTime)], 0);
  EXPECT_EQ(map.index[static_cast<int>(Column::kHttpStatus)], 19);
  EXPECT_EQ(map.index[static_cast<int>(Column::kTargetServerVersion)], 25);
  EXPECT_FALSE(map.Has(Column::kGenericErrors));
  EXPECT_FALSE(map.Has(Column::kWin32Status));
}

TEST(ColumnsTest, OrderComesFromTheHeader) {
  ColumnMap map = MapColumns("HttpStatus,DateTime,AuthenticatedUser");
  ASSERT_TRUE(map.usable());
  std::vector<std::string_view> fields;
  std::string scratch;
  ASSERT_TRUE(SplitCsv("401,2023-01-07T08:00:00.000Z,CONTOSO\\u", fields, scratch).empty());
  Request r;
  ASSERT_EQ(ReadRequest(map, fields, {}, r), "");
  EXPECT_EQ(r.http_status, 401);
  EXPECT_EQ(r.user, "CONTOSO\\u");
  EXPECT_EQ(r.time, 1673078400000);
}

TEST(ColumnsTest, W3cDefaultFields) {
  ColumnMap map = MapColumns(
      " date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip "
      "cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken");
  ASSERT_TRUE(map.usable());
  EXPECT_EQ(map.format, LogFormat::kW3c);
  EXPECT_EQ(map.field_count, 15u);
  EXPECT_EQ(map.index[static_cast<int>(Column::kWin32Status)], 13);
  EXPECT_EQ(map.index[static_cast<int>(Column::kServerHost)], 2);  // s-ip
  EXPECT_EQ(map.index[static_cast<int>(Column::kUser)], 7);
}

TEST(ColumnsTest, OtherLogsAreNotUsable) {
  // Exchange's message tracking log, say: CSV without HttpStatus.
  ColumnMap tracking = MapColumns("date-time,client-ip,client-hostname,server-ip");
  EXPECT_FALSE(tracking.usable());
  EXPECT_EQ(tracking.missing, "DateTime, HttpStatus");
  ColumnMap w3c = MapColumns("date cs-uri-stem");
  EXPECT_EQ(w3c.missing, "time, sc-status");
}

TEST(ColumnsTest, ProtocolFromUrl) {
  EXPECT_EQ(ProtocolFromUrl("/rpc/rpcproxy.dll"), "RpcHttp");
  EXPECT_EQ(ProtocolFromUrl("/RPC/RpcProxy.dll"), "RpcHttp");
  EXPECT_EQ(ProtocolFromUrl("/mapi/emsmdb/"), "Mapi");
  EXPECT_EQ(ProtocolFromUrl("/EWS/Exchange.asmx"), "Ews");
  EXPECT_EQ(ProtocolFromUrl("/Autodiscover/Autodiscover.xml"), "Autodiscover");
  EXPECT_EQ(ProtocolFromUrl("/owa/calendar/x"), "OwaCalendar");
  EXPECT_EQ(ProtocolFromUrl("/rpcx"), "");
  EXPECT_EQ(ProtocolFromUrl("/"), "");
  EXPECT_EQ(MajorVersion("14.03.0123.004"), 14);
  EXPECT_EQ(MajorVersion("15.01.2375.007"), 15);
  EXPECT_EQ(MajorVersion("x.1"), -1);
  EXPECT_EQ(MajorVersion(""), -1);
}

}  // namespace
}  // namespace probe::logs
