#include "probe/net/resolver.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "probe/net/socket.h"
#include "tests/support/process.h"

namespace probe::net {
namespace {

using std::chrono::milliseconds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kDnsmasq[] = "/usr/sbin/dnsmasq";

class RecordingSink : public TraceSink {
 public:
  void Trace(std::string_view layer, std::string_view line) override {
    lines.push_back(std::string(layer) + ": " + std::string(line));
  }
  std::vector<std::string> lines;
};

long long MsSince(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start).count();
}

std::vector<std::string> Strings(const std::vector<SocketAddress>& addresses) {
  std::vector<std::string> out;
  for (const auto& a : addresses) out.push_back(a.ToString());
  return out;
}

// A UDP socket bound to 127.0.0.1 port 0: a "DNS server" that never answers, or (closed) a way
// to find a free port.
struct UdpSocket {
  Socket socket;
  std::uint16_t port = 0;
};

UdpSocket BindUdp() {
  UdpSocket udp;
  udp.socket = Socket(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  auto any_port = SocketAddress::FromNumeric("127.0.0.1", 0);
  EXPECT_EQ(bind(udp.socket.fd(), reinterpret_cast<const sockaddr*>(&any_port->storage),
                 any_port->length),
            0);
  auto local = udp.socket.LocalAddress();
  if (local) udp.port = local->Port();
  return udp;
}

NetOptions AskServer(std::uint16_t port) {
  NetOptions options;
  options.dns_server = DnsServer{"127.0.0.1", port};
  return options;
}

// dnsmasq on 127.0.0.1 with a free port, answering only from its command line.
class DnsmasqTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (access(kDnsmasq, X_OK) != 0) GTEST_SKIP() << kDnsmasq << " is not installed";
    // The port is free when we look, but another process may take it before dnsmasq binds:
    // try a few ports.
    for (int attempt = 0; attempt < 5 && !dnsmasq_; ++attempt) {
      const std::uint16_t port = BindUdp().port;  // the socket closes here, freeing the port
      Start(port);
    }
    ASSERT_TRUE(dnsmasq_.has_value()) << "dnsmasq did not start: " << log_;
  }

  void Start(std::uint16_t port) {
    std::string error;
    auto child = testsupport::ChildProcess::Start(
        {kDnsmasq, "--no-daemon", "--no-resolv", "--no-hosts", "--listen-address=127.0.0.1",
         "--bind-interfaces", "--port=" + std::to_string(port), "--address=/contoso.test/127.0.0.7",
         "--address=/v6.contoso.test/::1", "--local=/nx.test/", "--log-facility=-",
         "--srv-host=_autodiscover._tcp.contoso.test,mail.contoso.test,443,10,5",
         "--srv-host=_autodiscover._tcp.contoso.test,backup.contoso.test,8443,20,0",
         "--srv-host=_autodiscover._tcp.contoso.test,fast.contoso.test,443,10,50",
         "--pid-file=", "--user=root"},
        &error);
    if (!child) {
      log_ = error;
      return;
    }
    // dnsmasq logs "started" after binding its sockets, and exits if a bind fails.
    if (!child->WaitFor("started, version", milliseconds(5000))) {
      log_ = child->output();
      return;
    }
    dnsmasq_ = std::move(child);
    port_ = port;
  }

  std::optional<testsupport::ChildProcess> dnsmasq_;
  std::uint16_t port_ = 0;
  std::string log_;
};

TEST_F(DnsmasqTest, ResolvesThroughTheChosenServer) {
  RecordingSink trace;
  auto addresses = Resolve("mail.contoso.test", 443, AskServer(port_),
                           Deadline::After(milliseconds(5000)), &trace);
  ASSERT_TRUE(addresses.has_value()) << addresses.error().message;
  EXPECT_THAT(Strings(*addresses), ElementsAre("127.0.0.7:443"));
  const std::string server = "127.0.0.1:" + std::to_string(port_);
  EXPECT_THAT(trace.lines, ElementsAre("dns: query 'mail.contoso.test' A+AAAA via " + server,
                                       HasSubstr("dns: answer 'mail.contoso.test': 127.0.0.7 (")));
}

