#include "probe/auth/base64.h"

#include <fmt/format.h>

namespace probe::auth {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int SextetOf(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string Describe(char c) {
  auto u = static_cast<unsigned char>(c);
  return u >= 0x20 && u < 0x7f ? fmt::format("'{}'", c) : fmt::format("byte 0x{:02x}", u);
}

}  // namespace

std::string Base64Encode(ByteView data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < data.size(); i += 3) {
    std::uint32_t n = data[i] << 16;
    if (i + 1 < data.size()) n |= data[i + 1] << 8;
    if (i + 2 < data.size()) n |= data[i + 2];
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(i + 1 < data.size() ? kAlphabet[(n >> 6) & 63] : '=');
    out.push_back(i + 2 < data.size() ? kAlphabet[n & 63] : '=');
  }
  return out;
}

Result<Bytes> Base64Decode(std::string_view text) {
  Bytes out;
  std::uint32_t bits = 0;
  int pending = 0;  // sextets collected since the last full byte group
  std::size_t digits = 0;
  int padding = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (IsSpace(c)) continue;
    if (c == '=' && padding < 2) {
      ++padding;
      continue;
    }
    int sextet = SextetOf(c);
    if (sextet < 0 || padding > 0) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("{} at position {} is not base64", Describe(c), i));
    }
    bits = (bits << 6) | static_cast<std::uint32_t>(sextet);
    ++digits;
    if (++pending == 4) {
      out.push_back(static_cast<std::uint8_t>(bits >> 16));
      out.push_back(static_cast<std::uint8_t>(bits >> 8));
      out.push_back(static_cast<std::uint8_t>(bits));
      bits = 0;
      pending = 0;
    }
  }
  if (pending == 1 || (padding > 0 && (digits + padding) % 4 != 0)) {
    return Fail(
        ErrorCode::kInvalidArgument,
        fmt::format("base64 text of {} digit(s) and {} '=' cannot be complete", digits, padding));
  }
  if (pending == 2) out.push_back(static_cast<std::uint8_t>(bits >> 4));
  if (pending == 3) {
    out.push_back(static_cast<std::uint8_t>(bits >> 10));
    out.push_back(static_cast<std::uint8_t>(bits >> 2));
  }
  return out;
}

}  // namespace probe::auth
