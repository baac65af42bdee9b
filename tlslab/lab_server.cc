#include "tlslab/lab_server.h"

#include <fmt/format.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <exception>
#include <mutex>
#include <thread>

#include "tlslab/certificates.h"
#include "tlslab/end_point_binding.h"
#include "tlslab/session.h"
#include "tlslab/tls_profile.h"

namespace tlslab {
namespace {

namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

constexpr auto kNoThrow = net::as_tuple(net::use_awaitable);
constexpr const char* kDefaultAddress = "127.0.0.1";

void LogToStderr(std::string_view line) {
  // One write per line, so lines from the two threads do not interleave.
  std::string out = fmt::format("tlslab: {}\n", line);
  std::fwrite(out.data(), 1, out.size(), stderr);
}

// The co_spawn completion handler: the one place a coroutine's exception lands (Beast's awaitable
// example). A lab connection that throws is logged and dropped; the server keeps serving.
auto LogFailure(LogSink log, std::string what) {
  return [log = std::move(log), what = std::move(what)](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      log(fmt::format("{}: {}", what, ex.what()));
    } catch (...) {
      log(what + ": unknown exception");
    }
  };
}

net::awaitable<void> AcceptLoop(tcp::acceptor& acceptor,
                                std::shared_ptr<ListenerContext> listener) {
  net::steady_timer backoff(acceptor.get_executor());
  for (;;) {
    // Each connection gets its own strand: its handlers never run concurrently.
    auto [ec, socket] =
        co_await acceptor.async_accept(net::make_strand(acceptor.get_executor()), kNoThrow);
    if (ec == net::error::operation_aborted) co_return;
    if (ec) {
      // Out of descriptors and the like: say so and retry shortly instead of spinning.
      listener->log(
          fmt::format("listener '{}': accept: {}", listener->identity.listener, ec.message()));
      backoff.expires_after(std::chrono::milliseconds(100));
      co_await backoff.async_wait(kNoThrow);
      continue;
    }
    auto executor = socket.get_executor();
    auto failure = LogFailure(listener->log, "listener '" + listener->identity.listener + "'");
    if (listener->plain) {
      net::co_spawn(executor, RunPlainSession(tcp::socket(std::move(socket)), listener), failure);
    } else {
      net::co_spawn(executor, RunSession(tcp::socket(std::move(socket)), listener), failure);
    }
  }
}

Result<tcp::acceptor> Bind(net::io_context& ioc, const std::string& address, std::uint16_t port) {
  boost::system::error_code ec;
  auto ip = net::ip::make_address(address, ec);
  if (ec) {
    return probe::Fail(ErrorCode::kInvalidArgument,
                       fmt::format("'{}' is not an IP address", address));
  }
  tcp::endpoint endpoint(ip, port);
  tcp::acceptor acceptor(ioc);
  auto step = [&](const char* what) {
    return probe::Fail(ErrorCode::kIo,
                       fmt::format("{} {}: {}", what, HostPort(address, port), ec.message()));
  };
  if (acceptor.open(endpoint.protocol(), ec); ec) return step("open");
  if (acceptor.set_option(net::socket_base::reuse_address(true), ec); ec) return step("set_option");
  if (acceptor.bind(endpoint, ec); ec) return step("bind");
  if (acceptor.listen(net::socket_base::max_listen_connections, ec); ec) return step("listen");
  return acceptor;
}

}  // namespace

std::string HostPort(std::string_view address, std::uint16_t port) {
  if (address.find(':') != std::string_view::npos) return fmt::format("[{}]:{}", address, port);
  return fmt::format("{}:{}", address, port);
}

std::string BoundListener::HostPort() const { return tlslab::HostPort(address, port); }

struct LabServer::Impl {
  // Optional so Shutdown() can destroy them in the order Asio needs: I/O objects before their
  // io_context, whose destruction then destroys the suspended coroutines (closing connections).
  std::optional<net::io_context> ioc;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::optional<net::signal_set> signals;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  std::vector<std::thread> threads;
  std::vector<BoundListener> listeners;
  std::string ca_pem;
  LogSink log;
  std::shared_ptr<ProxyLogWriter> proxy_log;

  std::mutex mu;
  std::condition_variable cv;
  bool stop_requested = false;
  bool stopped = false;

  explicit Impl(int thread_count) {
    ioc.emplace(thread_count);
    work.emplace(ioc->get_executor());
  }
  ~Impl() { Shutdown(); }

  void Shutdown() {
    work.reset();
    if (ioc) ioc->stop();
    for (auto& t : threads) {
      if (t.joinable()) t.join();
    }
    threads.clear();
    // No thread runs the io_context any more, so this thread may tear it down.
    signals.reset();
    acceptors.clear();
    ioc.reset();
  }

  void RequestStop() {
    {
      std::lock_guard lock(mu);
      stop_requested = true;
    }
    cv.notify_all();
  }

  Result<void> AddListener(const Scenario& scenario, const ListenerSpec& spec,
                           const ServedCertificate* certificate, const StartOptions& options);
  void RunThreads(int count);
};