TEST_F(DnsmasqTest, ResolvesIpv6AnswersFirst) {
  auto addresses = Resolve("host.v6.contoso.test", 8443, AskServer(port_),
                           Deadline::After(milliseconds(5000)), nullptr);
  ASSERT_TRUE(addresses.has_value()) << addresses.error().message;
  // dnsmasq answers the A query from the parent /contoso.test/ entry; c-ares sorts by RFC 6724,
  // which puts ::1 before an IPv4 address.
  EXPECT_THAT(Strings(*addresses), ElementsAre("[::1]:8443", "127.0.0.7:8443"));
}

TEST_F(DnsmasqTest, UnknownNameIsADnsFailureNamingTheServer) {
  auto start = Clock::now();
  auto addresses = Resolve("nobody.nx.test", 443, AskServer(port_),
                           Deadline::After(milliseconds(5000)), nullptr);
  ASSERT_FALSE(addresses.has_value());
  EXPECT_EQ(addresses.error().code, ErrorCode::kDnsFailure);
  EXPECT_EQ(addresses.error().message,
            "'nobody.nx.test' does not exist (asked 127.0.0.1:" + std::to_string(port_) + ")");
  EXPECT_LT(MsSince(start), 1000);
}

TEST_F(DnsmasqTest, ResolveTargetRecordsTheServer) {
  auto target = ResolveTarget("autodiscover.contoso.test", 443, AskServer(port_),
                              Deadline::After(milliseconds(5000)), nullptr);
  ASSERT_TRUE(target.has_value()) << target.error().message;
  EXPECT_EQ(target->connect_host, "autodiscover.contoso.test");
  EXPECT_EQ(target->via, "dns-server 127.0.0.1:" + std::to_string(port_));
  EXPECT_THAT(Strings(target->addresses), ElementsAre("127.0.0.7:443"));
}

TEST_F(DnsmasqTest, ConnectToNameIsResolved) {
  NetOptions options = AskServer(port_);
  options.connect_to.push_back({"mail.contoso.com", 443, "backend.contoso.test", 8443});
  auto target =
      ResolveTarget("mail.contoso.com", 443, options, Deadline::After(milliseconds(5000)), nullptr);
  ASSERT_TRUE(target.has_value()) << target.error().message;
  EXPECT_EQ(target->connect_host, "backend.contoso.test");
  EXPECT_EQ(target->via, "connect-to, dns-server 127.0.0.1:" + std::to_string(port_));
  EXPECT_THAT(Strings(target->addresses), ElementsAre("127.0.0.7:8443"));
}

TEST_F(DnsmasqTest, SeveralThreadsResolveAtOnce) {
  std::vector<std::thread> threads;
  std::vector<std::string> results(8);
  for (std::size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] {
      auto addresses = Resolve("host" + std::to_string(i) + ".contoso.test", 443, AskServer(port_),
                               Deadline::After(milliseconds(5000)), nullptr);
      results[i] = addresses ? Strings(*addresses).at(0) : addresses.error().message;
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : results) EXPECT_EQ(r, "127.0.0.7:443");
}

TEST_F(DnsmasqTest, SrvRecordsComeSortedByPriorityThenWeight) {
  RecordingSink trace;
  auto records = ResolveSrv("_autodiscover._tcp.contoso.test", AskServer(port_),
                            Deadline::After(milliseconds(5000)), &trace);
  ASSERT_TRUE(records.has_value()) << records.error().message;
  std::vector<std::string> got;
  for (const auto& r : *records)
    got.push_back(r.target + ":" + std::to_string(r.port) + "/" + std::to_string(r.priority) + "/" +
                  std::to_string(r.weight));
  EXPECT_THAT(got, ElementsAre("fast.contoso.test:443/10/50", "mail.contoso.test:443/10/5",
                               "backup.contoso.test:8443/20/0"));
  EXPECT_THAT(trace.lines.back(), HasSubstr("SRV: fast.contoso.test:443"));
}

