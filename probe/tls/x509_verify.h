// Chain building and the certificate facts that chain analysis needs: trust anchors (a CA file or
// the system store), the chain OpenSSL builds from what the server sent, names, URLs and keys.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "probe/core/bytes.h"
#include "probe/core/result.h"
#include "probe/tls/certificate.h"
#include "probe/tls/name_match.h"

struct x509_store_st;  // OpenSSL's X509_STORE, kept out of this header

namespace probe::tls {

/// What chain analysis reads from one certificate beyond CertificateSummary.
struct CertificateDetails {
  CertificateNames names;
  std::vector<std::string> crl_urls;        // CRL distribution points (full names, URIs)
  std::vector<std::string> ocsp_urls;       // authorityInfoAccess OCSP
  std::vector<std::string> ca_issuer_urls;  // authorityInfoAccess caIssuers
  std::string curve;                        // EC group ("prime256v1"), "" for other keys
  std::string signature_digest;             // "sha256", "sha1", "md5", "" when unknown
  bool ca = false;                          // basicConstraints CA:TRUE
  bool self_signed = false;                 // issuer == subject and its own key verifies it
};

/// Decodes the details; kMalformed when the DER does not parse.
Result<CertificateDetails> ReadDetails(ByteView der);

/// The certificates clients trust: a PEM/DER file given with --ca-file, or the system store.
class TrustAnchors {
 public:
  /// Loads every certificate in `path` (PEM bundle, or one DER certificate). kInvalidArgument
  /// when the file cannot be read or holds no certificate.
  static Result<TrustAnchors> FromFile(const std::string& path);
  /// OpenSSL's default locations (Debian: /etc/ssl/certs).
  static Result<TrustAnchors> System();

  /// "ca-file /tmp/ca.pem (1 certificate)", "system store (/usr/lib/ssl/certs)".
  const std::string& description() const { return description_; }
  x509_store_st* store() const { return store_.get(); }

 private:
  std::shared_ptr<x509_store_st> store_;
  std::string description_;
};

/// Where a certificate of the built chain came from.
enum class CertSource { kSent, kTrustStore, kAia };
std::string_view CertSourceName(CertSource source);  // "sent", "trust_store", "aia"

struct ChainLink {
  CertificateSummary cert;
  CertSource source = CertSource::kSent;
};

/// Why a chain is not trusted (the first reason in this order wins).
enum class TrustProblem {
  kNone,
  kNoCertificate,   // the server sent no certificate
  kSelfSignedLeaf,  // the leaf signs itself and is not a trust anchor
  kUntrustedRoot,   // the chain ends in a self-signed root that is not a trust anchor
  kIssuerMissing,   // nobody supplied the issuer of the top certificate
  kBadSignature,    // a signature in the chain does not verify
  kNotServerAuth,   // a certificate's key usage excludes TLS server authentication
  kInvalidCa,       // an issuer is not a CA, or a path length constraint is broken
  kOther,
};
std::string_view TrustProblemName(TrustProblem problem);  // "self_signed_leaf", ...

/// The chain OpenSSL builds from the certificates sent (plus any fetched via AIA) to a trust
/// anchor. Validity dates are not part of trust here: expiry is judged separately.
struct ChainVerification {
  std::vector<ChainLink> built;  // leaf first, up to the anchor or as far as it got
  bool trusted = false;
  TrustProblem problem = TrustProblem::kNone;
  std::vector<std::string>
      errors;  // "depth 1 (CN=...): self-signed certificate in certificate chain"
  /// Index in `built` of the certificate whose issuer nobody supplied (kIssuerMissing).
  std::optional<std::size_t> issuer_missing_at;
  /// Indices in `built` of intermediates the server did not send (found in the trust store or
  /// fetched via AIA): the chain as sent is incomplete even when it verifies here.
  std::vector<std::size_t> not_sent;

  bool complete() const { return !issuer_missing_at && not_sent.empty(); }
};

/// Builds and verifies the chain. `sent` is the server's chain, leaf first; `fetched` are extra
/// untrusted certificates (from AIA). Never fails; an empty `sent` is kNoCertificate.
ChainVerification VerifyChain(const std::vector<CertificateSummary>& sent,
                              const std::vector<CertificateSummary>& fetched,
                              const TrustAnchors& anchors);

/// Certificates from an AIA caIssuers answer: one DER or PEM certificate, or a PKCS#7
/// certs-only bundle (.p7c), DER or PEM. kMalformed when none is found.
Result<std::vector<CertificateSummary>> DecodeIssuerCertificates(ByteView body);

}  // namespace probe::tls
