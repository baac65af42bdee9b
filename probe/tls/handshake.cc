#include "probe/tls/handshake.h"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <array>
#include <memory>

#include "probe/tls/alert.h"
#include "probe/tls/name_match.h"

namespace probe::tls {
namespace {

struct CtxFree {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
struct SslFree {
  void operator()(SSL* s) const { SSL_free(s); }
};

constexpr char kAllTls12Ciphers[] = "ALL:COMPLEMENTOFALL:@SECLEVEL=0";
constexpr char kAllTls13Suites[] =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:"
    "TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256";

// Lifts every OpenSSL policy check (key sizes, SHA-1 signatures, old versions): the prober must
// see what the server does, and judges weakness itself (tls-scanners.md §2.3).
int AllowEverything(const SSL*, const SSL_CTX*, int, int, int, void*, void*) { return 1; }

int OpenSslVersion(TlsVersion v) {
  switch (v) {
    case TlsVersion::kTls10:
      return TLS1_VERSION;
    case TlsVersion::kTls11:
      return TLS1_1_VERSION;
    case TlsVersion::kTls12:
      return TLS1_2_VERSION;
    case TlsVersion::kTls13:
      return TLS1_3_VERSION;
    default:
      return 0;
  }
}

std::unique_ptr<SSL_CTX, CtxFree> MakeContext(TlsVersion version) {
  std::unique_ptr<SSL_CTX, CtxFree> ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) return nullptr;
  SSL_CTX_set_security_level(ctx.get(), 0);
  SSL_CTX_set_security_callback(ctx.get(), AllowEverything);
  int v = OpenSslVersion(version);
  if (v == 0 || SSL_CTX_set_min_proto_version(ctx.get(), v) != 1 ||
      SSL_CTX_set_max_proto_version(ctx.get(), v) != 1) {
    return nullptr;
  }
  // Padding keeps big hellos out of the 256-511 byte range some load balancers choke on.
  SSL_CTX_set_options(ctx.get(), SSL_OP_LEGACY_SERVER_CONNECT | SSL_OP_TLSEXT_PADDING);
  if (SSL_CTX_set_cipher_list(ctx.get(), kAllTls12Ciphers) != 1 ||
      SSL_CTX_set_ciphersuites(ctx.get(), kAllTls13Suites) != 1) {
    return nullptr;
  }
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);  // verification is the cert check's job
  return ctx;
}

// What the message callback saw: alerts both ways and the ServerHello bytes.
struct WireLog {
  std::optional<int> alert_received;
  std::optional<int> alert_sent;
  Bytes server_hello;
};

void OnMessage(int write_p, int, int content_type, const void* buf, std::size_t len, SSL*,
               void* arg) {
  auto* log = static_cast<WireLog*>(arg);
  const auto* bytes = static_cast<const std::uint8_t*>(buf);
  if (content_type == SSL3_RT_ALERT && len >= 2) {
    (write_p ? log->alert_sent : log->alert_received) = bytes[1];
  } else if (content_type == SSL3_RT_HANDSHAKE && !write_p && len >= 1 && bytes[0] == 2 &&
             log->server_hello.empty()) {
    log->server_hello.assign(bytes, bytes + len);
  }
}

// The driver owns the transport: OpenSSL reads and writes memory BIOs, and this code moves the
// bytes to and from the socket under the deadline. So every wait is bounded, EOF and reset stay
// distinguishable, and the server's first raw bytes are kept as evidence.
class Driver {
 public:
  Driver(net::Socket& socket, SSL* ssl, const Deadline& deadline, HandshakeResult& result)
      : socket_(socket), ssl_(ssl), deadline_(deadline), result_(result) {
    rbio_ = BIO_new(BIO_s_mem());
    wbio_ = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(rbio_, -1);  // empty = "retry", not EOF
    SSL_set_bio(ssl_, rbio_, wbio_);    // ssl_ owns both now
  }

  // Returns true once the handshake completed.
  bool Run() {
    while (true) {
      ERR_clear_error();
      int rc = SSL_connect(ssl_);
      if (!Flush()) return false;
      if (rc == 1) return true;
      int err = SSL_get_error(ssl_, rc);
      if (err != SSL_ERROR_WANT_READ) {
        failure_ = Failure::kOpenSsl;
        openssl_reason_ = ERR_peek_last_error();
        return false;
      }
      if (!Receive()) return false;
    }
  }

  // Sends close_notify without waiting for the server's: the verdict is already known.
  void Close() {
    SSL_shutdown(ssl_);
    Flush();
  }

  enum class Failure { kNone, kOpenSsl, kEof, kReset, kTimeout, kSendFailed };
  Failure failure() const { return failure_; }
  unsigned long openssl_reason() const { return openssl_reason_; }

