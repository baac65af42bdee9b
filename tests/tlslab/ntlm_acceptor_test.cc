// The lab's NTLM acceptor. First against messages nobody on the project built: the [MS-NLMP]
// 4.2.4 AUTHENTICATE, Chromium's EPA/MIC vectors, ntlm-auth's KEY_EXCH MIC vector and a real
// Windows 7 capture, so its verification does not lean on exprobe's client. Then round trips
// with the client's BuildAuthenticate: passwords, MIC, every channel-binding mode against every
// epa mode, and corrupt or truncated messages (a typed refusal, never a crash or an accept).
#include "tlslab/ntlm_acceptor.h"

#include <gtest/gtest.h>

#include <set>

#include "probe/auth/channel_binding.h"
#include "probe/auth/ntlm_message.h"
#include "tests/probe/auth/fixture.h"
#include "tests/tlslab/auth_test_support.h"

namespace tlslab {
namespace {

namespace auth = probe::auth;
using auth::ChannelBindingMode;
using auth::testing::Fixture;
using auth::testing::Hex;
using auth::testing::HexArray;
using labtest::AcceptorConfig;
using labtest::ClientOptions;
using labtest::TestClient;
using probe::Bytes;
using probe::ToHex;

AccountStore Store(const std::string& domain, const std::string& user,
                   const std::string& password) {
  auto store = AccountStore::Create({{domain + "\\" + user, domain, user, password, 1}});
  EXPECT_TRUE(store) << store.error().message;
  return store.value_or(AccountStore());
}

// The [MS-NLMP] 4.2.4 exchange: ServerChallenge 0123456789abcdef, the 4.2.4.3 CHALLENGE.
struct SpecExchange {
  explicit SpecExchange(AccountStore accounts) : store(std::move(accounts)) {}
  AccountStore store;
  Bytes negotiate;
  Bytes challenge = Fixture("spec_4_2_4_challenge");
  NtlmVerifyContext Context() const {
    NtlmVerifyContext c;
    c.accounts = &store;
    c.domain = "DOMAIN";
    c.server_challenge = HexArray<8>("0123456789abcdef");
    c.negotiate = negotiate;
    c.challenge = challenge;
    return c;
  }
};

AuthFailure ReasonOf(const NtlmVerdict& v) { return v ? AuthFailure::kInternal : v.error().reason; }

// The refusal of a step (nullopt when it was not refused), and its detail for messages.
std::optional<AuthFailure> Refusal(const AcceptStep& step) {
  if (!step.rejection) return std::nullopt;
  return step.rejection->reason;
}
std::string Why(const AcceptStep& step) { return step.rejection ? step.rejection->detail : ""; }

TEST(VerifyAuthenticateTest, SpecNtlmV2AuthenticateVerifies) {
  SpecExchange spec{Store("Domain", "User", "Password")};
  auto v = VerifyAuthenticate(spec.Context(), Fixture("spec_4_2_4_authenticate"));
  ASSERT_TRUE(v) << v.error().detail;
  EXPECT_EQ(v->account->account, "Domain\\User");
  EXPECT_EQ(v->workstation, "COMPUTER");
  EXPECT_EQ(v->flags, 0xe2888235u);
  // KEY_EXCH with SIGN: RC4 of c5dad254... under the session base key 8de40cca... (4.2.4.1.2).
  EXPECT_EQ(ToHex(v->exported_session_key), "55555555555555555555555555555555");
  EXPECT_FALSE(v->mic_verified);  // this CHALLENGE has no timestamp, so no MIC
  EXPECT_EQ(v->binding, BindingSeen::kAbsent);
}

TEST(VerifyAuthenticateTest, SpecVectorRefusedWithAnythingElseWrong) {
  SpecExchange wrong_password{Store("Domain", "User", "Passw0rd")};
  auto v = VerifyAuthenticate(wrong_password.Context(), Fixture("spec_4_2_4_authenticate"));
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().reason, AuthFailure::kBadProof);
  EXPECT_EQ(v.error().detail,
            "the NTLMv2 response of Domain\\User does not verify (wrong password)");

