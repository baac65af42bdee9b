// Exchange version numbers as the protocols write them: Autodiscover's 32-bit ServerVersion hex,
// EWS's ServerVersionInfo attributes, and dotted strings such as X-OWA-Version.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "probe/core/result.h"

namespace probe::exchange {

/// Which product a major.minor pair is. 2010 -> 2016 coexistence turns on 14 versus 15.
enum class ExchangeProduct {
  kUnknown,
  kExchange2007,
  kExchange2010,
  kExchange2013,
  kExchange2016,
  kExchange2019
};

/// A decoded Exchange version. `revision` is -1 where the source does not carry it (the
/// Autodiscover ServerVersion encodes only the build).
struct ExchangeVersion {
  int major = 0;
  int minor = 0;
  int build = 0;
  int revision = -1;

  ExchangeProduct Product() const;
  /// "Exchange 2010 SP3", "Exchange 2016", "Exchange 15.9 (unknown)".
  std::string ProductName() const;
  /// "14.3.123" or "15.1.2507.6".
  std::string Dotted() const;
  bool operator==(const ExchangeVersion&) const = default;
};

// ServerVersion layout (ms-exch-docs serverversion-pox.md), 8 hex digits:
//   bits 31..28  comparison nibble (0111 in every observed value; ignored)
//   bits 27..22  major      bits 21..16  minor
//   bit  15      flag (1 in every observed value; ignored)
//   bits 14..0   build
/// Decodes e.g. "7383807B" -> 14.3.123, "73C189CB" -> 15.1.2507. Accepts upper or lower case;
/// kMalformed unless exactly 8 hex digits.
Result<ExchangeVersion> DecodeServerVersion(std::string_view hex);

/// The 8 upper-case hex digits Exchange writes for major.minor.build (top nibble 0111, flag 1),
/// so DecodeServerVersion(EncodeServerVersion(v)) gives v back. kInvalidArgument when a field
/// does not fit (major/minor 0..63, build 0..32767).
Result<std::string> EncodeServerVersion(int major, int minor, int build);

/// Parses "15.1.2507.6", "15.01.2507.006" or "14.3.123" (2 to 4 numeric fields).
Result<ExchangeVersion> ParseDottedVersion(std::string_view text);

}  // namespace probe::exchange
