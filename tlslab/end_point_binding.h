// The channel binding a listener expects from Extended Protection clients: the RFC 5929
// tls-server-end-point of the leaf certificate it serves, hashed into MsvAvChannelBindings.
// Computed here from the certificate itself, apart from the client's code in probe/http, so a
// shared bug cannot make both sides agree on a wrong value.
#pragma once

#include <openssl/x509.h>

#include <optional>

#include "probe/auth/crypto.h"
#include "probe/core/bytes.h"
#include "probe/core/result.h"

namespace tlslab {

/// The hash of `leaf`'s DER with the hash of its signature algorithm, SHA-256 in place of MD5
/// and SHA-1 (RFC 5929 section 4.1). nullopt when the signature uses no single hash (Ed25519):
/// the binding is undefined then.
probe::Result<std::optional<probe::Bytes>> TlsServerEndPoint(X509* leaf);

/// MD5 of the gss_channel_bindings_struct around "tls-server-end-point:" || TlsServerEndPoint:
/// what a client that sees `leaf` puts in MsvAvChannelBindings. nullopt when undefined.
probe::Result<std::optional<probe::auth::Key16>> ExpectedChannelBinding(X509* leaf);

}  // namespace tlslab
