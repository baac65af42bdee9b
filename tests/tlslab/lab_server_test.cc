#include "tlslab/lab_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "tests/tlslab/openssl_client.h"
#include "tlslab/scenario_catalog.h"

namespace tlslab {
namespace {

using namespace std::chrono_literals;
using labtest::HandshakeSucceeds;
using labtest::HttpsExchange;
using labtest::SClient;

constexpr TlsVersion kAllVersions[] = {TlsVersion::kTls10, TlsVersion::kTls11, TlsVersion::kTls12,
                                       TlsVersion::kTls13};

// Keeps the server's log lines for assertions instead of printing them.
class LogCapture {
 public:
  LogSink Sink() {
    return [this](std::string_view line) {
      std::lock_guard lock(mu_);
      lines_.emplace_back(line);
    };
  }
  bool Contains(const std::string& needle) {
    std::lock_guard lock(mu_);
    for (const auto& l : lines_) {
      if (l.find(needle) != std::string::npos) return true;
    }
    return false;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> lines_;
};

class LabServerTest : public ::testing::Test {
 protected:
  std::unique_ptr<LabServer> StartLab(std::string_view scenario_name, StartOptions options = {}) {
    auto scenario = LoadScenario(scenario_name);
    EXPECT_TRUE(scenario) << scenario.error().message;
    if (!scenario) return nullptr;
    scenario_ = std::move(*scenario);
    options.log = log_.Sink();
    auto server = LabServer::Start(scenario_, options);
    EXPECT_TRUE(server) << server.error().message;
    return server ? std::move(*server) : nullptr;
  }

  std::uint16_t Port(const LabServer& lab, std::string_view listener) {
    const BoundListener* l = lab.FindListener(listener);
    EXPECT_NE(l, nullptr) << listener;
    return l ? l->port : 0;
  }

