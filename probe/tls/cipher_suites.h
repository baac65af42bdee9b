// The cipher-suite table: every IANA-assigned suite with the properties verdicts need.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "probe/tls/version.h"

namespace probe::tls {

/// One IANA cipher suite and what its name says about it.
struct CipherSuite {
  std::uint16_t id = 0;
  std::string_view name;         // IANA description, e.g. "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
  bool recommended = false;      // IANA "Recommended" = Y
  bool tls13 = false;            // a TLS 1.3 suite (usable only with TLS 1.3)
  bool tls12_only = false;       // AEAD or SHA-2 MAC: TLS 1.2 only
  bool signalling = false;       // SCSV, not a real suite
  bool forward_secrecy = false;  // (EC)DHE key exchange, or TLS 1.3
  std::string_view weakness;     // "" or why it is weak: "RC4", "3DES", "NULL", "EXPORT", ...

  bool UsableWith(TlsVersion v) const;
};

/// All 352 assigned code points, ordered by id.
std::span<const CipherSuite> AllCipherSuites();

/// The suite with this id, if IANA assigned it.
const CipherSuite* FindCipherSuite(std::uint16_t id);

/// "TLS_..." for an assigned id, "0xABCD" otherwise (for text that must always name a suite).
std::string SuiteName(std::uint16_t id);

/// The ids worth offering for `v`, strongest-looking first is not implied: registry order.
std::vector<std::uint16_t> SuitesFor(TlsVersion v);

}  // namespace probe::tls
