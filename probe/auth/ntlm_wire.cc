#include "probe/auth/ntlm_wire.h"

#include <fmt/format.h>

namespace probe::auth {

std::string_view NtlmMessageTypeName(NtlmMessageType type) {
  switch (type) {
    case NtlmMessageType::kNegotiate:
      return "NEGOTIATE";
    case NtlmMessageType::kChallenge:
      return "CHALLENGE";
    case NtlmMessageType::kAuthenticate:
      return "AUTHENTICATE";
  }
  return "UNKNOWN";
}

std::optional<AvIdInfo> FindAvId(std::uint16_t id) {
  for (const AvIdInfo& info : kAvIdTable) {
    if (static_cast<std::uint16_t>(info.id) == id) return info;
  }
  return std::nullopt;
}

std::vector<std::string> BitNames(std::uint32_t value, std::span<const NamedBit> table) {
  std::vector<std::string> names;
  std::uint32_t known = 0;
  for (const NamedBit& entry : table) {
    known |= entry.bit;
    if (value & entry.bit) names.emplace_back(entry.name);
  }
  for (std::uint32_t bit = 1; bit != 0; bit <<= 1) {
    if ((value & bit) && !(known & bit)) names.push_back(fmt::format("0x{:08x}", bit));
  }
  return names;
}

}  // namespace probe::auth
