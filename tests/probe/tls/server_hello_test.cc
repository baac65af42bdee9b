#include "probe/tls/server_hello.h"

#include <gtest/gtest.h>

namespace probe::tls {
namespace {

// A TLS 1.3 ServerHello as RFC 8448 §3 ("Simple 1-RTT Handshake") shows it: legacy_version 0303,
// suite 1301, key_share x25519, supported_versions 0304.
constexpr char kRfc8448ServerHello[] =
    "020000560303a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e2692800130100002e00"
    "330024001d0020c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f002b00020304";

Bytes Hex(std::string_view hex) { return *FromHex(hex); }

TEST(ServerHelloTest, DecodesRfc8448Tls13ServerHello) {
  auto hello = DecodeServerHello(Hex(kRfc8448ServerHello));
  ASSERT_TRUE(hello.has_value()) << hello.error().message;
  EXPECT_EQ(hello->legacy_version, 0x0303);
  EXPECT_EQ(hello->selected_version, 0x0304);
  EXPECT_EQ(hello->NegotiatedVersion(), 0x0304);
  EXPECT_EQ(hello->cipher_suite, 0x1301);
  EXPECT_EQ(hello->key_share_group, 0x001d);
  EXPECT_FALSE(hello->hello_retry_request);
  EXPECT_EQ(hello->extensions, (std::vector<std::uint16_t>{0x0033, 0x002b}));
}

// TLS 1.0 ServerHello without extensions: 02 000026 0301 random(32) 00 002f 00.
Bytes Tls10Hello() {
  ByteWriter w;
  w.U8(2);
  auto len = w.BeginLength(3);
  w.U16Be(0x0301);
  w.Zeros(32);
  w.U8(0);
  w.U16Be(0x002f);
  w.U8(0);
  (void)w.FinishLength(len);
  return w.Take();
}

TEST(ServerHelloTest, DecodesHelloWithoutExtensions) {
  auto hello = DecodeServerHello(Tls10Hello());
  ASSERT_TRUE(hello.has_value()) << hello.error().message;
  EXPECT_EQ(hello->NegotiatedVersion(), 0x0301);
  EXPECT_EQ(hello->cipher_suite, 0x002f);
  EXPECT_FALSE(hello->selected_version.has_value());
  EXPECT_TRUE(hello->extensions.empty());
}

TEST(ServerHelloTest, RecognisesHelloRetryRequestAndDowngradeSentinel) {
  Bytes hrr = Hex(kRfc8448ServerHello);
  const Bytes magic = Hex("CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C");
  std::copy(magic.begin(), magic.end(), hrr.begin() + 6);
  EXPECT_TRUE(DecodeServerHello(hrr)->hello_retry_request);

  Bytes downgraded = Tls10Hello();
  const Bytes sentinel = Hex("444F574E47524400");
  std::copy(sentinel.begin(), sentinel.end(), downgraded.begin() + 6 + 24);
  EXPECT_TRUE(DecodeServerHello(downgraded)->downgrade_sentinel);
}

TEST(ServerHelloTest, EveryTruncationFailsCleanly) {
  const Bytes full = Hex(kRfc8448ServerHello);
  for (std::size_t n = 0; n < full.size(); ++n) {
    auto hello = DecodeServerHello(ByteView(full).first(n));
    EXPECT_FALSE(hello.has_value()) << "prefix of " << n << " bytes decoded";
    if (!hello) {
      EXPECT_EQ(hello.error().code, ErrorCode::kMalformed);
    }
  }
}

TEST(ServerHelloTest, CorruptLengthsAreRejectedWithTheFieldName) {
  Bytes bad = Hex(kRfc8448ServerHello);
  bad[42] = 0x02;  // extensions length 0x022e: longer than the message
  auto hello = DecodeServerHello(bad);
  ASSERT_FALSE(hello.has_value());
  EXPECT_NE(hello.error().message.find("extensions"), std::string::npos) << hello.error().message;

  Bytes long_sid = Tls10Hello();
  long_sid[38] = 33;  // session_id length above 32
  EXPECT_FALSE(DecodeServerHello(long_sid).has_value());

  Bytes wrong_type = Tls10Hello();
  wrong_type[0] = 0x0b;  // Certificate, not ServerHello
  EXPECT_FALSE(DecodeServerHello(wrong_type).has_value());

  Bytes trailing = Tls10Hello();
  trailing.push_back(0);
  EXPECT_FALSE(DecodeServerHello(trailing).has_value());
}

}  // namespace
}  // namespace probe::tls
