// Text and JSON renderings of decoded tokens.
#include "probe/report/token_report.h"

#include <gtest/gtest.h>

#include "probe/auth/token.h"
#include "tests/probe/auth/fixture.h"

namespace probe::report {
namespace {

struct Rendered {
  auth::TokenText input;
  auth::TokenField view;
};

Rendered Render(const char* fixture, bool show_secrets) {
  auto input = auth::ParseTokenText(auth::testing::FixtureText(fixture));
  EXPECT_TRUE(input.has_value());
  auto token = auth::DecodeAuthToken(input->bytes);
  EXPECT_TRUE(token.has_value()) << token.error().message;
  return {*input, auth::ViewAuthToken(*token, {.show_secrets = show_secrets})};
}

TEST(TokenReportTest, JsonDocumentForAChallenge) {
  Rendered r = Render("win7_epa_challenge", false);
  nlohmann::json doc = TokenDecodeJson(r.input, r.view, false);
  EXPECT_EQ(doc["schema"], "exprobe/1");
  EXPECT_EQ(doc["command"], "ntlm decode");
  EXPECT_EQ(doc["input"]["encoding"], "hex");
  EXPECT_EQ(doc["input"]["length"], 254);
  EXPECT_EQ(doc["secrets_shown"], false);
  const nlohmann::json& token = doc["token"];
  EXPECT_EQ(token["protocol"], "NTLM");
  EXPECT_EQ(token["message_type"], "CHALLENGE");
  EXPECT_EQ(token["target_name"]["value"], "WS2008R2");
  EXPECT_EQ(token["target_name"]["offset"], 56);
  EXPECT_EQ(token["negotiate_flags"]["value"], 0xa2898205u);
  EXPECT_EQ(token["negotiate_flags"]["names"][0], "NTLMSSP_NEGOTIATE_UNICODE");
  EXPECT_EQ(token["version"]["windows_build"], "6.1.7600");
  const nlohmann::json& pairs = token["target_info"]["pairs"];
  ASSERT_TRUE(pairs.is_array());
  ASSERT_EQ(pairs.size(), 6u);
  EXPECT_EQ(pairs[0]["name"], "MsvAvNbDomainName");
  EXPECT_EQ(pairs[0]["value"], "WS2008R2");
  EXPECT_EQ(pairs[5]["filetime"], 0x01cdde0bc33fe77bull);
}

TEST(TokenReportTest, JsonMasksAndShowsSecrets) {
  Rendered masked = Render("win7_epa_authenticate", false);
  nlohmann::json token = ToJson(masked.view);
  EXPECT_EQ(token["diagnosis"]["response_type"], "NTLMv2");
  EXPECT_EQ(token["diagnosis"]["mic_flagged"], true);
  EXPECT_EQ(token["diagnosis"]["channel_binding"], "present");
  EXPECT_EQ(token["mic"]["masked"], true);
  EXPECT_EQ(token["mic"]["length"], 16);
  EXPECT_EQ(token["mic"]["sha256_prefix"].get<std::string>().size(), 8u);
  EXPECT_FALSE(token["mic"].contains("hex"));
  EXPECT_EQ(token["lm_challenge_response"]["all_zero"], true);
  EXPECT_EQ(token["nt_challenge_response"]["ntlmv2"]["client_blob"]["av_pairs"]["trailing_bytes"],
            8);
  EXPECT_EQ(token.dump().find("5a6a21ae"), std::string::npos);
  Rendered shown = Render("win7_epa_authenticate", true);
  nlohmann::json open = ToJson(shown.view);
  EXPECT_EQ(open["mic"]["hex"], "f054a542b090b66c1fea1a2cc82e930b");
  EXPECT_EQ(open["nt_challenge_response"]["ntlmv2"]["nt_proof_str"]["hex"],
            "5a6a21ae1a44c044693eee59fc5d81e0");
}

TEST(TokenReportTest, TextIsIndentedAndSaysSecretsAreMasked) {
  Rendered r = Render("win2019_smb_challenge_resp", false);
  std::string text = TokenDecodeText(r.input, r.view);
  EXPECT_EQ(text.rfind("SPNEGO NegTokenResp\n  from a bare token, hex, 237 bytes\n", 0), 0u)
      << text;
  for (const char* line : {"\n  neg_state: accept-incomplete\n",
                           "\n  supported_mech: NTLMSSP (1.3.6.1.4.1.311.2.2.10)\n",
                           "\n  response_token: NTLM CHALLENGE (206 bytes)\n",
                           "\n    target_name: \"DOMAIN\" (offset 56, length 12)\n",
                           "\n        - MsvAvDnsComputerName: DC01.domain.local\n",
                           "\n        - MsvAvTimestamp: 2020-05-07T11:00:32.2331671Z\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  }
  EXPECT_EQ(text.find("masked"), std::string::npos);  // a CHALLENGE carries no secret
  Rendered masked = Render("win2019_smb_authenticate_resp", false);
  EXPECT_NE(TokenDecodeText(masked.input, masked.view).find("--show-secrets prints them."),
            std::string::npos);
  Rendered shown = Render("win2019_smb_authenticate_resp", true);
  EXPECT_EQ(TokenDecodeText(shown.input, shown.view).find("--show-secrets"), std::string::npos);
}

}  // namespace
}  // namespace probe::report
