#include "tlslab/http_handler.h"

#include <gtest/gtest.h>

namespace tlslab {
namespace {

std::string HeaderOf(const HttpResponse& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "(absent)";
}

const ListenerIdentity kWho{"coexistence", "frontend"};

TEST(HttpHandlerTest, GetOfAnyPathNamesScenarioAndListener) {
  for (const char* target : {"/", "/owa/", "/autodiscover/autodiscover.xml?x=1"}) {
    HttpResponse r = HandleRequest({"GET", target, {}, ""}, kWho);
    EXPECT_EQ(r.status, 200) << target;
    EXPECT_EQ(HeaderOf(r, "Content-Type"), "text/plain");
    EXPECT_EQ(HeaderOf(r, "X-Tlslab-Listener"), "frontend");
    EXPECT_EQ(r.body, "tlslab scenario 'coexistence', listener 'frontend'\n");
  }
  EXPECT_EQ(HandleRequest({"HEAD", "/", {}, ""}, kWho).status, 200);
}

TEST(HttpHandlerTest, OtherMethodsAreNotAllowed) {
  HttpResponse r = HandleRequest({"POST", "/EWS/Exchange.asmx", {}, "<soap/>"}, kWho);
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(HeaderOf(r, "Allow"), "GET, HEAD");
}

TEST(HttpHandlerTest, HeaderLookupIgnoresCase) {
  HttpRequest req{"GET", "/", {{"Host", "mail.contoso.test"}, {"X-A", "1"}, {"x-a", "2"}}, ""};
  EXPECT_EQ(req.Header("host"), "mail.contoso.test");
  EXPECT_EQ(req.Header("X-A"), "1");
  EXPECT_EQ(req.Header("Authorization"), "");
}

TEST(HttpHandlerTest, ErrorResponseSaysWhy) {
  HttpResponse r = ErrorResponse(431, "header limit exceeded");
  EXPECT_EQ(r.status, 431);
  EXPECT_EQ(r.body, "431 header limit exceeded\n");
}

}  // namespace
}  // namespace tlslab
