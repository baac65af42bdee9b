// TLS protocol versions: names as reports spell them, and wire values.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace probe::tls {

/// Protocol versions exprobe reports on, oldest first.
enum class TlsVersion { kSsl2, kSsl3, kTls10, kTls11, kTls12, kTls13 };

inline constexpr TlsVersion kOpenSslVersions[] = {TlsVersion::kTls10, TlsVersion::kTls11,
                                                  TlsVersion::kTls12, TlsVersion::kTls13};

std::string_view VersionName(TlsVersion v);     // "ssl2" "ssl3" "tls1.0" ... "tls1.3"
std::string_view VersionDisplay(TlsVersion v);  // "SSL 2.0" ... "TLS 1.3"
std::optional<TlsVersion> ParseVersion(std::string_view name);
/// The 16-bit wire value (0x0002 for SSL 2.0, 0x0300 .. 0x0304).
std::uint16_t WireVersion(TlsVersion v);
std::optional<TlsVersion> FromWire(std::uint16_t wire);

}  // namespace probe::tls