 private:
  bool Flush() {
    std::array<std::uint8_t, 16384> buf;
    while (BIO_ctrl_pending(wbio_) > 0) {
      int n = BIO_read(wbio_, buf.data(), static_cast<int>(buf.size()));
      if (n <= 0) break;
      auto sent =
          net::SendAll(socket_, ByteView(buf.data(), static_cast<std::size_t>(n)), deadline_);
      if (!sent) {
        failure_ =
            sent.error().code == ErrorCode::kTimeout ? Failure::kTimeout : Failure::kSendFailed;
        return false;
      }
    }
    return true;
  }

  bool Receive() {
    std::array<std::uint8_t, 16384> buf;
    auto got = net::RecvSome(socket_, buf, deadline_);
    if (!got) {
      failure_ = got.error().code == ErrorCode::kTimeout ? Failure::kTimeout : Failure::kReset;
      return false;
    }
    if (*got == 0) {
      failure_ = Failure::kEof;
      return false;
    }
    Bytes& first = result_.first_bytes;
    std::size_t keep = std::min<std::size_t>(*got, 16 - first.size());
    first.insert(first.end(), buf.begin(), buf.begin() + static_cast<long>(keep));
    BIO_write(rbio_, buf.data(), static_cast<int>(*got));
    return true;
  }

  net::Socket& socket_;
  SSL* ssl_;
  const Deadline& deadline_;
  HandshakeResult& result_;
  BIO* rbio_ = nullptr;
  BIO* wbio_ = nullptr;
  Failure failure_ = Failure::kNone;
  unsigned long openssl_reason_ = 0;
};

// A TLS record starts with a content type 20..24 and major version 3; an SSLv2 answer with the
// high bit of its length set. Anything else (an HTTP status line, SSH banner) is not TLS.
bool LooksLikeTls(const Bytes& first) {
  if (first.empty()) return true;
  if (first[0] & 0x80) return true;
  if (first[0] < 20 || first[0] > 24) return false;
  return first.size() < 2 || first[1] == 3;
}

std::string Printable(const Bytes& bytes) {
  std::string out;
  for (std::uint8_t b : bytes) out += (b >= 0x20 && b < 0x7f) ? static_cast<char>(b) : '.';
  return out;
}

void ReadNegotiated(SSL* ssl, HandshakeResult& result) {
  if (const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl)) {
    result.cipher_id = SSL_CIPHER_get_protocol_id(cipher);
    if (const char* name = SSL_CIPHER_standard_name(cipher)) result.cipher_name = name;
  }
  int group = SSL_get_negotiated_group(ssl);
  if (group != 0) {
    if (const char* name = SSL_group_to_name(ssl, group)) result.group = name;
  }
  if (STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl)) {
    for (int i = 0; i < sk_X509_num(chain); ++i) {
      unsigned char* der = nullptr;
      int len = i2d_X509(sk_X509_value(chain, i), &der);
      if (len <= 0) continue;
      auto summary = SummarizeCertificate(ByteView(der, static_cast<std::size_t>(len)));
      OPENSSL_free(der);
      if (summary) result.chain.push_back(std::move(*summary));
    }
  }
}

// Fills outcome and detail for a handshake that did not complete.
void Classify(const Driver& driver, const WireLog& log, std::string_view wanted,
              const Deadline& deadline, HandshakeResult& result) {
  const auto& hello = result.server_hello;
  if (hello && result.negotiated && result.negotiated != result.requested) {
    result.outcome = HandshakeOutcome::kDowngraded;
    result.detail = fmt::format("the server answered the {} ClientHello with a {} ServerHello",
                                wanted, VersionDisplay(*result.negotiated));
    return;
  }
  if (hello && !hello->hello_retry_request) {
    result.outcome = HandshakeOutcome::kAcceptedThenFailed;
    const char* why = ERR_reason_error_string(driver.openssl_reason());
    result.detail =
        fmt::format("the server accepted {} (suite 0x{:04X}) but the handshake then failed: {}",
                    wanted, hello->cipher_suite,
                    log.alert_received ? "server alert " + AlertName(*log.alert_received)
                    : why              ? std::string(why)
                                       : std::string("connection closed"));
    return;
  }
  if (log.alert_received) {
    result.outcome = HandshakeOutcome::kRejectedAlert;
    result.detail = fmt::format("the server refused {} with alert {} ({})", wanted,
                                *log.alert_received, AlertName(*log.alert_received));
    return;
  }
  if (!LooksLikeTls(result.first_bytes)) {
    result.outcome = HandshakeOutcome::kNotTls;
    result.detail =
        fmt::format("the server answered the {} ClientHello with bytes that are not TLS: \"{}\"",
                    wanted, Printable(result.first_bytes));
    return;
  }
  switch (driver.failure()) {
    case Driver::Failure::kTimeout:
      result.outcome = HandshakeOutcome::kTimeout;
      result.detail = fmt::format("no answer to the {} ClientHello before the deadline ({:.0f} ms)",
                                  wanted, result.elapsed_ms);
      break;
    case Driver::Failure::kEof:
      result.outcome = HandshakeOutcome::kClosed;
      result.detail = fmt::format(
          "the server closed the connection without answering the {} ClientHello", wanted);
      break;
    case Driver::Failure::kReset:
    case Driver::Failure::kSendFailed:
      result.outcome = HandshakeOutcome::kClosed;
      result.detail = fmt::format("the server reset the connection on the {} ClientHello", wanted);
      break;
    default: {
      const char* why = ERR_reason_error_string(driver.openssl_reason());
      result.outcome = result.first_bytes.empty() ? HandshakeOutcome::kLocalFailure
                                                  : HandshakeOutcome::kRejectedAlert;
      result.detail =
          fmt::format("the {} handshake failed: {}", wanted, why ? why : "unknown error");
    }
  }
  (void)deadline;
}

}  // namespace

