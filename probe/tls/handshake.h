// One full OpenSSL client handshake at one pinned protocol version, with a verdict a report can
// state: completed, accepted then failed, rejected (alert, close, downgrade), no TLS, timeout.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "probe/core/bytes.h"
#include "probe/core/deadline.h"
#include "probe/core/trace.h"
#include "probe/net/socket.h"
#include "probe/tls/certificate.h"
#include "probe/tls/server_hello.h"
#include "probe/tls/version.h"

namespace probe::tls {

/// What happened to one handshake. Only kCompleted means a real client gets through.
enum class HandshakeOutcome {
  kCompleted,           // Finished exchanged
  kAcceptedThenFailed,  // ServerHello chose the requested version, a later step failed
  kRejectedAlert,       // the server sent a fatal alert before choosing the version
  kDowngraded,          // the ServerHello chose a lower version than the one requested
  kClosed,              // EOF or reset before a ServerHello
  kNotTls,              // the server answered with bytes that are not a TLS record
  kTimeout,             // no answer before the deadline
  kLocalFailure,        // OpenSSL could not even offer the version (a build limit)
};

std::string_view OutcomeName(HandshakeOutcome outcome);  // "completed", "rejected_alert", ...

struct HandshakeOptions {
  TlsVersion version = TlsVersion::kTls12;
  std::string sni;  // empty, or an IP literal: no server_name extension
};

/// The typed result of one handshake.
struct HandshakeResult {
  TlsVersion requested = TlsVersion::kTls12;
  HandshakeOutcome outcome = HandshakeOutcome::kLocalFailure;
  std::optional<ServerHello> server_hello;
  std::optional<TlsVersion> negotiated;  // from the ServerHello (supported_versions for 1.3)
  std::uint16_t cipher_id = 0;           // the suite the ServerHello chose
  std::string cipher_name;               // IANA name where OpenSSL knows the suite
  std::string group;                     // key exchange group, e.g. "x25519" (completed only)
  std::optional<int> alert_received;     // description code
  std::optional<int> alert_sent;
  std::string detail;                     // one sentence: what the server did
  std::vector<CertificateSummary> chain;  // as sent, leaf first (completed only)
  Bytes first_bytes;                      // up to 16 bytes of the server's first answer
  double elapsed_ms = 0;

  /// The server chose the requested version (whether or not the handshake then completed).
  bool accepted() const {
    return outcome == HandshakeOutcome::kCompleted ||
           outcome == HandshakeOutcome::kAcceptedThenFailed;
  }
};

/// Runs one handshake over a connected socket. Never fails: every way the server can answer
/// (including not at all) is an outcome; the socket is left closed-for-writing afterwards.
HandshakeResult Handshake(net::Socket& socket, const HandshakeOptions& options,
                          const Deadline& deadline, TraceSink* trace);

}  // namespace probe::tls
