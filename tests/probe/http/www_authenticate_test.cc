#include "probe/http/www_authenticate.h"

#include <gtest/gtest.h>

namespace probe::http {
namespace {

TEST(WwwAuthenticateTest, BareSchemesAsIisSendsThem) {
  auto c = ParseWwwAuthenticateHeaders({"Negotiate", "NTLM", "Basic realm=\"mail.contoso.com\""});
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_EQ(c->size(), 3u);
  EXPECT_EQ((*c)[0].scheme, "Negotiate");
  EXPECT_FALSE((*c)[0].token68);
  EXPECT_TRUE((*c)[2].SchemeIs("basic"));
  ASSERT_EQ((*c)[2].params.size(), 1u);
  EXPECT_EQ((*c)[2].params[0].first, "realm");
  EXPECT_EQ((*c)[2].params[0].second, "mail.contoso.com");
}

TEST(WwwAuthenticateTest, Token68WithPadding) {
  auto c = ParseWwwAuthenticate("NTLM TlRMTVNTUAACAAAADAAMADgAAAA==");
  ASSERT_TRUE(c);
  ASSERT_EQ(c->size(), 1u);
  EXPECT_EQ((*c)[0].token68, "TlRMTVNTUAACAAAADAAMADgAAAA==");
}

TEST(WwwAuthenticateTest, SeveralChallengesInOneValue) {
  auto c = ParseWwwAuthenticate(
      "Negotiate oRsw==, Basic realm=\"a, b\", charset=UTF-8, NTLM, Bearer error=\"x\"");
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_EQ(c->size(), 4u);
  EXPECT_EQ((*c)[0].token68, "oRsw==");
  EXPECT_EQ((*c)[1].params.size(), 2u);
  EXPECT_EQ((*c)[1].params[0].second, "a, b");
  EXPECT_EQ((*c)[1].params[1].second, "UTF-8");
  EXPECT_EQ((*c)[2].scheme, "NTLM");
  EXPECT_EQ((*c)[3].params[0].first, "error");
}

TEST(WwwAuthenticateTest, QuotedPairsAndCaseOfParamNames) {
  auto c = ParseWwwAuthenticate("Basic REALM = \"say \\\"hi\\\"\"");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ((*c)[0].params[0].first, "realm");
  EXPECT_EQ((*c)[0].params[0].second, "say \"hi\"");
}

TEST(WwwAuthenticateTest, FindChallengeIsCaseInsensitive) {
  auto c = ParseWwwAuthenticate("negotiate, ntlm abc=");
  ASSERT_TRUE(c);
  ASSERT_NE(FindChallenge(*c, "NTLM"), nullptr);
  EXPECT_EQ(FindChallenge(*c, "NTLM")->token68, "abc=");
  EXPECT_EQ(FindChallenge(*c, "Basic"), nullptr);
}

TEST(WwwAuthenticateTest, EmptyAndCommaOnlyValuesHoldNoChallenge) {
  EXPECT_TRUE(ParseWwwAuthenticate("")->empty());
  EXPECT_TRUE(ParseWwwAuthenticate(" , ,")->empty());
  // "realm=" alone is a token68 with padding, not an auth-param without a value.
  EXPECT_EQ((*ParseWwwAuthenticate("Basic realm="))[0].token68, "realm=");
}

TEST(WwwAuthenticateTest, MalformedValuesFailWithAnOffset) {
  for (const char* bad : {"Basic realm=\"open", "NTLM abc def", "\"quoted\"",
                          "Basic realm=\"x\" junk", "NTLM a==b", "Basic @"}) {
    auto c = ParseWwwAuthenticate(bad);
    ASSERT_FALSE(c) << bad;
    EXPECT_EQ(c.error().code, ErrorCode::kMalformed);
    EXPECT_NE(c.error().message.find("WWW-Authenticate"), std::string::npos) << bad;
  }
}

}  // namespace
}  // namespace probe::http
