#include "probe/auth/ntlm_av_pairs.h"

#include <fmt/format.h>

#include "probe/auth/unicode.h"

namespace probe::auth {

const AvPair* AvPairList::Find(AvId id) const {
  for (const AvPair& pair : pairs) {
    if (pair.id == static_cast<std::uint16_t>(id)) return &pair;
  }
  return nullptr;
}

std::optional<std::string> AvPairList::String(AvId id) const {
  const AvPair* pair = Find(id);
  if (pair == nullptr) return std::nullopt;
  return Utf8FromUtf16Le(pair->value);
}

std::optional<std::uint64_t> AvPairList::Timestamp() const {
  const AvPair* pair = Find(AvId::kTimestamp);
  if (pair == nullptr || pair->value.size() != kAvTimestampSize) return std::nullopt;
  ByteReader reader(pair->value);
  return *reader.U64Le("MsvAvTimestamp");
}

std::optional<std::uint32_t> AvPairList::Flags() const {
  const AvPair* pair = Find(AvId::kFlags);
  if (pair == nullptr || pair->value.size() != kAvFlagsSize) return std::nullopt;
  ByteReader reader(pair->value);
  return *reader.U32Le("MsvAvFlags");
}

Result<AvPairList> DecodeAvPairs(ByteReader& reader, std::string_view field) {
  AvPairList list;
  list.terminated = false;
  while (!reader.empty()) {
    auto id = reader.U16Le(fmt::format("{} AvId", field));
    if (!id) return Fail(id.error());
    auto length = reader.U16Le(fmt::format("{} AvLen", field));
    if (!length) return Fail(length.error());
    auto info = FindAvId(*id);
    std::string name = info ? std::string(info->name) : fmt::format("AvId 0x{:04x}", *id);
    auto value = reader.Take(*length, fmt::format("{} {} value", field, name));
    if (!value) return Fail(value.error());
    if (*id == static_cast<std::uint16_t>(AvId::kEol)) {
      list.terminated = true;
      list.trailing_bytes = reader.remaining();
      (void)reader.Skip(reader.remaining(), field);
      break;
    }
    list.pairs.push_back(AvPair{*id, Bytes(value->begin(), value->end())});
  }
  return list;
}

Result<Bytes> EncodeAvPairs(const std::vector<AvPair>& pairs) {
  ByteWriter out;
  for (const AvPair& pair : pairs) {
    if (pair.value.size() > 0xFFFF) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("AV_PAIR 0x{:04x} value of {} bytes does not fit in AvLen", pair.id,
                              pair.value.size()));
    }
    out.U16Le(pair.id);
    out.U16Le(static_cast<std::uint16_t>(pair.value.size()));
    out.Append(pair.value);
  }
  out.U16Le(static_cast<std::uint16_t>(AvId::kEol));
  out.U16Le(0);
  return out.Take();
}

AvPair Utf16AvPair(AvId id, std::string_view utf8) {
  return AvPair{static_cast<std::uint16_t>(id), Utf16LeFromUtf8(utf8)};
}

AvPair U32AvPair(AvId id, std::uint32_t value) {
  ByteWriter out;
  out.U32Le(value);
  return AvPair{static_cast<std::uint16_t>(id), out.Take()};
}

AvPair BytesAvPair(AvId id, ByteView value) {
  return AvPair{static_cast<std::uint16_t>(id), Bytes(value.begin(), value.end())};
}

}  // namespace probe::auth
