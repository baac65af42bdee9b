// A small plain-HTTP/1.0 client for the URLs certificates name (AIA caIssuers, CRL distribution
// points, OCSP responders): these are http:// by design, so Windows and OpenSSL fetch them the
// same way. The response parser is pure and bounded; the fetch runs over probe/net under the
// caller's deadline and honours --resolve / --connect-to.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "probe/core/bytes.h"
#include "probe/core/deadline.h"
#include "probe/core/result.h"
#include "probe/core/trace.h"
#include "probe/net/address.h"

namespace probe::tls {

/// An http:// URL split into what a request needs.
struct HttpUrl {
  std::string host;  // without brackets for IPv6
  std::uint16_t port = 80;
  std::string path = "/";  // with the query, never empty
};

/// Parses "http://host[:port][/path]". kUnsupported for other schemes (https, ldap, file),
/// kInvalidArgument for a malformed URL.
Result<HttpUrl> ParseHttpUrl(std::string_view url);

struct HttpResponse {
  int status = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;
  Bytes body;

  /// The first header named `name` (case-insensitive), if any.
  std::optional<std::string> Header(std::string_view name) const;
};

/// Parses a whole HTTP/1.x response. With `at_eof` false, returns nullopt while more bytes are
/// needed (headers incomplete, Content-Length or chunks not all there). kMalformed when the
/// bytes cannot be a response.
Result<std::optional<HttpResponse>> ParseHttpResponse(ByteView raw, bool at_eof);

struct HttpRequest {
  std::string method = "GET";
  std::string content_type;  // for POST
  Bytes body;
  std::size_t max_response = 32u << 20;  // large CRLs exist; refuse anything bigger
  int max_redirects = 3;                 // http:// Location only
};

/// Fetches `url` before `deadline`. Errors name the URL's host and what failed (kTimeout,
/// kConnectRefused, kDnsFailure, kMalformed, ...). Any HTTP status is a response, not an error.
Result<HttpResponse> HttpFetch(std::string_view url, const HttpRequest& request,
                               const net::NetOptions& net, const Deadline& deadline,
                               TraceSink* trace);

}  // namespace probe::tls
