// The scanner on the fixture logs (fixtures/logs/, written from the documented format by
// make_fixtures.py): exact groups, no false positives on healthy traffic.
#include "probe/logs/scanner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>

namespace probe::logs {
namespace {

// Options with one field changed (designated initializers would warn about the others).
template <class Change>
ScanOptions With(Change change) {
  ScanOptions o;
  change(o);
  return o;
}

const std::string kFixtures = std::string(EXPROBE_SOURCE_DIR) + "/fixtures/logs/";

ScanResult Scan(const std::vector<std::string>& dirs, ScanOptions options = {}) {
  Scanner scanner(std::move(options));
  for (const auto& d : dirs) {
    auto added = scanner.AddPath(kFixtures + d);
    EXPECT_TRUE(added) << d << ": " << added.error().message;
  }
  return scanner.Finish();
}

// "pattern ip user count" per group, in report order: one string compares the whole result.
std::vector<std::string> Summary(const ScanResult& r) {
  std::vector<std::string> out;
  for (const auto& g : r.groups) {
    out.push_back(std::string(PatternFindingId(g.pattern)) + " " + g.client_ip + " " + g.user +
                  " " + g.protocol + " " + std::to_string(g.count));
  }
  return out;
}

TEST(ScannerTest, HealthyTrafficHasNoGroups) {
  auto r = Scan({"healthy"});
  EXPECT_EQ(r.files.size(), 2u);
  EXPECT_EQ(r.requests, 101u);
  EXPECT_EQ(r.malformed, 0u);
  EXPECT_TRUE(r.groups.empty()) << testing::PrintToString(Summary(r));
}

TEST(ScannerTest, LoopsFoundExactly) {
  auto r = Scan({"loop"});
  EXPECT_EQ(Summary(r), (std::vector<std::string>{
                            "logs.auth_loop 203.0.113.7  RpcHttp 12",
                            "logs.auth_loop 198.51.100.23  Mapi 7",
                        }));
  EXPECT_EQ(FormatIsoTime(r.groups[0].first), "2023-01-07T09:10:00.000Z");
  EXPECT_EQ(FormatIsoTime(r.groups[0].last), "2023-01-07T09:12:45.000Z");
  EXPECT_NE(r.groups[0].sample.file.find("HttpProxy_2023010709-1.LOG"), std::string::npos);
  EXPECT_NE(r.groups[0].sample.text.find(",203.0.113.7,"), std::string::npos);
}

TEST(ScannerTest, Kb3140410PatternFoundExactly) {
  auto r = Scan({"kb3140410"});
  EXPECT_EQ(Summary(r), (std::vector<std::string>{
                            "auth.backend_invalid_token 10.0.0.50 CONTOSO\\legacy1 RpcHttp 8",
                            "logs.backend_failure 10.0.0.23 CONTOSO\\carol Ews 3",
                            "logs.proxied_to_2010  CONTOSO\\legacy1 RpcHttp 8",
                            "logs.proxied_to_2010  CONTOSO\\legacy2 RpcHttp 3",
                        }));
  const Group& kb = r.groups[0];
  EXPECT_EQ(kb.target_server, "ex2010cas.contoso.com");
  EXPECT_EQ(kb.target_version, "14.03.0123.004");
  EXPECT_NE(kb.detail.find("with status 'InvalidToken'"), std::string::npos);
  EXPECT_EQ(kb.sample.line, 10u);
  EXPECT_EQ(r.groups[2].mailbox, "Smtp~legacy1@contoso.com");
  EXPECT_EQ(r.groups[1].detail, "BackEndStatus 503");
}

TEST(ScannerTest, ColumnsInAnotherOrderFindTheSame) {
  auto r = Scan({"reordered"});
  EXPECT_EQ(Summary(r), (std::vector<std::string>{
                            "auth.backend_invalid_token 10.0.0.50 CONTOSO\\legacy1 RpcHttp 5",
                            "logs.auth_loop 192.0.2.44  RpcHttp 6",
                            "logs.proxied_to_2010  CONTOSO\\legacy1 RpcHttp 5",
                        }));
  EXPECT_EQ(r.malformed, 0u);
  EXPECT_EQ(r.files[0].format, "httpproxy");
}

TEST(ScannerTest, MalformedLinesCountedWithTheirPlace) {
  auto r = Scan({"malformed"});
  EXPECT_EQ(r.malformed, 9u);
  EXPECT_EQ(r.requests, 10u);  // 9 handshake rows and the valid line with quoted commas
  ASSERT_EQ(r.malformed_samples.size(), 9u);
  std::vector<std::string> where;
  for (const auto& m : r.malformed_samples) {
    where.push_back(m.file.substr(m.file.rfind('/') + 1) + ":" + std::to_string(m.line) + " " +
                    m.reason);
  }
  EXPECT_EQ(where, (std::vector<std::string>{
                       "HttpProxy_2023010712-1.LOG:15 20 fields where #Fields: names 23",
                       "HttpProxy_2023010712-1.LOG:16 a quoted field has no closing quote",
                       "HttpProxy_2023010712-1.LOG:17 DateTime is not an ISO 8601 time",
                       "HttpProxy_2023010712-1.LOG:18 HttpStatus is not a number",
                       "HttpProxy_2023010712-1.LOG:19 text follows a closing quote",
                       "HttpProxy_2023010712-1.LOG:20 BackEndStatus is not a number",
                       "HttpProxy_2023010712-1.LOG:24 2 fields where #Fields: names 23",
                       "no_fields.log:1 no #Fields: line before it",
                       "no_fields.log:2 no #Fields: line before it",
                   }));
  EXPECT_TRUE(r.groups.empty());
  // Only the first few are kept as samples; the count stays exact.
  auto few = Scan({"malformed"}, With([](ScanOptions& o) { o.max_malformed_samples = 2; }));
  EXPECT_EQ(few.malformed, 9u);
  EXPECT_EQ(few.malformed_samples.size(), 2u);
}

TEST(ScannerTest, GzipFile) {
  auto r = Scan({"gz/HttpProxy_2023010713-1.LOG.gz"});
  EXPECT_EQ(Summary(r), (std::vector<std::string>{"logs.auth_loop 192.0.2.15  RpcHttp 9"}));
  EXPECT_EQ(r.files[0].error, "");
  EXPECT_GT(r.bytes, 5000u);  // inflated bytes, not the .gz size
}

TEST(ScannerTest, IisW3cWithWin32Statuses) {
  auto r = Scan({"iis"});
  EXPECT_EQ(Summary(r), (std::vector<std::string>{
                            "logs.auth_loop 10.0.1.50  Mapi 6",
                            "logs.iis.bad_bindings 10.0.1.30  Ews 4",
                            "logs.iis.invalid_token 10.0.1.40  RpcHttp 5",
                            "logs.iis.logon_denied 10.0.1.20 CONTOSO\\baduser RpcHttp 3",
                        }));
  EXPECT_EQ(r.files[0].format, "iis-w3c");
}

TEST(ScannerTest, AllFixturesTogetherAddUp) {
  auto r = Scan({""});  // the whole folder, recursively; make_fixtures.py is not a log
  EXPECT_EQ(r.files.size(), 9u);
  // loop 2, kb3140410 4, reordered 3, gz 1, iis 4; legacy1's proxied-to-2010 groups of
  // kb3140410 and reordered are one (that group has no time window).
  EXPECT_EQ(r.groups.size(), 2u + 4u + 3u + 1u + 4u - 1u);
  EXPECT_EQ(r.malformed, 9u);
}

TEST(ScannerTest, TimeFilters) {
  ScanOptions o;
  o.since = ParseIsoTime("2023-01-07T09:11:00Z");
  o.until = ParseIsoTime("2023-01-07T09:20:10Z");
  auto r = Scan({"loop"}, o);
  // Loop A from 09:11:00 on: 8 of its 12; loop B up to 09:20:10: only 3 of 7, under the threshold.
  EXPECT_EQ(Summary(r), (std::vector<std::string>{"logs.auth_loop 203.0.113.7  RpcHttp 8"}));
  EXPECT_GT(r.filtered_out, 0u);
  EXPECT_EQ(r.requests + r.filtered_out, 37u);
}

TEST(ScannerTest, UserAndProtocolFilters) {
  auto kb = Scan({"kb3140410"}, With([](ScanOptions& o) { o.user = "LEGACY1"; }));
  EXPECT_EQ(Summary(kb), (std::vector<std::string>{
                             "auth.backend_invalid_token 10.0.0.50 CONTOSO\\legacy1 RpcHttp 8",
                             "logs.proxied_to_2010  CONTOSO\\legacy1 RpcHttp 8",
                         }));
  auto mapi = Scan({"loop"}, With([](ScanOptions& o) { o.protocol = "mapi"; }));
  EXPECT_EQ(Summary(mapi), (std::vector<std::string>{"logs.auth_loop 198.51.100.23  Mapi 7"}));
}

TEST(ScannerTest, OverLongLineIsMalformedNotFatal) {
  std::string text =
      "#Fields: DateTime,HttpStatus,ClientIpAddress\n" + std::string(100, 'x') + "\n";
  for (int i = 0; i < 6; ++i)
    text += "2023-01-07T08:00:0" + std::to_string(i) + ".000Z,401,10.0.0.9\n";
  MemorySource source(text);
  Scanner scanner(With([](ScanOptions& o) { o.max_line = 64; }));
  scanner.AddStream("mem", source);
  auto r = scanner.Finish();
  EXPECT_EQ(r.malformed, 1u);
  ASSERT_EQ(r.malformed_samples.size(), 1u);
  EXPECT_EQ(r.malformed_samples[0].line, 2u);
  EXPECT_EQ(r.malformed_samples[0].reason, "longer than 64 bytes");
  EXPECT_EQ(Summary(r), (std::vector<std::string>{"logs.auth_loop 10.0.0.9   6"}));
}

TEST(ScannerTest, OtherLogsAreSkippedNotMalformed) {
  MemorySource source("#Fields: date-time,client-ip,event-id\n2023-01-07T08:00:00Z,1.2.3.4,SEND\n");
  Scanner scanner({});
  scanner.AddStream("MSGTRK.LOG", source);
  auto r = scanner.Finish();
  EXPECT_EQ(r.malformed, 0u);
  EXPECT_EQ(r.skipped, 1u);
  EXPECT_EQ(r.files[0].skipped_reason, "#Fields: at line 1 has no DateTime, HttpStatus");
}

TEST(ScannerTest, MissingPathIsAnError) {
  Scanner scanner({});
  auto added = scanner.AddPath(kFixtures + "no-such-dir");
  ASSERT_FALSE(added);
  EXPECT_NE(added.error().message.find("no-such-dir"), std::string::npos);
}

// A log that never ends in memory: lines are produced as they are read.
class GeneratedLog : public ByteSource {
 public:
  explicit GeneratedLog(std::uint64_t lines) : lines_(lines) {
    pending_ = "#Fields: DateTime,HttpStatus,ClientIpAddress,AuthenticatedUser,Protocol\n";
  }
  Result<std::size_t> Read(std::span<char> out) override {
    while (pending_.size() - pos_ < out.size() && made_ < lines_) {
      // 10,000 clients, each: 401, 401, 200 (healthy); every 1000th client loops (6 x 401).
      std::uint64_t client = made_ / 3 % 10000;
      bool loops = client % 1000 == 7;
      int status = (made_ % 3 == 2 && !loops) ? 200 : 401;
      pending_ += "2023-01-07T08:" + std::to_string(made_ / 600000 % 60 + 10) + ":00.000Z," +
                  std::to_string(status) + ",10.2." + std::to_string(client / 250) + "." +
                  std::to_string(client % 250) + "," + (status == 200 ? "CONTOSO\\u" : "") +
                  ",RpcHttp\n";
      ++made_;
    }
    std::size_t n = std::min(out.size(), pending_.size() - pos_);
    std::copy_n(pending_.data() + pos_, n, out.data());
    pos_ += n;
    if (pos_ == pending_.size()) {
      pending_.clear();
      pos_ = 0;
    }
    return n;
  }

 private:
  std::uint64_t lines_;
  std::uint64_t made_ = 0;
  std::string pending_;
  std::size_t pos_ = 0;
};

TEST(ScannerTest, ManyClientsStayBounded) {
  GeneratedLog source(600000);
  Scanner scanner({});
  scanner.AddStream("generated", source);
  auto r = scanner.Finish();
  EXPECT_EQ(r.requests, 600000u);
  EXPECT_EQ(r.streaks_dropped, 0u);
  // Ten looping clients (7, 1007, ... 9007), each one group: 20 rounds of 3 x 401 run together
  // within the window.
  ASSERT_EQ(r.groups.size(), 10u);
  for (const auto& g : r.groups) EXPECT_EQ(g.count, 60u) << g.client_ip;
}

}  // namespace
}  // namespace probe::logs