  SpecExchange spec{Store("Domain", "User", "Password")};
  NtlmVerifyContext other_challenge = spec.Context();
  other_challenge.server_challenge[7] ^= 1;
  EXPECT_EQ(ReasonOf(VerifyAuthenticate(other_challenge, Fixture("spec_4_2_4_authenticate"))),
            AuthFailure::kBadProof);

  SpecExchange other_user{Store("Domain", "Someone", "Password")};
  v = VerifyAuthenticate(other_user.Context(), Fixture("spec_4_2_4_authenticate"));
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().reason, AuthFailure::kUnknownUser);
  EXPECT_EQ(v.error().detail, "no account Domain\\User");

  // Names compare case-insensitively, as Windows compares them.
  SpecExchange upper{Store("DOMAIN", "user", "Password")};
  EXPECT_TRUE(VerifyAuthenticate(upper.Context(), Fixture("spec_4_2_4_authenticate")));
}

TEST(VerifyAuthenticateTest, SpecVectorAgainstEachEpaMode) {
  SpecExchange spec{Store("Domain", "User", "Password")};
  NtlmVerifyContext c = spec.Context();
  c.expected_binding = auth::Key16{1};
  c.epa = EpaMode::kAccept;  // no binding pair: a legacy client, let in
  EXPECT_TRUE(VerifyAuthenticate(c, Fixture("spec_4_2_4_authenticate")));
  c.epa = EpaMode::kRequire;
  auto v = VerifyAuthenticate(c, Fixture("spec_4_2_4_authenticate"));
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().reason, AuthFailure::kMissingBinding);
  EXPECT_EQ(v.error().detail, "epa require: the client sent no channel binding");
}

// Chromium's EPA + MIC exchange (reference 2.5): its 32-byte NEGOTIATE, the 4.2.4.3 CHALLENGE,
// the binding of the MS blog's certificate, MIC keyed with the session base key.
struct ChromiumExchange : SpecExchange {
  ChromiumExchange() : SpecExchange(Store("Domain", "User", "Password")) {
    negotiate = Fixture("chromium_negotiate");
  }
  static auth::Key16 BlogBinding() {
    return *auth::ChannelBindingHash(auth::TlsServerEndPointData(
        Hex("ea05fefecc6b0bd571dbbc5baa3ed45386d0446835f7b74c85621b9983475f95")));
  }
};

TEST(VerifyAuthenticateTest, ChromiumMicAndChannelBindingVerify) {
  EXPECT_EQ(ToHex(ChromiumExchange::BlogBinding()), "6586e99d81c2fc984e47172fd4dd0310");
  ChromiumExchange x;
  NtlmVerifyContext c = x.Context();
  c.epa = EpaMode::kRequire;
  c.expected_binding = ChromiumExchange::BlogBinding();
  auto v = VerifyAuthenticate(c, Fixture("chromium_epa_mic_authenticate"));
  ASSERT_TRUE(v) << v.error().detail;
  EXPECT_TRUE(v->mic_verified);
  EXPECT_EQ(v->binding, BindingSeen::kMatched);
  EXPECT_EQ(ToHex(v->exported_session_key), "623dbd071be7a530b6a95c2eb4982470");

  // Another certificate (TLS terminated by something else): the same client is refused.
  c.expected_binding = auth::Key16{0x65, 0x86};
  v = VerifyAuthenticate(c, Fixture("chromium_epa_mic_authenticate"));
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().reason, AuthFailure::kBadBinding);
  c.epa = EpaMode::kOff;
  EXPECT_TRUE(VerifyAuthenticate(c, Fixture("chromium_epa_mic_authenticate")));
}

