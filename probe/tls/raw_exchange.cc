#include "probe/tls/raw_exchange.h"

#include <fmt/format.h>

#include <array>

#include "probe/net/socket.h"

namespace probe::tls {
namespace {

RawExchange Ended(Transport transport, std::string detail) {
  RawExchange e;
  e.transport = transport;
  e.detail = std::move(detail);
  return e;
}

}  // namespace

RawExchange ExchangeHello(const RawTarget& target, ByteView hello, const Deadline& deadline) {
  auto socket = net::ConnectAny(target.addresses, deadline, nullptr, nullptr);
  if (!socket) {
    return Ended(socket.error().code == ErrorCode::kTimeout ? Transport::kTimeout
                                                            : Transport::kConnectFailed,
                 socket.error().message);
  }
  if (auto sent = net::SendAll(*socket, hello, deadline); !sent) {
    return Ended(sent.error().code == ErrorCode::kTimeout ? Transport::kTimeout : Transport::kReset,
                 sent.error().message);
  }
  Bytes received;
  std::array<std::uint8_t, 8192> buf;
  while (true) {
    auto got = net::RecvSome(*socket, buf, deadline);
    if (!got) {
      bool timeout = got.error().code == ErrorCode::kTimeout;
      RawExchange e = Ended(timeout ? Transport::kTimeout : Transport::kReset, got.error().message);
      e.first_bytes.assign(received.begin(),
                           received.begin() + std::min<std::size_t>(16, received.size()));
      return e;
    }
    if (*got == 0) {
      RawExchange e = Ended(
          Transport::kClosed,
          received.empty()
              ? "closed without answering"
              : fmt::format("closed after {} byte(s) of an unfinished answer", received.size()));
      e.first_bytes.assign(received.begin(),
                           received.begin() + std::min<std::size_t>(16, received.size()));
      return e;
    }
    received.insert(received.end(), buf.begin(), buf.begin() + static_cast<long>(*got));
    ServerAnswer answer = ParseServerAnswer(received);
    if (answer.kind == AnswerKind::kNeedMore && received.size() > kMaxAnswerBytes) {
      answer.kind = AnswerKind::kMalformed;
      answer.detail = fmt::format("no complete ServerHello within {} bytes", kMaxAnswerBytes);
    }
    if (answer.kind != AnswerKind::kNeedMore) {
      RawExchange e;
      e.transport = Transport::kAnswered;
      e.answer = std::move(answer);
      e.first_bytes.assign(received.begin(),
                           received.begin() + std::min<std::size_t>(16, received.size()));
      return e;
    }
  }
}

}  // namespace probe::tls
