// CertificateSummary: the facts of one X.509 certificate that reports show.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "probe/core/bytes.h"
#include "probe/core/result.h"

namespace probe::tls {

/// Typed facts of one certificate as the server sent it (no verification here).
struct CertificateSummary {
  std::string subject;  // RFC 2253 one-line
  std::string issuer;
  std::string common_name;             // the subject's last CN, empty when none
  std::vector<std::string> dns_names;  // subjectAltName dNSName entries
  std::vector<std::string> ip_addresses;
  std::string serial_hex;
  std::int64_t not_before = 0;  // seconds since the epoch (UTC)
  std::int64_t not_after = 0;
  std::string key_type;  // "RSA", "EC", "Ed25519", ...
  int key_bits = 0;
  std::string signature_algorithm;  // e.g. "sha256WithRSAEncryption"
  std::string sha256_fingerprint;   // upper-case hex with colons, as Windows shows it
  bool self_issued = false;         // subject == issuer
  Bytes der;
};

/// Decodes a DER certificate; kMalformed when OpenSSL cannot parse it.
Result<CertificateSummary> SummarizeCertificate(ByteView der);

/// "2026-11-25T09:52:57Z" for a Unix time.
std::string FormatUtc(std::int64_t unix_seconds);

}  // namespace probe::tls