TEST_F(DnsmasqTest, MissingSrvRecordIsADnsFailure) {
  auto none = ResolveSrv("_autodiscover._tcp.nx.test", AskServer(port_),
                         Deadline::After(milliseconds(5000)), nullptr);
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code, ErrorCode::kDnsFailure);
  EXPECT_THAT(none.error().message, HasSubstr("_autodiscover._tcp.nx.test"));
}

TEST(ResolveTest, SilentSrvServerTimesOutAtTheDeadline) {
  UdpSocket silent = BindUdp();
  auto start = Clock::now();
  auto records = ResolveSrv("_autodiscover._tcp.contoso.test", AskServer(silent.port),
                            Deadline::After(milliseconds(300)), nullptr);
  ASSERT_FALSE(records.has_value());
  EXPECT_EQ(records.error().code, ErrorCode::kTimeout);
  EXPECT_LT(MsSince(start), 500);
}

TEST(ResolveTest, SilentServerTimesOutAtTheDeadline) {
  UdpSocket silent = BindUdp();  // bound, so no ICMP "port unreachable"; never read
  RecordingSink trace;
  auto start = Clock::now();
  auto addresses = Resolve("mail.contoso.test", 443, AskServer(silent.port),
                           Deadline::After(milliseconds(300)), &trace);
  auto elapsed = MsSince(start);
  ASSERT_FALSE(addresses.has_value());
  EXPECT_EQ(addresses.error().code, ErrorCode::kTimeout);
  EXPECT_THAT(addresses.error().message,
              HasSubstr("no DNS answer for 'mail.contoso.test' within 300 ms"));
  EXPECT_GE(elapsed, 290);
  EXPECT_LT(elapsed, 500);
  EXPECT_EQ(trace.lines.size(), 2u);
}

TEST(ResolveTest, NumericHostsSkipDns) {
  UdpSocket silent = BindUdp();  // a lookup would time out
  auto deadline = Deadline::After(milliseconds(2000));
  auto v4 = Resolve("127.0.0.1", 25, AskServer(silent.port), deadline, nullptr);
  ASSERT_TRUE(v4.has_value()) << v4.error().message;
  EXPECT_THAT(Strings(*v4), ElementsAre("127.0.0.1:25"));
  auto v6 = Resolve("::1", 443, AskServer(silent.port), deadline, nullptr);
  ASSERT_TRUE(v6.has_value()) << v6.error().message;
  EXPECT_THAT(Strings(*v6), ElementsAre("[::1]:443"));
}

TEST(ResolveTest, ExpiredDeadlineFailsWithoutAsking) {
  auto addresses = Resolve("mail.contoso.test", 443, AskServer(53),
                           Deadline(Clock::now() - milliseconds(1)), nullptr);
  ASSERT_FALSE(addresses.has_value());
  EXPECT_EQ(addresses.error().code, ErrorCode::kTimeout);
}

TEST(ResolveTargetTest, ResolveOverrideMatchesHostCaseInsensitivelyAndPortExactly) {
  NetOptions options;
  options.resolve.push_back({"MAIL.contoso.com", 443, "127.0.0.9"});
  options.resolve.push_back({"mail.contoso.com", 443, "::1"});
  options.resolve.push_back({"mail.contoso.com", 8443, "127.0.0.10"});
  RecordingSink trace;
  auto target =
      ResolveTarget("mail.contoso.com", 443, options, Deadline::After(milliseconds(100)), &trace);
  ASSERT_TRUE(target.has_value()) << target.error().message;
  EXPECT_EQ(target->via, "resolve-override");
  EXPECT_EQ(target->connect_host, "mail.contoso.com");
  EXPECT_EQ(target->connect_port, 443);
  EXPECT_THAT(Strings(target->addresses), ElementsAre("127.0.0.9:443", "[::1]:443"));
  EXPECT_THAT(trace.lines, ElementsAre("dns: --resolve mail.contoso.com:443 -> 127.0.0.9",
                                       "dns: --resolve mail.contoso.com:443 -> ::1"));
}

