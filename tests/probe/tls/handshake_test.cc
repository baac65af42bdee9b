// One handshake against real servers: openssl s_server with pinned versions, Python's
// http.server (plain HTTP), a listener that closes at once, and one that never answers.
#include "probe/tls/handshake.h"

#include <gtest/gtest.h>

#include "probe/net/socket.h"
#include "tests/support/peers.h"

namespace probe::tls {
namespace {

using namespace std::chrono_literals;
using testsupport::ChildProcess;
using testsupport::OpensslServer;

HandshakeResult HandshakeWith(int port, TlsVersion version, std::chrono::milliseconds budget = 5s) {
  auto address = net::SocketAddress::FromNumeric("127.0.0.1", static_cast<std::uint16_t>(port));
  Deadline deadline = Deadline::After(budget);
  auto socket = net::Connect(*address, deadline);
  EXPECT_TRUE(socket.has_value()) << socket.error().message;
  if (!socket) return {};
  return Handshake(*socket, {version, "localhost"}, deadline, nullptr);
}

OpensslServer StartServer(const std::vector<std::string>& args) {
  std::string error;
  auto server = OpensslServer::Start(args, &error);
  if (!server) ADD_FAILURE() << error;
  return std::move(*server);
}

TEST(HandshakeTest, CompletesPinnedTls12AndReportsSuiteGroupAndChain) {
  auto server = StartServer({"-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"});
  HandshakeResult r = HandshakeWith(server.port(), TlsVersion::kTls12);
  EXPECT_EQ(r.outcome, HandshakeOutcome::kCompleted) << r.detail;
  EXPECT_EQ(r.negotiated, TlsVersion::kTls12);
  EXPECT_EQ(r.cipher_id, 0xC02F);
  EXPECT_EQ(r.cipher_name, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  EXPECT_FALSE(r.group.empty());
  ASSERT_EQ(r.chain.size(), 1u);
  EXPECT_EQ(r.chain[0].common_name, "localhost");
}

TEST(HandshakeTest, CompletesTls10AgainstALegacyServer) {
  auto server = StartServer({"-tls1", "-cipher", "DEFAULT:@SECLEVEL=0"});
  HandshakeResult r = HandshakeWith(server.port(), TlsVersion::kTls10);
  EXPECT_EQ(r.outcome, HandshakeOutcome::kCompleted) << r.detail;
  EXPECT_EQ(r.negotiated, TlsVersion::kTls10);
}

TEST(HandshakeTest, Tls13SupportedVersionsDecidesTheVersion) {
  auto server = StartServer({"-tls1_3"});
  HandshakeResult r = HandshakeWith(server.port(), TlsVersion::kTls13);
  EXPECT_EQ(r.outcome, HandshakeOutcome::kCompleted) << r.detail;
  ASSERT_TRUE(r.server_hello.has_value());
  EXPECT_EQ(r.server_hello->legacy_version, 0x0303);
  EXPECT_EQ(r.server_hello->selected_version, 0x0304);
  EXPECT_EQ(r.negotiated, TlsVersion::kTls13);
}

TEST(HandshakeTest, ServerAboveOurVersionRefusesWithProtocolVersionAlert) {
  auto server = StartServer({"-tls1_2"});
  HandshakeResult r = HandshakeWith(server.port(), TlsVersion::kTls10);
  EXPECT_EQ(r.outcome, HandshakeOutcome::kRejectedAlert) << r.detail;
  EXPECT_FALSE(r.accepted());
  ASSERT_TRUE(r.alert_received.has_value());
  EXPECT_EQ(*r.alert_received, 70);
  EXPECT_NE(r.detail.find("protocol_version"), std::string::npos) << r.detail;
}

TEST(HandshakeTest, ServerBelowOurVersionIsADowngradeNotAnAcceptance) {
  auto server = StartServer({"-tls1", "-cipher", "DEFAULT:@SECLEVEL=0"});
  HandshakeResult r = HandshakeWith(server.port(), TlsVersion::kTls12);
  EXPECT_EQ(r.outcome, HandshakeOutcome::kDowngraded) << r.detail;
  EXPECT_FALSE(r.accepted());
  EXPECT_EQ(r.negotiated, TlsVersion::kTls10);
  EXPECT_NE(r.detail.find("TLS 1.0 ServerHello"), std::string::npos) << r.detail;
}

TEST(HandshakeTest, PlainHttpServerIsNotTls) {
  std::string error;
  auto http = ChildProcess::Start(
      {"/usr/bin/python3", "-u", "-m", "http.server", "--bind", "127.0.0.1", "0"}, &error);
  ASSERT_TRUE(http.has_value()) << error;
  auto line = http->WaitFor("Serving HTTP", 10s);
  ASSERT_TRUE(line.has_value()) << http->output();
  // "Serving HTTP on 127.0.0.1 port 41234 (http://127.0.0.1:41234/) ..."
  auto port = testsupport::PortAfterColon(line->substr(0, line->find("/) ")));
  ASSERT_TRUE(port.has_value()) << *line;
  HandshakeResult r = HandshakeWith(*port, TlsVersion::kTls12);
  EXPECT_EQ(r.outcome, HandshakeOutcome::kNotTls) << r.detail;
  // http.server answers the binary request line with an HTTP/0.9-style error page.
  EXPECT_NE(r.detail.find("<!DOCTYPE HTML>"), std::string::npos) << r.detail;
}

TEST(HandshakeTest, ListenerThatNeverAnswersTimesOutAtTheDeadline) {
  testsupport::SilentListener silent;
  auto started = Clock::now();
  HandshakeResult r = HandshakeWith(silent.port(), TlsVersion::kTls12, 400ms);
  auto took = Clock::now() - started;
  EXPECT_EQ(r.outcome, HandshakeOutcome::kTimeout) << r.detail;
  EXPECT_GE(took, 350ms);
  EXPECT_LT(took, 2s);
}

TEST(HandshakeTest, ServerThatClosesAtOnceIsClosed) {
  std::string error;
  auto closer = ChildProcess::Start({"/usr/bin/python3", "-u", "-c",
                                     "import socket\n"
                                     "s=socket.socket(); s.bind(('127.0.0.1',0)); s.listen(4)\n"
                                     "print('PORT 127.0.0.1:%d' % s.getsockname()[1], flush=True)\n"
                                     "while True:\n"
                                     "  c,_=s.accept(); c.close()\n"},
                                    &error);
  ASSERT_TRUE(closer.has_value()) << error;
  auto line = closer->WaitFor("PORT", 10s);
  ASSERT_TRUE(line.has_value()) << closer->output();
  HandshakeResult r = HandshakeWith(*testsupport::PortAfterColon(*line), TlsVersion::kTls12);
  EXPECT_EQ(r.outcome, HandshakeOutcome::kClosed) << r.detail;
}

}  // namespace
}  // namespace probe::tls
