// DER reader and writer edge cases: long-form lengths, truncation, indefinite lengths, tags the
// reader refuses, nesting limits, absolute offsets in errors, OIDs.
#include "probe/auth/der.h"

#include <gtest/gtest.h>

#include "probe/auth/gss_mechs.h"
#include "tests/probe/auth/fixture.h"

namespace probe::auth {
namespace {

using testing::Hex;

std::string ReadError(const Bytes& data) {
  der::Reader reader(data);
  auto element = reader.Read("test");
  return element ? "" : element.error().message;
}

TEST(DerReaderTest, ShortAndLongFormLengths) {
  Bytes long1 = Hex("0481 80");
  long1.resize(3 + 128, 0xab);
  der::Reader r1(long1);
  EXPECT_EQ(r1.Read("x")->contents.size(), 128u);
  Bytes long2 = Hex("0482 0100");
  long2.resize(4 + 256, 0);
  EXPECT_EQ(der::Reader(long2).Read("x")->contents.size(), 256u);
  Bytes long4 = Hex("0484 00000002 cafe");
  EXPECT_EQ(ToHex(der::Reader(long4).Read("x")->contents), "cafe");
  // Long form where short would do is not DER, but BER senders exist: accepted.
  EXPECT_EQ(ToHex(der::Reader(Hex("0481 02 beef")).Read("x")->contents), "beef");
}

TEST(DerReaderTest, RefusesWhatIsNotBoundedDer) {
  EXPECT_EQ(ReadError(Hex("3080 0000")), "test at offset 1: indefinite length is not DER");
  EXPECT_EQ(ReadError(Hex("0485 0000000001 00")),
            "test at offset 1: a length of 5 octets exceeds the 4 allowed");
  EXPECT_EQ(ReadError(Hex("0482 01")), "test at offset 1: the length octets are cut off");
  EXPECT_EQ(ReadError(Hex("04")), "test at offset 1: the length is missing");
  EXPECT_EQ(ReadError(Hex("0405 0102")),
            "test at offset 0: length 5 runs past the end of its enclosing element (2 byte(s) "
            "left)");
  EXPECT_EQ(ReadError(Hex("0484 ffffffff 00")),
            "test at offset 0: length 4294967295 runs past the end of its enclosing element (1 "
            "byte(s) left)");
  EXPECT_EQ(ReadError(Hex("1f8101 00")),
            "test at offset 0: high-tag-number form 0x1f is not supported");
  EXPECT_EQ(ReadError({}), "test at offset 0: the element is missing");
}

TEST(DerReaderTest, EveryTruncationOfARealTokenFails) {
  Bytes token = testing::Fixture("win2019_smb_negtokeninit");
  ASSERT_TRUE(der::Validate(token).has_value());
  for (std::size_t n = 1; n < token.size(); ++n) {
    auto ok = der::Validate(ByteView(token).first(n));
    ASSERT_FALSE(ok.has_value()) << n;
    EXPECT_EQ(ok.error().code, ErrorCode::kMalformed);
  }
}

TEST(DerReaderTest, NestingIsLimited) {
  auto nested = [](int depth) {
    Bytes inner;
    for (int i = 0; i < depth; ++i) inner = der::Tlv(der::kSequence, inner);
    return inner;
  };
  EXPECT_TRUE(der::Validate(nested(der::kMaxDepth)).has_value());
  auto deep = der::Validate(nested(der::kMaxDepth + 1));
  ASSERT_FALSE(deep.has_value());
  EXPECT_NE(deep.error().message.find("nesting deeper than 16 levels"), std::string::npos)
      << deep.error().message;
  // A hostile token of 10,000 well-formed levels fails at the limit, not on the stack.
  EXPECT_FALSE(der::Validate(nested(10000)).has_value());
}

TEST(DerReaderTest, OffsetsAreAbsoluteAndTagsChecked) {
  Bytes data = Hex("30 07 a1 05 04 03 010203");
  der::Reader top(data);
  auto seq = top.Expect(der::kSequence, "seq");
  auto level1 = top.Enter(*seq, "seq");
  auto tagged = level1->Expect(der::Context(1), "tagged");
  EXPECT_EQ(tagged->offset, 2u);
  auto level2 = level1->Enter(*tagged, "tagged");
  EXPECT_EQ(level2->offset(), 4u);
  EXPECT_EQ(level2->depth(), 2);
  auto wrong = level2->Expect(der::kOid, "oid");
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().message, "oid at offset 4: tag 0x04 where 0x06 was expected");
  auto primitive = level2->Read("octets");  // a failed Expect does not move the cursor
  ASSERT_TRUE(primitive.has_value());
  EXPECT_EQ(primitive->tag, der::kOctetString);
  EXPECT_FALSE(level2->Enter(*primitive, "octets").has_value());
}

TEST(DerWriterTest, MinimalLengths) {
  EXPECT_EQ(ToHex(der::Tlv(der::kOctetString, {})), "0400");
  EXPECT_EQ(ToHex(der::Tlv(der::kOctetString, Bytes(127))).substr(0, 4), "047f");
  EXPECT_EQ(ToHex(der::Tlv(der::kOctetString, Bytes(128))).substr(0, 6), "048180");
  EXPECT_EQ(ToHex(der::Tlv(der::kOctetString, Bytes(255))).substr(0, 6), "0481ff");
  EXPECT_EQ(ToHex(der::Tlv(der::kOctetString, Bytes(256))).substr(0, 8), "04820100");
  EXPECT_EQ(ToHex(der::Tlv(der::kOctetString, Bytes(65536))).substr(0, 10), "0483010000");
  Bytes big = der::Tlv(der::kOctetString, Bytes(70000, 7));
  EXPECT_EQ(der::Reader(big).Read("x")->contents.size(), 70000u);
}

TEST(DerOidTest, TableEntriesSpellTheirDottedForms) {
  struct Case {
    Mech mech;
    const char* dotted;
  };
  for (const Case& c :
       {Case{Mech::kSpnego, "1.3.6.1.5.5.2"}, Case{Mech::kNtlm, "1.3.6.1.4.1.311.2.2.10"},
        Case{Mech::kKerberos, "1.2.840.113554.1.2.2"},
        Case{Mech::kMsKerberos, "1.2.840.48018.1.2.2"},
        Case{Mech::kKerberosU2U, "1.2.840.113554.1.2.2.3"},
        Case{Mech::kNegoEx, "1.3.6.1.4.1.311.2.2.30"}}) {
    EXPECT_EQ(*der::OidToString(MechOid(c.mech)), c.dotted);
    EXPECT_EQ(*der::OidFromString(c.dotted), Bytes(MechOid(c.mech).begin(), MechOid(c.mech).end()));
    EXPECT_EQ(FindMech(MechOid(c.mech))->mech, c.mech);
  }
  EXPECT_EQ(*der::OidToString(*der::OidFromString("2.999.18446744073709551615")),
            "2.999.18446744073709551615");
}

TEST(DerOidTest, RejectsMalformedOids) {
  EXPECT_FALSE(der::OidToString({}).has_value());
  EXPECT_FALSE(der::OidToString(Hex("2b 80 01")).has_value());  // leading 0x80 in an arc
  EXPECT_FALSE(der::OidToString(Hex("2b 86")).has_value());     // last arc cut off
  EXPECT_FALSE(der::OidToString(Hex("2b ffffffffffffffffff7f")).has_value());  // overflow
  EXPECT_FALSE(der::OidFromString("1").has_value());
  EXPECT_FALSE(der::OidFromString("1.40").has_value());
  EXPECT_FALSE(der::OidFromString("3.1").has_value());
  EXPECT_FALSE(der::OidFromString("1..2").has_value());
  EXPECT_FALSE(der::OidFromString("1.2.x").has_value());
}

}  // namespace
}  // namespace probe::auth
