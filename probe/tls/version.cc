#include "probe/tls/version.h"

namespace probe::tls {
namespace {

struct VersionRow {
  TlsVersion version;
  std::string_view name;
  std::string_view display;
  std::uint16_t wire;
};

constexpr VersionRow kVersions[] = {
    {TlsVersion::kSsl2, "ssl2", "SSL 2.0", 0x0002},
    {TlsVersion::kSsl3, "ssl3", "SSL 3.0", 0x0300},
    {TlsVersion::kTls10, "tls1.0", "TLS 1.0", 0x0301},
    {TlsVersion::kTls11, "tls1.1", "TLS 1.1", 0x0302},
    {TlsVersion::kTls12, "tls1.2", "TLS 1.2", 0x0303},
    {TlsVersion::kTls13, "tls1.3", "TLS 1.3", 0x0304},
};

const VersionRow& Row(TlsVersion v) { return kVersions[static_cast<int>(v)]; }

}  // namespace

std::string_view VersionName(TlsVersion v) { return Row(v).name; }
std::string_view VersionDisplay(TlsVersion v) { return Row(v).display; }
std::uint16_t WireVersion(TlsVersion v) { return Row(v).wire; }

std::optional<TlsVersion> ParseVersion(std::string_view name) {
  for (const auto& row : kVersions) {
    if (row.name == name) return row.version;
  }
  return std::nullopt;
}

std::optional<TlsVersion> FromWire(std::uint16_t wire) {
  for (const auto& row : kVersions) {
    if (row.wire == wire) return row.version;
  }
  return std::nullopt;
}

}  // namespace probe::tls
