// Any bytes as a .reg file (UTF-16LE with BOM, UTF-8, REGEDIT4) and as a registry number: parse,
// decode every dword found, and check that whatever parsed writes back and parses to the same
// file. Never reads out of bounds, never loops on garbage.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "probe/tls/registry_values.h"

namespace {

using probe::tls::ProtocolValue;

void DecodeBoth(std::uint32_t value) {
  (void)probe::tls::DecodeProtocols(value, ProtocolValue::kDefaultSecureProtocols);
  (void)probe::tls::DecodeProtocols(value, ProtocolValue::kSecureProtocols);
}

void RoundTrip(const probe::tls::RegFile& file) {
  probe::Bytes once = probe::tls::EncodeRegFile(file);
  auto again = probe::tls::ParseRegFile(once);
  if (!again) std::abort();  // exprobe wrote something it cannot read
  if (probe::tls::EncodeRegFile(*again) != once) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto file = probe::tls::ParseRegFile(probe::ByteView(data, size));
  if (file) {
    for (const auto& key : file->keys) {
      for (const auto& value : key.values) {
        if (value.type == probe::tls::RegValue::Type::kDword) DecodeBoth(value.dword);
      }
    }
    RoundTrip(*file);
  }
  std::string_view text(reinterpret_cast<const char*>(data), size < 64 ? size : 64);
  if (auto number = probe::tls::ParseRegistryNumber(text)) DecodeBoth(*number);
  if (size >= 4) {
    DecodeBoth(static_cast<std::uint32_t>(data[0]) | static_cast<std::uint32_t>(data[1]) << 8 |
               static_cast<std::uint32_t>(data[2]) << 16 |
               static_cast<std::uint32_t>(data[3]) << 24);
  }
  return 0;
}
