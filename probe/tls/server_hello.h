// ServerHello decoding: the handshake message a server answers a ClientHello with.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "probe/core/bytes.h"
#include "probe/core/result.h"

namespace probe::tls {

/// The fields of a ServerHello that decide a verdict (tls-scanners.md §2.7).
struct ServerHello {
  std::uint16_t legacy_version = 0;               // 0x0303 for TLS 1.2 and 1.3
  std::optional<std::uint16_t> selected_version;  // supported_versions (TLS 1.3)
  std::uint16_t cipher_suite = 0;
  std::uint8_t compression = 0;
  std::optional<std::uint16_t> key_share_group;  // TLS 1.3 key_share
  std::vector<std::uint16_t> extensions;         // extension types, in order
  bool hello_retry_request = false;              // the RFC 8446 §4.1.3 magic random
  bool downgrade_sentinel = false;               // "DOWNGRD" in the last 8 bytes of random

  /// The version the server actually chose: supported_versions when present, else legacy.
  std::uint16_t NegotiatedVersion() const { return selected_version.value_or(legacy_version); }
};

/// Decodes a ServerHello handshake message including its 4-byte header (type 2, u24 length).
/// Every length is checked; trailing bytes after the declared length are an error.
Result<ServerHello> DecodeServerHello(ByteView message);

}  // namespace probe::tls
