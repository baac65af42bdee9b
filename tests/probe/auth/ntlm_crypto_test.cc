// [MS-NLMP] 4.2 known answers for every one-way function, response and key, plus the
// channel-binding hashes and a real mechListMIC.
#include "probe/auth/ntlm_crypto.h"

#include <gtest/gtest.h>

#include "probe/auth/channel_binding.h"
#include "probe/auth/ntlm_wire.h"
#include "probe/auth/unicode.h"
#include "tests/probe/auth/fixture.h"

namespace probe::auth {
namespace {

using testing::Hex;
using testing::HexArray;

const Block8 kServerChallenge = HexArray<8>("0123456789abcdef");
const Block8 kClientChallenge = HexArray<8>("aaaaaaaaaaaaaaaa");
const Key16 kRandomSessionKey = HexArray<16>("55555555555555555555555555555555");
const Bytes kPlaintext = Utf16LeFromUtf8("Plaintext");

// ---- 4.2.2 NTLMv1 ----

TEST(NtlmV1Test, OneWayFunctionsMatchSpec4221) {
  EXPECT_EQ(ToHex(*LmOwfV1("Password")), "e52cac67419a9a224a3b108f3fa6cb6d");
  EXPECT_EQ(ToHex(*NtOwfV1("Password")), "a4f49c406510bdcab6824ee7c30fd852");
  EXPECT_EQ(ToHex(*Md4(*NtOwfV1("Password"))), "d87262b0cde4b1cb7499becccdf10784");
}

TEST(NtlmV1Test, ResponsesMatchSpec4222) {
  auto v1 =
      ComputeNtlmV1(*NtOwfV1("Password"), *LmOwfV1("Password"), kServerChallenge, std::nullopt);
  ASSERT_TRUE(v1.has_value()) << v1.error().message;
  EXPECT_EQ(ToHex(v1->nt), "67c43011f30298a2ad35ece64f16331c44bdbed927841f94");
  EXPECT_EQ(ToHex(v1->lm), "98def7b87f88aa5dafe2df779688a172def11c7d5ccdef13");
}

TEST(NtlmV1Test, KeyExchangeKeysAndEncryptedSessionKeysMatchSpec4222) {
  Key16 lm_hash = *LmOwfV1("Password");
  Key16 base = *Md4(*NtOwfV1("Password"));
  Bytes lm_response = Hex("98def7b87f88aa5dafe2df779688a172def11c7d5ccdef13");
  struct Case {
    std::uint32_t flags;
    const char* kxkey;
    const char* encrypted;
  };
  for (const Case& c :
       {Case{0, "d87262b0cde4b1cb7499becccdf10784", "518822b1b3f350c8958682ecbb3e3cb7"},
        Case{NtlmFlag::kRequestNonNtSessionKey, "e52cac67419a9a220000000000000000",
             "7452ca55c225a1ca04b48fae32cf56fc"},
        Case{NtlmFlag::kLmKey, "b09e379f7fbecb1eaf0afdcb0383c8a0",
             "4cd7bb57d697ef9b549f02b8f9b37864"}}) {
    auto kxkey = KeyExchangeKeyV1(c.flags, base, lm_hash, lm_response, kServerChallenge);
    ASSERT_TRUE(kxkey.has_value());
    EXPECT_EQ(ToHex(*kxkey), c.kxkey);
    EXPECT_EQ(ToHex(*Rc4SessionKey(*kxkey, kRandomSessionKey)), c.encrypted);
  }
}

TEST(NtlmV1Test, SealWithoutExtendedSessionSecurityMatchesSpec4224) {
  // GSS_WrapEx without ESS seals with RC4 keyed by the exported session key itself.
  EXPECT_EQ(ToHex(*Rc4Once(kRandomSessionKey, kPlaintext)), "56fe04d861f9319af0d7238a2e3b4d457fb8");
}

// ---- 4.2.3 NTLMv1 with client challenge ----

TEST(NtlmV1EssTest, ResponsesAndKeysMatchSpec423) {
  Key16 nt_hash = *NtOwfV1("Password");
  auto v1 = ComputeNtlmV1(nt_hash, *LmOwfV1("Password"), kServerChallenge, kClientChallenge);
  ASSERT_TRUE(v1.has_value());
  EXPECT_EQ(ToHex(v1->lm), "aaaaaaaaaaaaaaaa00000000000000000000000000000000");
  EXPECT_EQ(ToHex(v1->nt), "7537f803ae367128ca458204bde7caf81e97ed2683267232");
  std::uint32_t flags = 0x820a8233;
  auto kxkey =
      KeyExchangeKeyV1(flags, *Md4(nt_hash), *LmOwfV1("Password"), v1->lm, kServerChallenge);
  EXPECT_EQ(ToHex(*kxkey), "eb93429a8bd952f8b89c55b87f475edc");
  EXPECT_EQ(ToHex(*SealKey(*kxkey, flags, Direction::kClientToServer)),
            "04dd7f014d8504d265a25cc86a3a7c06");
  EXPECT_EQ(ToHex(*SignKey(*kxkey, Direction::kClientToServer)),
            "60e799be5c72fc92922ae8ebe961fb8d");
  auto security = NtlmSessionSecurity::Create(*kxkey, flags, Direction::kClientToServer);
  ASSERT_TRUE(security.has_value()) << security.error().message;
  EXPECT_EQ(ToHex(*security->Seal(kPlaintext)), "a02372f6530273f3aa1eb90190ce5200c99d");
  EXPECT_EQ(ToHex(*security->Sign(kPlaintext)), "01000000ff2aeb52f681793a00000000");
}

// ---- 4.2.4 NTLMv2 ----

const Bytes kSpecTargetInfo =
    Hex("02 00 0c 00 44 00 6f 00 6d 00 61 00 69 00 6e 00 01 00 0c 00 53 00 65 00 72 00 76 00 65 00 "
        "72 00 00 00 00 00");

TEST(NtlmV2Test, ValuesMatchSpec424) {
  Key16 key = *NtOwfV2("Password", "User", "Domain");
  EXPECT_EQ(ToHex(key), "0c868a403bfd7a93a3001ef22ef02e3f");
  Bytes blob = NtlmV2Blob(0, kClientChallenge, kSpecTargetInfo);
  EXPECT_EQ(blob, Hex("01 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 aa aa aa aa aa aa aa aa "
                      "00 00 00 00 02 00 0c 00 44 00 6f 00 6d 00 61 00 69 00 6e 00 01 00 0c 00 "
                      "53 00 65 00 72 00 76 00 65 00 72 00 00 00 00 00 00 00 00 00"));  // 4.2.4.1.3
  Key16 proof = *NtProofStr(key, kServerChallenge, blob);
  EXPECT_EQ(ToHex(proof), "68cd0ab851e51c96aabc927bebef6a1c");
  EXPECT_EQ(ToHex(*LmV2Response(key, kServerChallenge, kClientChallenge)),
            "86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa");
  Key16 base = *NtlmV2SessionBaseKey(key, proof);
  EXPECT_EQ(ToHex(base), "8de40ccadbc14a82f15cb0ad0de95ca3");
  EXPECT_EQ(ToHex(*Rc4SessionKey(base, kRandomSessionKey)), "c5dad2544fc9799094ce1ce90bc9d03e");
}

TEST(NtlmV2Test, DomainKeepsItsCaseAndUserIsUpperCased) {
  EXPECT_EQ(*NtOwfV2("Password", "user", "Domain"), *NtOwfV2("Password", "USER", "Domain"));
  EXPECT_NE(*NtOwfV2("Password", "User", "DOMAIN"), *NtOwfV2("Password", "User", "Domain"));
  EXPECT_EQ(*NtOwfV2FromHash(*NtOwfV1("Password"), "User", "Domain"),
            *NtOwfV2("Password", "User", "Domain"));
}

TEST(NtlmV2Test, SessionSecurityMatchesSpec4244) {
  std::uint32_t flags = 0xe2888235;  // the spec AUTHENTICATE's flags: ESS, KEY_EXCH, 128
  EXPECT_EQ(ToHex(*SealKey(kRandomSessionKey, flags, Direction::kClientToServer)),
            "59f600973cc4960a25480a7c196e4c58");
  EXPECT_EQ(ToHex(*SignKey(kRandomSessionKey, Direction::kClientToServer)),
            "4788dc861b4782f35d43fd98fe1a2d39");
  EXPECT_EQ(ToHex(*SignKey(kRandomSessionKey, Direction::kServerToClient)),
            "d04d6f10741041d1d246d64188d7a8ad");
  auto security = NtlmSessionSecurity::Create(kRandomSessionKey, flags, Direction::kClientToServer);
  ASSERT_TRUE(security.has_value());
  // GSS_WrapEx: seal, then sign the plaintext; the checksum continues the RC4 stream.
  EXPECT_EQ(ToHex(*security->Seal(kPlaintext)), "54e50165bf1936dc996020c1811b0f06fb5f");
  EXPECT_EQ(ToHex(*security->Sign(kPlaintext)), "010000007fb38ec5c55d497600000000");
}

TEST(NtlmV2Test, SigningNeedsExtendedSessionSecurity) {
  auto security =
      NtlmSessionSecurity::Create(kRandomSessionKey, NtlmFlag::k128, Direction::kClientToServer);
  ASSERT_FALSE(security.has_value());
  EXPECT_EQ(security.error().code, ErrorCode::kUnsupported);
}

TEST(MicTest, ChromiumEpaVectorRecomputes) {
  // Reference 2.5: no KEY_EXCH, so the MIC is keyed with the session base key.
  Bytes auth = testing::Fixture("chromium_epa_mic_authenticate");
  auto mic =
      ComputeMic(Hex("623dbd071be7a530b6a95c2eb4982470"), testing::Fixture("chromium_negotiate"),
                 testing::Fixture("spec_4_2_4_challenge"), auth);
  ASSERT_TRUE(mic.has_value());
  EXPECT_EQ(ToHex(*mic), "f7361633f0ad9bdf4a7c421bc6b824a3");
  EXPECT_EQ(ToHex(ByteView(auth).subspan(72, 16)), ToHex(*mic));
  EXPECT_FALSE(ComputeMic(kRandomSessionKey, {}, {}, Bytes(87, 0)).has_value());
}

// ---- channel binding (reference 3.2) ----

TEST(ChannelBindingTest, HashesMatchTheBlogAndNtlmAuthVectors) {
  Bytes blog = TlsServerEndPointData(
      Hex("ea05fefecc6b0bd571dbbc5baa3ed45386d0446835f7b74c85621b9983475f95"));
  EXPECT_EQ(blog.size(), 53u);
  EXPECT_EQ(ToHex(*ChannelBindingHash(blog)), "6586e99d81c2fc984e47172fd4dd0310");
  Bytes ntlm_auth = TlsServerEndPointData(
      Hex("e3ca49271e5089cc48ce82109f1324f41dbeddc29a777410c738f7868c4ff405"));
  EXPECT_EQ(ToHex(*ChannelBindingHash(ntlm_auth)), "6ea19df066da4622051f9c4f92c6df74");
}

TEST(ChannelBindingTest, ModesProduceAbsentZeroCorrectAndWrong) {
  Bytes data = TlsServerEndPointData(
      Hex("ea05fefecc6b0bd571dbbc5baa3ed45386d0446835f7b74c85621b9983475f95"));
  EXPECT_FALSE(ChannelBindingValue(ChannelBindingMode::kOmit, data)->has_value());
  EXPECT_EQ(**ChannelBindingValue(ChannelBindingMode::kZero, {}), Key16{});
  EXPECT_EQ(ToHex(**ChannelBindingValue(ChannelBindingMode::kCorrect, data)),
            "6586e99d81c2fc984e47172fd4dd0310");
  EXPECT_EQ(ToHex(**ChannelBindingValue(ChannelBindingMode::kWrong, data)),
            "9a7916627e3d0367b1b8e8d02b22fcef");
  auto missing = ChannelBindingValue(ChannelBindingMode::kCorrect, {});
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParseChannelBindingMode("wrong"), ChannelBindingMode::kWrong);
  EXPECT_EQ(ParseChannelBindingMode("bogus"), std::nullopt);
  EXPECT_EQ(ChannelBindingModeName(ChannelBindingMode::kZero), "zero");
}

}  // namespace
}  // namespace probe::auth