TEST(VerifyAuthenticateTest, ChromiumMicCoversAllThreeMessages) {
  ChromiumExchange x;
  Bytes negotiate = x.negotiate;
  negotiate[13] ^= 0x01;  // one flag bit of the NEGOTIATE the server received
  NtlmVerifyContext c = x.Context();
  c.negotiate = negotiate;
  auto v = VerifyAuthenticate(c, Fixture("chromium_epa_mic_authenticate"));
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().reason, AuthFailure::kBadMic);

  Bytes challenge = x.challenge;
  challenge[0x38] ^= 0x20;  // a letter of the TargetName the server sent
  c = x.Context();
  c.challenge = challenge;
  EXPECT_EQ(ReasonOf(VerifyAuthenticate(c, Fixture("chromium_epa_mic_authenticate"))),
            AuthFailure::kBadMic);

  Bytes authenticate = Fixture("chromium_epa_mic_authenticate");
  authenticate[0x10e] ^= 0x20;  // the workstation name: outside NTProofStr, inside the MIC
  EXPECT_EQ(ReasonOf(VerifyAuthenticate(x.Context(), authenticate)), AuthFailure::kBadMic);
}

TEST(VerifyAuthenticateTest, ChromiumAllZeroBindingPerEpaMode) {
  ChromiumExchange x;
  NtlmVerifyContext c = x.Context();
  c.expected_binding = ChromiumExchange::BlogBinding();
  c.epa = EpaMode::kOff;
  auto v = VerifyAuthenticate(c, Fixture("chromium_zero_cb_authenticate"));
  ASSERT_TRUE(v) << v.error().detail;
  EXPECT_TRUE(v->mic_verified);
  EXPECT_EQ(v->binding, BindingSeen::kZero);
  c.epa = EpaMode::kAccept;  // IIS Allow refuses zeros (reference 3.3)
  EXPECT_EQ(ReasonOf(VerifyAuthenticate(c, Fixture("chromium_zero_cb_authenticate"))),
            AuthFailure::kBadBinding);
  c.epa = EpaMode::kRequire;
  EXPECT_EQ(ReasonOf(VerifyAuthenticate(c, Fixture("chromium_zero_cb_authenticate"))),
            AuthFailure::kMissingBinding);
}

TEST(VerifyAuthenticateTest, NtlmAuthKeyExchangeMicVerifiesWithTheRandomKey) {
  SpecExchange x{Store("Domain", "User", "Password")};
  x.negotiate = Fixture("ntlmauth_negotiate");
  x.challenge = Fixture("ntlmauth_challenge");
  NtlmVerifyContext c = x.Context();
  c.epa = EpaMode::kRequire;
  c.expected_binding = *auth::ChannelBindingHash(auth::TlsServerEndPointData(
      Hex("e3ca49271e5089cc48ce82109f1324f41dbeddc29a777410c738f7868c4ff405")));
  EXPECT_EQ(ToHex(*c.expected_binding), "6ea19df066da4622051f9c4f92c6df74");
  auto v = VerifyAuthenticate(c, Fixture("ntlmauth_mic_authenticate"));
  ASSERT_TRUE(v) << v.error().detail;
  EXPECT_TRUE(v->mic_verified);
  EXPECT_EQ(ToHex(v->exported_session_key), "55555555555555555555555555555555");
}

TEST(VerifyAuthenticateTest, RealWindows7CaptureProvesThePasswordButNotItsMic) {
  // The capture's NEGOTIATE was never published (reference 2.6), so its MIC cannot verify here:
  // the refusal must say bad_mic, which proves the NTProofStr did verify first.
  SpecExchange x{Store("WS2008R2", "Administrator", "P@ssw0rd")};
  x.challenge = Fixture("win7_epa_challenge");
  NtlmVerifyContext c = x.Context();
  c.server_challenge = HexArray<8>("a2c5e8ca3084aa72");
  auto v = VerifyAuthenticate(c, Fixture("win7_epa_authenticate"));
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().reason, AuthFailure::kBadMic);
  SpecExchange wrong{Store("WS2008R2", "Administrator", "P@ssw0rd!")};
  wrong.challenge = x.challenge;
  c = wrong.Context();
  c.server_challenge = HexArray<8>("a2c5e8ca3084aa72");
  EXPECT_EQ(ReasonOf(VerifyAuthenticate(c, Fixture("win7_epa_authenticate"))),
            AuthFailure::kBadProof);
}

