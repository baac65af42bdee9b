// Revocation reachability: the CRL distribution points and OCSP responders a chain names, fetched
// as a Windows client would (plain HTTP) under the caller's deadline, and what they say.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "probe/core/deadline.h"
#include "probe/core/trace.h"
#include "probe/net/address.h"
#include "probe/tls/certificate.h"
#include "probe/tls/x509_verify.h"

namespace probe::tls {

enum class RevocationMethod { kCrl, kOcsp };
std::string_view RevocationMethodName(RevocationMethod method);  // "crl", "ocsp"

enum class RevocationStatus {
  kGood,         // CRL fetched and the serial is not on it; OCSP "good"
  kRevoked,      // on the CRL, or OCSP "revoked"
  kUnknown,      // OCSP "unknown": the responder does not know the certificate
  kUnreachable,  // no HTTP answer: DNS, refused, reset, timeout
  kUnusable,     // an answer that is no usable CRL/OCSP response (HTTP error, garbage, bad
                 // signature, wrong issuer, expired CRL, stale OCSP response)
  kSkipped,      // not fetched: ldap:/https: URL, or OCSP without the issuer certificate
};
std::string_view RevocationStatusName(RevocationStatus status);  // "good", "revoked", ...

/// One URL to ask about one certificate.
struct RevocationQuery {
  RevocationMethod method = RevocationMethod::kCrl;
  std::string url;
  CertificateSummary cert;
  std::optional<CertificateSummary> issuer;  // needed to verify a CRL and to ask OCSP
  std::size_t chain_index = 0;               // position of `cert` in the built chain
};

/// What one URL said.
struct RevocationCheck {
  RevocationMethod method = RevocationMethod::kCrl;
  std::string url;
  std::string subject;  // of the certificate asked about
  std::size_t chain_index = 0;
  RevocationStatus status = RevocationStatus::kSkipped;
  std::string detail;  // one sentence
  std::optional<int> http_status;
  std::optional<std::int64_t> revoked_at;  // Unix time, for kRevoked
  std::string revocation_reason;           // "keyCompromise", ... when given
  double elapsed_ms = 0;

  /// The client gets no usable answer from this URL (what makes Windows prompt or fail).
  bool problem() const {
    return status == RevocationStatus::kUnreachable || status == RevocationStatus::kUnusable ||
           status == RevocationStatus::kUnknown;
  }
};

/// Every CRL distribution point and OCSP URL of every certificate of `built` below a
/// self-signed anchor, each paired with its issuer when the chain has it.
std::vector<RevocationQuery> PlanRevocation(const std::vector<ChainLink>& built);

/// Asks one URL. Never fails: every way it can go is a status with a detail.
RevocationCheck RunRevocationQuery(const RevocationQuery& query, const net::NetOptions& net,
                                   const Deadline& deadline, TraceSink* trace);

}  // namespace probe::tls
