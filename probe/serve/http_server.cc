#include "probe/serve/http_server.h"

#include <fmt/format.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <thread>
#include <vector>

namespace probe::serve {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr auto kReadTimeout = std::chrono::seconds(30);   // a whole request, idle keep-alive too
constexpr auto kWriteTimeout = std::chrono::seconds(30);  // a whole response
constexpr std::uint32_t kHeaderLimit = 8 * 1024;

std::optional<double> ScrapeTimeout(const http::request<http::empty_body>& req) {
  auto it = req.find("X-Prometheus-Scrape-Timeout-Seconds");
  if (it == req.end()) return std::nullopt;
  std::string text(it->value());
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !(v > 0) || v > 86400) return std::nullopt;
  return v;
}

// One connection: read a request, hand it to the exporter, write its answer, repeat while the
// client keeps the connection alive.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Exporter& exporter)
      : stream_(std::move(socket)), exporter_(exporter) {}

  void Read() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(0);
    stream_.expires_after(kReadTimeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnRead(ec); });
  }

 private:
  void OnRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout) return Close();
    if (ec) {
      // Too large, malformed, or the peer went away: answer 400 when the socket still works.
      if (ec == http::error::header_limit || ec == http::error::body_limit ||
          ec == http::error::bad_target || ec == http::error::bad_method) {
        keep_alive_ = false;
        return Write(Response{400, "text/plain; charset=utf-8", "bad request\n"}, 11);
      }
      return Close();
    }
    const auto& req = parser_->get();
    keep_alive_ = req.keep_alive();
    unsigned version = req.version();
    if (req.method() != http::verb::get) {
      return Write(Response{405, "text/plain; charset=utf-8", "only GET\n"}, version);
    }
    auto target = ParseRequestTarget(std::string_view(req.target().data(), req.target().size()));
    if (!target) {
      return Write(Response{400, "text/plain; charset=utf-8", "malformed query\n"}, version);
    }
    // The answer may come from a pool thread: hop back onto the connection's executor.
    auto executor = stream_.get_executor();
    exporter_.Handle(*target, ScrapeTimeout(req),
                     [self = shared_from_this(), executor, version](Response r) {
                       asio::post(executor, [self, r = std::move(r), version]() mutable {
                         self->Write(std::move(r), version);
                       });
                     });
  }

  void Write(Response r, unsigned version) {
    auto res = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(r.status), version);
    res->set(http::field::server, "exprobe");
    res->set(http::field::content_type, r.content_type);
    res->keep_alive(keep_alive_);
    res->body() = std::move(r.body);
    res->prepare_payload();
    stream_.expires_after(kWriteTimeout);
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res](beast::error_code ec, std::size_t) {
                        if (ec || !self->keep_alive_) return self->Close();
                        self->Read();
                      });
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  Exporter& exporter_;
  beast::flat_buffer buffer_{kHeaderLimit};
  std::optional<http::request_parser<http::empty_body>> parser_;
  bool keep_alive_ = false;
};

}  // namespace

struct HttpServer::Impl {
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  asio::signal_set signals{ioc, SIGINT, SIGTERM};
  std::vector<std::thread> threads;
  Exporter* exporter = nullptr;
  std::string address;

  void Accept() {
    acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket s) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) std::make_shared<Session>(std::move(s), *exporter)->Read();
      Accept();
    });
  }
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() {
  impl_->ioc.stop();
  for (auto& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
}

const std::string& HttpServer::address() const { return impl_->address; }

Result<std::unique_ptr<HttpServer>> HttpServer::Start(Exporter& exporter,
                                                      const HttpServerOptions& options) {
  // ADDR:PORT or [V6]:PORT, numeric; port 0 asks the OS for one.
  std::string_view text = options.listen;
  auto colon = text.rfind(':');
  std::string host(text.substr(0, colon == std::string_view::npos ? 0 : colon));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned port = 0;
  std::string_view port_text =
      colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1);
  auto [end, perr] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  beast::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec || port_text.empty() || perr != std::errc() ||
      end != port_text.data() + port_text.size() || port > 65535) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("--listen '{}': give a numeric ADDR:PORT, e.g. 127.0.0.1:9339",
                            options.listen));
  }
  auto impl = std::make_unique<Impl>();
  impl->exporter = &exporter;
  tcp::endpoint endpoint(address, static_cast<std::uint16_t>(port));
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return Fail(ErrorCode::kIo, fmt::format("listen on {}: {}", options.listen, ec.message()));
  auto bound = impl->acceptor.local_endpoint();
  impl->address = bound.address().is_v6()
                      ? fmt::format("[{}]:{}", bound.address().to_string(), bound.port())
                      : fmt::format("{}:{}", bound.address().to_string(), bound.port());
  impl->Accept();
  impl->signals.async_wait([ioc = &impl->ioc](beast::error_code, int) { ioc->stop(); });
  for (int i = 0; i < std::max(1, options.io_threads); ++i) {
    impl->threads.emplace_back([ioc = &impl->ioc] { ioc->run(); });
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

void HttpServer::WaitForSignal() {
  for (auto& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
}

}  // namespace probe::serve
