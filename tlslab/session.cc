#include "tlslab/session.h"

#include <fmt/format.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <optional>

namespace tlslab {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using Stream = beast::ssl_stream<beast::tcp_stream>;

// Errors come back as values and are checked at each step (Beast's habit), not as exceptions.
constexpr auto kNoThrow = net::as_tuple(net::use_awaitable);

constexpr std::uint32_t kMaxHeaderBytes = 64 * 1024;
constexpr std::uint64_t kMaxBodyBytes = 1024 * 1024;

// Prefixes each line with the listener and the peer, so concurrent connections stay apart.
class SessionLog {
 public:
  SessionLog(const ListenerContext& listener, std::string peer)
      : listener_(listener), peer_(std::move(peer)) {}
  void operator()(std::string_view what) const {
    listener_.log(fmt::format("listener '{}' {}: {}", listener_.identity.listener, peer_, what));
  }

 private:
  const ListenerContext& listener_;
  std::string peer_;
};

std::string PeerName(const tcp::socket& socket) {
  beast::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  if (ec) return "(unknown peer)";
  return HostPort(endpoint.address().to_string(), endpoint.port());
}

// How peers normally leave: a close_notify between requests (end_of_stream), a TCP close without
// close_notify (stream_truncated, harmless for HTTP whose messages delimit themselves: see
// Beast's fail() and boostorg/beast#38), or a reset.
bool IsNormalEnd(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == ssl::error::stream_truncated ||
         ec == net::error::eof || ec == net::error::connection_reset;
}

// A request the parser refused, and the status that tells the client why.
std::optional<int> RefusalStatus(const beast::error_code& ec) {
  if (ec == http::error::header_limit) return 431;
  if (ec == http::error::body_limit) return 413;
  bool http_error = &ec.category() == &http::make_error_code(http::error::bad_target).category();
  if (http_error && ec != http::error::partial_message) return 400;
  return std::nullopt;
}

HttpRequest ToRequest(const http::request<http::string_body>& req) {
  HttpRequest out;
  out.method = std::string(req.method_string());
  out.target = std::string(req.target());
  for (const auto& field : req) out.headers.emplace_back(field.name_string(), field.value());
  out.body = req.body();
  return out;
}

http::response<http::string_body> ToWire(HttpResponse response, unsigned version, bool keep_alive,
                                         bool head) {
  http::response<http::string_body> res{static_cast<http::status>(response.status), version};
  res.set(http::field::server, "tlslab");
  for (auto& [name, value] : response.headers) res.insert(name, value);  // may repeat
  res.body() = std::move(response.body);
  res.keep_alive(keep_alive && !response.close_connection);
  res.prepare_payload();
  if (head) res.body().clear();  // HEAD: the Content-Length of the GET, without the body
  return res;
}

net::awaitable<beast::error_code> Send(Stream& stream, const ListenerContext& listener,
                                       http::response<http::string_body> res) {
  beast::get_lowest_layer(stream).expires_after(listener.timeouts.write);
  auto [ec, written] = co_await http::async_write(stream, res, kNoThrow);
  co_return ec;
}

// The listener's answer to one request: authentication first (when the listener has it), then
// the handler, then the headers Exchange puts on every response.
HttpResponse Answer(const HttpRequest& request, const ListenerContext& listener,
                    std::optional<ConnectionAuth>& auth, const SessionLog& log) {
  HttpResponse response;
  if (auth) {
    AuthDecision decision = auth->Handle(request);
    for (const auto& line : decision.log) log(line);
    if (decision.response) {
      response = std::move(*decision.response);
    } else {
      response = HandleRequest(request, listener.identity, decision.account);
      for (auto& header : decision.headers) response.headers.push_back(std::move(header));
    }
  } else {
    response = HandleRequest(request, listener.identity);
  }
  AddExchangeHeaders(response, listener.auth ? listener.auth->settings().computer : "");
  return response;
}

// Reads and answers requests while the client keeps the connection alive. Returns true when the
// connection should end with a TLS close_notify, false when it is already unusable.
net::awaitable<bool> ServeRequests(Stream& stream, const ListenerContext& listener,
                                   const SessionLog& log) {
  std::optional<ConnectionAuth> auth;
  if (listener.auth) auth.emplace(listener.auth);
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(kMaxHeaderBytes);
    parser.body_limit(kMaxBodyBytes);
    beast::get_lowest_layer(stream).expires_after(listener.timeouts.idle);
    auto [read_ec, read_bytes] = co_await http::async_read(stream, buffer, parser, kNoThrow);
    if (read_ec == http::error::end_of_stream) co_return true;
    if (read_ec) {
      if (auto status = RefusalStatus(read_ec)) {
        log(fmt::format("refused request ({}): {}", *status, read_ec.message()));
        co_await Send(stream, listener,
                      ToWire(ErrorResponse(*status, read_ec.message()), 11, false, false));
        co_return true;
      }
      if (!IsNormalEnd(read_ec)) log("read: " + read_ec.message());
      co_return false;
    }
    const auto& req = parser.get();
    HttpResponse response = Answer(ToRequest(req), listener, auth, log);
    const bool keep_alive = req.keep_alive() && !response.close_connection;
    log(fmt::format("{} {} -> {}", req.method_string(), req.target(), response.status));
    auto ec = co_await Send(
        stream, listener,
        ToWire(std::move(response), req.version(), keep_alive, req.method() == http::verb::head));
    if (ec) {
      log("write: " + ec.message());
      co_return false;
    }
    if (!keep_alive) co_return true;
  }
}

}  // namespace

net::awaitable<void> RunSession(tcp::socket socket, std::shared_ptr<ListenerContext> listener) {
  const SessionLog log(*listener, PeerName(socket));
  Stream stream(std::move(socket), listener->tls);
  auto& tcp_layer = beast::get_lowest_layer(stream);

  tcp_layer.expires_after(listener->timeouts.handshake);
  auto [handshake_ec] = co_await stream.async_handshake(ssl::stream_base::server, kNoThrow);
  if (handshake_ec) {
    log("TLS handshake failed: " + handshake_ec.message());
    co_return;
  }
  log(fmt::format("TLS handshake: {} {}", SSL_get_version(stream.native_handle()),
                  SSL_get_cipher_name(stream.native_handle())));

  if (co_await ServeRequests(stream, *listener, log)) {
    // Sends close_notify and, until the peer's own or the deadline, discards what it still sends
    // (OpenSSL drops application data after close_notify), so closing does not reset a client
    // that has not read its refusal yet.
    tcp_layer.expires_after(listener->timeouts.handshake);
    co_await stream.async_shutdown(kNoThrow);
  }
}

}  // namespace tlslab
