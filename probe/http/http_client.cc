#include "probe/http/http_client.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <mutex>
#include <string_view>

namespace probe::http {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

struct CurlSlist {
  curl_slist* list = nullptr;
  ~CurlSlist() { curl_slist_free_all(list); }
  void Append(const std::string& line) { list = curl_slist_append(list, line.c_str()); }
};

// Authorization values are traced as their scheme and length only: a Basic header is a
// password, and the NTLM responses are masked in the decoded view the engine traces itself.
std::string MaskAuthorization(std::string_view line) {
  std::string_view name = "Authorization:";
  if (line.size() < name.size() || !EqualsIgnoreCase(line.substr(0, name.size()), name))
    return std::string(line);
  std::string_view value = Trim(line.substr(name.size()));
  std::string_view scheme = value.substr(0, value.find(' '));
  return "Authorization: " + std::string(scheme) + " [" +
         std::to_string(value.size() - scheme.size()) + " chars, masked]";
}

ErrorCode CodeFor(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return ErrorCode::kTimeout;
    case CURLE_COULDNT_CONNECT:
      return ErrorCode::kConnectRefused;
    case CURLE_COULDNT_RESOLVE_HOST:
      return ErrorCode::kDnsFailure;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
      return ErrorCode::kTlsHandshake;
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
      return ErrorCode::kConnectionClosed;
    case CURLE_WEIRD_SERVER_REPLY:
      return ErrorCode::kMalformed;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return ErrorCode::kInvalidArgument;
    default:
      return ErrorCode::kIo;
  }
}

// PEM (as CURLINFO_CERTINFO's "Cert" item holds it) to DER.
std::optional<Bytes> PemToDer(std::string_view pem) {
  std::string b64;
  for (std::size_t pos = 0; pos < pem.size();) {
    std::size_t end = std::min(pem.find('\n', pos), pem.size());
    std::string_view line = Trim(pem.substr(pos, end - pos));
    if (!line.empty() && line.find("-----") == std::string_view::npos) b64.append(line);
    pos = end + 1;
  }
  if (b64.empty() || b64.size() % 4 != 0) return std::nullopt;
  Bytes der(b64.size() / 4 * 3);
  int n = EVP_DecodeBlock(der.data(), reinterpret_cast<const unsigned char*>(b64.data()),
                          static_cast<int>(b64.size()));
  if (n < 0) return std::nullopt;
  std::size_t padding = b64.size() - b64.find_last_not_of('=') - 1;
  der.resize(static_cast<std::size_t>(n) - std::min<std::size_t>(padding, 2));
  return der;
}

std::optional<Bytes> LeafCertificate(CURL* easy) {
  curl_certinfo* info = nullptr;
  if (curl_easy_getinfo(easy, CURLINFO_CERTINFO, &info) != CURLE_OK || info == nullptr ||
      info->num_of_certs < 1)
    return std::nullopt;
  for (curl_slist* item = info->certinfo[0]; item != nullptr; item = item->next) {
    std::string_view text = item->data;
    if (text.starts_with("Cert:")) return PemToDer(text.substr(5));
  }
  return std::nullopt;
}

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

struct HttpConnection::State {
  HttpOptions options;
  CURL* easy = nullptr;
  CurlSlist resolve;
  CurlSlist connect_to;
  int connections = 0;
  std::vector<HttpHeader> headers;  // filled by the header callback
  std::string body;                 // filled by the body callback, up to the limit
  bool body_overflow = false;
  int status_lines = 0;
  char error[CURL_ERROR_SIZE] = {};

  ~State() {
    if (easy != nullptr) curl_easy_cleanup(easy);
  }
};

namespace {

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* state = static_cast<HttpConnection::State*>(user);
  std::string_view line(data, size * count);
  line = Trim(line);
  if (line.starts_with("HTTP/")) {
    state->headers.clear();  // an interim (1xx) response's headers are not the final ones
    ++state->status_lines;
  } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
    state->headers.push_back(
        {std::string(Trim(line.substr(0, colon))), std::string(Trim(line.substr(colon + 1)))});
  }
  return size * count;
}

// Keeps the body up to the limit; past it, returning short makes libcurl abort the transfer.
size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* state = static_cast<HttpConnection::State*>(user);
  std::size_t n = size * count;
  if (state->body.size() + n > state->options.max_body_bytes) {
    state->body_overflow = true;
    return 0;
  }
  state->body.append(data, n);
  return n;
}

