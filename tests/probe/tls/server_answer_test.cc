#include "probe/tls/server_answer.h"

#include <gtest/gtest.h>

namespace probe::tls {
namespace {

// RFC 8448 §3 ServerHello (TLS 1.3, suite 0x1301).
const char kHello[] =
    "020000560303a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e2692800130100002e00"
    "330024001d0020c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f002b00020304";

Bytes Record(std::uint8_t type, ByteView fragment, std::uint16_t version = 0x0303) {
  ByteWriter w;
  w.U8(type);
  w.U16Be(version);
  w.U16Be(static_cast<std::uint16_t>(fragment.size()));
  w.Append(fragment);
  return w.Take();
}

Bytes Concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

TEST(ServerAnswerTest, ServerHelloInOneRecord) {
  Bytes hello = *FromHex(kHello);
  ServerAnswer a = ParseServerAnswer(Record(22, hello));
  ASSERT_EQ(a.kind, AnswerKind::kServerHello) << a.detail;
  EXPECT_EQ(a.hello->cipher_suite, 0x1301);
  EXPECT_EQ(a.record_version, 0x0303);
}

TEST(ServerAnswerTest, ServerHelloSplitAcrossRecordsAndCoalescedWithCertificate) {
  Bytes hello = *FromHex(kHello);
  Bytes cert_start = {0x0b, 0x00, 0x10, 0x00, 0x01};  // a Certificate message begins after it
  Bytes first(hello.begin(), hello.begin() + 10);
  Bytes rest(hello.begin() + 10, hello.end());
  rest.insert(rest.end(), cert_start.begin(), cert_start.end());
  Bytes stream = Concat({Record(22, first), Record(22, rest)});
  ServerAnswer a = ParseServerAnswer(stream);
  ASSERT_EQ(a.kind, AnswerKind::kServerHello) << a.detail;
  EXPECT_EQ(a.hello->selected_version, 0x0304);
  // Every strict prefix is "need more", never a verdict.
  for (std::size_t n = 0; n < 5 + 10 + 5 + hello.size() - 10; ++n) {
    EXPECT_EQ(ParseServerAnswer(ByteView(stream).first(n)).kind, AnswerKind::kNeedMore) << n;
  }
}

TEST(ServerAnswerTest, AlertRecord) {
  ServerAnswer a = ParseServerAnswer(Record(21, Bytes{0x02, 0x46}, 0x0301));
  ASSERT_EQ(a.kind, AnswerKind::kAlert);
  EXPECT_EQ(a.alert_level, 2);
  EXPECT_EQ(a.alert_description, 70);
  EXPECT_EQ(a.record_version, 0x0301);
}

TEST(ServerAnswerTest, PlainHttpIsNotTls) {
  EXPECT_EQ(ParseServerAnswer(AsBytes("HTTP/1.1 400 Bad Request\r\n")).kind, AnswerKind::kNotTls);
  EXPECT_EQ(ParseServerAnswer(AsBytes("SSH-2.0-OpenSSH_9.2")).kind, AnswerKind::kNotTls);
}

TEST(ServerAnswerTest, MalformedRecordsAreNamed) {
  Bytes huge = {0x16, 0x03, 0x03, 0xff, 0xff};
  ServerAnswer a = ParseServerAnswer(huge);
  EXPECT_EQ(a.kind, AnswerKind::kMalformed);
  EXPECT_NE(a.detail.find("record length 65535"), std::string::npos) << a.detail;

  Bytes not_hello = Record(22, Bytes{0x0b, 0x00, 0x00, 0x00});
  EXPECT_EQ(ParseServerAnswer(not_hello).kind, AnswerKind::kMalformed);

  Bytes app_data = Record(23, Bytes{1, 2, 3});
  EXPECT_EQ(ParseServerAnswer(app_data).kind, AnswerKind::kMalformed);

  Bytes short_alert = Record(21, Bytes{0x02});
  EXPECT_EQ(ParseServerAnswer(short_alert).kind, AnswerKind::kMalformed);

  Bytes bad_hello = *FromHex(kHello);
  bad_hello[38] = 40;  // session_id length above 32
  EXPECT_EQ(ParseServerAnswer(Record(22, bad_hello)).kind, AnswerKind::kMalformed);
}

TEST(ServerAnswerTest, Ssl2ServerHelloAndError) {
  // header 0x8000|len, type 4, hit 0, cert type 1, version 0002, cert len 3, specs len 6, conn id 2
  Bytes body = {0x04, 0x00, 0x01, 0x00, 0x02, 0x00, 0x03, 0x00, 0x06, 0x00, 0x02,
                0xaa, 0xbb, 0xcc, 0x01, 0x00, 0x80, 0x07, 0x00, 0xc0, 0x11, 0x22};
  Bytes record = {static_cast<std::uint8_t>(0x80), static_cast<std::uint8_t>(body.size())};
  record.insert(record.end(), body.begin(), body.end());
  ServerAnswer a = ParseServerAnswer(record);
  ASSERT_EQ(a.kind, AnswerKind::kSsl2ServerHello) << a.detail;
  EXPECT_EQ(a.ssl2_cipher_specs, (std::vector<std::uint32_t>{0x010080, 0x0700c0}));

  Bytes truncated = record;
  truncated[8] = 0x60;  // specs length 0x0060: beyond the record
  EXPECT_EQ(ParseServerAnswer(truncated).kind, AnswerKind::kMalformed);

  Bytes error = {0x80, 0x03, 0x00, 0x00, 0x01};
  EXPECT_EQ(ParseServerAnswer(error).kind, AnswerKind::kSsl2Error);
  EXPECT_EQ(ParseServerAnswer(ByteView(record).first(5)).kind, AnswerKind::kNeedMore);
}

}  // namespace
}  // namespace probe::tls
