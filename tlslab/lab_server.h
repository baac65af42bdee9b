// LabServer: serves a Scenario's listeners over real TLS on loopback, on its own threads, until
// stopped. The header keeps Boost out of its users; the Asio/Beast code lives in the .cc files.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tlslab/scenario.h"

namespace tlslab {

/// Receives one log line (no trailing newline); called from the server's threads.
using LogSink = std::function<void(std::string_view line)>;

/// Deadlines of every network step of a connection.
struct SessionTimeouts {
  std::chrono::milliseconds handshake{10'000};  // TLS handshake and shutdown
  std::chrono::milliseconds idle{30'000};       // waiting for (the rest of) a request
  std::chrono::milliseconds write{30'000};      // sending a response
};

/// How to run a scenario.
struct StartOptions {
  /// Replaces the address of every listener (default: the listener's own, else 127.0.0.1).
  std::optional<std::string> listen_address;
  int threads = 2;
  /// SIGINT and SIGTERM end Wait(); for the tlslab program, not for tests.
  bool handle_signals = false;
  SessionTimeouts timeouts;
  /// Empty: lines go to stderr prefixed with "tlslab: ".
  LogSink log;
  /// Non-empty: every request of a listener with auth or exchange is logged in Exchange's
  /// HttpProxy format under DIR/<Protocol>/ (created if needed).
  std::string proxy_log_dir;
};

/// A listener once bound: where clients reach it.
struct BoundListener {
  std::string name;
  std::string address;  // numeric, e.g. "127.0.0.1" or "::1"
  std::uint16_t port = 0;

  /// "127.0.0.1:4433", or "[::1]:4433" for IPv6.
  std::string HostPort() const;
};

/// "127.0.0.1:4433", or "[::1]:4433" when `address` is IPv6 (contains ':').
std::string HostPort(std::string_view address, std::uint16_t port);

/// The running lab: one TLS (or, for plain listeners, HTTP) listener per scenario listener,
/// served on `threads` threads.
class LabServer {
 public:
  /// Mints the certificates, configures one TLS context per listener, binds every listener
  /// (so ports are known on return) and starts serving.
  static Result<std::unique_ptr<LabServer>> Start(const Scenario& scenario,
                                                  const StartOptions& options = {});
  ~LabServer();  // Stop()
  LabServer(const LabServer&) = delete;
  LabServer& operator=(const LabServer&) = delete;

  /// The bound listeners, in scenario order.
  const std::vector<BoundListener>& listeners() const;
  /// The listener named `name`, or nullptr.
  const BoundListener* FindListener(std::string_view name) const;
  /// The lab's root CA certificate (PEM): trust it to verify every chain the lab serves.
  const std::string& ExportCaPem() const;

  /// Blocks until Stop() is called or (with handle_signals) SIGINT/SIGTERM arrives.
  void Wait();
  /// Stops serving: closes every listener and connection and joins the threads. Idempotent;
  /// must not be called from a connection's handler.
  void Stop();

 private:
  struct Impl;
  explicit LabServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tlslab
