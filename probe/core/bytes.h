// ByteReader / ByteWriter: the one bounds-checked cursor for every binary wire format
// (TLS records, NTLM, DER, RTS PDUs, MAPI/HTTP bodies).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "probe/core/result.h"

namespace probe {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView AsBytes(std::string_view s) {
  return ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

/// Reads integers and slices from a byte span. Every read checks the remaining length first and
/// returns kMalformed naming the field on overrun; the cursor does not move on failure.
class ByteReader {
 public:
  explicit ByteReader(ByteView data) : data_(data) {}

  std::size_t offset() const { return pos_; }
  std::size_t size() const { return data_.size(); }
  std::size_t remaining() const { return data_.size() - pos_; }
  bool empty() const { return remaining() == 0; }
  ByteView data() const { return data_; }

  Result<std::uint8_t> U8(std::string_view field);
  Result<std::uint16_t> U16Be(std::string_view field);
  Result<std::uint32_t> U24Be(std::string_view field);
  Result<std::uint32_t> U32Be(std::string_view field);
  Result<std::uint16_t> U16Le(std::string_view field);
  Result<std::uint32_t> U32Le(std::string_view field);
  Result<std::uint64_t> U64Le(std::string_view field);

  /// The next `n` bytes as a view into the underlying data.
  Result<ByteView> Take(std::size_t n, std::string_view field);
  /// A reader over the next `n` bytes (for length-prefixed structures), advancing past them.
  Result<ByteReader> Sub(std::size_t n, std::string_view field);
  Result<void> Skip(std::size_t n, std::string_view field);

  /// A view of `length` bytes at absolute `offset` (NTLM-style security buffers). Checks that
  /// offset + length neither overflows nor passes the end; does not move the cursor.
  Result<ByteView> At(std::size_t offset, std::size_t length, std::string_view field) const;

 private:
  Result<void> Need(std::size_t n, std::string_view field) const;

  ByteView data_;
  std::size_t pos_ = 0;
};

/// Appends integers and bytes; lengths and offsets not yet known are reserved and back-patched.
class ByteWriter {
 public:
  /// A reserved slot for a big-endian length of `width` bytes (1, 2, 3 or 4).
  struct LengthSlot {
    std::size_t at;
    std::size_t width;
  };

  std::size_t size() const { return out_.size(); }
  const Bytes& bytes() const { return out_; }
  Bytes Take() { return std::move(out_); }

  void U8(std::uint8_t v) { out_.push_back(v); }
  void U16Be(std::uint16_t v);
  void U24Be(std::uint32_t v);
  void U32Be(std::uint32_t v);
  void U16Le(std::uint16_t v);
  void U32Le(std::uint32_t v);
  void U64Le(std::uint64_t v);
  void Append(ByteView b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void Append(std::string_view s) { Append(AsBytes(s)); }
  void Zeros(std::size_t n) { out_.insert(out_.end(), n, 0); }

  /// Reserves a big-endian length field; FinishLength writes the bytes appended since.
  LengthSlot BeginLength(std::size_t width);
  /// Fills `slot` with the number of bytes written after it. Fails if the value does not fit.
  Result<void> FinishLength(LengthSlot slot);

  /// Overwrites already-written bytes: little-endian u16/u32 at `at` (NTLM security buffers).
  Result<void> PatchU16Le(std::size_t at, std::uint16_t v);
  Result<void> PatchU32Le(std::size_t at, std::uint32_t v);

 private:
  Bytes out_;
};

/// Lower-case hex of `data` ("0a1b..."); for traces and tests.
std::string ToHex(ByteView data);
/// Parses hex, ignoring spaces, colons and newlines. Fails on odd length or a non-hex character.
Result<Bytes> FromHex(std::string_view hex);

}  // namespace probe
