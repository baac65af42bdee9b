#include "probe/tls/cipher_suites.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string>

namespace probe::tls {
namespace {

struct RegistryRow {
  std::uint16_t id;
  const char* name;
  bool recommended;
};

constexpr RegistryRow kRegistry[] = {
#include "iana_cipher_suites.inc"
};

bool Contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}

// TLS 1.3 code points outside 0x13xx: SM4 (RFC 8998), integrity-only (RFC 9150), GOST (RFC 9367).
bool IsTls13Id(std::uint16_t id) {
  return (id >> 8) == 0x13 || id == 0x00C6 || id == 0x00C7 || id == 0xC0B4 || id == 0xC0B5 ||
         (id >= 0xC103 && id <= 0xC106);
}

std::string_view KeyExchange(std::string_view name) {
  auto with = name.find("_WITH_");
  if (with == std::string_view::npos || name.size() < 4) return {};
  return name.substr(4, with - 4);  // after "TLS_"
}

std::string_view Weakness(std::string_view name) {
  if (Contains(name, "_WITH_NULL_") || Contains(name, "NULL_WITH_NULL")) return "NULL encryption";
  if (Contains(name, "EXPORT")) return "EXPORT-grade";
  if (Contains(name, "_anon_")) return "anonymous (no server authentication)";
  if (Contains(name, "_RC4_")) return "RC4";
  if (Contains(name, "_3DES_")) return "3DES (64-bit block, SWEET32)";
  if (Contains(name, "_DES_") || Contains(name, "_DES40_")) return "DES";
  if (Contains(name, "_RC2_")) return "RC2";
  if (Contains(name, "_IDEA_")) return "IDEA (64-bit block)";
  return {};
}

CipherSuite Classify(const RegistryRow& row) {
  CipherSuite s;
  s.id = row.id;
  s.name = row.name;
  s.recommended = row.recommended;
  s.signalling = row.id == 0x00FF || row.id == 0x5600;
  s.tls13 = IsTls13Id(row.id);
  std::string_view n = s.name;
  bool aead =
      Contains(n, "_GCM") || Contains(n, "_CCM") || Contains(n, "CHACHA20") || Contains(n, "_MGM_");
  bool sha2_mac = n.ends_with("_SHA256") || n.ends_with("_SHA384");
  s.tls12_only = !s.tls13 && (aead || sha2_mac || (row.id >= 0xC100 && row.id <= 0xC102));
  std::string_view kx = KeyExchange(n);
  s.forward_secrecy =
      s.tls13 || kx.starts_with("DHE") || kx.starts_with("ECDHE") || kx.starts_with("PSK_DHE");
  s.weakness = Weakness(n);
  return s;
}

const std::vector<CipherSuite>& Table() {
  static const std::vector<CipherSuite> kTable = [] {
    std::vector<CipherSuite> t;
    for (const auto& row : kRegistry) t.push_back(Classify(row));
    std::sort(t.begin(), t.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    return t;
  }();
  return kTable;
}

}  // namespace

bool CipherSuite::UsableWith(TlsVersion v) const {
  if (signalling) return false;
  if (v == TlsVersion::kTls13) return tls13;
  if (tls13) return false;
  if (tls12_only) return v == TlsVersion::kTls12;
  return true;
}

std::span<const CipherSuite> AllCipherSuites() { return Table(); }

const CipherSuite* FindCipherSuite(std::uint16_t id) {
  const auto& t = Table();
  auto it = std::lower_bound(t.begin(), t.end(), id,
                             [](const CipherSuite& s, std::uint16_t v) { return s.id < v; });
  return it != t.end() && it->id == id ? &*it : nullptr;
}

std::string SuiteName(std::uint16_t id) {
  if (const CipherSuite* s = FindCipherSuite(id)) return std::string(s->name);
  return fmt::format("0x{:04X}", id);
}

std::vector<std::uint16_t> SuitesFor(TlsVersion v) {
  std::vector<std::uint16_t> ids;
  for (const auto& s : Table()) {
    if (s.UsableWith(v)) ids.push_back(s.id);
  }
  return ids;
}

}  // namespace probe::tls