int OnDebug(CURL*, curl_infotype type, char* data, size_t size, void* user) {
  auto* state = static_cast<HttpConnection::State*>(user);
  std::string_view text(data, size);
  std::string_view layer = type == CURLINFO_HEADER_OUT  ? "http>"
                           : type == CURLINFO_HEADER_IN ? "http<"
                           : type == CURLINFO_TEXT      ? "http"
                                                        : "";
  if (layer.empty()) return 0;
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t end = std::min(text.find('\n', pos), text.size());
    std::string_view line = Trim(text.substr(pos, end - pos));
    if (!line.empty()) TraceTo(state->options.trace, layer, MaskAuthorization(line));
    pos = end + 1;
  }
  return 0;
}

}  // namespace

HttpConnection::HttpConnection(std::unique_ptr<State> state) : state_(std::move(state)) {}
HttpConnection::HttpConnection(HttpConnection&&) noexcept = default;
HttpConnection& HttpConnection::operator=(HttpConnection&&) noexcept = default;
HttpConnection::~HttpConnection() = default;

Result<HttpConnection> HttpConnection::Create(const HttpOptions& options) {
  GlobalInit();
  auto state = std::make_unique<State>();
  state->options = options;
  state->easy = curl_easy_init();
  if (state->easy == nullptr) return Fail(ErrorCode::kInternal, "curl_easy_init failed");
  CURL* e = state->easy;
  for (const auto& r : options.net.resolve)
    state->resolve.Append(r.host + ":" + std::to_string(r.port) + ":" + r.address);
  for (const auto& c : options.net.connect_to) {
    auto port = [](std::uint16_t p) { return p == 0 ? std::string() : std::to_string(p); };
    state->connect_to.Append(c.host + ":" + port(c.port) + ":" + c.to_host + ":" + port(c.to_port));
  }
  curl_easy_setopt(e, CURLOPT_RESOLVE, state->resolve.list);
  curl_easy_setopt(e, CURLOPT_CONNECT_TO, state->connect_to.list);
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);  // NTLM is per connection
  curl_easy_setopt(e, CURLOPT_HTTPAUTH, CURLAUTH_NONE);
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);  // never carry credentials elsewhere
  curl_easy_setopt(e, CURLOPT_CERTINFO, 1L);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_MAXAGE_CONN, 3600L);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, state->error);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, state.get());
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, state.get());
  if (!options.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, options.ca_file.c_str());
  if (options.insecure) {
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (options.trace != nullptr) {
    curl_easy_setopt(e, CURLOPT_VERBOSE, 1L);
    curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, OnDebug);
    curl_easy_setopt(e, CURLOPT_DEBUGDATA, state.get());
  }
  return HttpConnection(std::move(state));
}

Result<HttpResponse> HttpConnection::Perform(const HttpRequest& request, const Deadline& deadline) {
  CURL* e = state_->easy;
  if (deadline.Expired()) return Fail(ErrorCode::kTimeout, "deadline passed before " + request.url);
  CurlSlist headers;
  for (const auto& h : request.headers) headers.Append(h);
  headers.Append("Expect:");  // no 100-continue round trip in the middle of a handshake
  curl_easy_setopt(e, CURLOPT_URL, request.url.c_str());
  if (request.body) {
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body->size()));
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, request.body->data());
  } else {
    curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);  // forget a previous request's body
  }
  curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST,
                   request.method == "GET" ? nullptr : request.method.c_str());
  curl_easy_setopt(e, CURLOPT_NOBODY, request.method == "HEAD" ? 1L : 0L);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers.list);
  curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, request.fresh_connection ? 1L : 0L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(deadline.RemainingMs()));
  state_->headers.clear();
  state_->body.clear();
  state_->body_overflow = false;
  state_->error[0] = '\0';
  CURLcode rc = curl_easy_perform(e);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, nullptr);  // `headers` dies with this scope
  curl_easy_setopt(e, CURLOPT_POSTFIELDS, nullptr);  // nor does the body outlive the call
  if (state_->body_overflow) {
    return Fail(ErrorCode::kMalformed,
                request.method + " " + request.url + ": the response body exceeds " +
                    std::to_string(state_->options.max_body_bytes) + " bytes; stopped reading");
  }
  if (rc != CURLE_OK) {
    std::string why = state_->error[0] != '\0' ? state_->error : curl_easy_strerror(rc);
    return Fail(CodeFor(rc), request.method + " " + request.url + ": " + why);
  }
  HttpResponse response;
  long status = 0, num_connects = 0, local_port = 0, remote_port = 0;
  char* remote_ip = nullptr;
  char* scheme = nullptr;
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo(e, CURLINFO_NUM_CONNECTS, &num_connects);
  curl_easy_getinfo(e, CURLINFO_LOCAL_PORT, &local_port);
  curl_easy_getinfo(e, CURLINFO_PRIMARY_PORT, &remote_port);
  curl_easy_getinfo(e, CURLINFO_PRIMARY_IP, &remote_ip);
  curl_easy_getinfo(e, CURLINFO_SCHEME, &scheme);
  if (num_connects > 0) ++state_->connections;
  response.status = static_cast<int>(status);
  response.headers = std::move(state_->headers);
  response.body = std::move(state_->body);
  response.connection = {state_->connections, num_connects > 0, static_cast<int>(local_port),
                         remote_ip != nullptr ? remote_ip : "", static_cast<int>(remote_port)};
  response.tls = scheme != nullptr && EqualsIgnoreCase(scheme, "https");
  if (response.tls && num_connects > 0) response.peer_certificate = LeafCertificate(e);
  return response;
}

