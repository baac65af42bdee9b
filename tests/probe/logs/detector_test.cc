#include "probe/logs/detector.h"

#include <gtest/gtest.h>

#include <string>

namespace probe::logs {
namespace {

// Options with one field changed (designated initializers would warn about the others).
template <class Change>
DetectorOptions With(Change change) {
  DetectorOptions o;
  change(o);
  return o;
}

constexpr TimeMs kT0 = 1673078400000;  // 2023-01-07T08:00:00Z
constexpr TimeMs kSecond = 1000;
constexpr TimeMs kMinute = 60 * kSecond;

constexpr std::string_view kInvalidToken =
    "WebExceptionStatus=ProtocolError;ResponseStatusCode=401;HttpException=System.Web."
    "HttpException (0x80004005): NegotiateSecurityContext failed with for host "
    "'mail.contoso.com' with status 'InvalidToken'";

Request Anonymous401(TimeMs t, std::string_view ip = "10.0.0.9",
                     std::string_view protocol = "RpcHttp") {
  Request r;
  r.time = t;
  r.http_status = 401;
  r.client_ip = ip;
  r.protocol = protocol;
  r.server_host = "EX2016-01";
  return r;
}

Request Ok(TimeMs t, std::string_view user, std::string_view ip = "10.0.0.9",
           std::string_view protocol = "RpcHttp") {
  Request r = Anonymous401(t, ip, protocol);
  r.http_status = 200;
  r.backend_status = 200;
  r.user = user;
  r.authenticated = true;
  r.target_server = "ex2016-mbx1.contoso.com";
  r.target_version = "15.01.2375.007";
  return r;
}

Request BackEnd401(TimeMs t, std::string_view version, std::string_view errors) {
  Request r = Ok(t, "CONTOSO\\legacy1", "10.0.0.50");
  r.http_status = 401;
  r.backend_status = 401;
  r.target_server = "ex2010cas.contoso.com";
  r.target_version = version;
  r.generic_errors = errors;
  return r;
}

struct Feed {
  Detector detector;
  std::uint64_t line = 0;
  explicit Feed(DetectorOptions o = {}) : detector(o) { detector.BeginFile(); }
  void Add(const Request& r) { detector.Add(r, "test.log", ++line, "a line"); }
};

TEST(DetectorTest, HealthyHandshakesAreNoLoop) {
  Feed f;
  for (int i = 0; i < 100; ++i) {
    TimeMs t = kT0 + i * kMinute;
    f.Add(Anonymous401(t));
    f.Add(Anonymous401(t + 100));
    f.Add(Ok(t + 200, "CONTOSO\\alice"));
  }
  EXPECT_TRUE(f.detector.TakeGroups().empty());
}

TEST(DetectorTest, ThresholdIsExact) {
  Feed four;
  for (int i = 0; i < 4; ++i) four.Add(Anonymous401(kT0 + i * kSecond));
  EXPECT_TRUE(four.detector.TakeGroups().empty());

  Feed five;
  for (int i = 0; i < 5; ++i) five.Add(Anonymous401(kT0 + i * kSecond));
  auto groups = five.detector.TakeGroups();
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].pattern, Pattern::kAuthLoop);
  EXPECT_EQ(groups[0].count, 5u);
  EXPECT_EQ(groups[0].first, kT0);
  EXPECT_EQ(groups[0].last, kT0 + 4 * kSecond);
  EXPECT_EQ(groups[0].client_ip, "10.0.0.9");
  EXPECT_EQ(groups[0].sample.line, 5u);  // the line at which the run became a loop
}

TEST(DetectorTest, LoopKeepsCountingUntilASuccess) {
  Feed f;
  for (int i = 0; i < 9; ++i) f.Add(Anonymous401(kT0 + i * kSecond));
  f.Add(Ok(kT0 + 10 * kSecond, "CONTOSO\\alice"));  // ends the run
  f.Add(Anonymous401(kT0 + 11 * kSecond));          // a normal first leg
  f.Add(Ok(kT0 + 12 * kSecond, "CONTOSO\\alice"));
  auto groups = f.detector.TakeGroups();
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].count, 9u);
  EXPECT_EQ(groups[0].last, kT0 + 8 * kSecond);
}

TEST(DetectorTest, AGapLongerThanTheWindowRestartsTheRun) {
  Feed f(With([](DetectorOptions& o) { o.window = 15 * kMinute; }));
  for (int i = 0; i < 3; ++i) f.Add(Anonymous401(kT0 + i * kSecond));
  for (int i = 0; i < 3; ++i) f.Add(Anonymous401(kT0 + 20 * kMinute + i * kSecond));
  EXPECT_TRUE(f.detector.TakeGroups().empty());
}

