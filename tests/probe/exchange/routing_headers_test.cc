#include "probe/exchange/routing_headers.h"

#include <gtest/gtest.h>

#include "probe/exchange/header_field.h"

namespace probe::exchange {
namespace {

TEST(RoutingHeadersTest, PicksTheCafeHeaders) {
  // As a 2016 front end proxying EWS to a 2010 CAS writes them (reference 2.3).
  std::vector<HeaderField> headers = {
      {"Cache-Control", "private"},
      {"Content-Type", "text/xml; charset=utf-8"},
      {"Server", "Microsoft-IIS/10.0"},
      {"request-id", "3b5c9a8e-0f4d-4c59-9a1e-2f1b7c9d0e11"},
      {"X-CalculatedBETarget", "ex2010-cas1.contoso.com"},
      {"X-BackEndHttpStatus", "200"},
      {"x-backendhttpstatus", "500"},
      {"Set-Cookie", "X-BackEndCookie=S-1-5-21=u56Lnp2ejJqBz...; expires=Fri; path=/EWS; secure"},
      {"Set-Cookie", "exchangecookie=abc; path=/"},
      {"X-DiagInfo", "EX2010CAS1"},
      {"X-BEServer", "EX2010CAS1"},
      {"X-AspNet-Version", "4.0.30319"},
      {"X-Powered-By", "ASP.NET"},
      {"X-FEServer", "EX16FE1"},
      {"X-OWA-Version", "15.1.2507.6"},
      {"Persistent-Auth", "true"},
      {"WWW-Authenticate", "Negotiate oYG..."},
  };
  RoutingHeaders r = PickRoutingHeaders(headers);
  EXPECT_EQ(r.server, "Microsoft-IIS/10.0");
  EXPECT_EQ(r.request_id, "3b5c9a8e-0f4d-4c59-9a1e-2f1b7c9d0e11");
  EXPECT_EQ(r.calculated_be_target, "ex2010-cas1.contoso.com");
  EXPECT_EQ(r.backend_http_status, "200, 500");
  EXPECT_EQ(r.BackendStatuses(), (std::vector<int>{200, 500}));
  EXPECT_TRUE(r.backend_cookie);
  EXPECT_EQ(r.diag_info, "EX2010CAS1");
  EXPECT_EQ(r.be_server, "EX2010CAS1");
  EXPECT_EQ(r.aspnet_version, "4.0.30319");
  EXPECT_EQ(r.powered_by, "ASP.NET");
  EXPECT_EQ(r.fe_server, "EX16FE1");
  EXPECT_EQ(r.owa_version, "15.1.2507.6");
  EXPECT_EQ(r.persistent_auth, "true");
  EXPECT_TRUE(r.FromCafe());
  ASSERT_TRUE(r.Version());
  EXPECT_EQ(r.Version()->ProductName(), "Exchange 2016");
}

TEST(RoutingHeadersTest, Exchange2010SendsNoCafeHeaders) {
  RoutingHeaders r;
  EXPECT_TRUE(r.Add("X-Powered-By", "ASP.NET"));
  EXPECT_TRUE(r.Add("Server", "Microsoft-IIS/7.5"));
  EXPECT_FALSE(r.Add("Authorization", "NTLM TlRMTVNTUAAD..."));
  EXPECT_FALSE(r.Add("Content-Length", "0"));
  EXPECT_FALSE(r.Add("Set-Cookie", "ASP.NET_SessionId=x"));
  EXPECT_FALSE(r.FromCafe());
  EXPECT_FALSE(r.Version());
  EXPECT_FALSE(r.backend_cookie);
}

TEST(RoutingHeadersTest, ServerApplicationVersionAndOddValues) {
  RoutingHeaders r;
  r.Add("X-ServerApplication", "Exchange/15.01.2507.006");
  ASSERT_TRUE(r.Version());
  EXPECT_EQ(r.Version()->Dotted(), "15.1.2507.6");
  r.Add("X-BackEndHttpStatus", " 200 ,abc, 4011, ,302");
  EXPECT_EQ(r.BackendStatuses(), (std::vector<int>{200, 302}));
  r.Add("  X-ProxyErrorHResult ", " 0x80004005 ");
  EXPECT_EQ(r.proxy_error_hresult, "0x80004005");
  r.Add("X-ProxyErrorLabel", "BEServerNotReachable");
  r.Add("X-ProxyErrorMessage", std::string(5000, 'x'));
  EXPECT_EQ(r.proxy_error_label, "BEServerNotReachable");
  EXPECT_EQ(r.proxy_error_message.size(), 1024u);
  for (int i = 0; i < 100; ++i) r.Add("X-FEServer", "FE" + std::to_string(i));
  EXPECT_LE(r.fe_server.size(), 1024u);
}

}  // namespace
}  // namespace probe::exchange