std::vector<std::string> HttpResponse::HeaderValues(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& h : headers) {
    if (EqualsIgnoreCase(h.name, name)) out.push_back(h.value);
  }
  return out;
}

bool HttpResponse::HasToken(std::string_view name, std::string_view token) const {
  for (const auto& value : HeaderValues(name)) {
    std::string_view rest = value;
    while (!rest.empty()) {
      std::size_t comma = std::min(rest.find(','), rest.size());
      if (EqualsIgnoreCase(Trim(rest.substr(0, comma)), token)) return true;
      rest = comma < rest.size() ? rest.substr(comma + 1) : std::string_view();
    }
  }
  return false;
}

Result<UrlParts> ParseUrl(const std::string& url) {
  CURLU* u = curl_url();
  if (u == nullptr) return Fail(ErrorCode::kInternal, "curl_url failed");
  UrlParts parts;
  auto get = [u](CURLUPart part, unsigned flags, std::string& out) {
    char* value = nullptr;
    if (curl_url_get(u, part, &value, flags) != CURLUE_OK) return false;
    out = value;
    curl_free(value);
    return true;
  };
  std::string port;
  bool ok = curl_url_set(u, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK &&
            get(CURLUPART_SCHEME, 0, parts.scheme) && get(CURLUPART_HOST, 0, parts.host) &&
            get(CURLUPART_PORT, CURLU_DEFAULT_PORT, port);
  curl_url_cleanup(u);
  if (!ok) return Fail(ErrorCode::kInvalidArgument, "not a valid URL: " + url);
  if (parts.scheme != "https" && parts.scheme != "http")
    return Fail(ErrorCode::kInvalidArgument, "only http and https URLs: " + url);
  if (parts.host.size() > 2 && parts.host.front() == '[')
    parts.host = parts.host.substr(1, parts.host.size() - 2);
  parts.port = std::atoi(port.c_str());
  return parts;
}

Result<Bytes> TlsServerEndPointHash(ByteView certificate_der) {
  const unsigned char* p = certificate_der.data();
  X509* cert = d2i_X509(nullptr, &p, static_cast<long>(certificate_der.size()));
  if (cert == nullptr) return Fail(ErrorCode::kMalformed, "peer certificate does not parse");
  int md_nid = NID_undef;
  X509_get_signature_info(cert, &md_nid, nullptr, nullptr, nullptr);
  X509_free(cert);
  // RFC 5929 4.1: MD5 and SHA-1 are upgraded to SHA-256; other digests are used as they are.
  const EVP_MD* md = md_nid == NID_sha384   ? EVP_sha384()
                     : md_nid == NID_sha512 ? EVP_sha512()
                                            : EVP_sha256();
  Bytes hash(EVP_MAX_MD_SIZE);
  unsigned int length = 0;
  if (EVP_Digest(certificate_der.data(), certificate_der.size(), hash.data(), &length, md,
                 nullptr) != 1)
    return Fail(ErrorCode::kInternal, "certificate digest failed");
  hash.resize(length);
  return hash;
}

}  // namespace probe::http
