#include "probe/exchange/autodiscover_policy.h"

#include <gtest/gtest.h>

namespace probe::exchange {
namespace {

TEST(MailAddressTest, SplitsAndLowerCasesTheDomain) {
  auto a = ParseMailAddress("Jane.Doe+tag@Contoso.COM");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->local, "Jane.Doe+tag");
  EXPECT_EQ(a->domain, "contoso.com");
  EXPECT_EQ(a->Full(), "Jane.Doe+tag@contoso.com");
  for (const char* bad : {"", "@contoso.com", "jdoe@", "jdoe", "jdoe@localhost",
                          "j doe@contoso.com", "<jdoe>@contoso.com", "jdoe@contoso..com",
                          "jdoe@conto so.com", "jdoe@contoso.com\r\nX: y", "jdoe@b\xc3\xbc.de"}) {
    auto r = ParseMailAddress(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    }
  }
}

TEST(SplitUrlTest, Parts) {
  auto u = SplitUrl("HTTPS://Mail.Contoso.com/EWS/Exchange.asmx?x=1");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->host, "mail.contoso.com");
  EXPECT_EQ(u->port, 443);
  EXPECT_EQ(u->path, "/EWS/Exchange.asmx?x=1");
  auto p = SplitUrl("http://autodiscover.contoso.com:8080");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->port, 8080);
  EXPECT_EQ(p->path, "/");
  auto v6 = SplitUrl("https://[::1]:4443/autodiscover/autodiscover.xml");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 4443);
  for (const char* bad :
       {"", "mail.contoso.com/x", "ftp://x.com/", "https://", "https:///x",
        "https://contoso.com@evil.example/", "https://a.com:0/", "https://a.com:65536/",
        "https://a.com:/", "https://a b.com/", "https://[::1/", "https://a.com/\n"}) {
    EXPECT_FALSE(SplitUrl(bad)) << bad;
  }
}

TEST(CredentialPolicyTest, OnlyHttpsInsideTheDomain) {
  CredentialPolicy policy{"contoso.com", {"mail.fabrikam.net"}};
  EXPECT_TRUE(
      MaySendCredentials("https://contoso.com/autodiscover/autodiscover.xml", policy).allowed);
  EXPECT_TRUE(MaySendCredentials("https://Autodiscover.Contoso.com/x", policy).allowed);
  EXPECT_TRUE(MaySendCredentials("https://mail.fabrikam.net/x", policy).allowed);
  auto http = MaySendCredentials("http://autodiscover.contoso.com/x", policy);
  EXPECT_FALSE(http.allowed);
  EXPECT_NE(http.reason.find("https"), std::string::npos);
  auto other = MaySendCredentials("https://autodiscover.fabrikam.com/x", policy);
  EXPECT_FALSE(other.allowed);
  EXPECT_NE(other.reason.find("--allow-host"), std::string::npos);
  // A suffix that is not a label boundary is another domain.
  EXPECT_FALSE(MaySendCredentials("https://evilcontoso.com/x", policy).allowed);
  EXPECT_FALSE(MaySendCredentials("https://contoso.com.evil.example/x", policy).allowed);
  EXPECT_FALSE(MaySendCredentials("https://contoso.com@evil.example/x", policy).allowed);
}

TEST(CredentialPolicyTest, NeverTheBackOffHost) {
  // Even with a single-label "domain" (a label-stripping client's last step).
  CredentialPolicy policy{"com", {}};
  auto v = MaySendCredentials("https://autodiscover.com/autodiscover/autodiscover.xml", policy);
  EXPECT_FALSE(v.allowed);
  EXPECT_NE(v.reason.find("back-off"), std::string::npos);
}

TEST(CredentialPolicyTest, Office365Targets) {
  EXPECT_TRUE(
      IsOffice365Target("https://autodiscover-s.outlook.com/autodiscover/autodiscover.xml"));
  EXPECT_TRUE(IsOffice365Target("jdoe@contoso.mail.onmicrosoft.com"));
  EXPECT_TRUE(IsOffice365Target("https://outlook.office365.com/EWS/Exchange.asmx"));
  EXPECT_FALSE(IsOffice365Target("https://autodiscover.contoso.com/autodiscover/autodiscover.xml"));
  EXPECT_FALSE(IsOffice365Target("jdoe@contoso.com"));
  EXPECT_FALSE(IsOffice365Target("https://notoutlook.com/"));
  EXPECT_FALSE(IsOffice365Target("garbage"));
}

TEST(RedirectTrackerTest, FollowsThenDetectsALoop) {
  RedirectTracker t("jdoe@contoso.com");
  t.Visit("https://autodiscover.contoso.com/autodiscover/autodiscover.xml");
  auto first =
      t.Follow(RedirectKind::kRedirectUrl, "https://ad2.contoso.com/autodiscover/autodiscover.xml");
  EXPECT_EQ(first.verdict, RedirectVerdict::kFollow);
  auto back = t.Follow(RedirectKind::kHttpLocation,
                       "https://AUTODISCOVER.contoso.com:443/autodiscover/autodiscover.xml");
  EXPECT_EQ(back.verdict, RedirectVerdict::kLoop) << back.reason;
  EXPECT_EQ(t.hops(), 1);
}

TEST(RedirectTrackerTest, AddressLoopAndPerAddressUrls) {
  RedirectTracker t("jdoe@contoso.com");
  t.Visit("https://autodiscover.contoso.com/autodiscover/autodiscover.xml");
  EXPECT_EQ(t.Follow(RedirectKind::kRedirectAddr, "JDOE@contoso.com").verdict,
            RedirectVerdict::kLoop);
  EXPECT_EQ(t.Follow(RedirectKind::kRedirectAddr, "jane@contoso.com").verdict,
            RedirectVerdict::kFollow);
  // The same server may be asked again for the new address.
  EXPECT_EQ(t.Follow(RedirectKind::kRedirectUrl,
                     "https://autodiscover.contoso.com/autodiscover/autodiscover.xml")
                .verdict,
            RedirectVerdict::kFollow);
  EXPECT_EQ(t.Follow(RedirectKind::kRedirectAddr, "not an address").verdict,
            RedirectVerdict::kUnsafe);
}

TEST(RedirectTrackerTest, RefusesHttpAndStopsAfterTen) {
  RedirectTracker t("jdoe@contoso.com");
  auto http = t.Follow(RedirectKind::kHttpLocation, "http://autodiscover.contoso.com/x");
  EXPECT_EQ(http.verdict, RedirectVerdict::kUnsafe);
  EXPECT_EQ(t.Follow(RedirectKind::kRedirectUrl, "javascript:alert(1)").verdict,
            RedirectVerdict::kUnsafe);
  for (int i = 0; i < 10; ++i) {
    auto d =
        t.Follow(RedirectKind::kRedirectUrl, "https://h" + std::to_string(i) + ".contoso.com/");
    ASSERT_EQ(d.verdict, RedirectVerdict::kFollow) << i;
  }
  auto eleventh = t.Follow(RedirectKind::kRedirectUrl, "https://h10.contoso.com/");
  EXPECT_EQ(eleventh.verdict, RedirectVerdict::kTooMany);
  EXPECT_EQ(t.hops(), 10);
}

}  // namespace
}  // namespace probe::exchange
