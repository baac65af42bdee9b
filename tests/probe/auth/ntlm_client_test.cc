// The client's NEGOTIATE and AUTHENTICATE, byte for byte against [MS-NLMP] 4.2.4.3, Chromium's
// EPA/MIC vectors and ntlm-auth's KEY_EXCH vectors; then the MIC, binding and target-name rules.
#include "probe/auth/ntlm_client.h"

#include <gtest/gtest.h>

#include "probe/auth/ntlm_crypto.h"
#include "tests/probe/auth/fixture.h"

namespace probe::auth {
namespace {

using testing::Fixture;
using testing::Hex;
using testing::HexArray;

const Bytes kBlogBinding =
    TlsServerEndPointData(Hex("ea05fefecc6b0bd571dbbc5baa3ed45386d0446835f7b74c85621b9983475f95"));
const Bytes kNtlmAuthBinding =
    TlsServerEndPointData(Hex("e3ca49271e5089cc48ce82109f1324f41dbeddc29a777410c738f7868c4ff405"));
constexpr std::uint64_t kChromiumClientTime = 131400439870000000ULL;

NtlmChallenge Challenge(const char* fixture) {
  auto challenge = DecodeChallenge(Fixture(fixture));
  EXPECT_TRUE(challenge.has_value()) << fixture;
  return challenge.value_or(NtlmChallenge{});
}

// The [MS-NLMP] 4.2.1 inputs.
AuthenticateInputs SpecInputs(const char* challenge) {
  AuthenticateInputs in;
  in.credentials = {"User", "Domain", "Password"};
  in.workstation = "COMPUTER";
  in.challenge = Challenge(challenge);
  in.client_challenge = HexArray<8>("aaaaaaaaaaaaaaaa");
  in.random_session_key = HexArray<16>("55555555555555555555555555555555");
  in.timestamp = 0;
  return in;
}

// Chromium's settings: no KEY_EXCH, MIC always, zero VERSION, responses first.
AuthenticateInputs ChromiumInputs(const char* challenge) {
  AuthenticateInputs in = SpecInputs(challenge);
  in.negotiate = Fixture("chromium_negotiate");
  in.flags = 0x00088203;
  in.version = std::nullopt;
  in.timestamp = kChromiumClientTime;
  in.mic = MicPolicy::kAlways;
  in.payload_order = PayloadOrder::kResponsesFirst;
  in.channel_binding = ChannelBindingMode::kCorrect;
  in.channel_binding_data = kBlogBinding;
  in.target_name = "HTTP/Server";
  return in;
}

// ntlm-auth's settings: flags without OEM, VERSION 6.1.7601, a workstation it encodes twice.
AuthenticateInputs NtlmAuthInputs() {
  AuthenticateInputs in = SpecInputs("ntlmauth_challenge");
  in.flags = 0xe28a8231;
  in.version = NtlmVersion{6, 1, 7601, 15};
  in.workstation = std::string("C\0O\0M\0P\0U\0T\0E\0R\0", 16);
  in.channel_binding = ChannelBindingMode::kCorrect;
  in.channel_binding_data = kNtlmAuthBinding;
  return in;
}

Result<AuthenticateOutput> Build(const AuthenticateInputs& in) {
  auto out = BuildAuthenticate(in);
  EXPECT_TRUE(out.has_value()) << out.error().message;
  return out;
}

TEST(BuildAuthenticateTest, Spec4243ByteForByte) {
  AuthenticateInputs in = SpecInputs("spec_4_2_4_challenge");
  in.flags = 0xe2888235;
  in.version = NtlmVersion{5, 1, 2600, 15};
  auto out = Build(in);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(ToHex(out->message), ToHex(Fixture("spec_4_2_4_authenticate")));
  EXPECT_EQ(ToHex(out->session_base_key), "8de40ccadbc14a82f15cb0ad0de95ca3");
  EXPECT_EQ(ToHex(out->exported_session_key), "55555555555555555555555555555555");
  EXPECT_FALSE(out->mic_sent);  // the CHALLENGE has no MsvAvTimestamp
}

TEST(BuildAuthenticateTest, ChromiumEpaAndMicByteForByte) {
  auto out = Build(ChromiumInputs("spec_4_2_4_challenge"));
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(ToHex(out->message), ToHex(Fixture("chromium_epa_mic_authenticate")));
  EXPECT_EQ(ToHex(out->exported_session_key), "623dbd071be7a530b6a95c2eb4982470");
  EXPECT_TRUE(out->mic_sent);
}

TEST(BuildAuthenticateTest, ChromiumZeroBindingByteForByte) {
  AuthenticateInputs in = ChromiumInputs("spec_4_2_4_challenge");
  in.channel_binding = ChannelBindingMode::kZero;
  in.target_name = "HTTP/server";
  auto out = Build(in);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(ToHex(out->message), ToHex(Fixture("chromium_zero_cb_authenticate")));
}

TEST(BuildAuthenticateTest, ChromiumAnswerToAChallengeWithoutTargetInfo) {
  auto out = Build(ChromiumInputs("spec_4_2_3_challenge"));
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(ToHex(out->message), ToHex(Fixture("chromium_old_challenge_authenticate")));
}

TEST(BuildAuthenticateTest, NtlmAuthKeyExchangeWithBindingByteForByte) {
  auto out = Build(NtlmAuthInputs());
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(ToHex(out->message), ToHex(Fixture("ntlmauth_cbt_authenticate")));
}

TEST(BuildAuthenticateTest, NtlmAuthMicKeyedWithTheRandomSessionKey) {
  // ntlm-auth adds a zero MsvAvTimestamp to the parsed CHALLENGE but hashes the bytes it got.
  AuthenticateInputs in = NtlmAuthInputs();
  in.challenge.target_info.pairs.push_back(BytesAvPair(AvId::kTimestamp, Bytes(8, 0)));
  in.negotiate = Fixture("ntlmauth_negotiate");
  auto out = Build(in);
  ASSERT_TRUE(out.has_value());
  EXPECT_TRUE(out->mic_sent);
  EXPECT_EQ(ToHex(out->message), ToHex(Fixture("ntlmauth_mic_authenticate")));
  EXPECT_EQ(ToHex(ByteView(out->message).subspan(72, 16)), "77ffc5e6db55870e658d7cff33cd902e");
}

TEST(BuildAuthenticateTest, NtlmAuthOlderRevisionWithItsOwnNegotiate) {
  // ntlm-auth's NEGOTIATE: OEM flags (UNICODE dropped), OEM domain and workstation, VERSION.
  NtlmNegotiate negotiate;
  negotiate.flags = 0xe28ab232;
  negotiate.domain = "Domain";
  negotiate.workstation = "COMPUTER";
  negotiate.version = NtlmVersion{6, 1, 7601, 15};
  AuthenticateInputs in = NtlmAuthInputs();
  in.workstation = "COMPUTER";
  in.challenge.target_info.pairs.push_back(BytesAvPair(AvId::kTimestamp, Bytes(8, 0)));
  in.negotiate = *EncodeNegotiate(negotiate);
  auto out = Build(in);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(ToHex(out->message), ToHex(Fixture("ntlmauth_old_mic_authenticate")));
  EXPECT_EQ(ToHex(ByteView(out->message).subspan(72, 16)), "8b69f592b2d78fd73a3a49dbfe1961bc");
}

TEST(BuildAuthenticateTest, TimestampedChallengeGetsMicZeroLmAndTheServerTime) {
  AuthenticateInputs in = SpecInputs("win7_epa_challenge");
  in.credentials = {"Administrator", "WS2008R2", "P@ssw0rd"};
  in.negotiate = *BuildNegotiate();
  in.flags = AuthenticateFlags(kDefaultNegotiateFlags, in.challenge.flags);
  in.timestamp = 1;  // must not be used: the server sent MsvAvTimestamp
  in.channel_binding = ChannelBindingMode::kCorrect;
  in.channel_binding_data = kBlogBinding;
  in.target_name = HttpTargetName("dc-ws2008r2.ws2008r2.local");
  auto out = Build(in);
  ASSERT_TRUE(out.has_value());
  EXPECT_TRUE(out->mic_sent);
  auto m = DecodeAuthenticate(out->message);
  ASSERT_TRUE(m.has_value()) << m.error().message;
  EXPECT_EQ(m->lm_response, Bytes(24, 0));
  EXPECT_EQ(m->ntlmv2->timestamp, 0x01cdde0bc33fe77bull);
  std::vector<std::uint16_t> ids;
  for (const AvPair& p : m->ntlmv2->av_pairs.pairs) ids.push_back(p.id);
  EXPECT_EQ(ids, (std::vector<std::uint16_t>{2, 1, 4, 3, 5, 7, 6, 10, 9}));  // Windows' order
  EXPECT_EQ(m->ntlmv2->av_pairs.Flags(), AvFlag::kMicPresent);
  EXPECT_EQ(ToHex(m->ntlmv2->av_pairs.Find(AvId::kChannelBindings)->value),
            "6586e99d81c2fc984e47172fd4dd0310");  // what the real Windows 7 client sent
  EXPECT_EQ(m->ntlmv2->av_pairs.String(AvId::kTargetName), "HTTP/dc-ws2008r2.ws2008r2.local");
  auto mic = ComputeMic(out->exported_session_key, in.negotiate, in.challenge.raw, out->message);
  EXPECT_EQ(*mic, *m->mic);
  // This server offers neither SIGN nor KEY_EXCH: the MIC is keyed with the session base key.
  EXPECT_FALSE(m->flags & NtlmFlag::kKeyExchange);
  EXPECT_TRUE(m->encrypted_random_session_key.empty());
  EXPECT_EQ(out->exported_session_key, out->session_base_key);
}

TEST(BuildAuthenticateTest, ServerMsvAvFlagsIsUpdatedInPlace) {
  AuthenticateInputs in = SpecInputs("spec_4_2_4_challenge");
  in.flags = 0xe2888235;
  in.challenge.target_info.pairs.insert(in.challenge.target_info.pairs.begin(),
                                        U32AvPair(AvId::kFlags, 0));
  in.challenge.target_info.pairs.push_back(BytesAvPair(AvId::kTimestamp, Bytes(8, 1)));
  auto out = Build(in);
  ASSERT_TRUE(out.has_value());
  auto m = DecodeAuthenticate(out->message);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->ntlmv2->av_pairs.pairs.front().id, static_cast<std::uint16_t>(AvId::kFlags));
  EXPECT_EQ(m->ntlmv2->av_pairs.Flags(), AvFlag::kMicPresent);
  EXPECT_EQ(m->ntlmv2->av_pairs.pairs.size(), 4u);
}

TEST(BuildAuthenticateTest, ChannelBindingModesOnTheWire) {
  struct Case {
    ChannelBindingMode mode;
    const char* expected;  // nullptr: no pair
  };
  for (const Case& c : {Case{ChannelBindingMode::kOmit, nullptr},
                        Case{ChannelBindingMode::kZero, "00000000000000000000000000000000"},
                        Case{ChannelBindingMode::kCorrect, "6586e99d81c2fc984e47172fd4dd0310"},
                        Case{ChannelBindingMode::kWrong, "9a7916627e3d0367b1b8e8d02b22fcef"}}) {
    AuthenticateInputs in = SpecInputs("spec_4_2_4_challenge");
    in.flags = 0xe2888235;
    in.channel_binding = c.mode;
    in.channel_binding_data = kBlogBinding;
    auto out = Build(in);
    ASSERT_TRUE(out.has_value());
    auto m = DecodeAuthenticate(out->message);
    ASSERT_TRUE(m.has_value());
    const AvPair* pair = m->ntlmv2->av_pairs.Find(AvId::kChannelBindings);
    if (c.expected == nullptr) {
      EXPECT_EQ(pair, nullptr);
    } else {
      ASSERT_NE(pair, nullptr);
      EXPECT_EQ(ToHex(pair->value), c.expected);
    }
  }
}

TEST(BuildAuthenticateTest, RefusesInconsistentInputsWithoutLeakingThePassword) {
  AuthenticateInputs in = SpecInputs("spec_4_2_4_challenge");
  in.credentials.password = "S3cret-Passw0rd";
  in.flags = NtlmFlag::kUnicode | NtlmFlag::kKeyExchange;  // KEY_EXCH without SIGN or SEAL
  auto key_exchange = BuildAuthenticate(in);
  ASSERT_FALSE(key_exchange.has_value());
  EXPECT_EQ(key_exchange.error().code, ErrorCode::kInvalidArgument);
  in.flags = 0xe2888235;
  in.channel_binding = ChannelBindingMode::kCorrect;  // but no certificate data
  auto binding = BuildAuthenticate(in);
  ASSERT_FALSE(binding.has_value());
  in.channel_binding = ChannelBindingMode::kOmit;
  in.credentials.user.clear();
  auto anonymous = BuildAuthenticate(in);
  ASSERT_FALSE(anonymous.has_value());
  for (const auto& result : {key_exchange, binding, anonymous}) {
    EXPECT_EQ(result.error().message.find("S3cret"), std::string::npos);
  }
}

TEST(BuildNegotiateTest, FortyBytesWithVersionLikeWindows) {
  auto negotiate = BuildNegotiate();
  ASSERT_TRUE(negotiate.has_value());
  EXPECT_EQ(negotiate->size(), 40u);
  auto m = DecodeNegotiate(*negotiate);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->flags, kDefaultNegotiateFlags);
  EXPECT_EQ(ToHex(*negotiate),
            "4e544c4d5353500001000000978208e2"
            "00000000000000000000000000000000"
            "0a0063450000000f");
  EXPECT_EQ(*BuildNegotiate(0xe20882b7), Fixture("win2019_negotiate"));
}

TEST(AuthenticateFlagsTest, KeepsWhatBothOfferedAndDropsServerOnlyBits) {
  std::uint32_t flags = AuthenticateFlags(kDefaultNegotiateFlags, 0xe28a8233);
  EXPECT_FALSE(flags & (NtlmFlag::kTargetTypeServer | NtlmFlag::kTargetTypeDomain));
  EXPECT_FALSE(flags & NtlmFlag::kOem);
  EXPECT_TRUE(flags & NtlmFlag::kTargetInfo);
  EXPECT_TRUE(flags & NtlmFlag::kKeyExchange);
  EXPECT_FALSE(AuthenticateFlags(kDefaultNegotiateFlags & ~NtlmFlag::kSign, 0xe28a8223) &
               NtlmFlag::kKeyExchange);
  EXPECT_EQ(HttpTargetName("mail.contoso.com"), "HTTP/mail.contoso.com");
  EXPECT_EQ(FiletimeFromUnixMicros(0), 116444736000000000ULL);
}

}  // namespace
}  // namespace probe::auth
