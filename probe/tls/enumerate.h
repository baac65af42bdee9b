// Raw enumeration of one protocol version: is it accepted, which suites (offer a batch, remove
// the one chosen, repeat), does the server impose its order, and which key-exchange groups.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "probe/core/deadline.h"
#include "probe/tls/raw_exchange.h"
#include "probe/tls/version.h"

namespace probe::tls {

/// The typed result of enumerating one version.
struct ProtocolScan {
  TlsVersion version = TlsVersion::kTls12;
  bool accepted = false;
  std::string detail;                     // one sentence: how the first hello was answered
  std::vector<std::uint16_t> suites;      // accepted; in the server's order when it imposes one
  std::optional<bool> server_preference;  // unknown with fewer than two suites
  std::vector<std::uint16_t> groups;      // key-exchange groups the server accepts
  std::vector<std::uint32_t> ssl2_cipher_specs;  // SSL 2.0 only
  int hellos = 0;                                // ClientHellos sent for this version, in all
  int suite_hellos = 0;                          // of which for the suite enumeration itself
  std::optional<std::string> error;  // set when the scan could not finish (timeout, garbage)
};

struct ScanOptions {
  std::string server_name;  // SNI
  bool groups = true;       // enumerate key-exchange groups
};

/// Enumerates `version` against `target` before `deadline`. Never throws; transport failures
/// that prevent an answer end the scan with `error` set and keep what was found so far.
ProtocolScan ScanProtocol(TlsVersion version, const RawTarget& target, const ScanOptions& options,
                          const Deadline& deadline);

/// Suites offered per ClientHello at most (tls-scanners.md §2.7: some servers fail above 128).
inline constexpr std::size_t kMaxSuitesPerHello = 128;

}  // namespace probe::tls