std::string_view OutcomeName(HandshakeOutcome outcome) {
  switch (outcome) {
    case HandshakeOutcome::kCompleted:
      return "completed";
    case HandshakeOutcome::kAcceptedThenFailed:
      return "accepted_then_failed";
    case HandshakeOutcome::kRejectedAlert:
      return "rejected_alert";
    case HandshakeOutcome::kDowngraded:
      return "downgraded";
    case HandshakeOutcome::kClosed:
      return "closed";
    case HandshakeOutcome::kNotTls:
      return "not_tls";
    case HandshakeOutcome::kTimeout:
      return "timeout";
    case HandshakeOutcome::kLocalFailure:
      return "local_failure";
  }
  return "local_failure";
}

HandshakeResult Handshake(net::Socket& socket, const HandshakeOptions& options,
                          const Deadline& deadline, TraceSink* trace) {
  auto started = Clock::now();
  HandshakeResult result;
  result.requested = options.version;
  std::string wanted(VersionDisplay(options.version));
  auto ctx = MakeContext(options.version);
  std::unique_ptr<SSL, SslFree> ssl(ctx ? SSL_new(ctx.get()) : nullptr);
  if (!ssl) {
    result.outcome = HandshakeOutcome::kLocalFailure;
    result.detail = fmt::format("this OpenSSL build cannot offer {}", wanted);
    return result;
  }
  if (!options.sni.empty() && !IsIpLiteral(options.sni)) {
    SSL_set_tlsext_host_name(ssl.get(), options.sni.c_str());
  }
  WireLog log;
  SSL_set_msg_callback(ssl.get(), OnMessage);
  SSL_set_msg_callback_arg(ssl.get(), &log);
  TraceTo(trace, "tls", fmt::format("-> ClientHello {} sni={}", wanted, options.sni));

  Driver driver(socket, ssl.get(), deadline, result);
  bool completed = driver.Run();
  result.elapsed_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  result.alert_received = log.alert_received;
  result.alert_sent = log.alert_sent;
  if (!log.server_hello.empty()) {
    if (auto hello = DecodeServerHello(log.server_hello)) {
      result.server_hello = *hello;
      result.negotiated = FromWire(hello->NegotiatedVersion());
      result.cipher_id = hello->cipher_suite;
      const std::uint8_t id[2] = {static_cast<std::uint8_t>(hello->cipher_suite >> 8),
                                  static_cast<std::uint8_t>(hello->cipher_suite)};
      if (const SSL_CIPHER* cipher = SSL_CIPHER_find(ssl.get(), id)) {
        if (const char* name = SSL_CIPHER_standard_name(cipher)) result.cipher_name = name;
      }
    }
  }
  if (completed) {
    result.outcome = HandshakeOutcome::kCompleted;
    ReadNegotiated(ssl.get(), result);
    result.detail =
        fmt::format("{} handshake completed with {}", wanted,
                    result.cipher_name.empty() ? fmt::format("0x{:04X}", result.cipher_id)
                                               : result.cipher_name);
    driver.Close();
  } else {
    Classify(driver, log, wanted, deadline, result);
  }
  ERR_clear_error();
  TraceTo(trace, "tls", fmt::format("<- {}: {}", OutcomeName(result.outcome), result.detail));
  return result;
}

}  // namespace probe::tls
