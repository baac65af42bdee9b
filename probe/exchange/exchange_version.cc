#include "probe/exchange/exchange_version.h"

#include <fmt/format.h>

namespace probe::exchange {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string ServicePack(int minor) { return minor == 0 ? "" : fmt::format(" SP{}", minor); }

}  // namespace

ExchangeProduct ExchangeVersion::Product() const {
  if (major == 8) return ExchangeProduct::kExchange2007;
  if (major == 14) return ExchangeProduct::kExchange2010;
  if (major == 15 && minor == 0) return ExchangeProduct::kExchange2013;
  if (major == 15 && minor == 1) return ExchangeProduct::kExchange2016;
  if (major == 15 && minor == 2) return ExchangeProduct::kExchange2019;
  return ExchangeProduct::kUnknown;
}

std::string ExchangeVersion::ProductName() const {
  switch (Product()) {
    case ExchangeProduct::kExchange2007:
      return "Exchange 2007" + ServicePack(minor);
    case ExchangeProduct::kExchange2010:
      return "Exchange 2010" + ServicePack(minor);
    case ExchangeProduct::kExchange2013:
      return "Exchange 2013";
    case ExchangeProduct::kExchange2016:
      return "Exchange 2016";
    case ExchangeProduct::kExchange2019:
      return "Exchange 2019";
    case ExchangeProduct::kUnknown:
      break;
  }
  return fmt::format("Exchange {}.{} (unknown)", major, minor);
}

std::string ExchangeVersion::Dotted() const {
  if (revision < 0) return fmt::format("{}.{}.{}", major, minor, build);
  return fmt::format("{}.{}.{}.{}", major, minor, build, revision);
}

Result<ExchangeVersion> DecodeServerVersion(std::string_view hex) {
  if (hex.size() != 8) {
    return Fail(ErrorCode::kMalformed,
                "ServerVersion '" + std::string(hex.substr(0, 16)) + "' is not 8 hex digits");
  }
  std::uint32_t v = 0;
  for (char c : hex) {
    int d = HexDigit(c);
    if (d < 0) {
      return Fail(ErrorCode::kMalformed,
                  "ServerVersion '" + std::string(hex) + "' is not 8 hex digits");
    }
    v = (v << 4) | static_cast<std::uint32_t>(d);
  }
  ExchangeVersion out;
  out.major = static_cast<int>((v >> 22) & 0x3F);
  out.minor = static_cast<int>((v >> 16) & 0x3F);
  out.build = static_cast<int>(v & 0x7FFF);
  return out;
}

Result<std::string> EncodeServerVersion(int major, int minor, int build) {
  if (major < 0 || major > 63 || minor < 0 || minor > 63 || build < 0 || build > 0x7FFF) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("version {}.{}.{} does not fit ServerVersion", major, minor, build));
  }
  std::uint32_t v = (0x7u << 28) | (static_cast<std::uint32_t>(major) << 22) |
                    (static_cast<std::uint32_t>(minor) << 16) | 0x8000u |
                    static_cast<std::uint32_t>(build);
  return fmt::format("{:08X}", v);
}

Result<ExchangeVersion> ParseDottedVersion(std::string_view text) {
  int fields[4] = {0, 0, 0, -1};
  int count = 0;
  std::size_t i = 0;
  while (true) {
    if (count == 4) return Fail(ErrorCode::kMalformed, "version has more than 4 fields");
    std::size_t start = i;
    long value = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9' && i - start < 6) {
      value = value * 10 + (text[i] - '0');
      ++i;
    }
    if (i == start) {
      return Fail(ErrorCode::kMalformed,
                  "version '" + std::string(text.substr(0, 32)) + "' is not dotted numbers");
    }
    fields[count++] = static_cast<int>(value);
    if (i == text.size()) break;
    if (text[i] != '.') {
      return Fail(ErrorCode::kMalformed,
                  "version '" + std::string(text.substr(0, 32)) + "' is not dotted numbers");
    }
    ++i;
  }
  if (count < 2) return Fail(ErrorCode::kMalformed, "version needs at least major.minor");
  return ExchangeVersion{fields[0], fields[1], count > 2 ? fields[2] : 0, fields[3]};
}

}  // namespace probe::exchange
