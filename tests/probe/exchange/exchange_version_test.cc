#include "probe/exchange/exchange_version.h"

#include <gtest/gtest.h>

namespace probe::exchange {
namespace {

struct Known {
  const char* hex;
  ExchangeVersion version;
  const char* product;
};

// The table of reference section 1.5 (serverversion-pox.md, KB3047178, the 2013 example).
TEST(ExchangeVersionTest, DecodesTheReferenceValues) {
  const Known kKnown[] = {{"738180DA", {14, 1, 218}, "Exchange 2010 SP1"},
                          {"7383807B", {14, 3, 123}, "Exchange 2010 SP3"},
                          {"73C08204", {15, 0, 516}, "Exchange 2013"},
                          {"73C189CB", {15, 1, 2507}, "Exchange 2016"}};
  for (const auto& k : kKnown) {
    auto v = DecodeServerVersion(k.hex);
    ASSERT_TRUE(v) << k.hex << ": " << v.error().message;
    EXPECT_EQ(*v, k.version) << k.hex;
    EXPECT_EQ(v->ProductName(), k.product);
    EXPECT_EQ(v->revision, -1);
  }
}

TEST(ExchangeVersionTest, IgnoresTopNibbleAndFlagBitAndCase) {
  auto plain = DecodeServerVersion("7383807B");
  auto other = DecodeServerVersion("0383007b");  // top nibble 0, flag bit 0, lower case
  ASSERT_TRUE(plain && other);
  EXPECT_EQ(*plain, *other);
}

TEST(ExchangeVersionTest, RejectsWhatIsNotEightHexDigits) {
  for (const char* bad : {"", "7383807", "7383807B0", "7383807G", " 383807B", "0x83807B"}) {
    auto v = DecodeServerVersion(bad);
    ASSERT_FALSE(v) << bad;
    EXPECT_EQ(v.error().code, ErrorCode::kMalformed);
  }
}

TEST(ExchangeVersionTest, EncodeWritesWhatExchangeWrites) {
  EXPECT_EQ(EncodeServerVersion(14, 3, 123).value(), "7383807B");
  EXPECT_EQ(EncodeServerVersion(15, 1, 2507).value(), "73C189CB");
  EXPECT_EQ(EncodeServerVersion(14, 1, 218).value(), "738180DA");
  for (int major : {8, 14, 15, 63}) {
    for (int build : {0, 1, 2507, 32767}) {
      auto hex = EncodeServerVersion(major, 2, build);
      ASSERT_TRUE(hex);
      EXPECT_EQ(DecodeServerVersion(*hex).value(), (ExchangeVersion{major, 2, build}));
    }
  }
  EXPECT_FALSE(EncodeServerVersion(64, 0, 0));
  EXPECT_FALSE(EncodeServerVersion(15, 1, 32768));
  EXPECT_FALSE(EncodeServerVersion(-1, 1, 1));
}

TEST(ExchangeVersionTest, DottedVersions) {
  auto owa = ParseDottedVersion("15.1.2507.6");
  ASSERT_TRUE(owa);
  EXPECT_EQ(*owa, (ExchangeVersion{15, 1, 2507, 6}));
  EXPECT_EQ(owa->Dotted(), "15.1.2507.6");
  auto padded = ParseDottedVersion("15.01.2375.007");
  ASSERT_TRUE(padded);
  EXPECT_EQ(*padded, (ExchangeVersion{15, 1, 2375, 7}));
  auto three = ParseDottedVersion("14.3.123");
  ASSERT_TRUE(three);
  EXPECT_EQ(three->Dotted(), "14.3.123");
  EXPECT_EQ(ParseDottedVersion("15.2").value().ProductName(), "Exchange 2019");
  EXPECT_EQ(ParseDottedVersion("8.3.0").value().ProductName(), "Exchange 2007 SP3");
  EXPECT_EQ(ParseDottedVersion("16.0").value().ProductName(), "Exchange 16.0 (unknown)");
  for (const char* bad : {"", "15", "15.", ".1", "15.1.x", "1.2.3.4.5", "15..1", "15.1 "}) {
    EXPECT_FALSE(ParseDottedVersion(bad)) << bad;
  }
}

}  // namespace
}  // namespace probe::exchange
