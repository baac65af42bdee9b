// The Negotiate acceptor: SPNEGO around NTLM as Windows answers it (accept-incomplete with the
// CHALLENGE, accept-completed with the server's mechListMIC), the mechListMIC rules, a
// Kerberos-only NegTokenInit refused with a reject token, and raw NTLM under Negotiate.
#include "tlslab/spnego_acceptor.h"

#include <gtest/gtest.h>

#include <variant>

#include "probe/auth/base64.h"
#include "probe/auth/gss_mechs.h"
#include "probe/auth/ntlm_message.h"
#include "tests/probe/auth/fixture.h"
#include "tests/tlslab/auth_test_support.h"

namespace tlslab {
namespace {

namespace auth = probe::auth;
using auth::testing::Fixture;
using labtest::AcceptorConfig;
using labtest::ChallengeIn;
using labtest::TestClient;
using probe::Bytes;
using probe::ToHex;

auth::NegTokenResp RespOf(const Bytes& token) {
  auto decoded = auth::DecodeSpnego(token);
  EXPECT_TRUE(decoded) << decoded.error().message;
  if (!decoded) return {};
  auto* resp = std::get_if<auth::NegTokenResp>(&*decoded);
  EXPECT_NE(resp, nullptr);
  return resp ? *resp : auth::NegTokenResp{};
}

Bytes NtlmOid() {
  auto oid = auth::MechOid(auth::Mech::kNtlm);
  return Bytes(oid.begin(), oid.end());
}

std::optional<AuthFailure> Refusal(const AcceptStep& step) {
  if (!step.rejection) return std::nullopt;
  return step.rejection->reason;
}

SpnegoAcceptor Acceptor(bool ntlm_allowed = true) {
  return SpnegoAcceptor(AcceptorConfig(EpaMode::kOff), ntlm_allowed);
}

TEST(SpnegoAcceptorTest, NtlmInsideSpnegoLikeWindows) {
  SpnegoAcceptor acceptor = Acceptor();
  TestClient client;
  AcceptStep first = acceptor.Step(client.SpnegoInit());
  ASSERT_EQ(first.kind, AcceptStep::Kind::kContinue);
  auth::NegTokenResp answer = RespOf(first.token);
  EXPECT_EQ(answer.neg_state, auth::NegState::kAcceptIncomplete);
  EXPECT_EQ(answer.supported_mech, NtlmOid());
  ASSERT_TRUE(answer.response_token);
  auto challenge = auth::DecodeChallenge(*answer.response_token);
  ASSERT_TRUE(challenge) << challenge.error().message;
  EXPECT_EQ(challenge->target_info.String(auth::AvId::kNbComputerName), "EX2016FE");

  // What exprobe's auth engine sends: the AUTHENTICATE and a mechListMIC (its MIC was sent).
  auto third = client.SpnegoAuthenticate(*answer.response_token, true);
  ASSERT_TRUE(third);
  AcceptStep done = acceptor.Step(*third);
  ASSERT_EQ(done.kind, AcceptStep::Kind::kAccepted) << done.rejection->detail;
  EXPECT_EQ(done.identity->account->account, "CONTOSO\\alice");
  auth::NegTokenResp final_token = RespOf(done.token);
  EXPECT_EQ(final_token.neg_state, auth::NegState::kAcceptCompleted);
  EXPECT_FALSE(final_token.supported_mech);
  // The server's mechListMIC: the client recomputes it with the server-to-client keys.
  const auth::Mech mechs[] = {auth::Mech::kNtlm};
  auto out = client.Authenticate(*answer.response_token);
  auto expected =
      auth::NtlmMechListMic(out->exported_session_key, client.FlagsFor(*answer.response_token),
                            auth::EncodeMechTypeList(mechs), auth::Direction::kServerToClient);
  ASSERT_TRUE(final_token.mech_list_mic && expected);
  EXPECT_EQ(ToHex(*final_token.mech_list_mic), ToHex(*expected));
}

TEST(SpnegoAcceptorTest, WithoutAMechListMicTheAnswerHasNone) {
  SpnegoAcceptor acceptor = Acceptor();
  TestClient client;
  AcceptStep first = acceptor.Step(client.SpnegoInit());
  auto third = client.SpnegoAuthenticate(*ChallengeIn(first.token), false);
  AcceptStep done = acceptor.Step(*third);
  ASSERT_EQ(done.kind, AcceptStep::Kind::kAccepted);
  auth::NegTokenResp final_token = RespOf(done.token);
  EXPECT_EQ(final_token.neg_state, auth::NegState::kAcceptCompleted);
  EXPECT_FALSE(final_token.mech_list_mic);
}

TEST(SpnegoAcceptorTest, AWrongMechListMicIsRefused) {
  SpnegoAcceptor acceptor = Acceptor();
  TestClient client;
  AcceptStep first = acceptor.Step(client.SpnegoInit());
  // A MIC over another mechanism list than the one sent: a downgrade in flight.
  const auth::Mech other[] = {auth::Mech::kKerberos, auth::Mech::kNtlm};
  auto third =
      client.SpnegoAuthenticate(*ChallengeIn(first.token), true, auth::EncodeMechTypeList(other));
  AcceptStep done = acceptor.Step(*third);
  EXPECT_EQ(Refusal(done), AuthFailure::kBadMechListMic);
  EXPECT_TRUE(done.token.empty());  // bad credentials get the bare offers, no token
}

TEST(SpnegoAcceptorTest, NtlmSecondInTheListIsSelectedWithRequestMic) {
  SpnegoAcceptor acceptor = Acceptor();
  TestClient client;
  const auth::Mech mechs[] = {auth::Mech::kKerberos, auth::Mech::kNtlm};
  auth::NegTokenInit init;
  init.mech_type_list = auth::EncodeMechTypeList(mechs);
  init.mech_token = Bytes{0x60, 0x03, 0x06, 0x01, 0x00};  // an optimistic (bogus) Kerberos token
  AcceptStep first = acceptor.Step(auth::EncodeNegTokenInit(init));
  ASSERT_EQ(first.kind, AcceptStep::Kind::kContinue);
  auth::NegTokenResp answer = RespOf(first.token);
  EXPECT_EQ(answer.neg_state, auth::NegState::kRequestMic);
  EXPECT_EQ(answer.supported_mech, NtlmOid());
  EXPECT_FALSE(answer.response_token);

  auto negotiate_in_resp = [&] {
    auth::NegTokenResp resp;
    resp.response_token = client.negotiate();
    return auth::EncodeNegTokenResp(resp);
  };
  AcceptStep second = acceptor.Step(negotiate_in_resp());
  ASSERT_EQ(second.kind, AcceptStep::Kind::kContinue);
  auto challenge = ChallengeIn(second.token);
  ASSERT_TRUE(challenge);
  EXPECT_EQ(RespOf(second.token).neg_state, auth::NegState::kAcceptIncomplete);
  // Without the mechListMIC the server asked for: refused.
  EXPECT_EQ(Refusal(acceptor.Step(*client.SpnegoAuthenticate(*challenge, false))),
            AuthFailure::kBadMechListMic);

  // Again, with the MIC over the list as sent.
  ASSERT_EQ(acceptor.Step(auth::EncodeNegTokenInit(init)).kind, AcceptStep::Kind::kContinue);
  challenge = ChallengeIn(acceptor.Step(negotiate_in_resp()).token);
  AcceptStep done =
      acceptor.Step(*client.SpnegoAuthenticate(*challenge, true, init.mech_type_list));
  EXPECT_EQ(done.kind, AcceptStep::Kind::kAccepted) << done.rejection->detail;
}

TEST(SpnegoAcceptorTest, KerberosOnlyNegTokenInitIsRejectedWithAToken) {
  SpnegoAcceptor acceptor = Acceptor();
  const auth::Mech mechs[] = {auth::Mech::kKerberos, auth::Mech::kMsKerberos};
  auth::NegTokenInit init;
  init.mech_type_list = auth::EncodeMechTypeList(mechs);
  init.mech_token = Bytes{0x60, 0x03, 0x06, 0x01, 0x00};
  AcceptStep step = acceptor.Step(auth::EncodeNegTokenInit(init));
  ASSERT_EQ(Refusal(step), AuthFailure::kMechanismRefused);
  EXPECT_EQ(step.rejection->detail,
            "NegTokenInit offers Kerberos 5, MS Kerberos 5; this server has no KDC and accepts "
            "only NTLMSSP");
  EXPECT_EQ(RespOf(step.token).neg_state, auth::NegState::kReject);
  EXPECT_EQ(auth::Base64Encode(step.token), "oQcwBaADCgEC");
  EXPECT_EQ(step.token, SpnegoRejectToken());
}

TEST(SpnegoAcceptorTest, KerberosOnlyServerRefusesNtlmInAnyWrapping) {
  SpnegoAcceptor acceptor = Acceptor(false);
  TestClient client;
  AcceptStep spnego = acceptor.Step(client.SpnegoInit());
  EXPECT_EQ(Refusal(spnego), AuthFailure::kMechanismRefused);
  EXPECT_EQ(spnego.token, SpnegoRejectToken());
  EXPECT_NE(spnego.rejection->detail.find("Kerberos-only"), std::string::npos);
  AcceptStep raw = acceptor.Step(client.negotiate());
  EXPECT_EQ(Refusal(raw), AuthFailure::kMechanismRefused);
  EXPECT_TRUE(raw.token.empty());
}

TEST(SpnegoAcceptorTest, RawNtlmUnderNegotiateIsAnsweredRaw) {
  SpnegoAcceptor acceptor = Acceptor();
  TestClient client;
  AcceptStep first = acceptor.Step(client.negotiate());
  ASSERT_EQ(first.kind, AcceptStep::Kind::kContinue);
  EXPECT_TRUE(auth::LooksLikeNtlm(first.token));
  AcceptStep done = acceptor.Step(client.Authenticate(first.token)->message);
  EXPECT_EQ(done.kind, AcceptStep::Kind::kAccepted);
  EXPECT_TRUE(done.token.empty());
}

TEST(SpnegoAcceptorTest, RealClientNegTokenInitsAreAnswered) {
  for (const char* fixture : {"win2019_smb_negtokeninit", "mit_negtokeninit"}) {
    SpnegoAcceptor acceptor = Acceptor();
    AcceptStep step = acceptor.Step(Fixture(fixture));
    ASSERT_EQ(step.kind, AcceptStep::Kind::kContinue) << fixture;
    auto challenge = ChallengeIn(step.token);
    ASSERT_TRUE(challenge) << fixture;
    EXPECT_TRUE(auth::DecodeChallenge(*challenge)) << fixture;
  }
}

TEST(SpnegoAcceptorTest, StateLostAndGarbageAreTyped) {
  SpnegoAcceptor fresh = Acceptor();
  TestClient client;
  SpnegoAcceptor other = Acceptor();
  auto third = client.SpnegoAuthenticate(*ChallengeIn(other.Step(client.SpnegoInit()).token), true);
  EXPECT_EQ(Refusal(fresh.Step(*third)), AuthFailure::kNoChallenge);
  EXPECT_EQ(Refusal(fresh.Step(Bytes{0xa1, 0x03, 0x30, 0x01})), AuthFailure::kMalformed);
  EXPECT_EQ(Refusal(fresh.Step(probe::AsBytes("hello"))), AuthFailure::kMalformed);
  // A NegTokenResp without a token while a context is open.
  ASSERT_EQ(fresh.Step(client.SpnegoInit()).kind, AcceptStep::Kind::kContinue);
  auth::NegTokenResp empty;
  empty.neg_state = auth::NegState::kAcceptIncomplete;
  EXPECT_EQ(Refusal(fresh.Step(auth::EncodeNegTokenResp(empty))), AuthFailure::kMalformed);
  // Every truncation of a NegTokenInit: refused or answered, never a crash.
  Bytes init = client.SpnegoInit();
  for (std::size_t n = 0; n < init.size(); ++n) {
    SpnegoAcceptor a = Acceptor();
    AcceptStep step = a.Step(probe::ByteView(init).first(n));
    EXPECT_EQ(step.kind, AcceptStep::Kind::kRejected) << n;
  }
}

}  // namespace
}  // namespace tlslab
