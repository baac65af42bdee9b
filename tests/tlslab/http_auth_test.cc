// A listener's HTTP authentication without sockets: the 401 offers, the NTLM and Negotiate legs
// on one ConnectionAuth (one connection), Persistent-Auth, anonymous paths, and each fault.
// Several ConnectionAuth objects of one ListenerAuth stand for several connections.
#include "tlslab/http_auth.h"

#include <gtest/gtest.h>

#include "probe/auth/base64.h"
#include "probe/auth/ntlm_message.h"
#include "tests/tlslab/auth_test_support.h"

namespace tlslab {
namespace {

namespace auth = probe::auth;
using labtest::ChallengeIn;
using labtest::ClientOptions;
using labtest::TestClient;
using probe::Bytes;
using Headers = std::vector<std::pair<std::string, std::string>>;

std::shared_ptr<ListenerAuth> Listener(std::vector<AuthFault> faults = {},
                                       EpaMode epa = EpaMode::kOff,
                                       std::vector<AuthScheme> schemes = {AuthScheme::kNegotiate,
                                                                          AuthScheme::kNtlm}) {
  AuthSettings settings = labtest::LabSettings();
  settings.faults = std::move(faults);
  settings.epa = epa;
  settings.schemes = std::move(schemes);
  auto binding =
      auth::ChannelBindingHash(auth::TlsServerEndPointData(labtest::FakeCertificateHash()));
  auto listener =
      ListenerAuth::Create(settings, labtest::LabUsers(), *binding, labtest::PinnedEnvironment());
  EXPECT_TRUE(listener) << listener.error().message;
  return listener.value_or(nullptr);
}

HttpRequest Get(std::string target = "/EWS/Exchange.asmx", std::string authorization = "") {
  HttpRequest r{"GET", std::move(target), {{"Host", "mail.contoso.test"}}, ""};
  if (!authorization.empty()) r.headers.emplace_back("Authorization", std::move(authorization));
  return r;
}

std::vector<std::string> Values(const Headers& headers, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& [k, v] : headers) {
    if (k == name) out.push_back(v);
  }
  return out;
}

// The token of "WWW-Authenticate: <scheme> <token>" in a 401.
Bytes TokenOf(const AuthDecision& d, std::string_view scheme) {
  if (!d.response) return {};
  for (const auto& v : Values(d.response->headers, "WWW-Authenticate")) {
    if (v.starts_with(std::string(scheme) + " ")) {
      return auth::Base64Decode(v.substr(scheme.size() + 1)).value_or(Bytes());
    }
  }
  return {};
}

std::string Joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

// One NTLM or Negotiate handshake on `connection`; returns the decision of the last leg.
AuthDecision Handshake(ConnectionAuth& connection, const std::string& scheme,
                       const ClientOptions& options = {}, ConnectionAuth* third_leg_on = nullptr) {
  TestClient client(options);
  bool spnego = scheme == "Negotiate";
  Bytes first = spnego ? client.SpnegoInit() : client.negotiate();
  AuthDecision leg2 = connection.Handle(Get("/EWS/", scheme + " " + auth::Base64Encode(first)));
  EXPECT_TRUE(leg2.response && leg2.response->status == 401);
  auto challenge = ChallengeIn(TokenOf(leg2, scheme));
  EXPECT_TRUE(challenge) << Joined(leg2.log);
  if (!challenge) return leg2;
  Bytes third = spnego ? *client.SpnegoAuthenticate(*challenge, true)
                       : client.Authenticate(*challenge)->message;
  ConnectionAuth& target = third_leg_on ? *third_leg_on : connection;
  return target.Handle(Get("/EWS/", scheme + " " + auth::Base64Encode(third)));
}

TEST(HttpAuthTest, NoCredentialsGetOneBareOfferPerSchemeInOrder) {
  ConnectionAuth connection(Listener());
  AuthDecision d = connection.Handle(Get());
  ASSERT_TRUE(d.response);
  EXPECT_EQ(d.response->status, 401);
  EXPECT_FALSE(d.response->close_connection);
  EXPECT_EQ(Values(d.response->headers, "WWW-Authenticate"),
            (std::vector<std::string>{"Negotiate", "NTLM"}));
  EXPECT_EQ(Joined(d.log), "auth: no credentials -> 401 offering Negotiate, NTLM\n");

  ConnectionAuth legacy(Listener({}, EpaMode::kOff, {AuthScheme::kNtlm, AuthScheme::kNegotiate}));
  EXPECT_EQ(Values(legacy.Handle(Get()).response->headers, "WWW-Authenticate"),
            (std::vector<std::string>{"NTLM", "Negotiate"}));
}

TEST(HttpAuthTest, AnonymousPathsAreServedWithoutAuthentication) {
  ConnectionAuth connection(Listener());
  for (const char* target :
       {"/owa/healthcheck.htm", "/EWS/HealthCheck.htm?x=1", "/healthcheck.htm"}) {
    AuthDecision d = connection.Handle(Get(target));
    EXPECT_FALSE(d.response) << target;
    EXPECT_EQ(d.account, "") << target;
  }
  EXPECT_TRUE(connection.Handle(Get("/healthcheck.htm/x")).response);
}

TEST(HttpAuthTest, NtlmLegsAuthenticateTheConnection) {
  ConnectionAuth connection(Listener());
  AuthDecision done = Handshake(connection, "NTLM");
  ASSERT_FALSE(done.response) << Joined(done.log);
  EXPECT_EQ(done.account, "CONTOSO\\alice");
  EXPECT_EQ(done.headers, (Headers{{"Persistent-Auth", "true"}}));
  EXPECT_EQ(Joined(done.log),
            "auth: NTLM CONTOSO\\alice authenticated (workstation 'WS01', MIC verified, channel "
            "binding absent)\n");
  // Later requests on the connection pass without headers, as with IIS's persistent NTLM.
  AuthDecision later = connection.Handle(Get("/EWS/Exchange.asmx"));
  EXPECT_FALSE(later.response);
  EXPECT_EQ(later.account, "CONTOSO\\alice");
  EXPECT_TRUE(later.log.empty());
  // Another connection of the same listener is not authenticated.
  ConnectionAuth other(Listener());
  EXPECT_TRUE(other.Handle(Get()).response);
}

TEST(HttpAuthTest, TheChallengeComesBackInA401OnTheSameConnection) {
  ConnectionAuth connection(Listener());
  TestClient client;
  AuthDecision d = connection.Handle(Get("/", "NTLM " + auth::Base64Encode(client.negotiate())));
  ASSERT_TRUE(d.response);
  EXPECT_EQ(d.response->status, 401);
  EXPECT_FALSE(d.response->close_connection);
  auto values = Values(d.response->headers, "WWW-Authenticate");
  ASSERT_EQ(values.size(), 1u);
  EXPECT_TRUE(values[0].starts_with("NTLM TlRMTVNTUAACAAAA")) << values[0];
  EXPECT_EQ(Joined(d.log),
            "auth: NTLM NEGOTIATE (flags 0xe2088297) -> CHALLENGE from CONTOSO\\EX2016FE\n");
}

TEST(HttpAuthTest, NegotiateEndsWithAFinalTokenOnThe200) {
  ConnectionAuth connection(Listener());
  AuthDecision done = Handshake(connection, "Negotiate");
  ASSERT_FALSE(done.response) << Joined(done.log);
  EXPECT_EQ(done.account, "CONTOSO\\alice");
  ASSERT_EQ(done.headers.size(), 2u);
  EXPECT_EQ(done.headers[0], (std::pair<std::string, std::string>{"Persistent-Auth", "true"}));
  EXPECT_EQ(done.headers[1].first, "WWW-Authenticate");
  auto token = auth::Base64Decode(done.headers[1].second.substr(std::string("Negotiate ").size()));
  ASSERT_TRUE(token);
  auto resp = auth::DecodeSpnego(*token);
  ASSERT_TRUE(resp);
  EXPECT_EQ(std::get<auth::NegTokenResp>(*resp).neg_state, auth::NegState::kAcceptCompleted);
}

TEST(HttpAuthTest, AWrongPasswordGetsTheBareOffersAgainOnAKeptConnection) {
  ConnectionAuth connection(Listener());
  ClientOptions wrong;
  wrong.credentials.password = "Passw0rd?";
  for (const char* scheme : {"NTLM", "Negotiate"}) {
    AuthDecision d = Handshake(connection, scheme, wrong);
    ASSERT_TRUE(d.response) << scheme;
    EXPECT_EQ(d.response->status, 401);
    EXPECT_FALSE(d.response->close_connection);
    EXPECT_EQ(Values(d.response->headers, "WWW-Authenticate"),
              (std::vector<std::string>{"Negotiate", "NTLM"}));
    EXPECT_EQ(Joined(d.log),
              std::string("auth: ") + scheme +
                  " rejected (bad_proof): the NTLMv2 response of CONTOSO\\alice does not verify "
                  "(wrong password) -> 401\n");
    EXPECT_EQ(Joined(d.log).find("Passw0rd"), std::string::npos);
    EXPECT_EQ(connection.account(), nullptr);
    EXPECT_TRUE(connection.Handle(Get()).response);
  }
}

TEST(HttpAuthTest, AnAuthenticateOnAConnectionWithoutAChallengeIsRefused) {
  auto listener = Listener();
  ConnectionAuth first(listener);
  ConnectionAuth second(listener);
  AuthDecision d = Handshake(first, "NTLM", {}, &second);
  ASSERT_TRUE(d.response);
  EXPECT_EQ(d.response->status, 401);
  EXPECT_NE(Joined(d.log).find("rejected (no_challenge)"), std::string::npos) << Joined(d.log);
}

TEST(HttpAuthTest, OtherSchemesAndGarbageGetTheOffers) {
  ConnectionAuth connection(Listener());
  AuthDecision basic = connection.Handle(Get("/", "Basic YWxpY2U6UGFzc3cwcmQh"));
  ASSERT_TRUE(basic.response);
  EXPECT_EQ(basic.response->status, 401);
  EXPECT_EQ(Joined(basic.log),
            "auth: Authorization scheme 'Basic' not accepted here -> 401 offering Negotiate, "
            "NTLM\n");
  AuthDecision bare = connection.Handle(Get("/", "YWxpY2U6UGFzc3cwcmQh"));
  EXPECT_EQ(Joined(bare.log).find("YWxp"), std::string::npos);
  AuthDecision not_base64 = connection.Handle(Get("/", "NTLM ***"));
  EXPECT_EQ(Joined(not_base64.log), "auth: NTLM token is not base64 -> 401\n");
  AuthDecision junk = connection.Handle(Get("/", "NTLM aGVsbG8="));
  EXPECT_NE(Joined(junk.log).find("rejected (malformed)"), std::string::npos);
  EXPECT_EQ(junk.response->status, 401);
}

TEST(HttpAuthTest, CloseAfterChallengeEndsTheConnectionWithTheChallenge) {
  auto listener = Listener({AuthFault::kCloseAfterChallenge});
  ConnectionAuth connection(listener);
  TestClient client;
  AuthDecision d = connection.Handle(Get("/", "NTLM " + auth::Base64Encode(client.negotiate())));
  ASSERT_TRUE(d.response);
  EXPECT_TRUE(d.response->close_connection);
  EXPECT_TRUE(Values(d.response->headers, "WWW-Authenticate")[0].starts_with("NTLM TlRM"));
  EXPECT_NE(Joined(d.log).find("fault close_after_challenge"), std::string::npos);
  // The client's AUTHENTICATE arrives on a new connection, which has no state.
  ConnectionAuth next(listener);
  auto out = client.Authenticate(*ChallengeIn(TokenOf(d, "NTLM")));
  AuthDecision third = next.Handle(Get("/", "NTLM " + auth::Base64Encode(out->message)));
  ASSERT_TRUE(third.response);
  EXPECT_EQ(third.response->status, 401);
  EXPECT_NE(Joined(third.log).find("no_challenge"), std::string::npos);
}

TEST(HttpAuthTest, Always401RefusesAValidHandshakeWithTheBackEndStatus) {
  ConnectionAuth connection(Listener({AuthFault::kAlways401}));
  for (const char* scheme : {"NTLM", "Negotiate"}) {
    AuthDecision d = Handshake(connection, scheme);
    ASSERT_TRUE(d.response);
    EXPECT_EQ(d.response->status, 401);
    EXPECT_EQ(d.response->headers, (Headers{{"Content-Type", "text/plain"},
                                            {"WWW-Authenticate", "Negotiate"},
                                            {"WWW-Authenticate", "NTLM"},
                                            {"X-BackEndHttpStatus", "401"}}));
    EXPECT_NE(Joined(d.log).find("fault always_401: the back end answered 401"), std::string::npos);
    EXPECT_EQ(connection.account(), nullptr);
  }
}

TEST(HttpAuthTest, KerberosOnlyOffersNegotiateAndRefusesNtlm) {
  ConnectionAuth connection(Listener({AuthFault::kKerberosOnly}));
  EXPECT_EQ(Values(connection.Handle(Get()).response->headers, "WWW-Authenticate"),
            std::vector<std::string>{"Negotiate"});
  TestClient client;
  AuthDecision ntlm = connection.Handle(Get("/", "NTLM " + auth::Base64Encode(client.negotiate())));
  EXPECT_EQ(Values(ntlm.response->headers, "WWW-Authenticate"),
            std::vector<std::string>{"Negotiate"});
  AuthDecision spnego =
      connection.Handle(Get("/", "Negotiate " + auth::Base64Encode(client.SpnegoInit())));
  EXPECT_EQ(spnego.response->status, 401);
  EXPECT_EQ(Values(spnego.response->headers, "WWW-Authenticate"),
            std::vector<std::string>{"Negotiate oQcwBaADCgEC"});
  EXPECT_NE(Joined(spnego.log).find("rejected (mechanism_refused)"), std::string::npos);
  AuthDecision raw =
      connection.Handle(Get("/", "Negotiate " + auth::Base64Encode(client.negotiate())));
  EXPECT_EQ(Values(raw.response->headers, "WWW-Authenticate"),
            std::vector<std::string>{"Negotiate"});
}

TEST(HttpAuthTest, KerberosTokensAreRejectedWithATokenBesideTheNtlmOffer) {
  ConnectionAuth connection(Listener());
  const auth::Mech mechs[] = {auth::Mech::kKerberos};
  auth::NegTokenInit init;
  init.mech_type_list = auth::EncodeMechTypeList(mechs);
  AuthDecision d = connection.Handle(
      Get("/", "Negotiate " + auth::Base64Encode(auth::EncodeNegTokenInit(init))));
  EXPECT_EQ(Values(d.response->headers, "WWW-Authenticate"),
            (std::vector<std::string>{"Negotiate oQcwBaADCgEC", "NTLM"}));
}

TEST(HttpAuthTest, SharedUpstreamServesEveryConnectionAsTheLastUser) {
  auto listener = Listener({AuthFault::kSharedUpstream});
  ConnectionAuth anonymous_before(listener);
  EXPECT_TRUE(anonymous_before.Handle(Get()).response);  // nobody authenticated yet
  ConnectionAuth alice(listener);
  ASSERT_EQ(Handshake(alice, "NTLM").account, "CONTOSO\\alice");
  ConnectionAuth stranger(listener);
  AuthDecision d = stranger.Handle(Get("/EWS/Exchange.asmx"));
  EXPECT_FALSE(d.response);
  EXPECT_EQ(d.account, "CONTOSO\\alice");
  EXPECT_EQ(Joined(d.log),
            "auth: fault shared_upstream: GET /EWS/Exchange.asmx without credentials served as "
            "CONTOSO\\alice (the pooled upstream connection's identity)\n");
  ClientOptions bob;
  bob.credentials = {"bob", "CONTOSO", "Lab-Only-Bob-2016"};
  ConnectionAuth bobs(listener);
  ASSERT_EQ(Handshake(bobs, "Negotiate", bob).account, "CONTOSO\\bob");
  EXPECT_EQ(stranger.Handle(Get()).account, "CONTOSO\\bob");

  // Without the fault, the same sequence challenges the stranger.
  auto healthy = Listener();
  ConnectionAuth first(healthy);
  Handshake(first, "NTLM");
  ConnectionAuth second(healthy);
  EXPECT_TRUE(second.Handle(Get()).response);
}

TEST(HttpAuthTest, EpaRequireOverHttp) {
  auto listener = Listener({}, EpaMode::kRequire);
  ConnectionAuth connection(listener);
  ClientOptions omit;
  AuthDecision d = Handshake(connection, "NTLM", omit);
  ASSERT_TRUE(d.response);
  EXPECT_NE(Joined(d.log).find("rejected (missing_binding)"), std::string::npos);
  ClientOptions correct;
  correct.binding = auth::ChannelBindingMode::kCorrect;
  d = Handshake(connection, "Negotiate", correct);
  EXPECT_EQ(d.account, "CONTOSO\\alice") << Joined(d.log);
  EXPECT_NE(Joined(d.log).find("channel binding matched"), std::string::npos);
}

TEST(HttpAuthTest, ANewHandshakeReplacesTheConnectionsIdentity) {
  ConnectionAuth connection(Listener());
  ASSERT_EQ(Handshake(connection, "NTLM").account, "CONTOSO\\alice");
  ClientOptions wrong;
  wrong.credentials.password = "nope";
  EXPECT_TRUE(Handshake(connection, "NTLM", wrong).response);
  EXPECT_TRUE(connection.Handle(Get()).response);  // no longer authenticated
}

}  // namespace
}  // namespace tlslab
