#include "probe/exchange/autodiscover_request.h"

#include <gtest/gtest.h>

#include <pugixml.hpp>

#include "probe/exchange/xml.h"

namespace probe::exchange {
namespace {

std::string HeaderValue(const std::vector<HeaderField>& headers, std::string_view name) {
  for (const auto& h : headers) {
    if (h.name == name) return h.value;
  }
  return "<absent>";
}

TEST(PoxRequestTest, BodyParsesBackWithTheRequestNamespace) {
  auto r = BuildPoxRequest("jdoe@contoso.com", {});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->body.rfind("<?xml version=\"1.0\" encoding=\"utf-8\"?>", 0), 0u);
  pugi::xml_document doc;
  ASSERT_TRUE(xml::Load(r->body, {}, doc));
  pugi::xml_node root = doc.document_element();
  ASSERT_TRUE(xml::Is(root, kPoxRequestNamespace, "Autodiscover"));
  pugi::xml_node request = xml::Child(root, kPoxRequestNamespace, "Request");
  EXPECT_EQ(xml::ChildText(request, kPoxRequestNamespace, "EMailAddress"), "jdoe@contoso.com");
  EXPECT_EQ(xml::ChildText(request, kPoxRequestNamespace, "AcceptableResponseSchema"),
            "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a");
  EXPECT_FALSE(xml::Child(request, kPoxRequestNamespace, "LegacyDN"));
}

TEST(PoxRequestTest, HeadersWithAndWithoutMapiHttp) {
  auto plain = BuildPoxRequest("jdoe@contoso.com", {});
  ASSERT_TRUE(plain);
  EXPECT_EQ(HeaderValue(plain->headers, "Content-Type"), "text/xml; charset=utf-8");
  EXPECT_EQ(HeaderValue(plain->headers, "X-MapiHttpCapability"), "<absent>");
  EXPECT_EQ(HeaderValue(plain->headers, "X-ClientCanHandle"), "Negotiate,ExHttpInfo");
  EXPECT_EQ(HeaderValue(plain->headers, "X-AnchorMailbox"), "jdoe@contoso.com");
  EXPECT_EQ(HeaderValue(plain->headers, "User-Agent"), std::string(kOutlookUserAgent));
  EXPECT_EQ(HeaderValue(plain->headers, "Authorization"), "<absent>");

  PoxRequestOptions options;
  options.mapi_http_capability = true;
  options.client_can_handle = "";
  options.anchor_mailbox = false;
  auto mapi = BuildPoxRequest("jdoe@contoso.com", options);
  ASSERT_TRUE(mapi);
  EXPECT_EQ(HeaderValue(mapi->headers, "X-MapiHttpCapability"), "1");
  EXPECT_EQ(HeaderValue(mapi->headers, "X-ClientCanHandle"), "<absent>");
  EXPECT_EQ(HeaderValue(mapi->headers, "X-AnchorMailbox"), "<absent>");
  EXPECT_EQ(mapi->headers.front().Line(), "Content-Type: text/xml; charset=utf-8");
}

TEST(PoxRequestTest, EscapesAndLegacyDn) {
  PoxRequestOptions options;
  options.legacy_dn = "/o=Contoso & Co/ou=First/cn=Recipients/cn=a<b";
  auto r = BuildPoxRequest("o'neil&co@contoso.com", options);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_NE(r->body.find("o'neil&amp;co@contoso.com"), std::string::npos);
  pugi::xml_document doc;
  ASSERT_TRUE(xml::Load(r->body, {}, doc));
  pugi::xml_node request = xml::Child(doc.document_element(), kPoxRequestNamespace, "Request");
  EXPECT_EQ(xml::ChildText(request, kPoxRequestNamespace, "EMailAddress"), "o'neil&co@contoso.com");
  EXPECT_EQ(xml::ChildText(request, kPoxRequestNamespace, "LegacyDN"), options.legacy_dn);
}

TEST(PoxRequestTest, RefusesInjection) {
  EXPECT_FALSE(BuildPoxRequest("jdoe@contoso.com\r\nX-Evil: 1", {}));
  EXPECT_FALSE(BuildPoxRequest("not-an-address", {}));
  PoxRequestOptions ua;
  ua.user_agent = "Outlook\r\nAuthorization: Basic x";
  EXPECT_FALSE(BuildPoxRequest("jdoe@contoso.com", ua));
  PoxRequestOptions dn;
  dn.legacy_dn = std::string("/o=x\0y", 6);
  EXPECT_FALSE(BuildPoxRequest("jdoe@contoso.com", dn));
}

TEST(CandidatesTest, OutlookOrderWithCredentialRules) {
  auto c = AutodiscoverCandidates("jdoe@Contoso.com", {});
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_EQ(c->size(), 5u);
  const auto& v = *c;
  EXPECT_EQ(v[0].kind, CandidateKind::kHttpsRootDomain);
  EXPECT_EQ(v[0].method, CandidateMethod::kPost);
  EXPECT_EQ(v[0].target, "https://contoso.com/autodiscover/autodiscover.xml");
  EXPECT_TRUE(v[0].send_credentials);
  EXPECT_EQ(v[1].kind, CandidateKind::kHttpsAutodiscoverHost);
  EXPECT_EQ(v[1].target, "https://autodiscover.contoso.com/autodiscover/autodiscover.xml");
  EXPECT_TRUE(v[1].send_credentials);
  EXPECT_EQ(v[2].kind, CandidateKind::kHttpRedirectGet);
  EXPECT_EQ(v[2].method, CandidateMethod::kGet);
  EXPECT_EQ(v[2].target, "http://autodiscover.contoso.com/autodiscover/autodiscover.xml");
  EXPECT_FALSE(v[2].send_credentials);
  EXPECT_NE(v[2].why.find("302"), std::string::npos);
  EXPECT_EQ(v[3].kind, CandidateKind::kSrvLookup);
  EXPECT_EQ(v[3].method, CandidateMethod::kSrvLookup);
  EXPECT_EQ(v[3].target, "_autodiscover._tcp.contoso.com");
  EXPECT_FALSE(v[3].send_credentials);
  EXPECT_EQ(v[4].kind, CandidateKind::kJsonV2);
  EXPECT_EQ(v[4].target,
            "https://autodiscover.contoso.com/autodiscover/autodiscover.json/v1.0/"
            "jdoe@Contoso.com?Protocol=Ews");
  EXPECT_FALSE(v[4].send_credentials);
  for (const auto& candidate : v) EXPECT_FALSE(candidate.why.empty());
  EXPECT_EQ(CandidateKindName(v[3].kind), "srv_lookup");
  EXPECT_EQ(CandidateMethodName(v[2].method), "GET");
}

TEST(CandidatesTest, RegistrySwitchesExcludeSteps) {
  CandidateOptions options;
  options.exclude_https_root_domain = true;
  options.exclude_srv_record = true;
  options.include_json_v2 = false;
  auto c = AutodiscoverCandidates("jdoe@contoso.com", options);
  ASSERT_TRUE(c);
  ASSERT_EQ(c->size(), 2u);
  EXPECT_EQ((*c)[0].kind, CandidateKind::kHttpsAutodiscoverHost);
  EXPECT_EQ((*c)[1].kind, CandidateKind::kHttpRedirectGet);
  EXPECT_FALSE(AutodiscoverCandidates("nobody", {}));
}

TEST(CandidatesTest, SrvTargetsSortedAndJudged) {
  std::vector<SrvRecord> records = {{10, 5, 443, "b.contoso.com."},
                                    {0, 1, 443, "low-weight.contoso.com"},
                                    {0, 50, 8443, "mail.fabrikam.com"},
                                    {10, 5, 443, "a.contoso.com"},
                                    {0, 0, 443, "bad host!"}};
  auto c = CandidatesFromSrv(records, "jdoe@contoso.com", {});
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c[0].target, "https://mail.fabrikam.com:8443/autodiscover/autodiscover.xml");
  EXPECT_FALSE(c[0].send_credentials);  // another domain: Outlook warns, we refuse
  EXPECT_NE(c[0].why.find("no credentials"), std::string::npos);
  EXPECT_EQ(c[1].target, "https://low-weight.contoso.com/autodiscover/autodiscover.xml");
  EXPECT_TRUE(c[1].send_credentials);
  EXPECT_EQ(c[2].target, "https://a.contoso.com/autodiscover/autodiscover.xml");
  EXPECT_EQ(c[3].target, "https://b.contoso.com/autodiscover/autodiscover.xml");
  for (const auto& candidate : c) EXPECT_EQ(candidate.kind, CandidateKind::kSrvTarget);