TEST(VerifyAuthenticateTest, NtlmV1IsRefusedAsLmCompatibilityLevel5) {
  SpecExchange x{Store("Domain", "User", "Password")};
  x.challenge = Fixture("spec_4_2_2_challenge");
  for (const char* fixture : {"spec_4_2_2_authenticate", "spec_4_2_3_authenticate"}) {
    auto v = VerifyAuthenticate(x.Context(), Fixture(fixture));
    ASSERT_FALSE(v) << fixture;
    EXPECT_EQ(v.error().reason, AuthFailure::kNtlmV1) << fixture;
    EXPECT_EQ(v.error().detail,
              "Domain\\User answered with NTLMv1, refused as LmCompatibilityLevel 5 does");
  }
}

TEST(VerifyAuthenticateTest, AnonymousAndLmOnlyAreRefused) {
  SpecExchange x{Store("Domain", "User", "Password")};
  auth::NtlmAuthenticate anonymous;
  anonymous.flags = auth::NtlmFlag::kUnicode | auth::NtlmFlag::kAnonymous;
  anonymous.lm_response = Bytes(1, 0);
  auto bytes = auth::EncodeAuthenticate(anonymous);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(ReasonOf(VerifyAuthenticate(x.Context(), *bytes)), AuthFailure::kAnonymous);
  auth::NtlmAuthenticate lm_only;
  lm_only.flags = auth::NtlmFlag::kUnicode;
  lm_only.user = "User";
  lm_only.lm_response = Bytes(24, 7);
  bytes = auth::EncodeAuthenticate(lm_only);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(ReasonOf(VerifyAuthenticate(x.Context(), *bytes)), AuthFailure::kNtlmV1);
}

// ---- the CHALLENGE ----------------------------------------------------------------------------

TEST(BuildChallengeTest, AnswersAWindowsNegotiateLikeADomainMember) {
  auto negotiate = auth::DecodeNegotiate(*auth::BuildNegotiate());
  ASSERT_TRUE(negotiate);
  auto c = BuildChallenge(*negotiate, ServerIdentity(labtest::LabSettings()),
                          HexArray<8>("0011223344556677"), 0x01d9a0b0c0d0e0f0ULL);
  ASSERT_TRUE(c) << c.error().message;
  // What the codec decodes from our bytes, not what we put in.
  auto decoded = auth::DecodeChallenge(c->raw);
  ASSERT_TRUE(decoded) << decoded.error().message;
  // UNICODE, REQUEST_TARGET, SIGN, NTLM, ALWAYS_SIGN, TARGET_TYPE_DOMAIN, ESS, TARGET_INFO,
  // VERSION, 128, KEY_EXCH, 56: no OEM, no LM_KEY.
  EXPECT_EQ(decoded->flags, 0xe2898215u);
  EXPECT_EQ(decoded->target_name, "CONTOSO");
  EXPECT_EQ(ToHex(decoded->server_challenge), "0011223344556677");
  EXPECT_EQ(decoded->version, (auth::NtlmVersion{10, 0, 14393, 15}));
  std::vector<std::uint16_t> ids;
  for (const auto& p : decoded->target_info.pairs) ids.push_back(p.id);
  EXPECT_EQ(ids, (std::vector<std::uint16_t>{2, 1, 4, 3, 5, 7}));  // Windows' order
  const auto& info = decoded->target_info;
  EXPECT_EQ(info.String(auth::AvId::kNbDomainName), "CONTOSO");
  EXPECT_EQ(info.String(auth::AvId::kNbComputerName), "EX2016FE");
  EXPECT_EQ(info.String(auth::AvId::kDnsDomainName), "contoso.test");
  EXPECT_EQ(info.String(auth::AvId::kDnsComputerName), "ex2016fe.contoso.test");
  EXPECT_EQ(info.String(auth::AvId::kDnsTreeName), "contoso.test");
  EXPECT_EQ(info.Timestamp(), 0x01d9a0b0c0d0e0f0ULL);
  EXPECT_FALSE(info.Flags().has_value());  // no empty MsvAvFlags (gss-ntlmssp PR #98)
}

