// Known-answer tests of the primitives from their own standards, independent of NTLM.
#include "probe/auth/crypto.h"

#include <gtest/gtest.h>

#include "tests/probe/auth/fixture.h"

namespace probe::auth {
namespace {

using testing::Hex;
using testing::HexArray;

TEST(CryptoTest, LegacyProviderLoads) {
  auto ok = LegacyCryptoAvailable();
  EXPECT_TRUE(ok.has_value()) << ok.error().message;
}

TEST(CryptoTest, Md4KnownAnswersFromRfc1320) {
  EXPECT_EQ(ToHex(*Md4(AsBytes(""))), "31d6cfe0d16ae931b73c59d7e0c089c0");
  EXPECT_EQ(ToHex(*Md4(AsBytes("abc"))), "a448017aaf21d8525fc10ae87aa6729d");
  EXPECT_EQ(ToHex(*Md4(AsBytes("message digest"))), "d9130a8164549fe818874806e1c7014b");
}

TEST(CryptoTest, Md5KnownAnswersFromRfc1321AndConcatenation) {
  EXPECT_EQ(ToHex(*Md5({AsBytes("abc")})), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(ToHex(*Md5({AsBytes("a"), AsBytes(""), AsBytes("bc")})),
            "900150983cd24fb0d6963f7d28e17f72");
}

TEST(CryptoTest, HmacMd5KnownAnswersFromRfc2104) {
  Bytes key(16, 0x0b);
  EXPECT_EQ(ToHex(*HmacMd5(key, {AsBytes("Hi There")})), "9294727a3638bb1c13f48ef8158bfc9d");
  EXPECT_EQ(
      ToHex(*HmacMd5(AsBytes("Jefe"), {AsBytes("what do ya want "), AsBytes("for nothing?")})),
      "750c783e6ab0b503eaa86e310a5db738");
}

TEST(CryptoTest, Sha256KnownAnswer) {
  EXPECT_EQ(ToHex(*Sha256(AsBytes("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(CryptoTest, DesKnownAnswer) {
  // The classic worked example (J. Orlin Grabbe, "The DES Algorithm Illustrated").
  auto out = DesEncryptBlock(HexArray<8>("133457799bbcdff1"), HexArray<8>("0123456789abcdef"));
  ASSERT_TRUE(out.has_value()) << out.error().message;
  EXPECT_EQ(ToHex(*out), "85e813540f0ab405");
}

TEST(CryptoTest, Rc4KnownAnswerFromRfc6229AndStateCarriesOver) {
  // RFC 6229, 40-bit key 0102030405, key stream at offset 0.
  Bytes zeros(16, 0);
  EXPECT_EQ(ToHex(*Rc4Once(Hex("0102030405"), zeros)), "b2396305f03dc027ccc3524a0a1118a8");
  auto rc4 = Rc4::Create(Hex("0102030405"));
  ASSERT_TRUE(rc4.has_value());
  EXPECT_EQ(ToHex(*rc4->Apply(Bytes(8, 0))), "b2396305f03dc027");
  EXPECT_EQ(ToHex(*rc4->Apply(Bytes(8, 0))), "ccc3524a0a1118a8");
  EXPECT_FALSE(Rc4::Create({}).has_value());
}

TEST(CryptoTest, RandomBytesAreRandom) {
  auto a = RandomBytes(16);
  auto b = RandomBytes(16);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->size(), 16u);
  EXPECT_NE(*a, *b);
}

}  // namespace
}  // namespace probe::auth
