#include "probe/net/socket.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace probe::net {
namespace {

constexpr std::string_view kLayer = "tcp";

std::string ErrnoText(int error) { return std::strerror(error); }

int ElapsedMs(Clock::time_point since) {
  return static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count());
}

// Polls for `events` until they arrive or the deadline passes; restarts on EINTR and on the
// early wake-ups RemainingMs' rounding can cause.
Result<void> WaitFor(int fd, short events, const Deadline& deadline, std::string_view what) {
  const int budget_ms = deadline.RemainingMs();
  while (true) {
    pollfd pfd{fd, events, 0};
    int ready = poll(&pfd, 1, deadline.RemainingMs());
    if (ready > 0) return {};
    if (ready < 0 && errno != EINTR) {
      return Fail(ErrorCode::kIo, "poll: " + ErrnoText(errno));
    }
    if (ready == 0 && deadline.Expired()) {
      return Fail(ErrorCode::kTimeout, "socket not " + std::string(what) + " within " +
                                           std::to_string(budget_ms) + " ms");
    }
  }
}

Result<SocketAddress> AddressOf(int fd, int (*get)(int, sockaddr*, socklen_t*)) {
  SocketAddress address;
  address.length = sizeof(address.storage);
  if (get(fd, reinterpret_cast<sockaddr*>(&address.storage), &address.length) != 0) {
    return Fail(ErrorCode::kIo, "cannot read the socket address: " + ErrnoText(errno));
  }
  return address;
}

Error ConnectError(int error, const SocketAddress& address, int budget_ms) {
  const std::string where = address.ToString();
  switch (error) {
    case ECONNREFUSED:
      return Error{ErrorCode::kConnectRefused, "connection refused by " + where};
    case ETIMEDOUT:
      return Error{ErrorCode::kTimeout, "no answer to the TCP connect to " + where + " within " +
                                            std::to_string(budget_ms) + " ms"};
    case ENETUNREACH:
    case EHOSTUNREACH:
    case ENETDOWN:
    case EHOSTDOWN:
    case EADDRNOTAVAIL:  // e.g. ::1 on a host without IPv6
    case EAFNOSUPPORT:
      return Error{ErrorCode::kUnreachable, where + " is unreachable: " + ErrnoText(error)};
    default:
      return Error{ErrorCode::kIo, "connect to " + where + ": " + ErrnoText(error)};
  }
}

Result<Socket> OpenSocket(const SocketAddress& address) {
  int fd = socket(address.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Fail(ConnectError(errno, address, 0));
  Socket socket(fd);
  // Probes send small requests and wait for the answer: Nagle would only add latency.
  int on = 1;
  if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) != 0) {
    return Fail(ErrorCode::kIo, "setsockopt TCP_NODELAY: " + ErrnoText(errno));
  }
  return socket;
}

