// TCP connect, send and receive, each bounded by a total Deadline.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "probe/core/bytes.h"
#include "probe/core/deadline.h"
#include "probe/core/result.h"
#include "probe/core/trace.h"
#include "probe/net/address.h"

namespace probe::net {

/// An owned, non-blocking TCP socket (closed on destruction).
class Socket {
 public:
  Socket() = default;
  explicit Socket(int fd) : fd_(fd) {}
  Socket(Socket&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  Socket& operator=(Socket&& other) noexcept;
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket();

  int fd() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void Close();
  /// The local and peer addresses (for connection identity in reports).
  Result<SocketAddress> LocalAddress() const;
  Result<SocketAddress> PeerAddress() const;

 private:
  int fd_ = -1;
};

/// Connects to one address before `deadline`. Errors: kConnectRefused, kTimeout ("no answer to
/// the TCP connect to ADDR within N ms"), kUnreachable, kIo; messages name the address.
Result<Socket> Connect(const SocketAddress& address, const Deadline& deadline);

/// Tries `addresses` in order until one connects; the error of the last attempt otherwise.
/// Each attempt gets an equal share of the time left. On success `*connected` (if set) receives
/// the address that answered.
Result<Socket> ConnectAny(const std::vector<SocketAddress>& addresses, const Deadline& deadline,
                          SocketAddress* connected, TraceSink* trace);

/// Sends all of `data` before `deadline` (kTimeout, kConnectionClosed on EPIPE/ECONNRESET).
Result<void> SendAll(Socket& socket, ByteView data, const Deadline& deadline);

/// Receives up to out.size() bytes; returns 0 at orderly EOF. kTimeout when nothing arrives
/// before `deadline`; kConnectionClosed on a reset.
Result<std::size_t> RecvSome(Socket& socket, std::span<std::uint8_t> out, const Deadline& deadline);

/// Waits until the socket is readable (or writable) before `deadline`; kTimeout otherwise.
Result<void> WaitReadable(const Socket& socket, const Deadline& deadline);
Result<void> WaitWritable(const Socket& socket, const Deadline& deadline);

}  // namespace probe::net