TEST(DetectorTest, LoopsOfOneClientWithinTheWindowShareAGroup) {
  Feed f;
  for (int i = 0; i < 6; ++i) f.Add(Anonymous401(kT0 + i * kSecond));
  f.Add(Ok(kT0 + 10 * kSecond, "CONTOSO\\alice"));
  for (int i = 0; i < 5; ++i) f.Add(Anonymous401(kT0 + 5 * kMinute + i * kSecond));
  f.Add(Ok(kT0 + 6 * kMinute, "CONTOSO\\alice"));
  for (int i = 0; i < 7; ++i) f.Add(Anonymous401(kT0 + 60 * kMinute + i * kSecond));
  auto groups = f.detector.TakeGroups();
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].count, 11u);  // 6 + 5, five minutes apart
  EXPECT_EQ(groups[1].count, 7u);   // an hour later: a new window
}

TEST(DetectorTest, LinesOutOfTimeOrderKeepFirstBeforeLast) {
  Feed f;
  for (int i = 0; i < 7; ++i) f.Add(Anonymous401(kT0 + (10 - i) * kSecond));  // backwards
  auto groups = f.detector.TakeGroups();
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].count, 7u);
  EXPECT_EQ(groups[0].first, kT0 + 4 * kSecond);
  EXPECT_EQ(groups[0].last, kT0 + 10 * kSecond);
}

TEST(DetectorTest, ClientsProtocolsAndFrontEndsAreSeparate) {
  Feed f;
  for (int i = 0; i < 3; ++i) {
    f.Add(Anonymous401(kT0 + i * kSecond, "10.0.0.1"));
    f.Add(Anonymous401(kT0 + i * kSecond, "10.0.0.2"));
    f.Add(Anonymous401(kT0 + i * kSecond, "10.0.0.1", "Mapi"));
    Request other_fe = Anonymous401(kT0 + i * kSecond, "10.0.0.1");
    other_fe.server_host = "EX2016-02";
    f.Add(other_fe);
  }
  EXPECT_TRUE(f.detector.TakeGroups().empty());
}

TEST(DetectorTest, SuccessOfAnotherClientDoesNotEndARun) {
  Feed f;
  for (int i = 0; i < 6; ++i) {
    f.Add(Anonymous401(kT0 + i * kSecond, "10.0.0.1"));
    f.Add(Ok(kT0 + i * kSecond + 1, "CONTOSO\\bob", "10.0.0.2"));
  }
  auto groups = f.detector.TakeGroups();
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].client_ip, "10.0.0.1");
  EXPECT_EQ(groups[0].count, 6u);
}

TEST(DetectorTest, Kb3140410NeedsALegacyBackEndAndInvalidToken) {
  Feed f;
  for (int i = 0; i < 3; ++i) f.Add(BackEnd401(kT0 + i * kSecond, "14.03.0123.004", kInvalidToken));
  f.Add(BackEnd401(kT0 + 4 * kSecond, "15.01.2375.007", kInvalidToken));  // 2016 back end
  f.Add(BackEnd401(kT0 + 5 * kSecond, "14.03.0123.004", "ResponseStatusCode=401"));
  auto groups = f.detector.TakeGroups();
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(groups[0].pattern, Pattern::kBackendInvalidToken);
  EXPECT_EQ(groups[0].count, 3u);
  EXPECT_EQ(groups[0].user, "CONTOSO\\legacy1");
  EXPECT_EQ(groups[0].target_version, "14.03.0123.004");
  EXPECT_NE(groups[0].detail.find("NegotiateSecurityContext failed"), std::string::npos);
  // The other two back-end 401s (2016 back end; no InvalidToken) are back-end failures.
  EXPECT_EQ(groups[1].pattern, Pattern::kBackendFailure);
  EXPECT_EQ(groups[1].count, 2u);
  EXPECT_EQ(groups[1].detail, "BackEndStatus 401");
  // Every request to the 14.x back end: one proxied-to-2010 group for the mailbox.
  EXPECT_EQ(groups[2].pattern, Pattern::kProxiedToLegacy);
  EXPECT_EQ(groups[2].count, 4u);
}

