// The plain-HTTP client used for AIA, CRL and OCSP URLs: URL and response parsing, and fetches
// against a real HTTP server (python3 -m http.server), a refused port and a silent listener.
#include "probe/tls/plain_http.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "tests/probe/tls/cert_test_support.h"
#include "tests/support/peers.h"

namespace probe::tls {
namespace {

using namespace std::chrono_literals;

std::optional<HttpResponse> Parse(std::string_view raw, bool eof) {
  auto r = ParseHttpResponse(AsBytes(raw), eof);
  EXPECT_TRUE(r.has_value()) << raw << ": " << (r ? "" : r.error().message);
  return r ? *r : std::nullopt;
}

TEST(PlainHttpTest, Urls) {
  auto u = ParseHttpUrl("http://crl.contoso.com/pki/int.crl");
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->host, "crl.contoso.com");
  EXPECT_EQ(u->port, 80);
  EXPECT_EQ(u->path, "/pki/int.crl");
  auto v6 = ParseHttpUrl("HTTP://[::1]:8080?x=1");
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 8080);
  EXPECT_EQ(v6->path, "/?x=1");
  EXPECT_EQ(ParseHttpUrl("http://ocsp.contoso.com")->path, "/");
  EXPECT_EQ(ParseHttpUrl("ldap:///CN=CA,CN=CDP?certificateRevocationList").error().code,
            ErrorCode::kUnsupported);
  EXPECT_EQ(ParseHttpUrl("https://crl.contoso.com/x.crl").error().code, ErrorCode::kUnsupported);
  for (const char* bad : {"crl.contoso.com/x.crl", "http://", "http://a b/", "http://user@host/",
                          "http://h:99999/", "http://host/a b"}) {
    EXPECT_EQ(ParseHttpUrl(bad).error().code, ErrorCode::kInvalidArgument) << bad;
  }
}

TEST(PlainHttpTest, ResponsesCompleteOnlyWhenTheirBodyIs) {
  EXPECT_FALSE(Parse("HTTP/1.0 200 OK\r\nContent-Len", false).has_value());
  EXPECT_FALSE(Parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabc", false).has_value());
  auto full = Parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A:  b \r\n\r\nabcdeEXTRA", false);
  ASSERT_TRUE(full.has_value());
  EXPECT_EQ(full->status, 200);
  EXPECT_EQ(full->reason, "OK");
  EXPECT_EQ(std::string(full->body.begin(), full->body.end()), "abcde");
  EXPECT_EQ(full->Header("x-a"), "b");
  EXPECT_FALSE(Parse("HTTP/1.0 200 OK\r\n\r\nuntil-eof", false).has_value());
  auto eof = Parse("HTTP/1.0 200 OK\r\n\r\nuntil-eof", true);
  ASSERT_TRUE(eof.has_value());
  EXPECT_EQ(std::string(eof->body.begin(), eof->body.end()), "until-eof");
  auto chunked = Parse(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n",
      false);
  ASSERT_TRUE(chunked.has_value());
  EXPECT_EQ(std::string(chunked->body.begin(), chunked->body.end()), "abcde");
  EXPECT_FALSE(
      Parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nab", false).has_value());
  auto no_body = Parse("HTTP/1.1 304 Not Modified\r\n\r\n", false);
  ASSERT_TRUE(no_body.has_value());
  EXPECT_EQ(no_body->status, 304);
}

TEST(PlainHttpTest, MalformedResponses) {
  for (std::string_view bad :
       {std::string_view("SSH-2.0-OpenSSH\r\n\r\n"), std::string_view("HTTP/1.1 20 OK\r\n\r\n"),
        std::string_view("HTTP/1.1 200 OK\r\nno colon\r\n\r\n"),
        std::string_view("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n"),
        std::string_view("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")}) {
    auto r = ParseHttpResponse(AsBytes(bad), false);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kMalformed);
  }
  EXPECT_FALSE(ParseHttpResponse(AsBytes("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nab"), true)
                   .has_value());
  EXPECT_FALSE(ParseHttpResponse(AsBytes(""), true).has_value());
  EXPECT_FALSE(ParseHttpResponse(AsBytes(std::string(70000, 'a')), false).has_value());
}

TEST(PlainHttpTest, FetchesFromARealServerAndFollowsARedirect) {
  const auto& f = certtest::SharedFixtures();
  ASSERT_TRUE(f.ok()) << f.error;
  auto deadline = Deadline::After(10s);
  auto crl = HttpFetch(f.http_base + "/int.crl", {}, {}, deadline, nullptr);
  ASSERT_TRUE(crl.has_value()) << crl.error().message;
  EXPECT_EQ(crl->status, 200);
  EXPECT_GT(crl->body.size(), 100u);
  auto missing = HttpFetch(f.http_base + "/nothing-here", {}, {}, deadline, nullptr);
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->status, 404);
  // python's server redirects a directory without its slash (301 Location: /sub/).
  std::string sub = f.Path("www/sub");
  mkdir(sub.c_str(), 0755);
  std::ofstream(sub + "/index.html") << "redirected";
  auto redirected = HttpFetch(f.http_base + "/sub", {}, {}, deadline, nullptr);
  ASSERT_TRUE(redirected.has_value()) << redirected.error().message;
  EXPECT_EQ(redirected->status, 200);
  EXPECT_EQ(std::string(redirected->body.begin(), redirected->body.end()), "redirected");
  // --resolve applies to certificate URLs too.
  net::NetOptions net;
  net.resolve.push_back({"crl.contoso.test", static_cast<std::uint16_t>(f.http_port), "127.0.0.1"});
  auto named = HttpFetch("http://crl.contoso.test:" + std::to_string(f.http_port) + "/int.der", {},
                         net, deadline, nullptr);
  ASSERT_TRUE(named.has_value()) << named.error().message;
  EXPECT_EQ(named->status, 200);
}

TEST(PlainHttpTest, RefusedAndSilentServersAreErrorsWithinTheDeadline) {
  int closed = testsupport::ClosedPort();
  auto refused = HttpFetch("http://127.0.0.1:" + std::to_string(closed) + "/x.crl", {}, {},
                           Deadline::After(5s), nullptr);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kConnectRefused);
  EXPECT_NE(refused.error().message.find(std::to_string(closed)), std::string::npos)
      << refused.error().message;

  testsupport::SilentListener silent;
  auto started = Clock::now();
  auto timeout = HttpFetch("http://127.0.0.1:" + std::to_string(silent.port()) + "/x.crl", {}, {},
                           Deadline::After(700ms), nullptr);
  auto took = Clock::now() - started;
  ASSERT_FALSE(timeout.has_value());
  EXPECT_EQ(timeout.error().code, ErrorCode::kTimeout) << timeout.error().message;
  EXPECT_LT(took, 2s);
  EXPECT_GE(took, 600ms);
}

}  // namespace
}  // namespace probe::tls
