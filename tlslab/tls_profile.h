// TLS profile: turns a listener's scenario TLS settings and its minted certificate into a
// configured OpenSSL server context (versions, security level, ciphers, chain).
#pragma once

#include <openssl/ssl.h>

#include <optional>

#include "tlslab/certificates.h"
#include "tlslab/scenario.h"

namespace tlslab {

/// The OpenSSL security level a listener needs, or nullopt to keep OpenSSL's default (level 2 on
/// Debian 12). OpenSSL 3 refuses TLS 1.0/1.1 and SHA-1 certificate signatures above level 0, and
/// RSA-1024 keys above level 1.
std::optional<int> RequiredSecurityLevel(const TlsSettings& tls, CertificateKind kind);

/// Configures a server SSL_CTX: the version range, the security level, the cipher strings (when
/// given), and the certificate with exactly the chain its kind says to send.
Result<void> ConfigureServerContext(SSL_CTX* ctx, const TlsSettings& tls,
                                    const ServedCertificate& certificate);

}  // namespace tlslab
