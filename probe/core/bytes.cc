#include "probe/core/bytes.h"

#include <fmt/format.h>

namespace probe {

Result<void> ByteReader::Need(std::size_t n, std::string_view field) const {
  if (n > remaining()) {
    return Fail(ErrorCode::kMalformed,
                fmt::format("{} needs {} byte(s) at offset {} but only {} remain", field, n, pos_,
                            remaining()));
  }
  return {};
}

Result<std::uint8_t> ByteReader::U8(std::string_view field) {
  if (auto ok = Need(1, field); !ok) return Fail(ok.error());
  return data_[pos_++];
}

Result<std::uint16_t> ByteReader::U16Be(std::string_view field) {
  if (auto ok = Need(2, field); !ok) return Fail(ok.error());
  std::uint16_t v = static_cast<std::uint16_t>((data_[pos_] << 8) | data_[pos_ + 1]);
  pos_ += 2;
  return v;
}

Result<std::uint32_t> ByteReader::U24Be(std::string_view field) {
  if (auto ok = Need(3, field); !ok) return Fail(ok.error());
  std::uint32_t v =
      (std::uint32_t{data_[pos_]} << 16) | (std::uint32_t{data_[pos_ + 1]} << 8) | data_[pos_ + 2];
  pos_ += 3;
  return v;
}

Result<std::uint32_t> ByteReader::U32Be(std::string_view field) {
  if (auto ok = Need(4, field); !ok) return Fail(ok.error());
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | data_[pos_ + i];
  pos_ += 4;
  return v;
}

Result<std::uint16_t> ByteReader::U16Le(std::string_view field) {
  if (auto ok = Need(2, field); !ok) return Fail(ok.error());
  std::uint16_t v = static_cast<std::uint16_t>(data_[pos_] | (data_[pos_ + 1] << 8));
  pos_ += 2;
  return v;
}

Result<std::uint32_t> ByteReader::U32Le(std::string_view field) {
  if (auto ok = Need(4, field); !ok) return Fail(ok.error());
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | data_[pos_ + i];
  pos_ += 4;
  return v;
}

Result<std::uint64_t> ByteReader::U64Le(std::string_view field) {
  if (auto ok = Need(8, field); !ok) return Fail(ok.error());
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | data_[pos_ + i];
  pos_ += 8;
  return v;
}

Result<ByteView> ByteReader::Take(std::size_t n, std::string_view field) {
  if (auto ok = Need(n, field); !ok) return Fail(ok.error());
  ByteView v = data_.subspan(pos_, n);
  pos_ += n;
  return v;
}

Result<ByteReader> ByteReader::Sub(std::size_t n, std::string_view field) {
  return Take(n, field).map([](ByteView v) { return ByteReader(v); });
}

Result<void> ByteReader::Skip(std::size_t n, std::string_view field) {
  if (auto ok = Need(n, field); !ok) return Fail(ok.error());
  pos_ += n;
  return {};
}

Result<ByteView> ByteReader::At(std::size_t offset, std::size_t length,
                                std::string_view field) const {
  // Written so that offset + length cannot overflow: compare against what is left after offset.
  if (offset > data_.size() || length > data_.size() - offset) {
    return Fail(ErrorCode::kMalformed,
                fmt::format("{} at offset {} with length {} lies outside the {}-byte message",
                            field, offset, length, data_.size()));
  }
  return data_.subspan(offset, length);
}

void ByteWriter::U16Be(std::uint16_t v) {
  out_.push_back(static_cast<std::uint8_t>(v >> 8));
  out_.push_back(static_cast<std::uint8_t>(v));
}

void ByteWriter::U24Be(std::uint32_t v) {
  out_.push_back(static_cast<std::uint8_t>(v >> 16));
  out_.push_back(static_cast<std::uint8_t>(v >> 8));
  out_.push_back(static_cast<std::uint8_t>(v));
}

void ByteWriter::U32Be(std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out_.push_back(static_cast<std::uint8_t>(v >> shift));
}

void ByteWriter::U16Le(std::uint16_t v) {
  out_.push_back(static_cast<std::uint8_t>(v));
  out_.push_back(static_cast<std::uint8_t>(v >> 8));
}

void ByteWriter::U32Le(std::uint32_t v) {
  for (int shift = 0; shift < 32; shift += 8) out_.push_back(static_cast<std::uint8_t>(v >> shift));
}

void ByteWriter::U64Le(std::uint64_t v) {
  for (int shift = 0; shift < 64; shift += 8) out_.push_back(static_cast<std::uint8_t>(v >> shift));
}

ByteWriter::LengthSlot ByteWriter::BeginLength(std::size_t width) {
  LengthSlot slot{out_.size(), width};
  Zeros(width);
  return slot;
}

Result<void> ByteWriter::FinishLength(LengthSlot slot) {
  if (slot.width < 1 || slot.width > 4 || slot.at + slot.width > out_.size()) {
    return Fail(ErrorCode::kInternal, "length slot outside the written bytes");
  }
  std::uint64_t length = out_.size() - slot.at - slot.width;
  if (length >> (8 * slot.width) != 0) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("length {} does not fit in {} byte(s)", length, slot.width));
  }
  for (std::size_t i = 0; i < slot.width; ++i) {
    out_[slot.at + i] = static_cast<std::uint8_t>(length >> (8 * (slot.width - 1 - i)));
  }
  return {};
}

Result<void> ByteWriter::PatchU16Le(std::size_t at, std::uint16_t v) {
  if (at > out_.size() || out_.size() - at < 2) {
    return Fail(ErrorCode::kInternal, "u16 patch outside the written bytes");
  }
  out_[at] = static_cast<std::uint8_t>(v);
  out_[at + 1] = static_cast<std::uint8_t>(v >> 8);
  return {};
}

Result<void> ByteWriter::PatchU32Le(std::size_t at, std::uint32_t v) {
  if (at > out_.size() || out_.size() - at < 4) {
    return Fail(ErrorCode::kInternal, "u32 patch outside the written bytes");
  }
  for (int i = 0; i < 4; ++i) out_[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
  return {};
}

std::string ToHex(ByteView data) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(data.size() * 2);
  for (std::uint8_t b : data) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xf]);
  }
  return out;
}

Result<Bytes> FromHex(std::string_view hex) {
  Bytes out;
  int pending = -1;
  for (std::size_t i = 0; i < hex.size(); ++i) {
    char c = hex[i];
    int nibble;
    if (c >= '0' && c <= '9')
      nibble = c - '0';
    else if (c >= 'a' && c <= 'f')
      nibble = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      nibble = c - 'A' + 10;
    else if (c == ' ' || c == ':' || c == '\n' || c == '\r' || c == '\t')
      continue;
    else
      return Fail(ErrorCode::kInvalidArgument, fmt::format("'{}' at position {} is not hex", c, i));
    if (pending < 0) {
      pending = nibble;
    } else {
      out.push_back(static_cast<std::uint8_t>((pending << 4) | nibble));
      pending = -1;
    }
  }
  if (pending >= 0)
    return Fail(ErrorCode::kInvalidArgument, "hex string has an odd number of digits");
  return out;
}

}  // namespace probe