  CandidateOptions allow;
  allow.allow_hosts = {"mail.fabrikam.com"};
  EXPECT_TRUE(CandidatesFromSrv(records, "jdoe@contoso.com", allow)[0].send_credentials);
}

TEST(CandidatesTest, RedirectCandidate) {
  auto in = CandidateFromRedirect("https://ad.contoso.com/autodiscover/autodiscover.xml",
                                  "jdoe@contoso.com", {});
  ASSERT_TRUE(in);
  EXPECT_EQ(in->kind, CandidateKind::kRedirectTarget);
  EXPECT_TRUE(in->send_credentials);
  auto out = CandidateFromRedirect(
      "https://autodiscover-s.outlook.com/autodiscover/autodiscover.xml", "jdoe@contoso.com", {});
  ASSERT_TRUE(out);
  EXPECT_FALSE(out->send_credentials);
  auto http = CandidateFromRedirect("http://ad.contoso.com/x", "jdoe@contoso.com", {});
  ASSERT_TRUE(http);
  EXPECT_FALSE(http->send_credentials);
  EXPECT_FALSE(CandidateFromRedirect("not a url", "jdoe@contoso.com", {}));
}

TEST(CandidatesTest, JsonV2UrlEncodesTheAddress) {
  EXPECT_EQ(JsonV2Url("autodiscover.contoso.com", "a+b%c@contoso.com", "AutodiscoverV1"),
            "https://autodiscover.contoso.com/autodiscover/autodiscover.json/v1.0/"
            "a%2Bb%25c@contoso.com?Protocol=AutodiscoverV1");
  EXPECT_EQ(JsonV2Url("h", "x y#z@c.com", "E&ws"),
            "https://h/autodiscover/autodiscover.json/v1.0/x%20y%23z@c.com?Protocol=E%26ws");
  EXPECT_EQ(JsonV2Headers().front().Line(), "Accept: application/json");
}

}  // namespace
}  // namespace probe::exchange