TEST(BuildChallengeTest, FlagsAnswerTheClientsOwn) {
  // libcurl's 32-byte NEGOTIATE: OEM, REQUEST_TARGET, NTLM, ESS, ALWAYS_SIGN.
  std::uint32_t curl = ChallengeFlags(0x00088206);
  EXPECT_TRUE(curl & auth::NtlmFlag::kOem);
  EXPECT_FALSE(curl & auth::NtlmFlag::kUnicode);
  EXPECT_TRUE(curl & auth::NtlmFlag::kExtendedSessionSecurity);
  EXPECT_FALSE(curl & (auth::NtlmFlag::kKeyExchange | auth::NtlmFlag::kSign));
  EXPECT_EQ(ChallengeFlags(0), ChallengeFlags(auth::NtlmFlag::kUnicode));  // Unicode by default
  EXPECT_FALSE(ChallengeFlags(auth::NtlmFlag::kLmKey) & auth::NtlmFlag::kLmKey);
  EXPECT_EQ(WindowsVersion(WindowsServer::k2008R2).ToString(), "6.1.7601");
  EXPECT_EQ(WindowsVersion(WindowsServer::k2012R2).ToString(), "6.3.9600");
  EXPECT_EQ(WindowsVersion(WindowsServer::k2019).ToString(), "10.0.17763");
  EXPECT_EQ(WindowsVersion(WindowsServer::k2022).ToString(), "10.0.20348");
}

TEST(NtlmAcceptorTest, EveryNegotiateGetsAFreshRandomChallenge) {
  NtlmAcceptor acceptor(AcceptorConfig(EpaMode::kOff, NtlmEnvironment::System()));
  TestClient client;
  std::set<std::string> challenges;
  for (int i = 0; i < 4; ++i) {
    AcceptStep step = acceptor.Step(client.negotiate());
    ASSERT_EQ(step.kind, AcceptStep::Kind::kContinue);
    EXPECT_TRUE(acceptor.challenged());
    challenges.insert(ToHex(auth::DecodeChallenge(step.token)->server_challenge));
    EXPECT_NE(step.note.find("-> CHALLENGE from CONTOSO\\EX2016FE"), std::string::npos);
  }
  EXPECT_EQ(challenges.size(), 4u);
}

// ---- round trips with exprobe's client ----------------------------------------------------------

AcceptStep Handshake(NtlmAcceptor& acceptor, const ClientOptions& options = {}) {
  TestClient client(options);
  AcceptStep challenge = acceptor.Step(client.negotiate());
  EXPECT_EQ(challenge.kind, AcceptStep::Kind::kContinue);
  auto out = client.Authenticate(challenge.token);
  EXPECT_TRUE(out) << out.error().message;
  return acceptor.Step(out->message);
}

TEST(NtlmAcceptorTest, RightPasswordIsAcceptedWithTheMicVerified) {
  NtlmAcceptor acceptor(AcceptorConfig(EpaMode::kOff));
  AcceptStep step = Handshake(acceptor);
  ASSERT_EQ(step.kind, AcceptStep::Kind::kAccepted) << Why(step);
  EXPECT_EQ(step.identity->account->account, "CONTOSO\\alice");
  EXPECT_EQ(step.identity->workstation, "WS01");
  EXPECT_TRUE(step.identity->mic_verified);  // our CHALLENGE carries a timestamp
  // KEY_EXCH with SIGN: the acceptor recovered the client's random session key.
  EXPECT_EQ(ToHex(step.identity->exported_session_key), "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a");
  EXPECT_FALSE(acceptor.challenged());  // the context is spent
}

