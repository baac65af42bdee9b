// The leg classification of the auth engine, fed synthetic legs. Behaviour against a real
// acceptor is in tests/integration/auth_cli_test.cc.
#include "probe/checks/auth_check.h"

#include <gtest/gtest.h>

namespace probe::checks {
namespace {

AuthLeg Leg(int n, int status, int connection, bool is_new, int port) {
  AuthLeg leg;
  leg.n = n;
  leg.method = "GET";
  leg.status = status;
  leg.connection = {connection, is_new, port, "127.0.0.1", 443};
  return leg;
}

// Anonymous 401, NEGOTIATE -> CHALLENGE, AUTHENTICATE -> `final_status`, all on connection 1.
std::vector<AuthLeg> Handshake(int final_status) {
  std::vector<AuthLeg> legs = {Leg(1, 401, 1, true, 5000), Leg(2, 401, 1, false, 5000),
                               Leg(3, final_status, 1, false, 5000)};
  legs[0].offered = {"Negotiate", "NTLM"};
  legs[1].sent = LegToken{"NTLM", {1}};
  legs[1].received = LegToken{"NTLM", {2}};
  legs[2].sent = LegToken{"NTLM", {3}};
  return legs;
}

std::vector<std::string> Ids(const Classification& c) {
  std::vector<std::string> out;
  for (const auto& f : c.findings) out.push_back(f.id);
  return out;
}

TEST(ClassifyHandshakeTest, SuccessIsOk) {
  auto c = ClassifyHandshake(Handshake(200));
  EXPECT_EQ(c.outcome, AuthOutcome::kAuthenticated);
  EXPECT_EQ(Ids(c), std::vector<std::string>{"auth.ok"});
}

TEST(ClassifyHandshakeTest, NotFoundAfterAuthenticationIsStillAuthenticated) {
  EXPECT_EQ(ClassifyHandshake(Handshake(404)).outcome, AuthOutcome::kAuthenticated);
}

TEST(ClassifyHandshakeTest, BareRestartOnSameConnectionIsRejected) {
  auto legs = Handshake(401);
  legs[2].offered = {"Negotiate", "NTLM"};
  auto c = ClassifyHandshake(legs);
  EXPECT_EQ(c.outcome, AuthOutcome::kRejected);
  EXPECT_EQ(Ids(c), std::vector<std::string>{"auth.credentials_rejected"});
}

TEST(ClassifyHandshakeTest, AuthenticateOnAnotherConnectionIsNotKept) {
  auto legs = Handshake(401);
  legs[2].connection = {2, true, 5001, "127.0.0.1", 443};
  auto c = ClassifyHandshake(legs);
  EXPECT_EQ(c.outcome, AuthOutcome::kLoop);
  EXPECT_EQ(Ids(c), std::vector<std::string>{"auth.ntlm.connection_not_kept"});
  EXPECT_NE(c.findings[0].summary.find("5000 then 5001"), std::string::npos);
}

TEST(ClassifyHandshakeTest, ConnectionCloseAfterChallengeIsNotKept) {
  auto legs = Handshake(401);
  legs[1].connection_close = true;
  EXPECT_EQ(Ids(ClassifyHandshake(legs)),
            std::vector<std::string>{"auth.ntlm.connection_not_kept"});
}

TEST(ClassifyHandshakeTest, ChallengesFromDifferentComputersAreNotKept) {
  auto legs = Handshake(401);
  legs[1].challenge_computer = "CAS1";
  legs[2].challenge_computer = "CAS2";
  auto c = ClassifyHandshake(legs);
  EXPECT_EQ(Ids(c), std::vector<std::string>{"auth.ntlm.connection_not_kept"});
}

TEST(ClassifyHandshakeTest, NewChallengeAfterAuthenticateIsLoop) {
  auto legs = Handshake(401);
  legs[2].received = LegToken{"NTLM", {9, 9}};
  auto c = ClassifyHandshake(legs);
  EXPECT_EQ(c.outcome, AuthOutcome::kLoop);
  EXPECT_EQ(Ids(c), std::vector<std::string>{"auth.loop"});
}

TEST(ClassifyHandshakeTest, BackEnd401IsLoop) {
  auto legs = Handshake(401);
  legs[2].diagnostics = {{"X-BackEndHttpStatus", "401, 401"}};
  auto c = ClassifyHandshake(legs);
  EXPECT_EQ(Ids(c), std::vector<std::string>{"auth.loop"});
  EXPECT_EQ(c.findings[0].evidence.back(), "X-BackEndHttpStatus: 401, 401");
}

TEST(ClassifyHandshakeTest, ServerErrorIsNotClassified) {
  EXPECT_TRUE(ClassifyHandshake(Handshake(500)).findings.empty());
}

TEST(AuthSchemeTest, NamesRoundTrip) {
  for (auto s : {AuthScheme::kAuto, AuthScheme::kNtlm, AuthScheme::kNegotiate, AuthScheme::kBasic,
                 AuthScheme::kKerberos})
    EXPECT_EQ(ParseAuthScheme(AuthSchemeName(s)), s);
  EXPECT_EQ(ParseAuthScheme("ntlm"), AuthScheme::kNtlm);
  EXPECT_EQ(ParseAuthScheme("kerberos"), AuthScheme::kKerberos);
  EXPECT_FALSE(ParseAuthScheme("digest"));
}

TEST(AuthCheckTest, PlainHttpRefusedBeforeAnyRequest) {
  AuthCheckOptions options;
  options.url = "http://127.0.0.1:1/ews/";
  options.credentials = {"alice", "LAB", "pw"};
  auto result = RunAuthCheck(options);
  EXPECT_TRUE(result.legs.empty());
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].id, "auth.insecure_transport");
}

}  // namespace
}  // namespace probe::checks
