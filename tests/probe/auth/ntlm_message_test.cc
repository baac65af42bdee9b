// NTLM message decoders and encoders against the spec vectors and real captures, then
// round-trip-then-corrupt: every offset and length from the wire must be checked.
#include "probe/auth/ntlm_message.h"

#include <gtest/gtest.h>

#include "probe/auth/ntlm_crypto.h"
#include "tests/probe/auth/fixture.h"

namespace probe::auth {
namespace {

using testing::Fixture;
using testing::Hex;

std::vector<std::uint16_t> AvIds(const AvPairList& list) {
  std::vector<std::uint16_t> ids;
  for (const AvPair& pair : list.pairs) ids.push_back(pair.id);
  return ids;
}

TEST(NtlmNegotiateTest, DecodesAndReencodesWindowsAndMitForms) {
  Bytes windows = Fixture("win2019_negotiate");
  auto m = DecodeNegotiate(windows);
  ASSERT_TRUE(m.has_value()) << m.error().message;
  EXPECT_EQ(m->flags, 0xe20882b7u);
  ASSERT_TRUE(m->version.has_value());
  EXPECT_EQ(m->version->ToString(), "10.0.17763");
  EXPECT_EQ(m->version->revision, 15);
  EXPECT_EQ(*EncodeNegotiate(*m), windows);

  Bytes mit = Fixture("gssntlmssp_negotiate");
  auto short_form = DecodeNegotiate(mit);
  ASSERT_TRUE(short_form.has_value());
  EXPECT_FALSE(short_form->version.has_value());
  EXPECT_EQ(*EncodeNegotiate(*short_form), mit);

  auto chromium = DecodeNegotiate(Fixture("chromium_negotiate"));
  ASSERT_TRUE(chromium.has_value());
  EXPECT_EQ(chromium->domain_ref.offset, 32u);  // empty fields that point at the payload start
  EXPECT_FALSE(chromium->version.has_value());
}

TEST(NtlmNegotiateTest, OemDomainAndWorkstationRoundTrip) {
  Bytes bytes = Fixture("ntlmauth_negotiate");
  auto m = DecodeNegotiate(bytes);
  ASSERT_TRUE(m.has_value()) << m.error().message;
  EXPECT_EQ(m->domain, "Domain");
  EXPECT_EQ(m->workstation.size(), 16u);
  EXPECT_EQ(m->version->ToString(), "6.1.7601");
  EXPECT_EQ(*EncodeNegotiate(*m), bytes);
}

TEST(NtlmChallengeTest, DecodesSpec4243) {
  Bytes bytes = Fixture("spec_4_2_4_challenge");
  auto m = DecodeChallenge(bytes);
  ASSERT_TRUE(m.has_value()) << m.error().message;
  EXPECT_EQ(m->flags, 0xe28a8233u);
  EXPECT_EQ(m->target_name, "Server");
  EXPECT_EQ(m->target_name_ref.offset, 56u);
  EXPECT_EQ(ToHex(m->server_challenge), "0123456789abcdef");
  EXPECT_EQ(m->version->ToString(), "6.0.6000");
  EXPECT_EQ(m->target_info_ref.offset, 68u);
  EXPECT_EQ(m->target_info_ref.length, 36u);
  EXPECT_EQ(AvIds(m->target_info), (std::vector<std::uint16_t>{2, 1}));  // domain first on the wire
  EXPECT_EQ(m->target_info.String(AvId::kNbDomainName), "Domain");
  EXPECT_EQ(m->target_info.String(AvId::kNbComputerName), "Server");
  EXPECT_TRUE(m->target_info.terminated);
  EXPECT_FALSE(m->target_info.Timestamp().has_value());
  EXPECT_EQ(m->raw, bytes);
}

TEST(NtlmChallengeTest, ReencodesSpecAndWindowsChallengesByteForByte) {
  for (const char* name : {"spec_4_2_2_challenge", "spec_4_2_3_challenge", "spec_4_2_4_challenge",
                           "win7_epa_challenge"}) {
    Bytes bytes = Fixture(name);
    auto m = DecodeChallenge(bytes);
    ASSERT_TRUE(m.has_value()) << name << ": " << m.error().message;
    auto encoded = EncodeChallenge(*m);
    ASSERT_TRUE(encoded.has_value());
    EXPECT_EQ(ToHex(*encoded), ToHex(bytes)) << name;
  }
}

TEST(NtlmChallengeTest, DecodesTheWindows7Capture) {
  auto m = DecodeChallenge(Fixture("win7_epa_challenge"));
  ASSERT_TRUE(m.has_value()) << m.error().message;
  EXPECT_EQ(m->flags, 0xa2898205u);
  EXPECT_EQ(m->target_name, "WS2008R2");
  EXPECT_EQ(m->version->ToString(), "6.1.7600");
  EXPECT_EQ(AvIds(m->target_info), (std::vector<std::uint16_t>{2, 1, 4, 3, 5, 7}));
  EXPECT_EQ(m->target_info.String(AvId::kNbComputerName), "DC-WS2008R2");
  EXPECT_EQ(m->target_info.String(AvId::kDnsComputerName), "DC-ws2008r2.ws2008r2.local");
  EXPECT_EQ(m->target_info.String(AvId::kDnsTreeName), "ws2008r2.local");
  EXPECT_EQ(m->target_info.Timestamp(), 0x01cdde0bc33fe77bull);
}

TEST(NtlmChallengeTest, OldServersWithoutTargetInfoAndOddNameLengths) {
  auto v1 = DecodeChallenge(Fixture("spec_4_2_2_challenge"));
  ASSERT_TRUE(v1.has_value());
  EXPECT_TRUE(v1->has_target_info_fields);
  EXPECT_TRUE(v1->target_info.pairs.empty());
  EXPECT_FALSE(v1->target_info.terminated);
  // Chromium's kMinChallengeMessage: the 32-byte form.
  Bytes minimal = Hex("4e544c4d53535000 02000000 0000000020000000 07820800 0123456789abcdef");
  auto old = DecodeChallenge(minimal);
  ASSERT_TRUE(old.has_value()) << old.error().message;
  EXPECT_FALSE(old->has_target_info_fields);
  EXPECT_EQ(*EncodeChallenge(*old), minimal);
  auto odd = DecodeChallenge(Fixture("ntlmauth_challenge"));  // TargetName Len 3
  ASSERT_TRUE(odd.has_value());
  EXPECT_EQ(odd->target_name, "S\xef\xbf\xbd");
}

TEST(NtlmAuthenticateTest, DecodesAndReencodesSpec4223NtlmV1) {
  Bytes bytes = Fixture("spec_4_2_2_authenticate");
  auto m = DecodeAuthenticate(bytes);
  ASSERT_TRUE(m.has_value()) << m.error().message;
  EXPECT_EQ(m->flags, 0xe2808235u);
  EXPECT_EQ(m->ResponseKind(), NtResponseKind::kNtlmV1);
  EXPECT_EQ(m->domain, "Domain");
  EXPECT_EQ(m->user, "User");
  EXPECT_EQ(m->workstation, "COMPUTER");
  EXPECT_EQ(m->header_size, 72u);
  EXPECT_EQ(m->version->ToString(), "5.1.2600");
  EXPECT_FALSE(m->mic.has_value());
  EXPECT_FALSE(m->ntlmv2.has_value());
  EXPECT_EQ(ToHex(m->lm_response), "98def7b87f88aa5dafe2df779688a172def11c7d5ccdef13");
  EXPECT_EQ(ToHex(m->nt_response), "67c43011f30298a2ad35ece64f16331c44bdbed927841f94");
  EXPECT_EQ(ToHex(m->encrypted_random_session_key), "518822b1b3f350c8958682ecbb3e3cb7");
  EXPECT_EQ(ToHex(*EncodeAuthenticate(*m)), ToHex(bytes));
  auto ess = DecodeAuthenticate(Fixture("spec_4_2_3_authenticate"));
  ASSERT_TRUE(ess.has_value());
  EXPECT_EQ(ToHex(ess->nt_response), "7537f803ae367128ca458204bde7caf81e97ed2683267232");
  EXPECT_EQ(*EncodeAuthenticate(*ess), Fixture("spec_4_2_3_authenticate"));
}

TEST(NtlmAuthenticateTest, DecodesSpec4243NtlmV2Blob) {
  Bytes bytes = Fixture("spec_4_2_4_authenticate");
  auto m = DecodeAuthenticate(bytes);
  ASSERT_TRUE(m.has_value()) << m.error().message;
  ASSERT_TRUE(m->ntlmv2.has_value());
  const NtlmV2Response& v2 = *m->ntlmv2;
  EXPECT_EQ(ToHex(v2.nt_proof_str), "68cd0ab851e51c96aabc927bebef6a1c");
  EXPECT_EQ(v2.resp_type, 1);
  EXPECT_EQ(v2.timestamp, 0u);
  EXPECT_EQ(ToHex(v2.client_challenge), "aaaaaaaaaaaaaaaa");
  EXPECT_EQ(AvIds(v2.av_pairs), (std::vector<std::uint16_t>{2, 1}));
  EXPECT_EQ(v2.av_pairs.trailing_bytes, 4u);  // the Z(4) of temp
  EXPECT_EQ(v2.blob.size(), 0x54u - 16);
  EXPECT_EQ(ToHex(*EncodeAuthenticate(*m)), ToHex(bytes));
}

TEST(NtlmAuthenticateTest, DecodesTheWindows7CaptureAndItsProofRecomputes) {
  Bytes bytes = Fixture("win7_epa_authenticate");
  auto m = DecodeAuthenticate(bytes);
  ASSERT_TRUE(m.has_value()) << m.error().message;
  EXPECT_EQ(m->flags, 0xa2888205u);
  EXPECT_EQ(m->user, "Administrator");
  EXPECT_EQ(m->domain, "WS2008R2");
  EXPECT_EQ(m->workstation, "WIN7-2-PC");
  EXPECT_EQ(m->header_size, 88u);
  EXPECT_EQ(m->version->ToString(), "6.1.7600");
  EXPECT_EQ(ToHex(*m->mic), "f054a542b090b66c1fea1a2cc82e930b");
  EXPECT_EQ(m->lm_response, Bytes(24, 0));
  EXPECT_TRUE(m->encrypted_random_session_key.empty());
  const AvPairList& pairs = m->ntlmv2->av_pairs;
  EXPECT_EQ(AvIds(pairs), (std::vector<std::uint16_t>{2, 1, 4, 3, 5, 7, 6, 8, 10, 9}));
  EXPECT_EQ(pairs.Flags(), 2u);
  EXPECT_EQ(ToHex(pairs.Find(AvId::kChannelBindings)->value), "6586e99d81c2fc984e47172fd4dd0310");
  EXPECT_EQ(pairs.String(AvId::kTargetName), "HTTP/dc-ws2008r2.ws2008r2.local");
  EXPECT_EQ(pairs.trailing_bytes, 8u);
  // Reference 2.6: NT hash of "P@ssw0rd" and the server challenge reproduce NTProofStr.
  EXPECT_EQ(ToHex(*NtOwfV1("P@ssw0rd")), "e19ccf75ee54e06b06a5907af13cef42");
  auto key = NtOwfV2("P@ssw0rd", "Administrator", "WS2008R2");
  auto proof =
      NtProofStr(*key, Block8{0xa2, 0xc5, 0xe8, 0xca, 0x30, 0x84, 0xaa, 0x72}, m->ntlmv2->blob);
  EXPECT_EQ(ToHex(*proof), "5a6a21ae1a44c044693eee59fc5d81e0");
  EXPECT_EQ(ToHex(*EncodeAuthenticate(*m)), ToHex(bytes));
}

TEST(NtlmAuthenticateTest, ChromiumLayoutReencodesWithResponsesFirst) {
  for (const char* name : {"chromium_epa_mic_authenticate", "chromium_zero_cb_authenticate",
                           "chromium_old_challenge_authenticate"}) {
    Bytes bytes = Fixture(name);
    auto m = DecodeAuthenticate(bytes);
    ASSERT_TRUE(m.has_value()) << name << ": " << m.error().message;
    EXPECT_TRUE(m->mic.has_value()) << name;
    ASSERT_TRUE(m->version.has_value());  // zero VERSION slot, flag not set
    EXPECT_EQ(m->version->ToString(), "0.0.0");
    EXPECT_EQ(ToHex(*EncodeAuthenticate(*m, PayloadOrder::kResponsesFirst)), ToHex(bytes)) << name;
  }
}

TEST(NtlmMessageTest, DispatchesOnTypeAndRejectsOthers) {
  EXPECT_TRUE(
      std::holds_alternative<NtlmChallenge>(*DecodeNtlmMessage(Fixture("win7_epa_challenge"))));
  auto not_ntlm = DecodeNtlmMessage(AsBytes("HTTP/1.1 401 Unauthorized"));
  ASSERT_FALSE(not_ntlm.has_value());
  EXPECT_EQ(not_ntlm.error().code, ErrorCode::kMalformed);
  EXPECT_NE(not_ntlm.error().message.find("not an NTLM message"), std::string::npos);
  Bytes type4 = Fixture("win2019_negotiate");
  type4[8] = 4;
  EXPECT_EQ(DecodeNtlmMessage(type4).error().message,
            "NTLM MessageType 4 at offset 8 is not 1, 2 or 3");
  EXPECT_EQ(DecodeChallenge(Fixture("win2019_negotiate")).error().message,
            "NTLM MessageType 1 at offset 8 is not 2 (CHALLENGE)");
}

// ---- round trip, then corrupt -----------------------------------------------------------------

struct Descriptor {
  std::size_t at;
  const char* field;
};

void PatchU16(Bytes& b, std::size_t at, std::uint16_t v) {
  b[at] = v & 0xff;
  b[at + 1] = v >> 8;
}
void PatchU32(Bytes& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = (v >> (8 * i)) & 0xff;
}

void ExpectMalformedNaming(const Bytes& corrupt, const std::string& field, const char* what) {
  auto m = DecodeNtlmMessage(corrupt);
  ASSERT_FALSE(m.has_value()) << field << " " << what;
  EXPECT_EQ(m.error().code, ErrorCode::kMalformed);
  EXPECT_NE(m.error().message.find(field), std::string::npos) << what << ": " << m.error().message;
}

void CorruptEachDescriptor(const char* fixture, const char* message,
                           std::initializer_list<Descriptor> descriptors) {
  Bytes good = Fixture(fixture);
  ASSERT_TRUE(DecodeNtlmMessage(good).has_value()) << fixture;
  for (const Descriptor& d : descriptors) {
    std::string field = std::string(message) + " " + d.field;
    std::uint16_t length = good[d.at] | (good[d.at + 1] << 8);
    std::uint32_t offset = good[d.at + 4] | (good[d.at + 5] << 8) | (good[d.at + 6] << 16);
    Bytes bad = good;  // offset bumped so the field ends one byte past the message
    PatchU16(bad, d.at, std::max<std::uint16_t>(length, 1));
    PatchU32(bad, d.at + 4,
             static_cast<std::uint32_t>(good.size() - std::max<std::uint16_t>(length, 1) + 1));
    ExpectMalformedNaming(bad, field, "offset past the end");
    bad = good;  // length bumped past the end
    PatchU16(bad, d.at, static_cast<std::uint16_t>(good.size() - offset + 1));
    ExpectMalformedNaming(bad, field, "length past the end");
    bad = good;  // an offset that would overflow 32-bit arithmetic
    PatchU16(bad, d.at, std::max<std::uint16_t>(length, 1));
    PatchU32(bad, d.at + 4, 0xffffffff);
    ExpectMalformedNaming(bad, field, "offset 0xffffffff");
  }
}

TEST(NtlmCorruptTest, NegotiateFields) {
  CorruptEachDescriptor("ntlmauth_negotiate", "NEGOTIATE",
                        {{16, "DomainName"}, {24, "Workstation"}});
}

TEST(NtlmCorruptTest, ChallengeFields) {
  for (const char* name : {"spec_4_2_4_challenge", "win7_epa_challenge"}) {
    CorruptEachDescriptor(name, "CHALLENGE", {{12, "TargetName"}, {40, "TargetInfo"}});
  }
}

TEST(NtlmCorruptTest, AuthenticateFields) {
  for (const char* name :
       {"spec_4_2_4_authenticate", "win7_epa_authenticate", "chromium_epa_mic_authenticate"}) {
    CorruptEachDescriptor(name, "AUTHENTICATE",
                          {{12, "LmChallengeResponse"},
                           {20, "NtChallengeResponse"},
                           {28, "DomainName"},
                           {36, "UserName"},
                           {44, "Workstation"},
                           {52, "EncryptedRandomSessionKey"}});
  }
}

TEST(NtlmCorruptTest, TheSentenceForATargetInfoPastTheEnd) {
  Bytes challenge = Fixture("spec_4_2_4_challenge");
  challenge.resize(120, 0);
  PatchU16(challenge, 40, 900);
  PatchU32(challenge, 44, 72);
  EXPECT_EQ(DecodeNtlmMessage(challenge).error().message,
            "CHALLENGE TargetInfo at offset 72 with length 900 lies outside the 120-byte message");
}

TEST(NtlmCorruptTest, AvPairLengthsPastTheirField) {
  Bytes challenge = Fixture("spec_4_2_4_challenge");
  PatchU16(challenge, 0x44 + 2, 0x40);  // MsvAvNbDomainName AvLen
  ExpectMalformedNaming(challenge, "CHALLENGE TargetInfo MsvAvNbDomainName value", "AvLen");
  Bytes auth = Fixture("win7_epa_authenticate");
  PatchU16(auth, 0xd8 + 2, 0x400);  // first AV pair of the NTLMv2 blob
  ExpectMalformedNaming(auth, "AUTHENTICATE NTLMv2 AvPairs", "blob AvLen");
  Bytes short_nt = Fixture("spec_4_2_4_authenticate");
  PatchU16(short_nt, 20, 30);  // 30 bytes: more than NTLMv1, less than an NTLMv2 header
  ExpectMalformedNaming(short_nt, "AUTHENTICATE NTLMv2", "short NTLMv2 response");
}

TEST(NtlmCorruptTest, EveryTruncationFailsCleanly) {
  for (const char* name : {"win2019_negotiate", "spec_4_2_4_challenge", "win7_epa_challenge",
                           "spec_4_2_2_authenticate", "win7_epa_authenticate"}) {
    Bytes bytes = Fixture(name);
    for (std::size_t n = 0; n < bytes.size(); ++n) {
      auto m = DecodeNtlmMessage(ByteView(bytes).first(n));
      if (!m) {
        EXPECT_EQ(m.error().code, ErrorCode::kMalformed) << name << " at " << n;
      }
    }
  }
}

}  // namespace
}  // namespace probe::auth