  Scenario scenario_;
  LogCapture log_;
};

// Raw TCP connect to 127.0.0.1:port; -1 on failure.
int ConnectTcp(std::uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

TEST_F(LabServerTest, TlsMatrixAcceptsExactlyItsConfiguredVersions) {
  auto lab = StartLab("tls-matrix");
  ASSERT_TRUE(lab);
  ASSERT_EQ(lab->listeners().size(), 6u);
  for (const auto& spec : scenario_.listeners) {
    for (TlsVersion v : kAllVersions) {
      EXPECT_EQ(HandshakeSucceeds(Port(*lab, spec.name), v), spec.tls.Enables(v))
          << "listener " << spec.name << " with " << TlsVersionName(v);
    }
  }
  EXPECT_TRUE(log_.Contains("listener 'tls12'"));
  EXPECT_TRUE(log_.Contains("TLS handshake failed"));
}

TEST_F(LabServerTest, ListenersAreBoundOnLoopbackInScenarioOrder) {
  auto lab = StartLab("coexistence");
  ASSERT_TRUE(lab);
  ASSERT_EQ(lab->listeners().size(), 3u);
  EXPECT_EQ(lab->listeners()[0].name, "frontend");
  EXPECT_EQ(lab->listeners()[1].name, "legacy");
  EXPECT_EQ(lab->listeners()[2].name, "autodiscover-redirect");
  for (const auto& l : lab->listeners()) {
    EXPECT_EQ(l.address, "127.0.0.1");
    EXPECT_NE(l.port, 0);
    EXPECT_EQ(l.HostPort(), "127.0.0.1:" + std::to_string(l.port));
  }
  EXPECT_NE(lab->listeners()[0].port, lab->listeners()[1].port);
  EXPECT_EQ(lab->FindListener("nope"), nullptr);
  EXPECT_TRUE(lab->ExportCaPem().starts_with("-----BEGIN CERTIFICATE-----"));
}

TEST_F(LabServerTest, GetAnswers200WithTheListenerHeaderOnAKeptConnection) {
  auto lab = StartLab("tls-matrix");
  ASSERT_TRUE(lab);
  // Two requests on one TLS connection: the second answer proves keep-alive.
  std::string out = HttpsExchange(Port(*lab, "tls12"),
                                  "GET /owa/ HTTP/1.1\r\nHost: lab.contoso.test\r\n\r\n"
                                  "GET / HTTP/1.1\r\nHost: lab.contoso.test\r\n"
                                  "Connection: close\r\n\r\n");
  std::size_t first = out.find("HTTP/1.1 200 OK\r\n");
  ASSERT_NE(first, std::string::npos) << out;
  EXPECT_NE(out.find("HTTP/1.1 200 OK\r\n", first + 1), std::string::npos) << out;
  EXPECT_NE(out.find("X-Tlslab-Listener: tls12\r\n"), std::string::npos) << out;
  EXPECT_NE(out.find("Content-Type: text/plain\r\n"), std::string::npos) << out;
  EXPECT_NE(out.find("tlslab scenario 'tls-matrix', listener 'tls12'\n"), std::string::npos);
  EXPECT_TRUE(log_.Contains("GET /owa/ -> 200"));
}

TEST_F(LabServerTest, OversizedHeadersAndBodiesAreRefused) {
  auto lab = StartLab("tls-matrix");
  ASSERT_TRUE(lab);
  std::string big_header = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(70 * 1024, 'a') +
                           "\r\nConnection: close\r\n\r\n";
  std::string out = HttpsExchange(Port(*lab, "tls13"), big_header);
  EXPECT_NE(out.find("HTTP/1.1 431 Request Header Fields Too Large\r\n"), std::string::npos)
      << out.substr(0, 500);
  std::string big_body =
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\nConnection: close\r\n\r\n";
  out = HttpsExchange(Port(*lab, "tls13"), big_body);
  EXPECT_NE(out.find("HTTP/1.1 413 Payload Too Large\r\n"), std::string::npos) << out;
  EXPECT_NE(out.find("Connection: close\r\n"), std::string::npos) << out;
}

TEST_F(LabServerTest, SilentClientIsDroppedAtTheHandshakeDeadline) {
  StartOptions options;
  options.timeouts.handshake = 300ms;
  auto lab = StartLab("tls-matrix", options);
  ASSERT_TRUE(lab);
  int fd = ConnectTcp(Port(*lab, "tls12"));
  ASSERT_GE(fd, 0);
  auto start = std::chrono::steady_clock::now();
  pollfd pfd{fd, POLLIN, 0};
  ASSERT_EQ(poll(&pfd, 1, 5000), 1) << "the server never closed the silent connection";
  char byte;
  EXPECT_LE(read(fd, &byte, 1), 0);  // closed (EOF or reset), not data
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  close(fd);
}

TEST_F(LabServerTest, IdleConnectionIsClosedAtTheIdleDeadline) {
  StartOptions options;
  options.timeouts.idle = 300ms;
  auto lab = StartLab("tls-matrix", options);
  ASSERT_TRUE(lab);
  auto start = std::chrono::steady_clock::now();
  // -ign_eof: the client sends nothing and waits for the server to end the connection.
  auto result = SClient("127.0.0.1", Port(*lab, "tls12"), {"-ign_eof"});
  EXPECT_FALSE(result.timed_out);
  EXPECT_NE(result.output.find("CONNECTED"), std::string::npos) << result.output;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST_F(LabServerTest, ListenAddressReplacesEveryAddress) {
  StartOptions options;
  options.listen_address = "::1";
  auto scenario = LoadScenario("coexistence");
  ASSERT_TRUE(scenario);
  options.log = log_.Sink();
  auto lab = LabServer::Start(*scenario, options);
  if (!lab && lab.error().message.find("bind") != std::string::npos) {
    GTEST_SKIP() << "no IPv6 loopback here: " << lab.error().message;
  }
  ASSERT_TRUE(lab) << lab.error().message;
  for (const auto& l : (*lab)->listeners()) {
    EXPECT_EQ(l.address, "::1");
    EXPECT_EQ(l.HostPort(), "[::1]:" + std::to_string(l.port));
  }
  auto result = SClient("::1", (*lab)->FindListener("frontend")->port, {"-brief"});
  EXPECT_EQ(result.exit_code, 0) << result.output;
}

TEST_F(LabServerTest, StopClosesTheListenersAndIsIdempotent) {
  auto lab = StartLab("coexistence");
  ASSERT_TRUE(lab);
  std::uint16_t port = Port(*lab, "frontend");
  int fd = ConnectTcp(port);
  ASSERT_GE(fd, 0);
  close(fd);
  lab->Stop();
  lab->Stop();
  EXPECT_EQ(ConnectTcp(port), -1);
  lab->Wait();  // returns at once once stopped
}

TEST_F(LabServerTest, BadAddressesAndBusyPortsAreErrors) {
  auto scenario = LoadScenario("coexistence");
  ASSERT_TRUE(scenario);
  StartOptions bad_address;
  bad_address.listen_address = "not-an-address";
  auto bad = LabServer::Start(*scenario, bad_address);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().message.substr(bad.error().message.find(": listener")),
            ": listener 'frontend': 'not-an-address' is not an IP address");

  auto first = StartLab("coexistence");
  ASSERT_TRUE(first);
  scenario->listeners[0].port = Port(*first, "frontend");
  auto busy = LabServer::Start(*scenario, {});
  ASSERT_FALSE(busy);
  EXPECT_EQ(busy.error().code, ErrorCode::kIo);
  EXPECT_NE(
      busy.error().message.find("bind 127.0.0.1:" + std::to_string(scenario->listeners[0].port) +
                                ": Address already in use"),
      std::string::npos)
      << busy.error().message;
}

// What `s_client -showcerts` reports for one certs.yaml listener, trusting the lab CA.
struct ServedChain {
  int certificates = 0;
  std::string verify;  // "Verify return code: ..." line
};

ServedChain Inspect(std::uint16_t port, const std::string& ca_file) {
  auto result = SClient("127.0.0.1", port,
                        {"-showcerts", "-CAfile", ca_file, "-cipher", "DEFAULT:@SECLEVEL=0"});
  ServedChain chain;
  chain.certificates = static_cast<int>(labtest::PemCertificates(result.output).size());
  std::size_t at = result.output.find("Verify return code: ");
  if (at != std::string::npos) {
    chain.verify = result.output.substr(at, result.output.find('\n', at) - at);
  }
  return chain;
}

TEST_F(LabServerTest, CertsScenarioServesEachKindAsDeclared) {
  auto lab = StartLab("certs");
  ASSERT_TRUE(lab);
  labtest::TempDir dir;
  std::string ca = dir.Write("ca.pem", lab->ExportCaPem());
  struct Expected {
    const char* listener;
    int certificates;
    const char* verify_code;
  };
  // 10: expired; 18: self-signed; 21: the leaf's issuer is neither sent nor trusted.
  const Expected expected[] = {
      {"wildcard", 2, "0"},     {"san", 2, "0"},
      {"cn_only", 2, "0"},      {"expired", 2, "10"},
      {"self_signed", 1, "18"}, {"sha1", 2, "0"},
      {"rsa1024", 2, "0"},      {"missing_intermediate", 1, "21"},
  };
  for (const auto& e : expected) {
    ServedChain chain = Inspect(Port(*lab, e.listener), ca);
    EXPECT_EQ(chain.certificates, e.certificates) << e.listener;
    EXPECT_TRUE(chain.verify.starts_with(std::string("Verify return code: ") + e.verify_code + " "))
        << e.listener << ": " << chain.verify;
  }
}

}  // namespace
}  // namespace tlslab
