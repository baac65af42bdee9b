// HttpConnection: exprobe's only libcurl user. One easy handle per logical connection, libcurl's
// own authentication off (the caller writes every Authorization header), HTTP/1.1 pinned, and
// per request the facts a connection-oriented handshake needs: status, headers, which TCP
// connection carried it, and the peer certificate of the leg that did the TLS handshake.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "probe/core/bytes.h"
#include "probe/core/deadline.h"
#include "probe/core/result.h"
#include "probe/core/trace.h"
#include "probe/net/address.h"

namespace probe::http {

struct HttpOptions {
  net::NetOptions net;    // --resolve / --connect-to
  std::string ca_file;    // extra trust anchors; empty: the system store
  bool insecure = false;  // -k: no certificate or name verification (shown in reports)
  TraceSink* trace = nullptr;
  /// A response body beyond this many bytes ends the request with an error (a hostile or broken
  /// server must not make exprobe read forever or hold gigabytes).
  std::size_t max_body_bytes = 4 * 1024 * 1024;
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::optional<std::string> body;   // sent with Content-Length (POST and the like)
  bool fresh_connection = false;     // force a new TCP connection for this request
};

struct HttpHeader {
  std::string name;
  std::string value;
};

/// Which TCP connection carried a request. `id` numbers the connections this HttpConnection
/// opened, from 1; `is_new` when libcurl had to open one for this request (NUM_CONNECTS > 0).
struct ConnectionIdentity {
  int id = 0;
  bool is_new = false;
  int local_port = 0;
  std::string remote_ip;
  int remote_port = 0;
};

struct HttpResponse {
  int status = 0;
  std::vector<HttpHeader> headers;  // of the final response only
  std::string body;                 // at most HttpOptions::max_body_bytes
  ConnectionIdentity connection;
  bool tls = false;
  /// DER of the leaf certificate, captured when this request did the TLS handshake.
  std::optional<Bytes> peer_certificate;

  std::vector<std::string> HeaderValues(std::string_view name) const;  // case-insensitive
  bool HasToken(std::string_view name, std::string_view token) const;  // e.g. Connection: close
};

/// One logical connection. Requests run one at a time; keep-alive is libcurl's default, so
/// consecutive requests share the TCP connection unless the server closes it.
class HttpConnection {
 public:
  static Result<HttpConnection> Create(const HttpOptions& options);
  HttpConnection(HttpConnection&&) noexcept;
  HttpConnection& operator=(HttpConnection&&) noexcept;
  ~HttpConnection();

  /// Performs `request` within what is left of `deadline`. Errors: timeout, refused, TLS
  /// (verification included), malformed response. Redirects are never followed.
  Result<HttpResponse> Perform(const HttpRequest& request, const Deadline& deadline);

  struct State;  // opaque; public only so libcurl's C callbacks can name it

 private:
  explicit HttpConnection(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

/// The parts of a URL the auth engine checks before sending credentials.
struct UrlParts {
  std::string scheme;  // lower case: "https", "http"
  std::string host;    // without brackets
  int port = 0;        // the explicit or default port
};
/// Parses an absolute http(s) URL (libcurl's parser, so it agrees with what is requested).
Result<UrlParts> ParseUrl(const std::string& url);

/// The tls-server-end-point hash (RFC 5929 section 4) of a DER certificate: SHA-256 unless the
/// signature uses SHA-384 or SHA-512.
Result<Bytes> TlsServerEndPointHash(ByteView certificate_der);

}  // namespace probe::http
