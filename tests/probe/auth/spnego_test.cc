// SPNEGO against a real Windows Server 2019 exchange (pyspnego's capture) and MIT tokens:
// decode, re-encode byte for byte, and recompute both mechListMICs.
#include "probe/auth/spnego.h"

#include <gtest/gtest.h>

#include "probe/auth/base64.h"
#include "probe/auth/der.h"
#include "probe/auth/ntlm_message.h"
#include "tests/probe/auth/fixture.h"

namespace probe::auth {
namespace {

using testing::Fixture;
using testing::Hex;

template <class T>
T Decode(const char* fixture) {
  auto token = DecodeSpnego(Fixture(fixture));
  EXPECT_TRUE(token.has_value()) << fixture << ": " << token.error().message;
  EXPECT_TRUE(std::holds_alternative<T>(*token)) << fixture;
  return std::get<T>(*token);
}

Bytes Oid(Mech mech) { return Bytes(MechOid(mech).begin(), MechOid(mech).end()); }

TEST(SpnegoTest, ClientNegTokenInitWithNtlmNegotiate) {
  auto init = Decode<NegTokenInit>("win2019_smb_negtokeninit");
  EXPECT_EQ(init.mech_types, std::vector<Bytes>{Oid(Mech::kNtlm)});
  EXPECT_EQ(ToHex(init.mech_type_list), "300c060a2b06010401823702020a");
  ASSERT_TRUE(init.mech_token.has_value());
  EXPECT_EQ(DecodeNegotiate(*init.mech_token)->flags, 0xe2088297u);
  EXPECT_EQ(EncodeNegTokenInit(init), Fixture("win2019_smb_negtokeninit"));
  // The reference's base64 of this token (computed there, marked unverified) is right.
  EXPECT_EQ(Base64Encode(Fixture("win2019_smb_negtokeninit")),
            "YEgGBisGAQUFAqA+MDygDjAMBgorBgEEAYI3AgIKoioEKE5UTE1TU1AAAQAAAJeCCOIAAAAAAAAAAAAAAAAAAA"
            "AACgBjRQAAAA8=");
  NegTokenInit built;
  const Mech ntlm[] = {Mech::kNtlm};
  built.mech_type_list = EncodeMechTypeList(ntlm);
  built.mech_token = init.mech_token;
  EXPECT_EQ(EncodeNegTokenInit(built), Fixture("win2019_smb_negtokeninit"));
}

TEST(SpnegoTest, ServerNegTokenInit2WithNegHints) {
  auto init = Decode<NegTokenInit>("win2019_smb_negtokeninit2");
  EXPECT_EQ(init.mech_types,
            (std::vector<Bytes>{Oid(Mech::kNegoEx), Oid(Mech::kMsKerberos), Oid(Mech::kKerberos),
                                Oid(Mech::kKerberosU2U), Oid(Mech::kNtlm)}));
  EXPECT_EQ(init.neg_hints_name, "not_defined_in_RFC4178@please_ignore");
  EXPECT_FALSE(init.mech_list_mic.has_value());
  EXPECT_FALSE(init.mech_token.has_value());
}

TEST(SpnegoTest, NegTokenRespCarryingTheChallenge) {
  auto resp = Decode<NegTokenResp>("win2019_smb_challenge_resp");
  EXPECT_EQ(resp.neg_state, NegState::kAcceptIncomplete);
  EXPECT_EQ(resp.supported_mech, Oid(Mech::kNtlm));
  auto challenge = DecodeChallenge(*resp.response_token);
  ASSERT_TRUE(challenge.has_value()) << challenge.error().message;
  EXPECT_EQ(challenge->target_name, "DOMAIN");
  EXPECT_EQ(challenge->version->ToString(), "10.0.14393");
  EXPECT_EQ(EncodeNegTokenResp(resp), Fixture("win2019_smb_challenge_resp"));
}

TEST(SpnegoTest, MechListMicsOfARealExchangeRecompute) {
  auto init = Decode<NegTokenInit>("win2019_smb_negtokeninit");
  auto resp = Decode<NegTokenResp>("win2019_smb_authenticate_resp");
  EXPECT_EQ(resp.neg_state, NegState::kAcceptIncomplete);
  EXPECT_FALSE(resp.supported_mech.has_value());
  auto auth = DecodeAuthenticate(*resp.response_token);
  ASSERT_TRUE(auth.has_value()) << auth.error().message;
  EXPECT_EQ(auth->user, "vagrant-domain");
  EXPECT_EQ(ToHex(*resp.mech_list_mic), "01000000a32d4dd6161b084f00000000");
  EXPECT_EQ(EncodeNegTokenResp(resp), Fixture("win2019_smb_authenticate_resp"));
  // The exported session key pyspnego reports for this capture.
  Bytes session_key = Hex("6a93befd8d75cf8e32db8a6870599984");
  auto client_mic =
      NtlmMechListMic(session_key, auth->flags, init.mech_type_list, Direction::kClientToServer);
  ASSERT_TRUE(client_mic.has_value()) << client_mic.error().message;
  EXPECT_EQ(*client_mic, *resp.mech_list_mic);
  auto done = Decode<NegTokenResp>("win2019_smb_accept_completed");
  EXPECT_EQ(done.neg_state, NegState::kAcceptCompleted);
  auto server_mic =
      NtlmMechListMic(session_key, auth->flags, init.mech_type_list, Direction::kServerToClient);
  EXPECT_EQ(*server_mic, *done.mech_list_mic);
  EXPECT_EQ(Base64Encode(EncodeNegTokenResp(done)), "oRswGaADCgEAoxIEEAEAAAB5HzNaiDsd8AAAAAA=");
}

TEST(SpnegoTest, MitTokensAndRequestMic) {
  auto init = Decode<NegTokenInit>("mit_negtokeninit");
  EXPECT_EQ(DecodeNegotiate(*init.mech_token)->flags, 0xe0088237u);
  EXPECT_EQ(EncodeNegTokenInit(init), Fixture("mit_negtokeninit"));
  auto resp = Decode<NegTokenResp>("mit_request_mic");
  EXPECT_EQ(resp.neg_state, NegState::kRequestMic);
  EXPECT_EQ(NegStateName(*resp.neg_state), "request-mic");
  EXPECT_FALSE(resp.response_token.has_value());
  EXPECT_EQ(EncodeNegTokenResp(resp), Fixture("mit_request_mic"));
}

TEST(SpnegoTest, MalformedTokensNameTheField) {
  auto message = [](const Bytes& token) {
    auto decoded = DecodeSpnego(token);
    EXPECT_FALSE(decoded.has_value()) << ToHex(token);
    return decoded ? std::string() : decoded.error().message;
  };
  EXPECT_EQ(message(Hex("600a 0606 2a0304050607 a000")),
            "GSS-API thisMech at offset 2: mechanism 1.2.3.4.5.6.7 is not SPNEGO");
  EXPECT_EQ(message(Hex("a1073005a0030a0107")),
            "SPNEGO negState at offset 6: value 07 is not 0..3");
  EXPECT_EQ(message(Hex("a1073005a5030a0101")),
            "SPNEGO NegTokenResp at offset 4: unexpected field with tag 0xa5");
  EXPECT_EQ(message(Hex("a1073005a0030a0101 0400")),
            "SPNEGO token at offset 9: 2 trailing byte(s) after the token");
  EXPECT_EQ(message(Hex("a2023000")),
            "SPNEGO NegotiationToken at offset 0: tag 0xa2 is neither [0] NegTokenInit nor [1] "
            "NegTokenResp");
  EXPECT_EQ(message(Hex("a1073005a0030401 01")),
            "SPNEGO negState at offset 6: tag 0x04 where 0x0a was expected");
  Bytes token = Fixture("win2019_smb_challenge_resp");
  for (std::size_t n = 0; n < token.size(); ++n) {
    auto decoded = DecodeSpnego(ByteView(token).first(n));
    ASSERT_FALSE(decoded.has_value()) << n;
    EXPECT_EQ(decoded.error().code, ErrorCode::kMalformed);
  }
}

}  // namespace
}  // namespace probe::auth