Result<void> LabServer::Impl::AddListener(const Scenario& scenario, const ListenerSpec& spec,
                                          const ServedCertificate* certificate,
                                          const StartOptions& options) {
  ssl::context context(ssl::context::tls_server);
  std::shared_ptr<ListenerAuth> auth;
  if (certificate) {
    auto configured = ConfigureServerContext(context.native_handle(), spec.tls, *certificate);
    if (!configured) return configured;
    // The channel binding Extended Protection expects comes from the leaf this listener serves.
    if (spec.auth) {
      auto binding = ExpectedChannelBinding(certificate->leaf.get());
      if (!binding) return tl::unexpected(binding.error());
      auto created = ListenerAuth::Create(*spec.auth, scenario.users, *binding);
      if (!created) return tl::unexpected(created.error().With("auth"));
      auth = std::move(*created);
    }
  }
  std::string address = options.listen_address.value_or(spec.address.value_or(kDefaultAddress));
  auto acceptor = Bind(*ioc, address, spec.port);
  if (!acceptor) return tl::unexpected(acceptor.error());
  boost::system::error_code ec;
  auto bound = acceptor->local_endpoint(ec);
  if (ec) return probe::Fail(ErrorCode::kIo, "local_endpoint: " + ec.message());
  listeners.push_back({spec.name, bound.address().to_string(), bound.port()});
  acceptors.push_back(std::make_unique<tcp::acceptor>(std::move(*acceptor)));

  auto context_ptr = std::make_shared<ListenerContext>(std::move(context),
                                                       ListenerIdentity{scenario.name, spec.name},
                                                       options.timeouts, log, std::move(auth));
  context_ptr->plain = spec.plain;
  context_ptr->redirect_to = spec.redirect_to;
  if (spec.auth || spec.exchange) {
    context_ptr->exchange = std::make_shared<const ExchangeEndpoints>(scenario, spec);
    context_ptr->proxy_log = proxy_log;
  }
  net::co_spawn(net::make_strand(*ioc), AcceptLoop(*acceptors.back(), context_ptr),
                LogFailure(log, "listener '" + spec.name + "' accept loop"));
  return {};
}

void LabServer::Impl::RunThreads(int count) {
  for (int i = 0; i < count; ++i) {
    threads.emplace_back([this] {
      for (;;) {
        try {
          ioc->run();
          return;  // stopped
        } catch (const std::exception& e) {
          log(fmt::format("handler failed: {}", e.what()));
        }
      }
    });
  }
}

LabServer::LabServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

LabServer::~LabServer() { Stop(); }

Result<std::unique_ptr<LabServer>> LabServer::Start(const Scenario& scenario,
                                                    const StartOptions& options) try {
  auto ca = CertificateAuthority::Create();
  if (!ca) return tl::unexpected(ca.error());
  auto pem = ca->RootPem();
  if (!pem) return tl::unexpected(pem.error());

  const int thread_count = std::max(1, options.threads);
  auto impl = std::make_unique<Impl>(thread_count);
  impl->ca_pem = std::move(*pem);
  impl->log = options.log ? options.log : LogSink(LogToStderr);
  if (!options.proxy_log_dir.empty()) {
    auto writer = ProxyLogWriter::Open(options.proxy_log_dir);
    if (!writer) return tl::unexpected(writer.error());
    impl->proxy_log = std::move(*writer);
  }
  for (const auto& spec : scenario.listeners) {
    std::optional<ServedCertificate> certificate;
    if (!spec.plain) {
      const CertificateSpec* cert_spec = scenario.FindCertificate(spec.certificate);
      if (!cert_spec) {
        return probe::Fail(
            ErrorCode::kInvalidArgument,
            fmt::format("listener '{}': unknown certificate '{}'", spec.name, spec.certificate));
      }
      auto issued = ca->Issue(*cert_spec);
      if (!issued) return tl::unexpected(issued.error());
      certificate = std::move(*issued);
    }
    auto added = impl->AddListener(scenario, spec, certificate ? &*certificate : nullptr, options);
    if (!added) {
      return tl::unexpected(added.error().With(
          fmt::format("{}:{}: listener '{}'", scenario.source, spec.line, spec.name)));
    }
  }
  if (options.handle_signals) {
    Impl* raw = impl.get();
    impl->signals.emplace(*impl->ioc, SIGINT, SIGTERM);
    impl->signals->async_wait([raw](const boost::system::error_code& ec, int) {
      if (!ec) raw->RequestStop();
    });
  }
  impl->RunThreads(thread_count);
  return std::unique_ptr<LabServer>(new LabServer(std::move(impl)));
} catch (const std::exception& e) {
  // Asio and std::thread report resource exhaustion by throwing; the library returns Errors.
  return probe::Fail(ErrorCode::kInternal, fmt::format("starting the lab: {}", e.what()));
}

const std::vector<BoundListener>& LabServer::listeners() const { return impl_->listeners; }

const BoundListener* LabServer::FindListener(std::string_view name) const {
  for (const auto& l : impl_->listeners) {
    if (l.name == name) return &l;
  }
  return nullptr;
}

const std::string& LabServer::ExportCaPem() const { return impl_->ca_pem; }

void LabServer::Wait() {
  std::unique_lock lock(impl_->mu);
  impl_->cv.wait(lock, [this] { return impl_->stop_requested; });
}

void LabServer::Stop() {
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->stopped) return;
    impl_->stopped = true;
    impl_->stop_requested = true;
  }
  impl_->cv.notify_all();
  impl_->Shutdown();
}

}  // namespace tlslab
