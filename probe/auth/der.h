// A small bounds-checked DER reader and writer for GSS-API and SPNEGO tokens: single-byte tags,
// definite lengths of at most four octets, a nesting limit, and OBJECT IDENTIFIERs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "probe/core/bytes.h"
#include "probe/core/result.h"

namespace probe::auth::der {

inline constexpr std::uint8_t kBitString = 0x03;
inline constexpr std::uint8_t kOctetString = 0x04;
inline constexpr std::uint8_t kOid = 0x06;
inline constexpr std::uint8_t kEnumerated = 0x0A;
inline constexpr std::uint8_t kGeneralString = 0x1B;
inline constexpr std::uint8_t kSequence = 0x30;
/// [APPLICATION 0], constructed: RFC 2743's InitialContextToken.
inline constexpr std::uint8_t kApplication0 = 0x60;
/// [n], constructed, context-specific: the EXPLICIT tags of SPNEGO's structures.
constexpr std::uint8_t Context(int n) { return static_cast<std::uint8_t>(0xA0 | n); }

inline constexpr int kMaxDepth = 16;
inline constexpr std::size_t kMaxLengthOctets = 4;

/// One TLV as read. `offset` counts from the start of the outermost buffer.
struct Element {
  std::uint8_t tag = 0;
  ByteView contents;
  ByteView encoded;  // tag, length and contents
  std::size_t offset = 0;

  bool constructed() const { return (tag & 0x20) != 0; }
};

/// Reads consecutive elements of one level. Errors are kMalformed and name the field and the
/// absolute offset.
class Reader {
 public:
  explicit Reader(ByteView data, std::size_t base_offset = 0, int depth = 0)
      : data_(data), base_(base_offset), depth_(depth) {}

  bool empty() const { return pos_ >= data_.size(); }
  /// Absolute offset of the next element.
  std::size_t offset() const { return base_ + pos_; }
  int depth() const { return depth_; }
  std::optional<std::uint8_t> PeekTag() const;

  // Wire layout: tag (1 byte; the high-tag-number form 0x1F is refused), then length: one byte
  // below 0x80, or 0x81..0x84 followed by 1..4 big-endian bytes (0x80, indefinite, is refused;
  // a long form where the short would do is accepted, as BER senders produce it), then that
  // many bytes of contents. A failed read leaves the cursor where it was.
  Result<Element> Read(std::string_view field);
  /// Read, failing unless the tag is `tag`.
  Result<Element> Expect(std::uint8_t tag, std::string_view field);
  /// A reader over a constructed element's contents, one level deeper; fails past kMaxDepth.
  Result<Reader> Enter(const Element& element, std::string_view field) const;

 private:
  ByteView data_;
  std::size_t pos_ = 0;
  std::size_t base_;
  int depth_;
};

/// Walks every element of `data`, descending into constructed ones, checking lengths and depth.
Result<void> Validate(ByteView data);

/// Appends tag, minimal DER length and contents.
void AppendTlv(ByteWriter& out, std::uint8_t tag, ByteView contents);
Bytes Tlv(std::uint8_t tag, ByteView contents);

/// The contents octets of an OID from its dotted form ("1.3.6.1.5.5.2").
Result<Bytes> OidFromString(std::string_view dotted);
/// The dotted form of an OID's contents octets.
Result<std::string> OidToString(ByteView contents);

}  // namespace probe::auth::der
