// HttpServer: the exporter's HTTP/1.1 front on Boost.Beast. One session per connection; a
// deadline on every read and write; requests bounded in size (GET only, no body); responses
// from the Exporter, which may answer later from its pool (concurrent scrapes).
#pragma once

#include <memory>
#include <string>

#include "probe/core/result.h"
#include "probe/serve/exporter.h"

namespace probe::serve {

struct HttpServerOptions {
  std::string listen = "127.0.0.1:9339";  // numeric ADDR:PORT; port 0 lets the OS pick
  int io_threads = 2;
};

class HttpServer {
 public:
  /// Binds and listens; kInvalidArgument for a bad address, kIo when the bind fails.
  static Result<std::unique_ptr<HttpServer>> Start(Exporter& exporter,
                                                   const HttpServerOptions& options);
  ~HttpServer();
  /// "127.0.0.1:9339", the bound address.
  const std::string& address() const;
  /// Blocks until SIGINT or SIGTERM, then stops accepting and returns.
  void WaitForSignal();

  struct Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace probe::serve
