#include "probe/tls/plain_http.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "probe/net/resolver.h"
#include "probe/net/socket.h"

namespace probe::tls {
namespace {

constexpr std::size_t kMaxHeaderBytes = 64 * 1024;

bool EqualIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// A decimal (or, for chunk sizes, hexadecimal) number of at most 12 digits.
std::optional<std::size_t> ParseNumber(std::string_view s, int base) {
  s = Trim(s);
  if (s.empty() || s.size() > 12) return std::nullopt;
  std::size_t value = 0;
  for (char c : s) {
    int digit = (c >= '0' && c <= '9')                 ? c - '0'
                : (base == 16 && c >= 'a' && c <= 'f') ? c - 'a' + 10
                : (base == 16 && c >= 'A' && c <= 'F') ? c - 'A' + 10
                                                       : -1;
    if (digit < 0) return std::nullopt;
    value = value * static_cast<std::size_t>(base) + static_cast<std::size_t>(digit);
  }
  return value;
}

// Decodes a chunked body. nullopt while incomplete; kMalformed on a bad chunk header.
Result<std::optional<Bytes>> Dechunk(std::string_view raw) {
  Bytes body;
  std::size_t pos = 0;
  while (true) {
    std::size_t eol = raw.find("\r\n", pos);
    if (eol == std::string_view::npos) return std::optional<Bytes>();
    std::string_view size_line = raw.substr(pos, eol - pos);
    size_line = size_line.substr(0, size_line.find(';'));  // chunk extensions
    auto size = ParseNumber(size_line, 16);
    if (!size) return Fail(ErrorCode::kMalformed, "bad chunk size in the HTTP body");
    pos = eol + 2;
    if (*size == 0) return std::optional<Bytes>(std::move(body));  // trailers ignored
    if (raw.size() - pos < *size + 2) return std::optional<Bytes>();
    body.insert(body.end(), raw.begin() + static_cast<long>(pos),
                raw.begin() + static_cast<long>(pos + *size));
    pos += *size + 2;
  }
}

// The status line and headers (everything before the blank line).
Result<HttpResponse> ParseHead(std::string_view head) {
  std::string_view status_line = head.substr(0, head.find("\r\n"));
  if (status_line.size() < 12 || status_line.substr(0, 7) != "HTTP/1." || status_line[8] != ' ') {
    return Fail(ErrorCode::kMalformed, "the answer is not an HTTP/1.x response");
  }
  auto status = ParseNumber(status_line.substr(9, 3), 10);
  if (!status || *status < 100 || *status > 599) {
    return Fail(ErrorCode::kMalformed, "bad HTTP status code");
  }
  HttpResponse r;
  r.status = static_cast<int>(*status);
  r.reason = std::string(Trim(status_line.size() > 12 ? status_line.substr(13) : ""));
  // Each header line follows a "\r\n"; `pos` sits on it.
  for (std::size_t pos = status_line.size(); pos < head.size();) {
    pos += 2;
    std::size_t eol = std::min(head.find("\r\n", pos), head.size());
    std::string_view line = head.substr(pos, eol - pos);
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return Fail(ErrorCode::kMalformed, "bad HTTP header line");
    }
    r.headers.emplace_back(std::string(Trim(line.substr(0, colon))),
                           std::string(Trim(line.substr(colon + 1))));
    pos = eol;
  }
  return r;
}

// The body per the headers; nullopt while more bytes are needed.
Result<std::optional<Bytes>> FrameBody(const HttpResponse& r, std::string_view body, bool at_eof) {
  auto encoding = r.Header("Transfer-Encoding");
  if (encoding && EqualIgnoreCase(Trim(*encoding), "chunked")) {
    auto decoded = Dechunk(body);
    if (decoded && !*decoded && at_eof) {
      return Fail(ErrorCode::kMalformed, "the chunked HTTP body ends early");
    }
    return decoded;
  }
  if (auto length_text = r.Header("Content-Length")) {
    auto length = ParseNumber(*length_text, 10);
    if (!length) return Fail(ErrorCode::kMalformed, "bad Content-Length");
    if (body.size() >= *length)
      return std::optional<Bytes>(Bytes(body.begin(), body.begin() + static_cast<long>(*length)));
    if (at_eof)
      return Fail(ErrorCode::kMalformed, "the HTTP body is shorter than its Content-Length");
    return std::optional<Bytes>();
  }
  bool has_body = r.status >= 200 && r.status != 204 && r.status != 304;
  if (has_body && !at_eof) return std::optional<Bytes>();  // the body ends when the server closes
  return std::optional<Bytes>(Bytes(body.begin(), body.end()));
}

std::string Request(const HttpUrl& url, const HttpRequest& request) {
  bool v6 = url.host.find(':') != std::string::npos;
  std::string host = v6 ? "[" + url.host + "]" : url.host;
  if (url.port != 80) host += fmt::format(":{}", url.port);
  std::string out = fmt::format(
      "{} {} HTTP/1.0\r\nHost: {}\r\nUser-Agent: exprobe/0.1\r\nAccept: */*\r\n"
      "Connection: close\r\n",
      request.method, url.path, host);
  if (!request.content_type.empty()) out += "Content-Type: " + request.content_type + "\r\n";
  if (request.method != "GET") out += fmt::format("Content-Length: {}\r\n", request.body.size());
  return out + "\r\n";
}

Result<HttpResponse> FetchOnce(const HttpUrl& url, const HttpRequest& request,
                               const net::NetOptions& net, const Deadline& deadline,
                               TraceSink* trace) {
  std::string where = fmt::format("{}:{}", url.host, url.port);
  auto target = net::ResolveTarget(url.host, url.port, net, deadline, trace);
  if (!target) return Fail(target.error());
  auto socket = net::ConnectAny(target->addresses, deadline, nullptr, trace);
  if (!socket) return Fail(socket.error());
  std::string head = Request(url, request);
  TraceTo(trace, "http", fmt::format("-> {} http://{}{}", request.method, where, url.path));
  Bytes out(head.begin(), head.end());
  out.insert(out.end(), request.body.begin(), request.body.end());
  if (auto sent = net::SendAll(*socket, out, deadline); !sent)
    return Fail(sent.error().With("sending the request"));
  Bytes raw;
  std::array<std::uint8_t, 16384> buf;
  while (true) {
    auto got = net::RecvSome(*socket, buf, deadline);
    if (!got) return Fail(got.error().With("reading the response"));
    bool eof = *got == 0;
    raw.insert(raw.end(), buf.begin(), buf.begin() + static_cast<long>(*got));
    if (raw.size() > request.max_response) {
      return Fail(ErrorCode::kMalformed,
                  fmt::format("the response is larger than {} bytes", request.max_response));
    }
    auto parsed = ParseHttpResponse(raw, eof);
    if (!parsed) return Fail(parsed.error());
    if (*parsed) {
      TraceTo(trace, "http",
              fmt::format("<- {} {} ({} bytes)", (*parsed)->status, (*parsed)->reason,
                          (*parsed)->body.size()));
      return std::move(**parsed);
    }
  }
}

}  // namespace

