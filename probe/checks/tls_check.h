// The `tls` check: which protocol versions a real client completes a handshake with, the suite
// each negotiates, and the certificate chain as sent.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "probe/checks/cert_check.h"
#include "probe/checks/client_check.h"
#include "probe/core/finding.h"
#include "probe/core/result.h"
#include "probe/core/trace.h"
#include "probe/net/address.h"
#include "probe/tls/certificate.h"
#include "probe/tls/enumerate.h"
#include "probe/tls/handshake.h"

namespace probe::checks {

struct TlsCheckOptions {
  std::string host;
  std::uint16_t port = 443;
  std::string sni;  // defaults to host
  net::NetOptions net;
  std::chrono::milliseconds timeout{10000};  // total, for resolution and every handshake
  TraceSink* trace = nullptr;
  bool enumerate = true;  // raw suite enumeration; false = one OpenSSL handshake per version only
  std::vector<const tls::ClientProfile*> clients;  // Windows clients to simulate (--client)
  /// How the chain is judged (the `cert` check's offline analysis); the SNI/host is added
  /// first to `names`. No msstd: check unless one is set: it concerns Outlook Anywhere only.
  CertAnalysisOptions cert;
};

/// One protocol version: the raw enumeration (every version), and for TLS 1.0-1.3 a full OpenSSL
/// handshake (or the error that prevented one).
struct ProtocolProbe {
  tls::TlsVersion version = tls::TlsVersion::kTls12;
  std::optional<tls::ProtocolScan> scan;
  std::optional<tls::HandshakeResult> handshake;
  std::optional<Error> connect_error;

  /// The server accepts the version: the raw scan decides; the handshake where there is none.
  bool accepted() const {
    if (scan && !scan->error) return scan->accepted;
    return handshake && handshake->accepted();
  }
  bool completed() const {
    return handshake && handshake->outcome == tls::HandshakeOutcome::kCompleted;
  }
};

struct TlsCheckResult {
  std::string host;
  std::uint16_t port = 0;
  std::string sni;
  std::string address;                         // the address connected to, "" if none
  std::string resolved_via;                    // how the address was found
  std::vector<ProtocolProbe> protocols;        // SSL 2.0 .. TLS 1.3, in that order
  std::vector<tls::CertificateSummary> chain;  // from the newest version that completed
  std::optional<CertAnalysis> certificate;     // the chain judged; unset when none was received
  std::vector<Finding> findings;
  std::vector<ClientVerdict> clients;  // one per TlsCheckOptions::clients, in that order
  double duration_ms = 0;
};

/// Runs the check. Never fails: an endpoint that cannot be reached is a critical finding, and
/// whatever was measured before a failure stays in the result.
TlsCheckResult RunTlsCheck(const TlsCheckOptions& options);

}  // namespace probe::checks
