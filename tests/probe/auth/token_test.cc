// What users paste (header lines, schemes, base64, hex), the token sniffer, and the view model's
// masking: response bytes never appear unless asked for.
#include "probe/auth/token.h"

#include <gtest/gtest.h>

#include "probe/auth/base64.h"
#include "probe/auth/token_input.h"
#include "probe/auth/token_view.h"
#include "tests/probe/auth/fixture.h"

namespace probe::auth {
namespace {

using testing::Fixture;
using testing::FixtureText;
using testing::Hex;

std::string B64(const char* fixture) { return Base64Encode(Fixture(fixture)); }

TEST(TokenInputTest, AcceptsSchemesHeadersBareBase64AndHex) {
  Bytes challenge = Fixture("spec_4_2_4_challenge");
  struct Case {
    std::string text;
    const char* header;
    const char* scheme;
    const char* encoding;
  };
  for (const Case& c : {
           Case{"NTLM " + B64("spec_4_2_4_challenge"), "", "NTLM", "base64"},
           Case{"WWW-Authenticate: NTLM " + B64("spec_4_2_4_challenge") + "\r\n",
                "WWW-Authenticate", "NTLM", "base64"},
           Case{"www-authenticate:ntlm " + B64("spec_4_2_4_challenge"), "WWW-Authenticate", "NTLM",
                "base64"},
           Case{"  " + B64("spec_4_2_4_challenge") + "  ", "", "", "base64"},
           Case{FixtureText("spec_4_2_4_challenge"), "", "", "hex"},
           Case{"NTLM " + ToHex(challenge), "", "NTLM", "hex"},
       }) {
    auto parsed = ParseTokenText(c.text);
    ASSERT_TRUE(parsed.has_value()) << c.text << ": " << parsed.error().message;
    EXPECT_EQ(parsed->bytes, challenge) << c.text;
    EXPECT_EQ(parsed->header, c.header);
    EXPECT_EQ(parsed->scheme, c.scheme);
    EXPECT_EQ(parsed->encoding, c.encoding);
  }
  auto negotiate = ParseTokenText("Authorization: Negotiate " + B64("win2019_smb_negtokeninit"));
  EXPECT_EQ(negotiate->scheme, "Negotiate");
  EXPECT_EQ(negotiate->header, "Authorization");
  auto joined = ParseTokenText("Negotiate " + B64("win2019_smb_accept_completed") +
                               ", NTLM, Basic realm=\"contoso.com\"");
  ASSERT_TRUE(joined.has_value()) << joined.error().message;
  EXPECT_EQ(joined->bytes, Fixture("win2019_smb_accept_completed"));
}

TEST(TokenInputTest, SaysWhatIsWrong) {
  auto message = [](std::string_view text) {
    auto parsed = ParseTokenText(text);
    EXPECT_FALSE(parsed.has_value()) << text;
    return parsed ? std::string() : parsed.error().message;
  };
  EXPECT_EQ(message("WWW-Authenticate: Negotiate, NTLM, Basic realm=\"x\""),
            "the text offers Negotiate, NTLM but carries no token (the first 401 of a handshake "
            "has none)");
  EXPECT_EQ(message("NTLM TlRM, Negotiate oRsw"), "the text carries 2 tokens; paste one");
  EXPECT_EQ(message("NTLM TlRM*VNT"), "base64 token: '*' at position 4 is not base64");
  EXPECT_EQ(message("Basic dXNlcjpwYXNz"), "no NTLM or Negotiate token in the text");
  EXPECT_EQ(message(""), "no NTLM or Negotiate token in the text");
  EXPECT_EQ(message("NTLM 4e5"), "hex token: hex string has an odd number of digits");
}

TEST(AuthTokenTest, SniffsNtlmSpnegoAndKerberos) {
  EXPECT_TRUE(std::holds_alternative<NtlmMessage>(*DecodeAuthToken(Fixture("win7_epa_challenge"))));
  auto spnego = DecodeAuthToken(Fixture("win2019_smb_challenge_resp"));
  ASSERT_TRUE(spnego.has_value()) << spnego.error().message;
  const auto& message = std::get<SpnegoMessage>(*spnego);
  ASSERT_TRUE(message.inner.has_value());
  EXPECT_TRUE(std::holds_alternative<NtlmChallenge>(std::get<NtlmMessage>(*message.inner)));
  // A raw Kerberos AP-REQ: [APPLICATION 0] { OID krb5, TOK_ID 01 00, AP-REQ ... }.
  Bytes krb = Hex("6010 06092a864886f712010202 0100 6e03020100");
  auto kerberos = DecodeAuthToken(krb);
  ASSERT_TRUE(kerberos.has_value()) << kerberos.error().message;
  EXPECT_EQ(std::get<KerberosToken>(*kerberos).tok_id, 0x0100);
  EXPECT_EQ(KerberosTokIdName(0x0100), "AP-REQ");
  EXPECT_EQ(DecodeAuthToken(AsBytes("hello")).error().message,
            "not an NTLM, SPNEGO or Kerberos token: it starts with 68656c6c6f");
}

TEST(AuthTokenTest, InnerNtlmErrorsSayWhereTheyAre) {
  Bytes token = Fixture("win2019_smb_challenge_resp");
  // The CHALLENGE starts at offset 31 of this token; its TargetInfo Len is at 40 + 31.
  token[31 + 40] = 0xff;
  auto decoded = DecodeAuthToken(token);
  ASSERT_FALSE(decoded.has_value());
  EXPECT_EQ(decoded.error().message,
            "SPNEGO responseToken: CHALLENGE TargetInfo at offset 68 with length 255 lies "
            "outside the 206-byte message");
}

// Every string in the view, for masking checks.
void CollectText(const TokenField& field, std::string& out) {
  out += field.key + "=" + field.summary + ";";
  if (auto* s = std::get_if<std::string>(&field.value)) out += *s + ";";
  if (auto* v = std::get_if<std::vector<std::string>>(&field.value)) {
    for (const std::string& s : *v) out += s + ";";
  }
  for (const TokenField& child : field.children) CollectText(child, out);
}

std::string ViewText(const char* fixture, bool show_secrets) {
  auto token = DecodeAuthToken(Fixture(fixture));
  EXPECT_TRUE(token.has_value()) << fixture;
  std::string out;
  CollectText(ViewAuthToken(*token, {.show_secrets = show_secrets}), out);
  return out;
}

TEST(TokenViewTest, MasksResponsesKeysAndMicsByDefault) {
  const char* secrets[] = {
      "5a6a21ae1a44c044693eee59fc5d81e0",  // Win7 NTProofStr
      "f054a542b090b66c1fea1a2cc82e930b",  // Win7 MIC
  };
  std::string masked = ViewText("win7_epa_authenticate", false);
  for (const char* secret : secrets) {
    EXPECT_EQ(masked.find(secret), std::string::npos) << secret;
  }
  EXPECT_NE(masked.find("masked (sha256 "), std::string::npos);
  EXPECT_NE(masked.find("24 zero bytes"), std::string::npos);  // the zero LM response
  EXPECT_NE(masked.find("HTTP/dc-ws2008r2.ws2008r2.local"), std::string::npos);
  EXPECT_NE(masked.find("6586e99d81c2fc984e47172fd4dd0310"), std::string::npos);  // not secret
  std::string shown = ViewText("win7_epa_authenticate", true);
  for (const char* secret : secrets) {
    EXPECT_NE(shown.find(secret), std::string::npos) << secret;
  }
  std::string spec = ViewText("spec_4_2_4_authenticate", false);
  for (const char* secret : {"86c35097ac9cec10", "68cd0ab851e51c96", "c5dad2544fc97990"}) {
    EXPECT_EQ(spec.find(secret), std::string::npos) << secret;
  }
  std::string spnego = ViewText("win2019_smb_authenticate_resp", false);
  for (const char* secret :
       {"a32d4dd6161b084f", "2f48b80ac15ebb3f", "17c42d71ebdf8c27", "79ff21273b3c5d1c"}) {
    EXPECT_EQ(spnego.find(secret), std::string::npos) << secret;
  }
}

TEST(TokenViewTest, ShowsEveryChallengeField) {
  std::string view = ViewText("win7_epa_challenge", false);
  for (const char* expected :
       {"\"WS2008R2\" (offset 56, length 16)", "0xa2898205", "NEGOTIATE_UNICODE",
        "a2c5e8ca3084aa72", "MsvAvNbComputerName: DC-WS2008R2", "MsvAvDnsTreeName: ws2008r2.local",
        "MsvAvTimestamp: 2012-12-19T17:10:36.5364091Z", "6.1.7600 (NTLM revision 15)",
        "6 pair(s) (offset 72, length 182)"}) {
    EXPECT_NE(view.find(expected), std::string::npos) << expected << "\n" << view;
  }
}

TEST(TokenViewTest, FiletimesAndFingerprints) {
  EXPECT_EQ(FormatFiletime(0), "1601-01-01T00:00:00Z");
  EXPECT_EQ(FormatFiletime(131400439870000000ULL), "2017-05-23T20:13:07Z");
  EXPECT_EQ(FormatFiletime(0x01d6245eba221c17ULL), "2020-05-07T11:00:32.2331671Z");
  EXPECT_EQ(FormatFiletime(UINT64_MAX), "60056-05-28T05:36:10.9551615Z");
  EXPECT_EQ(Fingerprint(AsBytes("abc")), "ba7816bf");
}

}  // namespace
}  // namespace probe::auth
