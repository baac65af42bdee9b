// AV_PAIR lists ([MS-NLMP] 2.2.2.1): the server's TargetInfo in a CHALLENGE and the client's copy
// of it inside the NTLMv2 response.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probe/auth/ntlm_wire.h"
#include "probe/core/bytes.h"
#include "probe/core/result.h"

namespace probe::auth {

struct AvPair {
  std::uint16_t id = 0;
  Bytes value;

  bool operator==(const AvPair&) const = default;
};

/// The pairs of a list in wire order, without the terminating MsvAvEOL.
struct AvPairList {
  std::vector<AvPair> pairs;
  bool terminated = true;          // the list ended with MsvAvEOL, as it MUST
  std::size_t trailing_bytes = 0;  // bytes after MsvAvEOL inside the enclosing field

  const AvPair* Find(AvId id) const;
  /// The value of a UTF-16LE pair (names, target name) as UTF-8.
  std::optional<std::string> String(AvId id) const;
  /// MsvAvTimestamp as a FILETIME, if present with 8 bytes.
  std::optional<std::uint64_t> Timestamp() const;
  /// MsvAvFlags, if present with 4 bytes.
  std::optional<std::uint32_t> Flags() const;
};

// Wire layout (little-endian), repeated until AvId == MsvAvEOL:
//   0  AvId   u16
//   2  AvLen  u16
//   4  Value  AvLen bytes (any alignment)
/// Reads pairs from `reader` until MsvAvEOL (anything after it is counted, not parsed) or until
/// the reader is empty. Errors name `field` and the absolute offset.
Result<AvPairList> DecodeAvPairs(ByteReader& reader, std::string_view field);
/// `pairs` followed by MsvAvEOL. Fails if a value is longer than 65535 bytes.
Result<Bytes> EncodeAvPairs(const std::vector<AvPair>& pairs);

AvPair Utf16AvPair(AvId id, std::string_view utf8);
AvPair U32AvPair(AvId id, std::uint32_t value);
AvPair BytesAvPair(AvId id, ByteView value);

}  // namespace probe::auth