TEST(DetectorTest, FrontEndAuthenticationEndsTheAnonymousLegs) {
  // The KB3140410 shape: anonymous 401, then the front end authenticates and the back end
  // refuses. The anonymous legs are no loop of their own.
  Feed f;
  for (int i = 0; i < 8; ++i) {
    f.Add(Anonymous401(kT0 + i * kSecond, "10.0.0.50"));
    f.Add(BackEnd401(kT0 + i * kSecond + 500, "14.03.0123.004", kInvalidToken));
  }
  auto groups = f.detector.TakeGroups();
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].pattern, Pattern::kBackendInvalidToken);
  EXPECT_EQ(groups[0].count, 8u);
  EXPECT_EQ(groups[1].pattern, Pattern::kProxiedToLegacy);
}

TEST(DetectorTest, BackEndFailuresFromHttpProxyOnly) {
  Feed f;
  Request r = Ok(kT0, "CONTOSO\\carol");
  r.http_status = 503;
  r.backend_status = 503;
  f.Add(r);
  f.Add(r);
  Request iis = Anonymous401(kT0);
  iis.format = LogFormat::kW3c;
  iis.http_status = 500;
  f.Add(iis);  // an IIS 500 on a 2010 CAS is not a proxy failure
  Request not_found = Ok(kT0, "CONTOSO\\carol");
  not_found.http_status = 404;
  not_found.backend_status = 404;
  f.Add(not_found);  // a 404 without an ErrorCode: not a failure of the proxy path
  auto groups = f.detector.TakeGroups();
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].pattern, Pattern::kBackendFailure);
  EXPECT_EQ(groups[0].count, 2u);
  EXPECT_EQ(groups[0].detail, "BackEndStatus 503");
}

TEST(DetectorTest, IisSspiStatuses) {
  Feed f;
  struct Case {
    std::uint32_t status;
    Pattern pattern;
    int count;
  };
  for (Case c : {Case{kSecELogonDenied, Pattern::kIisLogonDenied, 2},
                 Case{kSecEBadBindings, Pattern::kIisBadBindings, 3},
                 Case{kSecEInvalidToken, Pattern::kIisInvalidToken, 4},
                 Case{0x8009030E, Pattern::kAuthLoop, 5}}) {  // SEC_E_NO_CREDENTIALS: a plain leg
    std::string ip = "10.0.1." + std::to_string(c.count);     // outlives the views into it
    for (int i = 0; i < c.count; ++i) {
      Request r = Anonymous401(kT0 + i * kSecond, ip);
      r.format = LogFormat::kW3c;
      r.sub_status = 1;
      r.win32_status = c.status;
      f.Add(r);
    }
  }
  auto groups = f.detector.TakeGroups();
  ASSERT_EQ(groups.size(), 4u);
  EXPECT_EQ(groups[0].pattern, Pattern::kAuthLoop);
  EXPECT_EQ(groups[0].count, 5u);
  EXPECT_EQ(groups[1].pattern, Pattern::kIisBadBindings);
  EXPECT_EQ(groups[1].count, 3u);
  EXPECT_EQ(groups[1].detail,
            "sc-status 401.1 sc-win32-status 2148074310 (0x80090346 SEC_E_BAD_BINDINGS)");
  EXPECT_EQ(groups[2].pattern, Pattern::kIisInvalidToken);
  EXPECT_EQ(groups[2].count, 4u);
  EXPECT_EQ(groups[3].pattern, Pattern::kIisLogonDenied);
  EXPECT_EQ(groups[3].count, 2u);
}

TEST(DetectorTest, GroupsAreCapped) {
  Feed f(With([](DetectorOptions& o) { o.max_groups = 3; }));
  for (int i = 0; i < 10; ++i) {
    std::string user = "CONTOSO\\u" + std::to_string(i);
    Request r = Ok(kT0, user);
    r.http_status = 503;
    r.backend_status = 503;
    f.Add(r);
  }
  EXPECT_EQ(f.detector.TakeGroups().size(), 3u);
  EXPECT_EQ(f.detector.groups_dropped(), 7u);
}

TEST(DetectorTest, HandshakesInProgressAreCapped) {
  Feed f(With([](DetectorOptions& o) { o.max_streaks = 100; }));
  std::vector<std::string> ips;
  for (int i = 0; i < 300; ++i)
    ips.push_back("10.1." + std::to_string(i / 256) + "." + std::to_string(i % 256));
  for (const auto& ip : ips) f.Add(Anonymous401(kT0, ip));
  EXPECT_EQ(f.detector.streaks_dropped(), 200u);
  EXPECT_TRUE(f.detector.TakeGroups().empty());
}

}  // namespace
}  // namespace probe::logs
