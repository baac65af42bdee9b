#include "tlslab/session.h"

#include <fmt/format.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
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

template <class AnyStream>
net::awaitable<beast::error_code> Send(AnyStream& stream, const ListenerContext& listener,
                                       http::response<http::string_body> res) {
  beast::get_lowest_layer(stream).expires_after(listener.timeouts.write);
  auto [ec, written] = co_await http::async_write(stream, res, kNoThrow);
  co_return ec;
}

// What the front end of KB3140410 logs when its Negotiate to a 2010 back end fails: the
// request authenticated at the front end, refused with 401 behind it.
constexpr std::string_view kBackendInvalidToken =
    "WebExceptionStatus=ProtocolError;ResponseStatusCode=401;WebException=System.Net."
    "WebException: The remote server returned an error: (401) Unauthorized.;HttpException="
    "System.Web.HttpException (0x80004005): NegotiateSecurityContext failed with for host '' "
    "with status 'InvalidToken'";

// One answered request and what its HttpProxy log line needs.
struct Served {
  HttpResponse response;
  std::string account;  // authenticated at the front end; "" for anonymous requests
  std::string scheme;   // of the request's or the connection's handshake
  BackendOutcome backend;
};

// The Exchange endpoint's answer, else the lab's default one.
HttpResponse Serve(const HttpRequest& request, const ListenerContext& listener,
                   const std::string& account, BackendOutcome& backend) {
  if (listener.exchange) {
    if (auto answer = listener.exchange->Handle(request, account)) {
      backend = std::move(answer->backend);
      if (!account.empty()) answer->response.headers.emplace_back("X-Tlslab-User", account);
      return std::move(answer->response);
    }
  }
  return HandleRequest(request, listener.identity, account);
}

// The listener's answer to one request: authentication first (when the listener has it and the
// endpoint is not anonymous), then the handler, then the headers Exchange puts on every response.
Served Answer(const HttpRequest& request, const ListenerContext& listener,
              std::optional<ConnectionAuth>& auth, const SessionLog& log) {
  Served s;
  bool anonymous = listener.exchange && listener.exchange->IsAnonymous(request);
  if (auth && !anonymous) {
    AuthDecision decision = auth->Handle(request);
    for (const auto& line : decision.log) log(line);
    s.scheme = std::move(decision.scheme);
    if (decision.response) {
      s.response = std::move(*decision.response);
      if (!decision.backend_refused.empty()) {
        s.account = std::move(decision.backend_refused);
        if (listener.exchange) s.backend = listener.exchange->BackendOf(s.account);
        if (s.backend.target_version.empty())
          s.backend.target_version = LogVersion(ExchangeRelease::k2010);
        s.backend.backend_status = 401;
        s.backend.generic_errors = std::string(kBackendInvalidToken);
      }
    } else {
      s.account = std::move(decision.account);
      s.response = Serve(request, listener, s.account, s.backend);
      for (auto& header : decision.headers) s.response.headers.push_back(std::move(header));
    }
  } else {
    s.response = Serve(request, listener, "", s.backend);
  }
  if (listener.exchange) listener.exchange->AddServerHeaders(s.response);
  AddExchangeHeaders(s.response, listener.auth ? listener.auth->settings().computer : "");
  return s;
}

std::string HeaderValue(const HttpResponse& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return {};
}