TEST(NtlmAcceptorTest, AnAuthenticateIsAcceptedOnce) {
  NtlmAcceptor acceptor(AcceptorConfig(EpaMode::kOff));
  TestClient client;
  auto out = client.Authenticate(acceptor.Step(client.negotiate()).token);
  ASSERT_TRUE(out);
  EXPECT_EQ(acceptor.Step(out->message).kind, AcceptStep::Kind::kAccepted);
  EXPECT_EQ(Refusal(acceptor.Step(out->message)), AuthFailure::kNoChallenge);
}

TEST(NtlmAcceptorTest, WrongPasswordAndUnknownUsersAreRefused) {
  NtlmAcceptor acceptor(AcceptorConfig(EpaMode::kOff));
  ClientOptions wrong;
  wrong.credentials.password = "passw0rd!";
  AcceptStep step = Handshake(acceptor, wrong);
  ASSERT_EQ(step.kind, AcceptStep::Kind::kRejected);
  EXPECT_EQ(step.rejection->reason, AuthFailure::kBadProof);
  EXPECT_EQ(step.rejection->detail.find("passw0rd"), std::string::npos);

  ClientOptions unknown;
  unknown.credentials.user = "mallory";
  step = Handshake(acceptor, unknown);
  ASSERT_EQ(step.kind, AcceptStep::Kind::kRejected);
  EXPECT_EQ(step.rejection->reason, AuthFailure::kUnknownUser);
  EXPECT_EQ(step.rejection->detail, "no account CONTOSO\\mallory");
}

TEST(NtlmAcceptorTest, DomainSpellingsWindowsAccepts) {
  NtlmAcceptor acceptor(AcceptorConfig(EpaMode::kOff));
  for (const char* domain : {"contoso", "", "contoso.test", "CONTOSO"}) {
    ClientOptions o;
    o.credentials = {"ALICE", domain, "Passw0rd!"};
    AcceptStep step = Handshake(acceptor, o);
    EXPECT_EQ(step.kind, AcceptStep::Kind::kAccepted) << "domain '" << domain << "': " << Why(step);
  }
  ClientOptions other;
  other.credentials = {"alice", "FABRIKAM", "Passw0rd!"};
  EXPECT_EQ(Refusal(Handshake(acceptor, other)), AuthFailure::kUnknownUser);
}

TEST(NtlmAcceptorTest, ATamperedMicIsRefused) {
  NtlmAcceptor acceptor(AcceptorConfig(EpaMode::kOff));
  TestClient client;
  AcceptStep challenge = acceptor.Step(client.negotiate());
  auto out = client.Authenticate(challenge.token);
  ASSERT_TRUE(out && out->mic_sent);
  out->message[auth::kAuthenticateMicOffset + 5] ^= 0x40;
  AcceptStep step = acceptor.Step(out->message);
  ASSERT_EQ(step.kind, AcceptStep::Kind::kRejected);
  EXPECT_EQ(step.rejection->reason, AuthFailure::kBadMic);
}

TEST(NtlmAcceptorTest, AMicAnnouncedButCutFromTheHeaderIsRefused) {
  NtlmAcceptor acceptor(AcceptorConfig(EpaMode::kOff));
  TestClient client;
  AcceptStep challenge = acceptor.Step(client.negotiate());
  auto out = client.Authenticate(challenge.token);
  ASSERT_TRUE(out);
  auto m = auth::DecodeAuthenticate(out->message);
  ASSERT_TRUE(m);
  m->mic.reset();
  m->version.reset();  // a 64-byte header: no room for a MIC, MsvAvFlags still says 0x2
  auto cut = auth::EncodeAuthenticate(*m);
  ASSERT_TRUE(cut);
  AcceptStep step = acceptor.Step(*cut);
  ASSERT_EQ(step.kind, AcceptStep::Kind::kRejected);
  EXPECT_EQ(step.rejection->reason, AuthFailure::kMissingMic);
}

