// The Windows registry values that decide which TLS versions a client offers: the protocol
// bitmask of WinHTTP's DefaultSecureProtocols and WinINet's SecureProtocols (decode, encode, spot
// the commonly circulated wrong values), and `.reg` files as regedit writes and reads them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probe/core/bytes.h"
#include "probe/core/result.h"
#include "probe/tls/version.h"

namespace probe::tls {

// One bit layout for both values: the SP_PROT_*_CLIENT bits of schannel.h, which are also
// WINHTTP_FLAG_SECURE_PROTOCOL_* (tls-scanners.md §3.1).
inline constexpr std::uint32_t kProtocolBitSsl2 = 0x0008;
inline constexpr std::uint32_t kProtocolBitSsl3 = 0x0020;
inline constexpr std::uint32_t kProtocolBitTls10 = 0x0080;
inline constexpr std::uint32_t kProtocolBitTls11 = 0x0200;
inline constexpr std::uint32_t kProtocolBitTls12 = 0x0800;
inline constexpr std::uint32_t kProtocolBitTls13 = 0x2000;
inline constexpr std::uint32_t kKnownProtocolBits = kProtocolBitSsl2 | kProtocolBitSsl3 |
                                                    kProtocolBitTls10 | kProtocolBitTls11 |
                                                    kProtocolBitTls12 | kProtocolBitTls13;

/// Which registry value a bitmask was read from; both share the layout above.
enum class ProtocolValue {
  kDefaultSecureProtocols,  // WinHTTP: Outlook's Autodiscover, EWS, MAPI/HTTP, RPC/HTTP
  kSecureProtocols,         // WinINet: Internet Explorer and what it hosts
};

std::string_view ProtocolValueName(ProtocolValue v);  // "DefaultSecureProtocols", ...
/// Case-insensitive; nullopt for any other name.
std::optional<ProtocolValue> ParseProtocolValue(std::string_view name);

/// The bit of one version (SSL 2.0 .. TLS 1.3).
std::uint32_t ProtocolBit(TlsVersion v);
/// The bitmask enabling exactly `versions`.
std::uint32_t EncodeProtocols(const std::vector<TlsVersion>& versions);
/// "0xA80": how reports spell a value (upper-case hex, no padding).
std::string FormatProtocolValue(std::uint32_t value);

/// A value as people write it: "0xA80", "a80", "0x00000a80", "dword:00000a80" (hex) or "2688"
/// (decimal, as reg add /d and regedit's decimal view show it).
Result<std::uint32_t> ParseRegistryNumber(std::string_view text);

/// One reason a value is probably not what its author meant, and the value they likely meant.
struct ValueProblem {
  std::string problem;  // one sentence
  std::optional<std::uint32_t> suggestion;
};

/// What a bitmask enables, and what looks wrong about it.
struct DecodedProtocols {
  std::uint32_t value = 0;
  ProtocolValue key = ProtocolValue::kDefaultSecureProtocols;
  std::vector<TlsVersion> protocols;   // oldest first
  std::uint32_t unknown_bits = 0;      // set bits that enable no client protocol
  std::vector<ValueProblem> problems;  // empty: the value does what such values are meant to
  std::vector<std::string> notes;      // facts worth knowing that are not problems

  /// The first suggestion any problem makes.
  std::optional<std::uint32_t> Suggestion() const;
};

DecodedProtocols DecodeProtocols(std::uint32_t value, ProtocolValue key);

/// "TLS 1.0 + TLS 1.1 + TLS 1.2", or "no protocol".
std::string ProtocolsDisplay(const std::vector<TlsVersion>& versions);

// ---- .reg files -------------------------------------------------------------------------------

/// One value line of a .reg file.
struct RegValue {
  enum class Type { kDword, kString, kBinary, kDelete };
  std::string name;  // "" is the key's default value (written @)
  Type type = Type::kDword;
  std::uint32_t dword = 0;
  std::string text;   // kString
  int hex_type = -1;  // kBinary: -1 for hex:, N for hex(N):
  Bytes binary;       // kBinary
};

/// One [key] block; `remove` for [-key].
struct RegKey {
  std::string path;  // "HKEY_LOCAL_MACHINE\\SOFTWARE\\..."
  bool remove = false;
  std::vector<RegValue> values;
};

struct RegFile {
  bool regedit4 = false;  // "REGEDIT4" (ANSI) rather than "Windows Registry Editor Version 5.00"
  std::vector<RegKey> keys;

  /// The dword `name` under `path` (both compared case-insensitively, as the registry does).
  std::optional<std::uint32_t> FindDword(std::string_view path, std::string_view name) const;
};

/// The file's text as regedit writes it (UTF-8 here; CRLF line ends, a blank line after the
/// header and after every key, lower-case `dword:` hex).
std::string FormatRegText(const RegFile& file);
/// The bytes regedit writes: UTF-16LE with a byte-order mark.
Bytes EncodeRegFile(const RegFile& file);
/// Reads a .reg file: UTF-16LE with BOM (regedit's export), UTF-8 or ASCII. Errors name the line.
Result<RegFile> ParseRegFile(ByteView data);

}  // namespace probe::tls
