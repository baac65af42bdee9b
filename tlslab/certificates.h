// The lab's PKI: a test root CA and an intermediate minted at start, and one leaf per scenario
// certificate, each kind reproducing one certificate problem clients meet in the field.
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <vector>

#include "tlslab/scenario.h"

namespace tlslab {

/// Frees OpenSSL objects held in unique_ptrs.
struct OpenSslFree {
  void operator()(X509* p) const { X509_free(p); }
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using X509Ptr = std::unique_ptr<X509, OpenSslFree>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslFree>;

/// A minted certificate as a listener serves it: the leaf, the chain sent after it (without the
/// root), and the leaf's private key.
struct ServedCertificate {
  CertificateKind kind = CertificateKind::kLeaf;
  X509Ptr leaf;
  std::vector<X509Ptr> chain;
  PkeyPtr key;
};

/// A root CA (RSA-2048, CA:TRUE) and an intermediate CA signed by it. The RSA keys are generated
/// once per process and shared by every authority and leaf, because each RSA-2048 key costs
/// 0.1-0.3 s; certificates themselves are cheap and minted fresh (random serials).
class CertificateAuthority {
 public:
  static Result<CertificateAuthority> Create();

  /// Mints the leaf `spec` describes, signed by the intermediate unless the kind says otherwise.
  Result<ServedCertificate> Issue(const CertificateSpec& spec) const;

  X509* root() const { return root_.get(); }
  X509* intermediate() const { return intermediate_.get(); }
  /// The root in PEM, for clients to trust (`tlslab --export-ca`, `exprobe --ca-file`).
  Result<std::string> RootPem() const;

 private:
  X509Ptr root_;
  X509Ptr intermediate_;
};

/// PEM text of one certificate.
Result<std::string> CertificatePem(X509* cert);

/// The newest OpenSSL error on this thread as text (and clears the queue), for messages.
std::string OpenSslErrorText();

}  // namespace tlslab
