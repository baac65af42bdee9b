#include "probe/core/bytes.h"

#include <gtest/gtest.h>

namespace probe {
namespace {

TEST(ByteReaderTest, ReadsBigAndLittleEndianKnownAnswers) {
  const Bytes data = {0x16, 0x03, 0x01, 0x00, 0x2a, 0x01, 0x00, 0x00, 0x26, 0x4e, 0x54,
                      0x4c, 0x4d, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
  ByteReader r(data);
  EXPECT_EQ(*r.U8("type"), 0x16);
  EXPECT_EQ(*r.U16Be("version"), 0x0301);
  EXPECT_EQ(*r.U16Be("length"), 0x002a);
  EXPECT_EQ(*r.U8("hs type"), 0x01);
  EXPECT_EQ(*r.U24Be("hs length"), 0x26u);
  EXPECT_EQ(*r.U32Be("magic"), 0x4e544c4du);
  ByteReader le(ByteView(data).subspan(13));
  EXPECT_EQ(*le.U16Le("u16"), 0x0201);
  EXPECT_EQ(*le.U32Le("u32"), 0x06050403u);
  EXPECT_FALSE(le.U64Le("u64").has_value());  // only 2 bytes left
  EXPECT_EQ(le.remaining(), 2u);
  EXPECT_EQ(*le.U16Le("tail"), 0x0807);
  EXPECT_TRUE(le.empty());
}

TEST(ByteReaderTest, ReadsU64LittleEndian) {
  const Bytes data = {1, 2, 3, 4, 5, 6, 7, 8};
  ByteReader r(data);
  EXPECT_EQ(*r.U64Le("ts"), 0x0807060504030201ull);
}

TEST(ByteReaderTest, OverrunFailsNamesFieldAndKeepsCursor) {
  const Bytes data = {0x00, 0x05, 0xaa};
  ByteReader r(data);
  auto len = r.U16Be("cipher_suites length");
  ASSERT_TRUE(len.has_value());
  auto body = r.Take(*len, "cipher_suites");
  ASSERT_FALSE(body.has_value());
  EXPECT_EQ(body.error().code, ErrorCode::kMalformed);
  EXPECT_NE(body.error().message.find("cipher_suites needs 5 byte(s) at offset 2"),
            std::string::npos)
      << body.error().message;
  EXPECT_EQ(r.offset(), 2u);  // unchanged by the failed read
  EXPECT_EQ(*r.U8("last"), 0xaa);
  EXPECT_FALSE(r.U8("past end").has_value());
  EXPECT_FALSE(r.Skip(1, "skip").has_value());
}

TEST(ByteReaderTest, SubReaderIsBoundedToItsSlice) {
  const Bytes data = {0x02, 0xc0, 0x2f, 0xff};
  ByteReader r(data);
  auto n = r.U8("len");
  auto sub = r.Sub(*n, "suites");
  ASSERT_TRUE(sub.has_value());
  EXPECT_EQ(*sub->U16Be("suite"), 0xc02f);
  EXPECT_FALSE(sub->U8("beyond slice").has_value());
  EXPECT_EQ(*r.U8("after"), 0xff);
}

TEST(ByteReaderTest, AtRejectsOffsetsOutsideAndOverflowingLengths) {
  const Bytes data(16, 0x41);
  ByteReader r(data);
  EXPECT_TRUE(r.At(0, 16, "whole").has_value());
  EXPECT_TRUE(r.At(16, 0, "empty at end").has_value());
  EXPECT_FALSE(r.At(17, 0, "past end").has_value());
  EXPECT_FALSE(r.At(8, 9, "one too long").has_value());
  // offset + length wraps around size_t: must still be rejected.
  auto wrap = r.At(8, SIZE_MAX - 4, "TargetInfo");
  ASSERT_FALSE(wrap.has_value());
  EXPECT_NE(wrap.error().message.find("TargetInfo"), std::string::npos);
}

TEST(ByteWriterTest, WritesIntegersInBothOrders) {
  ByteWriter w;
  w.U8(0x16);
  w.U16Be(0x0303);
  w.U24Be(0x010203);
  w.U32Be(0xdeadbeef);
  w.U16Le(0x0102);
  w.U32Le(0x01020304);
  w.U64Le(0x0102030405060708ull);
  EXPECT_EQ(ToHex(w.bytes()),
            "160303010203deadbeef02010403020108070605040302"
            "01");
}

TEST(ByteWriterTest, BackPatchesNestedLengths) {
  ByteWriter w;
  auto record = w.BeginLength(2);
  w.U8(0x01);
  auto handshake = w.BeginLength(3);
  w.Append(std::string_view("abcd"));
  ASSERT_TRUE(w.FinishLength(handshake).has_value());
  ASSERT_TRUE(w.FinishLength(record).has_value());
  EXPECT_EQ(ToHex(w.bytes()),
            "0008"
            "01"
            "000004"
            "61626364");
}

TEST(ByteWriterTest, LengthThatDoesNotFitFails) {
  ByteWriter w;
  auto slot = w.BeginLength(1);
  w.Zeros(256);
  auto done = w.FinishLength(slot);
  ASSERT_FALSE(done.has_value());
  EXPECT_EQ(done.error().code, ErrorCode::kInvalidArgument);
}

TEST(ByteWriterTest, PatchesLittleEndianOffsetsAndRejectsOutOfRange) {
  ByteWriter w;
  w.Zeros(6);
  ASSERT_TRUE(w.PatchU16Le(0, 0x0a0b).has_value());
  ASSERT_TRUE(w.PatchU32Le(2, 0x01020304).has_value());
  EXPECT_EQ(ToHex(w.bytes()), "0b0a04030201");
  EXPECT_FALSE(w.PatchU32Le(3, 1).has_value());
  EXPECT_FALSE(w.PatchU16Le(5, 1).has_value());
  EXPECT_FALSE(w.PatchU16Le(SIZE_MAX, 1).has_value());
}

TEST(HexTest, RoundTripsAndRejectsBadInput) {
  auto bytes = FromHex("4e:54 4c\n4d");
  ASSERT_TRUE(bytes.has_value());
  EXPECT_EQ(ToHex(*bytes), "4e544c4d");
  EXPECT_FALSE(FromHex("abc").has_value());
  EXPECT_FALSE(FromHex("zz").has_value());
}

}  // namespace
}  // namespace probe