// The outcome of a non-blocking connect once the socket is writable (or failed).
Result<void> FinishConnect(const Socket& socket, const SocketAddress& address,
                           const Deadline& deadline, int budget_ms) {
  if (auto ready = WaitWritable(socket, deadline); !ready) {
    if (ready.error().code != ErrorCode::kTimeout) return Fail(ready.error());
    return Fail(ConnectError(ETIMEDOUT, address, budget_ms));
  }
  int error = 0;
  socklen_t length = sizeof(error);
  if (getsockopt(socket.fd(), SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
  if (error != 0) return Fail(ConnectError(error, address, budget_ms));
  return {};
}

// "127.0.0.1:443" for messages; "the peer" once the socket no longer knows it.
std::string PeerName(const Socket& socket) {
  auto peer = socket.PeerAddress();
  return peer ? peer->ToString() : "the peer";
}

}  // namespace

Socket& Socket::operator=(Socket&& other) noexcept {
  if (this != &other) {
    Close();
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

Socket::~Socket() { Close(); }

void Socket::Close() {
  // No retry on EINTR: on Linux the descriptor is released even then.
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Result<SocketAddress> Socket::LocalAddress() const { return AddressOf(fd_, ::getsockname); }

Result<SocketAddress> Socket::PeerAddress() const { return AddressOf(fd_, ::getpeername); }

Result<Socket> Connect(const SocketAddress& address, const Deadline& deadline) {
  const int budget_ms = deadline.RemainingMs();
  auto socket = OpenSocket(address);
  if (!socket) return socket;
  int rc =
      ::connect(socket->fd(), reinterpret_cast<const sockaddr*>(&address.storage), address.length);
  // EINTR on a non-blocking connect leaves it running in the background, like EINPROGRESS.
  if (rc != 0 && errno != EINPROGRESS && errno != EINTR) {
    return Fail(ConnectError(errno, address, budget_ms));
  }
  if (rc != 0) {
    if (auto done = FinishConnect(*socket, address, deadline, budget_ms); !done) {
      return Fail(done.error());
    }
  }
  return socket;
}

Result<Socket> ConnectAny(const std::vector<SocketAddress>& addresses, const Deadline& deadline,
                          SocketAddress* connected, TraceSink* trace) {
  if (addresses.empty()) return Fail(ErrorCode::kInvalidArgument, "no address to connect to");
  Error last;
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    // Each address gets an equal share of what is left, so one that drops SYNs cannot use up
    // the time of the others.
    const auto share = std::chrono::milliseconds(deadline.RemainingMs() / (addresses.size() - i));
    const auto start = Clock::now();
    TraceTo(trace, kLayer, "connect " + addresses[i].ToString());
    auto socket = Connect(addresses[i], deadline.Capped(share));
    if (socket) {
      TraceTo(trace, kLayer,
              "connected " + addresses[i].ToString() + " in " + std::to_string(ElapsedMs(start)) +
                  " ms");
      if (connected != nullptr) *connected = addresses[i];
      return socket;
    }
    TraceTo(trace, kLayer, socket.error().message);
    last = socket.error();
  }
  return Fail(std::move(last));
}

Result<void> SendAll(Socket& socket, ByteView data, const Deadline& deadline) {
  const int budget_ms = deadline.RemainingMs();
  std::size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n =
        ::send(socket.fd(), data.data() + sent, data.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n >= 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EPIPE || errno == ECONNRESET) {
      return Fail(ErrorCode::kConnectionClosed,
                  PeerName(socket) + " closed the connection while we were sending");
    }
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      return Fail(ErrorCode::kIo, "send to " + PeerName(socket) + ": " + ErrnoText(errno));
    }
    if (auto ready = WaitWritable(socket, deadline); !ready) {
      if (ready.error().code != ErrorCode::kTimeout) return Fail(ready.error());
      return Fail(ErrorCode::kTimeout, PeerName(socket) + " took no more data within " +
                                           std::to_string(budget_ms) + " ms (" +
                                           std::to_string(data.size() - sent) + " bytes unsent)");
    }
  }
  return {};
}

Result<std::size_t> RecvSome(Socket& socket, std::span<std::uint8_t> out,
                             const Deadline& deadline) {
  // A zero-byte read would return 0, which callers take for EOF.
  if (out.empty()) return Fail(ErrorCode::kInternal, "RecvSome called with an empty buffer");
  const int budget_ms = deadline.RemainingMs();
  while (true) {
    ssize_t n = ::recv(socket.fd(), out.data(), out.size(), MSG_DONTWAIT);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno == EINTR) continue;
    if (errno == ECONNRESET) {
      return Fail(ErrorCode::kConnectionClosed, PeerName(socket) + " reset the connection");
    }
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      return Fail(ErrorCode::kIo, "recv from " + PeerName(socket) + ": " + ErrnoText(errno));
    }
    if (auto ready = WaitReadable(socket, deadline); !ready) {
      if (ready.error().code != ErrorCode::kTimeout) return Fail(ready.error());
      return Fail(ErrorCode::kTimeout, "no data from " + PeerName(socket) + " within " +
                                           std::to_string(budget_ms) + " ms");
    }
  }
}

Result<void> WaitReadable(const Socket& socket, const Deadline& deadline) {
  return WaitFor(socket.fd(), POLLIN, deadline, "readable");
}

Result<void> WaitWritable(const Socket& socket, const Deadline& deadline) {
  return WaitFor(socket.fd(), POLLOUT, deadline, "writable");
}

}  // namespace probe::net