TEST(NtlmAcceptorTest, WithoutAMicTheProofAloneDecides) {
  NtlmAcceptor acceptor(AcceptorConfig(EpaMode::kOff));
  ClientOptions no_mic;
  no_mic.mic = auth::MicPolicy::kNever;
  AcceptStep step = Handshake(acceptor, no_mic);
  ASSERT_EQ(step.kind, AcceptStep::Kind::kAccepted);
  EXPECT_FALSE(step.identity->mic_verified);
}

TEST(NtlmAcceptorTest, EachChannelBindingModeAgainstEachEpaMode) {
  using K = AcceptStep::Kind;
  struct Case {
    ChannelBindingMode cbt;
    EpaMode epa;
    std::optional<AuthFailure> refused;  // nullopt: accepted
  };
  const Case cases[] = {
      {ChannelBindingMode::kOmit, EpaMode::kOff, std::nullopt},
      {ChannelBindingMode::kZero, EpaMode::kOff, std::nullopt},
      {ChannelBindingMode::kCorrect, EpaMode::kOff, std::nullopt},
      {ChannelBindingMode::kWrong, EpaMode::kOff, std::nullopt},
      {ChannelBindingMode::kOmit, EpaMode::kAccept, std::nullopt},
      {ChannelBindingMode::kZero, EpaMode::kAccept, AuthFailure::kBadBinding},
      {ChannelBindingMode::kCorrect, EpaMode::kAccept, std::nullopt},
      {ChannelBindingMode::kWrong, EpaMode::kAccept, AuthFailure::kBadBinding},
      {ChannelBindingMode::kOmit, EpaMode::kRequire, AuthFailure::kMissingBinding},
      {ChannelBindingMode::kZero, EpaMode::kRequire, AuthFailure::kMissingBinding},
      {ChannelBindingMode::kCorrect, EpaMode::kRequire, std::nullopt},
      {ChannelBindingMode::kWrong, EpaMode::kRequire, AuthFailure::kBadBinding},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(auth::ChannelBindingModeName(c.cbt)) + " against epa " +
                 std::string(EpaModeName(c.epa)));
    NtlmAcceptor acceptor(AcceptorConfig(c.epa));
    ClientOptions o;
    o.binding = c.cbt;
    AcceptStep step = Handshake(acceptor, o);
    if (!c.refused) {
      ASSERT_EQ(step.kind, K::kAccepted) << Why(step);
      BindingSeen seen = c.cbt == ChannelBindingMode::kOmit      ? BindingSeen::kAbsent
                         : c.cbt == ChannelBindingMode::kZero    ? BindingSeen::kZero
                         : c.cbt == ChannelBindingMode::kCorrect ? BindingSeen::kMatched
                                                                 : BindingSeen::kMismatched;
      EXPECT_EQ(step.identity->binding, seen);
    } else {
      ASSERT_EQ(step.kind, K::kRejected);
      EXPECT_EQ(step.rejection->reason, *c.refused);
    }
  }
  // A client that saw another certificate sends a "correct" binding of the wrong certificate.
  NtlmAcceptor acceptor(AcceptorConfig(EpaMode::kRequire));
  ClientOptions proxied;
  proxied.binding = ChannelBindingMode::kCorrect;
  proxied.certificate_hash = Bytes(32, 0x11);
  EXPECT_EQ(Refusal(Handshake(acceptor, proxied)), AuthFailure::kBadBinding);
}

