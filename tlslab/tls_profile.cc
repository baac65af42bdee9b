#include "tlslab/tls_profile.h"

#include <fmt/format.h>

namespace tlslab {
namespace {

int ProtocolVersion(TlsVersion version) {
  switch (version) {
    case TlsVersion::kTls10:
      return TLS1_VERSION;
    case TlsVersion::kTls11:
      return TLS1_1_VERSION;
    case TlsVersion::kTls12:
      return TLS1_2_VERSION;
    case TlsVersion::kTls13:
      return TLS1_3_VERSION;
  }
  return TLS1_3_VERSION;
}

tl::unexpected<Error> Failed(std::string what) {
  return probe::Fail(ErrorCode::kInvalidArgument, what + ": " + OpenSslErrorText());
}

Result<void> UseCertificate(SSL_CTX* ctx, const ServedCertificate& certificate) {
  if (SSL_CTX_use_certificate(ctx, certificate.leaf.get()) != 1) {
    return Failed("loading the certificate");
  }
  if (SSL_CTX_use_PrivateKey(ctx, certificate.key.get()) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1) {
    return Failed("loading the private key");
  }
  for (const auto& cert : certificate.chain) {
    if (SSL_CTX_add1_chain_cert(ctx, cert.get()) != 1) return Failed("adding the chain");
  }
  // The chain is part of the scenario (missing_intermediate sends none): never let OpenSSL
  // complete it from a trust store.
  SSL_CTX_set_mode(ctx, SSL_MODE_NO_AUTO_CHAIN);
  return {};
}

}  // namespace

std::optional<int> RequiredSecurityLevel(const TlsSettings& tls, CertificateKind kind) {
  if (tls.Enables(TlsVersion::kTls10) || tls.Enables(TlsVersion::kTls11)) return 0;
  if (kind == CertificateKind::kSha1) return 0;
  if (kind == CertificateKind::kRsa1024) return 1;
  return std::nullopt;
}

Result<void> ConfigureServerContext(SSL_CTX* ctx, const TlsSettings& tls,
                                    const ServedCertificate& certificate) {
  if (SSL_CTX_set_min_proto_version(ctx, ProtocolVersion(tls.min_version)) != 1 ||
      SSL_CTX_set_max_proto_version(ctx, ProtocolVersion(tls.max_version)) != 1) {
    return Failed("setting the TLS version range");
  }
  // Before the cipher strings, so an explicit "@SECLEVEL=n" in them still wins.
  if (auto level = RequiredSecurityLevel(tls, certificate.kind)) {
    SSL_CTX_set_security_level(ctx, *level);
  }
  if (tls.ciphers && SSL_CTX_set_cipher_list(ctx, tls.ciphers->c_str()) != 1) {
    return Failed(fmt::format("ciphers '{}' select no cipher suite", *tls.ciphers));
  }
  if (tls.ciphersuites && SSL_CTX_set_ciphersuites(ctx, tls.ciphersuites->c_str()) != 1) {
    return Failed(fmt::format("ciphersuites '{}' select no TLS 1.3 suite", *tls.ciphersuites));
  }
  return UseCertificate(ctx, certificate);
}

}  // namespace tlslab
