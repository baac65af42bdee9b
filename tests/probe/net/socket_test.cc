#include "probe/net/socket.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace probe::net {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;

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

// A TCP socket bound to `ip` port 0 (the OS picks the port), listening when backlog >= 0.
struct Bound {
  Socket socket;
  SocketAddress address;
};

std::optional<Bound> BindLoopback(const std::string& ip, int backlog) {
  auto address = SocketAddress::FromNumeric(ip, 0);
  if (!address) return std::nullopt;
  Socket socket(::socket(address->family(), SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!socket.valid()) return std::nullopt;
  if (bind(socket.fd(), reinterpret_cast<const sockaddr*>(&address->storage), address->length) !=
      0) {
    return std::nullopt;
  }
  if (backlog >= 0 && listen(socket.fd(), backlog) != 0) return std::nullopt;
  auto local = socket.LocalAddress();
  if (!local) return std::nullopt;
  return Bound{std::move(socket), *local};
}

// An address on `ip` where nothing listens: bound to learn a free port, then closed.
SocketAddress ClosedPort(const std::string& ip) {
  auto bound = BindLoopback(ip, -1);
  EXPECT_TRUE(bound.has_value());
  return bound->address;
}

Socket Accept(const Socket& listener) {
  return Socket(accept4(listener.fd(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
}

TEST(ConnectTest, ClosedLoopbackPortIsRefusedFast) {
  SocketAddress closed = ClosedPort("127.0.0.1");
  auto start = Clock::now();
  auto socket = Connect(closed, Deadline::After(milliseconds(5000)));
  ASSERT_FALSE(socket.has_value());
  EXPECT_EQ(socket.error().code, ErrorCode::kConnectRefused);
  EXPECT_EQ(socket.error().message, "connection refused by " + closed.ToString());
  EXPECT_LT(MsSince(start), 500);
}

TEST(ConnectTest, ClosedIpv6LoopbackPortIsRefused) {
  auto probe = BindLoopback("::1", -1);
  if (!probe) GTEST_SKIP() << "no IPv6 loopback here";
  SocketAddress closed = probe->address;
  probe->socket.Close();
  auto socket = Connect(closed, Deadline::After(milliseconds(5000)));
  ASSERT_FALSE(socket.has_value());
  EXPECT_EQ(socket.error().code, ErrorCode::kConnectRefused);
  EXPECT_THAT(socket.error().message, HasSubstr("[::1]:"));
}

TEST(ConnectTest, FullAcceptQueueTimesOutAtTheDeadline) {
  // Linux drops a SYN while the listener's accept queue is full (backlog 0 holds one
  // connection), so the second connect never gets an answer.
  auto listener = BindLoopback("127.0.0.1", 0);
  ASSERT_TRUE(listener.has_value());
  auto first = Connect(listener->address, Deadline::After(milliseconds(2000)));
  ASSERT_TRUE(first.has_value()) << first.error().message;
  std::this_thread::sleep_for(milliseconds(50));  // let the first one reach the accept queue
  auto start = Clock::now();
  auto second = Connect(listener->address, Deadline::After(milliseconds(300)));
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code, ErrorCode::kTimeout);
  EXPECT_EQ(second.error().message,
            "no answer to the TCP connect to " + listener->address.ToString() + " within 300 ms");
  EXPECT_GE(MsSince(start), 290);
  EXPECT_LT(MsSince(start), 1000);
}

TEST(RecvSomeTest, ListenerThatNeverAnswersTimesOut) {
  auto listener = BindLoopback("127.0.0.1", 4);
  ASSERT_TRUE(listener.has_value());
  // The kernel completes the handshake from the backlog; nobody ever accepts or writes.
  auto socket = Connect(listener->address, Deadline::After(milliseconds(2000)));
  ASSERT_TRUE(socket.has_value()) << socket.error().message;
  std::uint8_t buffer[64];
  auto start = Clock::now();
  auto got = RecvSome(*socket, buffer, Deadline::After(milliseconds(300)));
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code, ErrorCode::kTimeout);
  EXPECT_EQ(got.error().message, "no data from " + listener->address.ToString() + " within 300 ms");
  EXPECT_GE(MsSince(start), 290);
  EXPECT_LT(MsSince(start), 1000);
}

TEST(SocketTest, SendAndReceiveRoundTrip) {
  auto listener = BindLoopback("127.0.0.1", 4);
  ASSERT_TRUE(listener.has_value());
  auto deadline = Deadline::After(milliseconds(5000));
  auto client = Connect(listener->address, deadline);
  ASSERT_TRUE(client.has_value()) << client.error().message;
  Socket server = Accept(listener->socket);
  ASSERT_TRUE(server.valid());

  ASSERT_TRUE(SendAll(*client, AsBytes("EHLO probe\r\n"), deadline).has_value());
  std::uint8_t buffer[64];
  auto got = RecvSome(server, buffer, deadline);
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(std::string(reinterpret_cast<char*>(buffer), *got), "EHLO probe\r\n");

  ASSERT_TRUE(SendAll(server, AsBytes("250 ok\r\n"), deadline).has_value());
  got = RecvSome(*client, buffer, deadline);
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(std::string(reinterpret_cast<char*>(buffer), *got), "250 ok\r\n");

  EXPECT_EQ(client->PeerAddress()->ToString(), listener->address.ToString());
  EXPECT_EQ(server.PeerAddress()->ToString(), client->LocalAddress()->ToString());
}

TEST(SocketTest, SendAllWaitsForTheReaderThroughFullBuffers) {
  auto listener = BindLoopback("127.0.0.1", 4);
  ASSERT_TRUE(listener.has_value());
  auto deadline = Deadline::After(milliseconds(10000));
  auto client = Connect(listener->address, deadline);
  ASSERT_TRUE(client.has_value());
  Socket server = Accept(listener->socket);
  ASSERT_TRUE(server.valid());

  const Bytes payload(16 << 20, 0x5a);  // far more than the loopback socket buffers hold
  std::size_t received = 0;
  std::thread reader([&] {
    std::vector<std::uint8_t> buffer(1 << 16);
    while (true) {
      auto got = RecvSome(server, buffer, deadline);
      if (!got || *got == 0) break;
      received += *got;
    }
  });
  EXPECT_TRUE(SendAll(*client, payload, deadline).has_value());
  client->Close();
  reader.join();
  EXPECT_EQ(received, payload.size());
}

TEST(SocketTest, SendAllToAPeerThatNeverReadsTimesOut) {
  auto listener = BindLoopback("127.0.0.1", 4);
  ASSERT_TRUE(listener.has_value());
  auto client = Connect(listener->address, Deadline::After(milliseconds(2000)));
  ASSERT_TRUE(client.has_value());
  const Bytes payload(64 << 20, 0x5a);
  auto start = Clock::now();
  auto sent = SendAll(*client, payload, Deadline::After(milliseconds(300)));
  ASSERT_FALSE(sent.has_value());
  EXPECT_EQ(sent.error().code, ErrorCode::kTimeout);
  EXPECT_THAT(sent.error().message, HasSubstr("took no more data within 300 ms"));
  EXPECT_LT(MsSince(start), 1000);
}

TEST(RecvSomeTest, OrderlyCloseReturnsZero) {
  auto listener = BindLoopback("127.0.0.1", 4);
  ASSERT_TRUE(listener.has_value());
  auto deadline = Deadline::After(milliseconds(5000));
  auto client = Connect(listener->address, deadline);
  ASSERT_TRUE(client.has_value());
  Accept(listener->socket).Close();
  std::uint8_t buffer[16];
  auto got = RecvSome(*client, buffer, deadline);
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(*got, 0u);
}

TEST(RecvSomeTest, ResetIsConnectionClosed) {
  auto listener = BindLoopback("127.0.0.1", 4);
  ASSERT_TRUE(listener.has_value());
  auto deadline = Deadline::After(milliseconds(5000));
  auto client = Connect(listener->address, deadline);
  ASSERT_TRUE(client.has_value());
  Socket server = Accept(listener->socket);
  linger abort_on_close{1, 0};  // close() now sends RST instead of FIN
  ASSERT_EQ(setsockopt(server.fd(), SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof(abort_on_close)),
            0);
  server.Close();
  std::uint8_t buffer[16];
  auto got = RecvSome(*client, buffer, deadline);
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code, ErrorCode::kConnectionClosed);
  EXPECT_THAT(got.error().message, HasSubstr("reset the connection"));
}

TEST(ConnectAnyTest, SkipsARefusedAddressAndTracesEachAttempt) {
  SocketAddress closed = ClosedPort("127.0.0.1");
  auto listener = BindLoopback("127.0.0.1", 4);
  ASSERT_TRUE(listener.has_value());
  RecordingSink trace;
  SocketAddress connected;
  auto socket = ConnectAny({closed, listener->address}, Deadline::After(milliseconds(5000)),
                           &connected, &trace);
  ASSERT_TRUE(socket.has_value()) << socket.error().message;
  EXPECT_EQ(connected.ToString(), listener->address.ToString());
  ASSERT_EQ(trace.lines.size(), 4u);
  EXPECT_EQ(trace.lines[0], "tcp: connect " + closed.ToString());
  EXPECT_EQ(trace.lines[1], "tcp: connection refused by " + closed.ToString());
  EXPECT_EQ(trace.lines[2], "tcp: connect " + listener->address.ToString());
  EXPECT_THAT(trace.lines[3], HasSubstr("tcp: connected " + listener->address.ToString()));
}

TEST(ConnectAnyTest, ReturnsTheLastErrorWhenAllFail) {
  SocketAddress first = ClosedPort("127.0.0.1");
  SocketAddress second = ClosedPort("127.0.0.2");
  auto socket = ConnectAny({first, second}, Deadline::After(milliseconds(5000)), nullptr, nullptr);
  ASSERT_FALSE(socket.has_value());
  EXPECT_EQ(socket.error().code, ErrorCode::kConnectRefused);
  EXPECT_EQ(socket.error().message, "connection refused by " + second.ToString());

  auto none = ConnectAny({}, Deadline::After(milliseconds(100)), nullptr, nullptr);
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code, ErrorCode::kInvalidArgument);
}

TEST(SocketTest, MoveTransfersOwnership) {
  auto listener = BindLoopback("127.0.0.1", 4);
  ASSERT_TRUE(listener.has_value());
  Socket a = std::move(listener->socket);
  EXPECT_FALSE(listener->socket.valid());
  Socket b;
  b = std::move(a);
  EXPECT_FALSE(a.valid());  // NOLINT(bugprone-use-after-move): checking the moved-from state
  EXPECT_TRUE(b.valid());
  EXPECT_EQ(b.LocalAddress()->ToString(), listener->address.ToString());
}

}  // namespace
}  // namespace probe::net