Result<HttpUrl> ParseHttpUrl(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  std::size_t colon = url.find("://");
  if (colon == std::string_view::npos) {
    return Fail(ErrorCode::kInvalidArgument, fmt::format("'{}' is not a URL", url));
  }
  if (!EqualIgnoreCase(url.substr(0, kScheme.size()), kScheme)) {
    return Fail(ErrorCode::kUnsupported,
                fmt::format("the {} scheme is not fetched (http only)", url.substr(0, colon)));
  }
  std::string_view rest = url.substr(kScheme.size());
  std::size_t slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  if (authority.find('@') != std::string_view::npos) {
    return Fail(ErrorCode::kInvalidArgument, "URLs with user information are not fetched");
  }
  auto host_port = net::ParseHostPort(authority, 80);
  if (!host_port) return Fail(host_port.error().With("URL host"));
  HttpUrl out;
  out.host = host_port->host;
  out.port = host_port->port;
  if (slash != std::string_view::npos) {
    out.path = std::string(rest.substr(slash));
    if (out.path.front() == '?') out.path = "/" + out.path;
  }
  for (char c : out.path) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return Fail(ErrorCode::kInvalidArgument,
                  "the URL path contains a space or a control character");
    }
  }
  return out;
}

std::optional<std::string> HttpResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (EqualIgnoreCase(k, name)) return v;
  }
  return std::nullopt;
}

//   HTTP/1.x SP 3DIGIT [SP reason] CRLF
//   (name ":" value CRLF)*
//   CRLF
//   body: Content-Length bytes | chunks (hex-size CRLF data CRLF ... 0 CRLF) | up to EOF
Result<std::optional<HttpResponse>> ParseHttpResponse(ByteView raw_bytes, bool at_eof) {
  std::string_view raw(reinterpret_cast<const char*>(raw_bytes.data()), raw_bytes.size());
  std::size_t end = raw.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    if (raw.size() > kMaxHeaderBytes) {
      return Fail(ErrorCode::kMalformed, "the HTTP headers are too long");
    }
    if (!at_eof) return std::optional<HttpResponse>();
    return Fail(ErrorCode::kMalformed, raw.empty()
                                           ? "the server closed the connection without answering"
                                           : "the answer is not a complete HTTP response");
  }
  auto head = ParseHead(raw.substr(0, end));
  if (!head) return Fail(head.error());
  auto body = FrameBody(*head, raw.substr(end + 4), at_eof);
  if (!body) return Fail(body.error());
  if (!*body) return std::optional<HttpResponse>();
  head->body = std::move(**body);
  return std::optional<HttpResponse>(std::move(*head));
}

Result<HttpResponse> HttpFetch(std::string_view url_text, const HttpRequest& request,
                               const net::NetOptions& net, const Deadline& deadline,
                               TraceSink* trace) {
  std::string current(url_text);
  for (int hop = 0;; ++hop) {
    auto url = ParseHttpUrl(current);
    if (!url) return Fail(url.error());
    auto response = FetchOnce(*url, request, net, deadline, trace);
    if (!response) {
      std::string where = fmt::format("{}:{}", url->host, url->port);
      bool named = response.error().message.find(where) != std::string::npos;
      return Fail(named ? response.error() : response.error().With(where));
    }
    bool redirect = response->status == 301 || response->status == 302 || response->status == 303 ||
                    response->status == 307 || response->status == 308;
    auto location = response->Header("Location");
    if (!redirect || !location || hop >= request.max_redirects || request.method != "GET")
      return response;
    if (location->rfind("/", 0) == 0) {
      current =
          fmt::format("http://{}{}{}",
                      url->host.find(':') != std::string::npos ? "[" + url->host + "]" : url->host,
                      url->port == 80 ? "" : fmt::format(":{}", url->port), *location);
    } else {
      current = *location;
    }
  }
}

}  // namespace probe::tls