TEST(NtlmAcceptorTest, MessagesOutOfOrderAreTyped) {
  NtlmAcceptor acceptor(AcceptorConfig(EpaMode::kOff));
  TestClient client;
  // An AUTHENTICATE with no CHALLENGE pending: what a new connection sees after a balancer
  // moved the handshake (IIS answers 401.1 SEC_E_INVALID_TOKEN).
  NtlmAcceptor other(AcceptorConfig(EpaMode::kOff));
  auto out = client.Authenticate(other.Step(client.negotiate()).token);
  ASSERT_TRUE(out);
  AcceptStep step = acceptor.Step(out->message);
  ASSERT_EQ(step.kind, AcceptStep::Kind::kRejected);
  EXPECT_EQ(step.rejection->reason, AuthFailure::kNoChallenge);

  EXPECT_EQ(Refusal(acceptor.Step(Fixture("spec_4_2_4_challenge"))),
            AuthFailure::kUnexpectedMessage);
  EXPECT_EQ(Refusal(acceptor.Step(probe::AsBytes("not ntlm at all"))), AuthFailure::kMalformed);
  EXPECT_EQ(Refusal(acceptor.Step({})), AuthFailure::kMalformed);
  Bytes short_negotiate(client.negotiate().begin(), client.negotiate().begin() + 20);
  EXPECT_EQ(Refusal(acceptor.Step(short_negotiate)), AuthFailure::kMalformed);
  EXPECT_FALSE(acceptor.challenged());
}

// Pinned environment: every acceptor sends the same CHALLENGE, so this AUTHENTICATE is valid for
// each of them, and any change to it must be refused.
class CorruptAuthenticateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    NtlmAcceptor first(AcceptorConfig(EpaMode::kRequire));
    ClientOptions o;
    o.binding = ChannelBindingMode::kCorrect;
    client_ = TestClient(o);
    auto out = client_.Authenticate(first.Step(client_.negotiate()).token);
    ASSERT_TRUE(out && out->mic_sent);
    valid_ = out->message;
  }
  AcceptStep Try(probe::ByteView message) {
    NtlmAcceptor acceptor(AcceptorConfig(EpaMode::kRequire));
    EXPECT_EQ(acceptor.Step(client_.negotiate()).kind, AcceptStep::Kind::kContinue);
    return acceptor.Step(message);
  }
  TestClient client_;
  Bytes valid_;
};

TEST_F(CorruptAuthenticateTest, TheIntactMessageIsAccepted) {
  EXPECT_EQ(Try(valid_).kind, AcceptStep::Kind::kAccepted);
}

TEST_F(CorruptAuthenticateTest, EveryTruncationIsRefused) {
  std::set<AuthFailure> reasons;
  for (std::size_t n = 0; n < valid_.size(); ++n) {
    AcceptStep step = Try(probe::ByteView(valid_).first(n));
    ASSERT_EQ(step.kind, AcceptStep::Kind::kRejected) << "length " << n;
    reasons.insert(step.rejection->reason);
    EXPECT_FALSE(step.rejection->detail.empty());
  }
  EXPECT_TRUE(reasons.count(AuthFailure::kMalformed));
}

TEST_F(CorruptAuthenticateTest, EveryFlippedByteIsRefused) {
  std::set<AuthFailure> reasons;
  for (std::size_t i = 0; i < valid_.size(); ++i) {
    Bytes bad = valid_;
    bad[i] ^= 0xff;
    AcceptStep step = Try(bad);
    ASSERT_EQ(step.kind, AcceptStep::Kind::kRejected) << "byte " << i;
    reasons.insert(step.rejection->reason);
  }
  // The header, the names, the proof and the MIC each fail their own check.
  for (AuthFailure r : {AuthFailure::kMalformed, AuthFailure::kBadProof, AuthFailure::kBadMic,
                        AuthFailure::kUnknownUser}) {
    EXPECT_TRUE(reasons.count(r)) << AuthFailureName(r);
  }
}

TEST(AuthFailureTest, NamesAreStable) {
  EXPECT_EQ(AuthFailureName(AuthFailure::kBadProof), "bad_proof");
  EXPECT_EQ(AuthFailureName(AuthFailure::kNoChallenge), "no_challenge");
  EXPECT_EQ(AuthFailureName(AuthFailure::kMissingBinding), "missing_binding");
  EXPECT_EQ(AuthFailureName(AuthFailure::kBadMechListMic), "bad_mech_list_mic");
  EXPECT_EQ(BindingSeenName(BindingSeen::kMismatched), "mismatched");
}

}  // namespace
}  // namespace tlslab
