// `exprobe ntlm decode` as a user runs it: inputs, exit codes, one-sentence errors, masking.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "probe/auth/base64.h"
#include "tests/probe/auth/fixture.h"
#include "tests/support/process.h"

namespace {

using namespace std::chrono_literals;
using probe::auth::Base64Encode;
using probe::auth::testing::Fixture;
using probe::auth::testing::FixtureText;
using testsupport::RunCommand;

const std::string kExprobe = std::string(EXPROBE_BIN_DIR) + "/exprobe";

testsupport::RunResult Decode(std::vector<std::string> args) {
  args.insert(args.begin(), {kExprobe, "ntlm", "decode"});
  return RunCommand(args, 20s);
}

TEST(NtlmDecodeCliTest, DecodesAHeaderLine) {
  auto r = Decode({"WWW-Authenticate: NTLM " + Base64Encode(Fixture("win7_epa_challenge"))});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("NTLM CHALLENGE (254 bytes)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("MsvAvDnsComputerName: DC-ws2008r2.ws2008r2.local"), std::string::npos);
}

TEST(NtlmDecodeCliTest, SchemeAndTokenAsTwoWordsAndHex) {
  auto r = Decode({"Negotiate", Base64Encode(Fixture("win2019_smb_negtokeninit"))});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("SPNEGO NegTokenInit"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("mech_token: NTLM NEGOTIATE (40 bytes)"), std::string::npos);
  auto hex = Decode({FixtureText("spec_4_2_2_authenticate")});
  EXPECT_EQ(hex.exit_code, 0) << hex.output;
  EXPECT_NE(hex.output.find("response_type: NTLMv1"), std::string::npos) << hex.output;
}

TEST(NtlmDecodeCliTest, MasksSecretsUnlessAsked) {
  std::string token = "NTLM " + Base64Encode(Fixture("win7_epa_authenticate"));
  auto masked = Decode({token});
  EXPECT_EQ(masked.exit_code, 0) << masked.output;
  for (const char* secret :
       {"5a6a21ae1a44c044693eee59fc5d81e0", "f054a542b090b66c1fea1a2cc82e930b"}) {
    EXPECT_EQ(masked.output.find(secret), std::string::npos) << secret;
  }
  EXPECT_NE(masked.output.find("--show-secrets prints them"), std::string::npos);
  auto json = Decode({token, "--format", "json"});
  EXPECT_EQ(json.exit_code, 0);
  EXPECT_EQ(json.output.find("5a6a21ae"), std::string::npos);
  auto shown = Decode({token, "--show-secrets"});
  EXPECT_NE(shown.output.find("5a6a21ae1a44c044693eee59fc5d81e0"), std::string::npos);
  EXPECT_NE(shown.output.find("f054a542b090b66c1fea1a2cc82e930b"), std::string::npos);
}

TEST(NtlmDecodeCliTest, JsonContract) {
  auto r = Decode({"NTLM " + Base64Encode(Fixture("spec_4_2_4_challenge")), "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto doc = nlohmann::json::parse(r.output);
  EXPECT_EQ(doc["schema"], "exprobe/1");
  EXPECT_EQ(doc["command"], "ntlm decode");
  EXPECT_EQ(doc["input"]["scheme"], "NTLM");
  EXPECT_EQ(doc["token"]["message_type"], "CHALLENGE");
  EXPECT_EQ(doc["token"]["target_info"]["pairs"][1]["value"], "Server");
}

TEST(NtlmDecodeCliTest, MalformedTokensAreUnknownWithOneSentence) {
  probe::Bytes challenge = Fixture("spec_4_2_4_challenge");
  challenge.resize(120, 0);
  challenge[40] = 900 & 0xff;
  challenge[41] = 900 >> 8;
  challenge[44] = 72;
  auto r = Decode({"NTLM " + Base64Encode(challenge)});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.output,
            "exprobe: ntlm decode: CHALLENGE TargetInfo at offset 72 with length 900 lies outside "
            "the 120-byte message\n");
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"NTLM TlRM*"},
           {"WWW-Authenticate: Negotiate"},
           {"aGVsbG8="},
           {"NTLM " + Base64Encode(Fixture("spec_4_2_4_challenge")), "--format", "xml"}}) {
    auto bad = Decode(args);
    EXPECT_EQ(bad.exit_code, 3) << args[0] << ": " << bad.output;
    EXPECT_EQ(bad.output.rfind("exprobe: ", 0), 0u) << bad.output;
    EXPECT_EQ(std::count(bad.output.begin(), bad.output.end(), '\n'), 1) << bad.output;
  }
  auto missing = RunCommand({kExprobe, "ntlm", "decode"}, 20s);
  EXPECT_EQ(missing.exit_code, 3) << missing.output;
}

}  // namespace
