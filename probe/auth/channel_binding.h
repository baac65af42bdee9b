// Channel binding for NTLM (Extended Protection): the RFC 5929 tls-server-end-point data, the
// gss_channel_bindings_struct hash that goes into MsvAvChannelBindings, and the four ways a
// prober fills that pair to tell IIS's None / Allow / Require apart.
#pragma once

#include <optional>
#include <string_view>

#include "probe/auth/crypto.h"
#include "probe/core/bytes.h"
#include "probe/core/result.h"

namespace probe::auth {

/// omit: no MsvAvChannelBindings pair (a legacy client); zero: 16 zero bytes (what non-Windows
/// stacks send without a binding; IIS Allow rejects it); correct: the real hash; wrong: a hash
/// that cannot match (what a TLS-terminating proxy in the path causes).
enum class ChannelBindingMode { kOmit, kZero, kCorrect, kWrong };

std::string_view ChannelBindingModeName(ChannelBindingMode mode);  // "omit", "zero", ...
std::optional<ChannelBindingMode> ParseChannelBindingMode(std::string_view name);

/// "tls-server-end-point:" || `certificate_hash`: the RFC 5929 section 4 application data. The
/// hash is of the leaf certificate's DER, with SHA-256 unless its signature uses SHA-384/512.
Bytes TlsServerEndPointData(ByteView certificate_hash);

/// MD5 of the gss_channel_bindings_struct with zero address types and lengths:
///   u32 LE initiator_addrtype, u32 LE initiator length, u32 LE acceptor_addrtype,
///   u32 LE acceptor length, u32 LE application data length, application data.
Result<Key16> ChannelBindingHash(ByteView application_data);

/// The MsvAvChannelBindings value `mode` asks for; nullopt for kOmit. kCorrect and kWrong need
/// the application data; kWrong is the correct hash with every bit inverted.
Result<std::optional<Key16>> ChannelBindingValue(ChannelBindingMode mode,
                                                 ByteView application_data);

}  // namespace probe::auth