TEST(ResolveTargetTest, ResolveOverrideForAnotherPortDoesNotMatch) {
  UdpSocket silent = BindUdp();
  NetOptions options = AskServer(silent.port);
  options.resolve.push_back({"mail.contoso.com", 8443, "127.0.0.9"});
  auto target =
      ResolveTarget("mail.contoso.com", 443, options, Deadline::After(milliseconds(100)), nullptr);
  ASSERT_FALSE(target.has_value());
  EXPECT_EQ(target.error().code, ErrorCode::kTimeout);  // it went to (silent) DNS
}

TEST(ResolveTargetTest, ConnectToAppliesFirstMatchThenResolve) {
  NetOptions options;
  options.connect_to.push_back({"other.contoso.com", 0, "127.0.0.99", 0});
  options.connect_to.push_back({"", 443, "backend.contoso.com", 8443});
  options.connect_to.push_back({"", 0, "127.0.0.98", 0});
  options.resolve.push_back({"backend.contoso.com", 8443, "127.0.0.10"});
  RecordingSink trace;
  auto target =
      ResolveTarget("mail.contoso.com", 443, options, Deadline::After(milliseconds(100)), &trace);
  ASSERT_TRUE(target.has_value()) << target.error().message;
  EXPECT_EQ(target->connect_host, "backend.contoso.com");
  EXPECT_EQ(target->connect_port, 8443);
  EXPECT_EQ(target->via, "connect-to, resolve-override");
  EXPECT_THAT(Strings(target->addresses), ElementsAre("127.0.0.10:8443"));
  EXPECT_THAT(trace.lines,
              ElementsAre("dns: --connect-to mail.contoso.com:443 -> backend.contoso.com:8443",
                          "dns: --resolve backend.contoso.com:8443 -> 127.0.0.10"));
}

TEST(ResolveTargetTest, ConnectToEmptyFieldsKeepHostOrPort) {
  NetOptions options;
  options.connect_to.push_back({"", 0, "127.0.0.11", 0});
  auto target =
      ResolveTarget("mail.contoso.com", 587, options, Deadline::After(milliseconds(100)), nullptr);
  ASSERT_TRUE(target.has_value()) << target.error().message;
  EXPECT_EQ(target->via, "connect-to, numeric");
  EXPECT_THAT(Strings(target->addresses), ElementsAre("127.0.0.11:587"));

  options.connect_to = {{"mail.contoso.com", 443, "", 8443}};
  options.resolve = {{"mail.contoso.com", 8443, "127.0.0.12"}};
  target =
      ResolveTarget("mail.contoso.com", 443, options, Deadline::After(milliseconds(100)), nullptr);
  ASSERT_TRUE(target.has_value()) << target.error().message;
  EXPECT_EQ(target->connect_host, "mail.contoso.com");
  EXPECT_THAT(Strings(target->addresses), ElementsAre("127.0.0.12:8443"));
}

TEST(ResolveTargetTest, NumericHostIsUsedAsIs) {
  auto target =
      ResolveTarget("127.0.0.1", 443, NetOptions{}, Deadline::After(milliseconds(100)), nullptr);
  ASSERT_TRUE(target.has_value()) << target.error().message;
  EXPECT_EQ(target->via, "numeric");
  EXPECT_THAT(Strings(target->addresses), ElementsAre("127.0.0.1:443"));
}

}  // namespace
}  // namespace probe::net
