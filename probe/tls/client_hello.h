// ClientHello builder for the raw engine: byte-exact hellos for any version and suite list,
// including those Debian's OpenSSL cannot send (SSL 2.0/3.0, RC4, 3DES, EXPORT).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "probe/core/bytes.h"
#include "probe/core/result.h"
#include "probe/tls/version.h"

namespace probe::tls {

/// Named groups (RFC 8446 §4.2.7, RFC 7919).
inline constexpr std::uint16_t kGroupSecp256r1 = 0x0017;
inline constexpr std::uint16_t kGroupSecp384r1 = 0x0018;
inline constexpr std::uint16_t kGroupSecp521r1 = 0x0019;
inline constexpr std::uint16_t kGroupX25519 = 0x001d;
inline constexpr std::uint16_t kGroupX448 = 0x001e;
inline constexpr std::uint16_t kGroupFfdhe2048 = 0x0100;
inline constexpr std::uint16_t kGroupFfdhe3072 = 0x0101;
inline constexpr std::uint16_t kGroupFfdhe4096 = 0x0102;

/// "x25519", "secp256r1", "ffdhe2048", or "0x1234".
std::string GroupName(std::uint16_t group);

/// Everything that shapes one ClientHello. Defaults are a scanner's hello (tls-scanners.md §2.5).
struct ClientHelloSpec {
  TlsVersion version = TlsVersion::kTls12;      // the highest version offered
  std::optional<std::uint16_t> record_version;  // default 0x0301 (0x0300 for SSL 3.0)
  std::vector<std::uint16_t> cipher_suites;
  bool renegotiation_scsv = true;  // append 0x00FF for <= TLS 1.2 (IIS 10 wants it)
  std::string server_name;         // empty or an IP literal: no SNI
  std::vector<std::uint16_t> groups = {kGroupX25519,    kGroupSecp256r1, kGroupSecp384r1,
                                       kGroupSecp521r1, kGroupX448,      kGroupFfdhe2048,
                                       kGroupFfdhe3072, kGroupFfdhe4096};
  /// TLS 1.3 key shares to send; a group listed here gets a syntactically valid random share.
  /// Empty = none (the server answers a HelloRetryRequest naming its group, if it has one).
  std::vector<std::uint16_t> key_share_groups = {kGroupX25519};
  std::array<std::uint8_t, 32> random{};  // zero = fill from a CSPRNG

  // Client emulation (probe/tls/client_profiles.h). Left unset, the scanner's hello above is sent
  // byte for byte as before.
  /// Exactly these extensions, in this order, and no padding: a real client's hello. Bodies come
  /// from the fields of this spec; a type the builder cannot fill is an error.
  std::optional<std::vector<std::uint16_t>> extension_order;
  std::optional<std::vector<std::uint16_t>> signature_algorithms;  // default: the scanner's list
  std::optional<std::vector<std::uint16_t>> supported_versions;    // default for TLS 1.3: 0x0304
  std::vector<std::string> alpn;  // sent only when `extension_order` lists 0x0010
};

/// The whole record (header + handshake message). SSL 3.0 hellos carry no extensions; TLS
/// hellos are padded out of the 256-511 byte range (RFC 7685) that some balancers drop.
Result<Bytes> BuildClientHello(const ClientHelloSpec& spec);

/// An SSL 2.0 CLIENT-HELLO offering every SSL 2.0 cipher kind (tls-scanners.md §2.6).
Bytes BuildSsl2ClientHello();

}  // namespace probe::tls