// One HttpProxy line per answered request, as the front end logs it.
void LogRequest(const ListenerContext& listener, const HttpRequest& request, const Served& s,
                const std::string& client_ip) {
  std::string_view target = request.target;
  std::string_view path = target.substr(0, target.find('?'));
  std::string_view host = request.Header("Host");
  if (host.find(']') == std::string_view::npos) host = host.substr(0, host.rfind(':'));
  ProxyLogRecord r;
  r.time_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
  r.request_id = HeaderValue(s.response, "request-id");
  r.protocol = std::string(ProxyLogProtocol(path));
  r.url_host = std::string(host.substr(0, 256));
  r.url_stem = std::string(path.substr(0, 1024));
  if (path.size() < target.size()) r.url_query = std::string(target.substr(path.size(), 1024));
  r.auth_type = s.scheme;
  r.authenticated = !s.account.empty();
  r.user = s.account;
  r.anchor_mailbox = s.backend.anchor_mailbox;
  r.user_agent = std::string(request.Header("User-Agent").substr(0, 512));
  r.client_ip = client_ip;
  r.front_end = listener.auth ? listener.auth->settings().computer : listener.identity.listener;
  r.http_status = s.response.status;
  r.backend_status = s.backend.backend_status;
  r.error_code = s.backend.error_code;
  r.method = request.method;
  r.back_end = s.backend.target_server;
  r.back_end_version = s.backend.target_version;
  r.generic_errors = s.backend.generic_errors;
  listener.proxy_log->Write(r);
}

// The plain listener: the http://autodiscover.DOMAIN redirect of MS-OXDISCO 3.1.5.4.
HttpResponse RedirectAnswer(const HttpRequest& request, const ListenerContext& listener) {
  if (request.method != "GET" && request.method != "HEAD") {
    HttpResponse refused = ErrorResponse(405, "only GET and HEAD are served here");
    refused.headers.emplace_back("Allow", "GET, HEAD");
    return refused;
  }
  HttpResponse r;
  r.status = 302;
  r.headers.emplace_back("Location", listener.redirect_to);
  r.headers.emplace_back("Content-Type", "text/html; charset=UTF-8");
  r.body =
      "<head><title>Document Moved</title></head>\n<body><h1>Object Moved</h1>This document "
      "may be found <a HREF=\"" +
      listener.redirect_to + "\">here</a></body>";
  return r;
}

// Reads and answers requests while the client keeps the connection alive. Returns true when the
// connection should end with a (TLS) shutdown, false when it is already unusable.
template <class AnyStream>
net::awaitable<bool> ServeRequests(AnyStream& stream, const ListenerContext& listener,
                                   const SessionLog& log, const std::string& client_ip) {
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
    HttpRequest request = ToRequest(req);
    Served served;
    if (listener.plain) {
      served.response = RedirectAnswer(request, listener);
    } else {
      served = Answer(request, listener, auth, log);
    }
    if (listener.proxy_log) LogRequest(listener, request, served, client_ip);
    const bool keep_alive = req.keep_alive() && !served.response.close_connection;
    log(fmt::format("{} {} -> {}", req.method_string(), req.target(), served.response.status));
    auto ec = co_await Send(stream, listener,
                            ToWire(std::move(served.response), req.version(), keep_alive,
                                   req.method() == http::verb::head));
    if (ec) {
      log("write: " + ec.message());
      co_return false;
    }
    if (!keep_alive) co_return true;
  }
}

std::string PeerAddress(const tcp::socket& socket) {
  beast::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  return ec ? std::string() : endpoint.address().to_string();
}

}  // namespace

net::awaitable<void> RunSession(tcp::socket socket, std::shared_ptr<ListenerContext> listener) {
  const SessionLog log(*listener, PeerName(socket));
  const std::string client_ip = PeerAddress(socket);
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

  if (co_await ServeRequests(stream, *listener, log, client_ip)) {
    // Sends close_notify and, until the peer's own or the deadline, discards what it still sends
    // (OpenSSL drops application data after close_notify), so closing does not reset a client
    // that has not read its refusal yet.
    tcp_layer.expires_after(listener->timeouts.handshake);
    co_await stream.async_shutdown(kNoThrow);
  }
}

net::awaitable<void> RunPlainSession(tcp::socket socket,
                                     std::shared_ptr<ListenerContext> listener) {
  const SessionLog log(*listener, PeerName(socket));
  const std::string client_ip = PeerAddress(socket);
  beast::tcp_stream stream(std::move(socket));
  if (co_await ServeRequests(stream, *listener, log, client_ip)) {
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  }
}

}  // namespace tlslab
