#include "probe/auth/der.h"

#include <fmt/format.h>

#include <charconv>
#include <vector>

namespace probe::auth::der {
namespace {

tl::unexpected<Error> Malformed(std::string_view field, std::size_t offset, std::string what) {
  return Fail(ErrorCode::kMalformed, fmt::format("{} at offset {}: {}", field, offset, what));
}

// Reads the length octets at `pos`, advancing it.
Result<std::size_t> ReadLength(ByteView data, std::size_t& pos, std::size_t base,
                               std::string_view field) {
  if (pos >= data.size()) return Malformed(field, base + pos, "the length is missing");
  std::uint8_t first = data[pos++];
  if (first < 0x80) return first;
  if (first == 0x80) return Malformed(field, base + pos - 1, "indefinite length is not DER");
  std::size_t octets = first & 0x7F;
  if (octets > kMaxLengthOctets) {
    return Malformed(
        field, base + pos - 1,
        fmt::format("a length of {} octets exceeds the {} allowed", octets, kMaxLengthOctets));
  }
  if (octets > data.size() - pos) {
    return Malformed(field, base + pos - 1, "the length octets are cut off");
  }
  std::size_t length = 0;
  for (std::size_t i = 0; i < octets; ++i) length = (length << 8) | data[pos++];
  return length;
}

Result<void> ValidateLevel(Reader reader) {
  while (!reader.empty()) {
    auto element = reader.Read("DER element");
    if (!element) return Fail(element.error());
    if (!element->constructed()) continue;
    auto inner = reader.Enter(*element, "DER element");
    if (!inner) return Fail(inner.error());
    if (auto ok = ValidateLevel(*inner); !ok) return ok;
  }
  return {};
}

void AppendLength(ByteWriter& out, std::size_t length) {
  if (length < 0x80) {
    out.U8(static_cast<std::uint8_t>(length));
    return;
  }
  std::uint8_t octets[sizeof(std::size_t)];
  int n = 0;
  for (std::size_t v = length; v != 0; v >>= 8) octets[n++] = static_cast<std::uint8_t>(v);
  out.U8(static_cast<std::uint8_t>(0x80 | n));
  while (n > 0) out.U8(octets[--n]);
}

void AppendBase128(Bytes& out, std::uint64_t value) {
  std::uint8_t groups[10];
  int n = 0;
  do {
    groups[n++] = static_cast<std::uint8_t>(value & 0x7F);
    value >>= 7;
  } while (value != 0);
  while (n > 1) out.push_back(static_cast<std::uint8_t>(groups[--n] | 0x80));
  out.push_back(groups[0]);
}

}  // namespace

std::optional<std::uint8_t> Reader::PeekTag() const {
  if (empty()) return std::nullopt;
  return data_[pos_];
}

Result<Element> Reader::Read(std::string_view field) {
  if (empty()) return Malformed(field, offset(), "the element is missing");
  std::size_t start = pos_;
  std::uint8_t tag = data_[pos_];
  if ((tag & 0x1F) == 0x1F) {
    return Malformed(field, offset(),
                     fmt::format("high-tag-number form 0x{:02x} is not supported", tag));
  }
  std::size_t pos = pos_ + 1;
  auto length = ReadLength(data_, pos, base_, field);
  if (!length) return Fail(length.error());
  if (*length > data_.size() - pos) {
    return Malformed(field, base_ + start,
                     fmt::format("length {} runs past the end of its enclosing element ({} "
                                 "byte(s) left)",
                                 *length, data_.size() - pos));
  }
  Element element;
  element.tag = tag;
  element.contents = data_.subspan(pos, *length);
  element.encoded = data_.subspan(start, pos + *length - start);
  element.offset = base_ + start;
  pos_ = pos + *length;
  return element;
}

Result<Element> Reader::Expect(std::uint8_t tag, std::string_view field) {
  std::size_t start = pos_;
  auto element = Read(field);
  if (!element) return element;
  if (element->tag != tag) {
    pos_ = start;  // like ByteReader: a failed read does not move the cursor
    return Malformed(field, base_ + start,
                     fmt::format("tag 0x{:02x} where 0x{:02x} was expected", element->tag, tag));
  }
  return element;
}

Result<Reader> Reader::Enter(const Element& element, std::string_view field) const {
  if (!element.constructed()) {
    return Malformed(field, element.offset,
                     fmt::format("tag 0x{:02x} is primitive, not a constructed type", element.tag));
  }
  if (depth_ + 1 > kMaxDepth) {
    return Malformed(field, element.offset,
                     fmt::format("nesting deeper than {} levels", kMaxDepth));
  }
  std::size_t header = element.encoded.size() - element.contents.size();
  return Reader(element.contents, element.offset + header, depth_ + 1);
}

Result<void> Validate(ByteView data) { return ValidateLevel(Reader(data)); }

void AppendTlv(ByteWriter& out, std::uint8_t tag, ByteView contents) {
  out.U8(tag);
  AppendLength(out, contents.size());
  out.Append(contents);
}

Bytes Tlv(std::uint8_t tag, ByteView contents) {
  ByteWriter out;
  AppendTlv(out, tag, contents);
  return out.Take();
}

Result<Bytes> OidFromString(std::string_view dotted) {
  std::vector<std::uint64_t> arcs;
  for (std::size_t start = 0; start <= dotted.size();) {
    std::size_t end = dotted.find('.', start);
    if (end == std::string_view::npos) end = dotted.size();
    std::uint64_t arc = 0;
    auto [ptr, ec] = std::from_chars(dotted.data() + start, dotted.data() + end, arc);
    if (ec != std::errc() || ptr != dotted.data() + end || end == start) {
      return Fail(ErrorCode::kInvalidArgument, fmt::format("'{}' is not a dotted OID", dotted));
    }
    arcs.push_back(arc);
    start = end + 1;
  }
  if (arcs.size() < 2 || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] >= 40) ||
      arcs[1] > UINT64_MAX - 80) {
    return Fail(ErrorCode::kInvalidArgument, fmt::format("'{}' is not a valid OID", dotted));
  }
  Bytes out;
  AppendBase128(out, arcs[0] * 40 + arcs[1]);
  for (std::size_t i = 2; i < arcs.size(); ++i) AppendBase128(out, arcs[i]);
  return out;
}

Result<std::string> OidToString(ByteView contents) {
  if (contents.empty()) return Fail(ErrorCode::kMalformed, "an OID with no contents");
  std::string out;
  std::uint64_t value = 0;
  bool first = true;
  for (std::size_t i = 0; i < contents.size(); ++i) {
    if (value == 0 && contents[i] == 0x80) {
      return Fail(ErrorCode::kMalformed, "an OID arc with a leading 0x80 octet");
    }
    if (value > (UINT64_MAX >> 7)) return Fail(ErrorCode::kMalformed, "an OID arc overflows");
    value = (value << 7) | (contents[i] & 0x7F);
    if (contents[i] & 0x80) continue;
    if (first) {
      std::uint64_t top = value < 40 ? 0 : value < 80 ? 1 : 2;
      out = fmt::format("{}.{}", top, value - top * 40);
      first = false;
    } else {
      out += fmt::format(".{}", value);
    }
    value = 0;
  }
  if (contents.back() & 0x80) return Fail(ErrorCode::kMalformed, "an OID's last arc is cut off");
  return out;
}

}  // namespace probe::auth::der
