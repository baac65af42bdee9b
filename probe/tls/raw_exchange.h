// One raw ClientHello over a fresh TCP connection, and what came back.
#pragma once

#include <string>
#include <vector>

#include "probe/core/bytes.h"
#include "probe/core/deadline.h"
#include "probe/core/trace.h"
#include "probe/net/address.h"
#include "probe/tls/server_answer.h"

namespace probe::tls {

/// How the transport ended, beside what the server said.
enum class Transport {
  kAnswered,       // `answer` holds a decided answer (hello, alert, not TLS, malformed)
  kClosed,         // EOF before a decided answer
  kReset,          // connection reset before a decided answer
  kTimeout,        // the deadline passed first
  kConnectFailed,  // no TCP connection (refused, unreachable); `detail` says which
};

struct RawExchange {
  Transport transport = Transport::kConnectFailed;
  ServerAnswer answer;
  std::string detail;
  Bytes first_bytes;  // up to 16 bytes of the answer, as evidence
};

/// Where raw hellos go: the resolved addresses, tried in order for each connection.
struct RawTarget {
  std::vector<net::SocketAddress> addresses;
  TraceSink* trace = nullptr;
};

/// Connects, sends `hello`, reads until the answer is decided; closes the connection.
RawExchange ExchangeHello(const RawTarget& target, ByteView hello, const Deadline& deadline);

}  // namespace probe::tls
