// tlslab's HttpProxy-format request log, read back by exprobe's own log reader (probe/logs):
// what the lab writes, `exprobe logs` must read field for field and diagnose.
#include "tlslab/proxy_log.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "probe/logs/columns.h"
#include "probe/logs/csv.h"
#include "probe/logs/request.h"
#include "probe/logs/scanner.h"

namespace tlslab {
namespace {

constexpr std::int64_t kT0 = 1673078400000;  // 2023-01-07T08:00:00Z

constexpr char kInvalidToken[] =
    "WebExceptionStatus=ProtocolError;ResponseStatusCode=401;WebException=System.Net."
    "WebException: The remote server returned an error: (401) Unauthorized.;HttpException="
    "System.Web.HttpException (0x80004005): NegotiateSecurityContext failed with for host "
    "'mail.contoso.test' with status 'InvalidToken'";

ProxyLogRecord Rpc(std::int64_t t, int status) {
  ProxyLogRecord r;
  r.time_ms = t;
  r.request_id = "req-" + std::to_string(t);
  r.protocol = "RpcHttp";
  r.url_host = "mail.contoso.test";
  r.url_stem = "/rpc/rpcproxy.dll";
  r.url_query = "?legacy.contoso.test:6001";
  r.user_agent = "MSRPC";
  r.client_ip = "127.0.0.1";
  r.front_end = "TLSLAB-FE";
  r.method = "RPC_IN_DATA";
  r.http_status = status;
  return r;
}

ProxyLogRecord Kb3140410(std::int64_t t) {
  ProxyLogRecord r = Rpc(t, 401);
  r.auth_type = "Negotiate";
  r.authenticated = true;
  r.user = "CONTOSO\\legacy";
  r.anchor_mailbox = "Smtp~legacy@contoso.test";
  r.backend_status = 401;
  r.back_end = "legacy.contoso.test";
  r.back_end_version = "14.03.0123.004";
  r.generic_errors = kInvalidToken;
  return r;
}

TEST(ProxyLogTest, HeaderNamesTheDocumentedFields) {
  std::string header = ProxyLogHeader(kT0);
  EXPECT_EQ(header.rfind("#Software: Microsoft Exchange Server\r\n#Version: 15.01.2375.007\r\n"
                         "#Log-type: HttpProxy Logs\r\n#Date: 2023-01-07T08:00:00.000Z\r\n"
                         "#Fields: DateTime,RequestId,",
                         0),
            0u);
  auto map = probe::logs::MapColumns(ProxyLogFields());
  EXPECT_TRUE(map.usable());
  EXPECT_EQ(map.field_count, 74u);  // the CU22 list of exchange-protocols.md 5.5
  EXPECT_TRUE(map.Has(probe::logs::Column::kGenericErrors));
}

TEST(ProxyLogTest, CsvFieldQuotesLikeExchange) {
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\r\nlines"), "two  lines");
  EXPECT_EQ(CsvField(""), "");
}

TEST(ProxyLogTest, EveryFieldReadsBack) {
  ProxyLogRecord r = Kb3140410(kT0 + 1234);
  r.user_agent = "Microsoft Office/16.0 (Windows NT 10.0; \"Outlook\", Pro)";
  r.generic_errors += "\nwith a line break";
  std::string line = FormatProxyLogLine(r);
  ASSERT_EQ(line.substr(line.size() - 2), "\r\n");
  EXPECT_EQ(line.find('\n'), line.size() - 1);  // one request, one line

  auto map = probe::logs::MapColumns(ProxyLogFields());
  std::vector<std::string_view> fields;
  std::string scratch;
  ASSERT_EQ(
      probe::logs::SplitCsv(std::string_view(line).substr(0, line.size() - 2), fields, scratch),
      "");
  ASSERT_EQ(fields.size(), 74u);
  probe::logs::Request got;
  ASSERT_EQ(probe::logs::ReadRequest(map, fields, {}, got), "");
  EXPECT_EQ(got.time, kT0 + 1234);
  EXPECT_EQ(got.http_status, 401);
  EXPECT_EQ(got.backend_status, 401);
  EXPECT_TRUE(got.authenticated);
  EXPECT_EQ(got.user, "CONTOSO\\legacy");
  EXPECT_EQ(got.anchor_mailbox, "Smtp~legacy@contoso.test");
  EXPECT_EQ(got.protocol, "RpcHttp");
  EXPECT_EQ(got.url_stem, "/rpc/rpcproxy.dll");
  EXPECT_EQ(got.client_ip, "127.0.0.1");
  EXPECT_EQ(got.server_host, "TLSLAB-FE");
  EXPECT_EQ(got.method, "RPC_IN_DATA");
  EXPECT_EQ(got.target_server, "legacy.contoso.test");
  EXPECT_EQ(got.target_version, "14.03.0123.004");
  EXPECT_EQ(got.generic_errors, std::string(kInvalidToken) + " with a line break");
  EXPECT_EQ(map.Get(fields, probe::logs::Column::kAuthType), "Negotiate");
}

TEST(ProxyLogTest, ALabLogOfAReproducedLoopIsDiagnosed) {
  // What the coexistence scenario's backend_invalid_token fault would log: a healthy 2016
  // handshake, then the client retrying a 2010 mailbox (anonymous leg, front end authenticates,
  // back end refuses) seven times, plus an anonymous-only loop from another address.
  std::string log = ProxyLogHeader(kT0);
  ProxyLogRecord ok = Rpc(kT0, 200);
  ok.authenticated = true;
  ok.user = "CONTOSO\\modern";
  ok.backend_status = 200;
  ok.back_end = "mbx2016.contoso.test";
  ok.back_end_version = "15.01.2375.007";
  log += FormatProxyLogLine(Rpc(kT0 - 500, 401)) + FormatProxyLogLine(ok);
  for (int i = 0; i < 7; ++i) {
    log += FormatProxyLogLine(Rpc(kT0 + 1000 * (i + 1), 401));
    log += FormatProxyLogLine(Kb3140410(kT0 + 1000 * (i + 1) + 300));
  }
  for (int i = 0; i < 6; ++i) {
    ProxyLogRecord anonymous = Rpc(kT0 + 20000 + i * 500, 401);
    anonymous.client_ip = "127.0.0.2";
    log += FormatProxyLogLine(anonymous);
  }
  probe::logs::MemorySource source(log);
  probe::logs::Scanner scanner({});
  scanner.AddStream("HttpProxy_2023010708-1.LOG", source);
  auto result = scanner.Finish();
  EXPECT_EQ(result.malformed, 0u);
  EXPECT_EQ(result.requests, 2u + 14u + 6u);
  ASSERT_EQ(result.groups.size(), 3u);
  EXPECT_EQ(result.groups[0].pattern, probe::logs::Pattern::kBackendInvalidToken);
  EXPECT_EQ(result.groups[0].count, 7u);
  EXPECT_EQ(result.groups[0].user, "CONTOSO\\legacy");
  EXPECT_EQ(result.groups[1].pattern, probe::logs::Pattern::kAuthLoop);
  EXPECT_EQ(result.groups[1].client_ip, "127.0.0.2");
  EXPECT_EQ(result.groups[1].count, 6u);
  EXPECT_EQ(result.groups[2].pattern, probe::logs::Pattern::kProxiedToLegacy);
  EXPECT_EQ(result.groups[2].count, 7u);
}

}  // namespace
}  // namespace tlslab
