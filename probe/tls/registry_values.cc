#include "probe/tls/registry_values.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace probe::tls {
namespace {

constexpr std::string_view kHeader5 = "Windows Registry Editor Version 5.00";
constexpr std::string_view kHeader4 = "REGEDIT4";
constexpr std::uint32_t kSslBits = kProtocolBitSsl2 | kProtocolBitSsl3;
constexpr std::uint32_t kModernBits = kProtocolBitTls12 | kProtocolBitTls13;

struct BitRow {
  TlsVersion version;
  std::uint32_t bit;
};
constexpr std::array<BitRow, 6> kBits = {{{TlsVersion::kSsl2, kProtocolBitSsl2},
                                          {TlsVersion::kSsl3, kProtocolBitSsl3},
                                          {TlsVersion::kTls10, kProtocolBitTls10},
                                          {TlsVersion::kTls11, kProtocolBitTls11},
                                          {TlsVersion::kTls12, kProtocolBitTls12},
                                          {TlsVersion::kTls13, kProtocolBitTls13}}};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool AllOf(std::string_view s, int (*pred)(int)) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [pred](char c) {
    return pred(static_cast<unsigned char>(c)) != 0;
  });
}

std::optional<std::uint32_t> ParseUnsigned(std::string_view digits, int base) {
  std::uint32_t value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

std::vector<TlsVersion> VersionsOf(std::uint32_t value) {
  std::vector<TlsVersion> out;
  for (const auto& row : kBits) {
    if (value & row.bit) out.push_back(row.version);
  }
  return out;
}

std::string Enables(std::uint32_t value) { return ProtocolsDisplay(VersionsOf(value)); }

// "0x2560" typed where the decimal 2560 (0xA00) was meant: the hex digits read as decimal give
// a value that enables exactly known client protocols including TLS 1.2.
std::optional<std::uint32_t> DecimalTypedAsHex(std::uint32_t value) {
  std::string hex = fmt::format("{:x}", value);
  if (!AllOf(hex, [](int c) { return std::isdigit(c); })) return std::nullopt;
  auto decimal = ParseUnsigned(hex, 10);
  if (!decimal || *decimal == value || (*decimal & ~kKnownProtocolBits) != 0) return std::nullopt;
  if ((*decimal & kModernBits) == 0) return std::nullopt;
  return decimal;
}

// The value its author most likely meant: the 0x8 that should have been 0x80, SSL dropped, and
// TLS 1.1 + 1.2 added when nothing modern is enabled.
std::uint32_t Corrected(std::uint32_t value) {
  std::uint32_t v = value & kKnownProtocolBits;
  bool has_tls11_12 = (v & (kProtocolBitTls11 | kProtocolBitTls12)) != 0;
  if ((v & kProtocolBitSsl2) && has_tls11_12 && !(v & kProtocolBitTls10)) v |= kProtocolBitTls10;
  v &= ~kSslBits;
  if ((v & kModernBits) == 0) v |= kProtocolBitTls11 | kProtocolBitTls12;
  return v;
}

// Wording for SSL 2.0's bit: the two circulated mistakes first, then the plain case.
std::string Ssl2Problem(std::uint32_t value, const std::string& name) {
  bool tls11_12 = (value & (kProtocolBitTls11 | kProtocolBitTls12)) != 0;
  if (tls11_12 && !(value & kProtocolBitTls10)) {
    return fmt::format(
        "{} sets 0x8, which is SSL 2.0, not TLS 1.0 (0x80): it enables {}; TLS 1.0 + TLS 1.1 + "
        "TLS 1.2 is 0xA80",
        name, Enables(value));
  }
  if (!(value & (kProtocolBitTls11 | kModernBits))) {
    return fmt::format(
        "{} enables {}{} and no TLS 1.1 or TLS 1.2; TLS 1.0 + TLS 1.1 + TLS 1.2 is 0xA80, "
        "TLS 1.1 + TLS 1.2 is 0xA00",
        name, Enables(value), value == 0xa8 ? " (the old WINHTTP_FLAG_SECURE_PROTOCOL_ALL)" : "");
  }
  return fmt::format("{} enables SSL 2.0 (0x8), prohibited since 2011 (RFC 6176)", name);
}

std::vector<ValueProblem> Problems(std::uint32_t value) {
  std::vector<ValueProblem> out;
  std::string name = FormatProtocolValue(value);
  if (auto decimal = DecimalTypedAsHex(value); decimal && (value & ~kKnownProtocolBits)) {
    out.push_back(
        {fmt::format("{} looks like the decimal number {:x} entered as hex; {:x} is {} "
                     "({})",
                     name, value, value, FormatProtocolValue(*decimal), Enables(*decimal)),
         *decimal});
    return out;
  }
  std::uint32_t fix = Corrected(value);
  if (value == 0) {
    out.push_back({"0x0 enables no protocol at all", fix});
    return out;
  }
  if (std::uint32_t unknown = value & ~kKnownProtocolBits) {
    out.push_back({fmt::format("bits {} enable no client protocol (SChannel server bits or "
                               "undefined ones)",
                               FormatProtocolValue(unknown)),
                   fix});
  }
  bool legacy_all = (value & kProtocolBitSsl2) &&
                    !(value & (kProtocolBitTls11 | kProtocolBitTls12 | kProtocolBitTls13));
  if (value & kProtocolBitSsl2) out.push_back({Ssl2Problem(value, name), fix});
  if (legacy_all) return out;  // that sentence already names SSL 3.0 and the missing TLS 1.2
  if (value & kProtocolBitSsl3) {
    out.push_back(
        {fmt::format("{} enables SSL 3.0 (0x20), broken by POODLE (RFC 7568)", name), fix});
  }
  if ((value & kModernBits) == 0) {
    out.push_back({fmt::format("{} enables no TLS 1.2: servers locked down to TLS 1.2 (hardened "
                               "Exchange 2016/2019, Exchange Online) refuse this client",
                               name),
                   fix});
  }
  return out;
}

std::vector<std::string> Notes(std::uint32_t value, ProtocolValue key) {
  std::vector<std::string> out;
  if (value & kProtocolBitTls13) {
    out.push_back(
        "the TLS 1.3 bit (0x2000) takes effect only on Windows 11 / Server 2022 and later");
  }
  if (key == ProtocolValue::kDefaultSecureProtocols) {
    out.push_back(
        "Windows 7 SP1, Server 2008 R2 SP1 and Server 2012 read DefaultSecureProtocols only with "
        "KB3140245; on 64-bit Windows 32-bit Outlook reads the Wow6432Node copy");
  }
  return out;
}

// ---- text encodings ----

void AppendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

// UTF-16LE code units (after the BOM) to UTF-8; unpaired surrogates are malformed.
Result<std::string> Utf16LeToUtf8(ByteView data) {
  if (data.size() % 2 != 0) {
    return Fail(ErrorCode::kMalformed, "UTF-16LE text with an odd number of bytes");
  }
  std::string out;
  out.reserve(data.size() / 2);
  ByteReader r(data);
  while (!r.empty()) {
    std::uint32_t unit = *r.U16Le("code unit");
    if (unit >= 0xdc00 && unit <= 0xdfff) {
      return Fail(ErrorCode::kMalformed,
                  fmt::format("unpaired UTF-16 surrogate at byte {}", r.offset() - 2));
    }
    if (unit >= 0xd800 && unit <= 0xdbff) {
      auto low = r.U16Le("low surrogate");
      if (!low || *low < 0xdc00 || *low > 0xdfff) {
        return Fail(ErrorCode::kMalformed,
                    fmt::format("unpaired UTF-16 surrogate at byte {}", r.offset()));
      }
      unit = 0x10000 + ((unit - 0xd800) << 10) + (*low - 0xdc00);
    }
    AppendUtf8(out, unit);
  }
  return out;
}

// Decodes the UTF-8 sequence at `i` (which must be < s.size()) and advances past it; an invalid
// or truncated sequence becomes U+FFFD and consumes one byte.
std::uint32_t NextCodePoint(std::string_view s, std::size_t& i) {
  auto b = static_cast<std::uint8_t>(s[i]);
  std::size_t extra = b < 0x80 ? 0 : (b & 0xe0) == 0xc0 ? 1 : (b & 0xf0) == 0xe0 ? 2 : 3;
  bool lead_ok = b < 0x80 || (b & 0xe0) == 0xc0 || (b & 0xf0) == 0xe0 || (b & 0xf8) == 0xf0;
  if (!lead_ok || s.size() - i <= extra) {
    ++i;
    return 0xfffd;
  }
  std::uint32_t cp = extra == 0 ? b : (b & (0x3fu >> extra));
  for (std::size_t k = 1; k <= extra; ++k) {
    auto c = static_cast<std::uint8_t>(s[i + k]);
    if ((c & 0xc0) != 0x80) {
      ++i;
      return 0xfffd;
    }
    cp = (cp << 6) | (c & 0x3fu);
  }
  i += extra + 1;
  return cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? 0xfffd : cp;
}

Bytes Utf8ToUtf16LeWithBom(std::string_view text) {
  ByteWriter w;
  w.U16Le(0xfeff);
  for (std::size_t i = 0; i < text.size();) {
    std::uint32_t cp = NextCodePoint(text, i);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      w.U16Le(static_cast<std::uint16_t>(0xd800 + (cp >> 10)));
      w.U16Le(static_cast<std::uint16_t>(0xdc00 + (cp & 0x3ff)));
    } else {
      w.U16Le(static_cast<std::uint16_t>(cp));
    }
  }
  return w.Take();
}

Result<std::string> DecodeText(ByteView data) {
  if (data.size() >= 2 && data[0] == 0xff && data[1] == 0xfe) return Utf16LeToUtf8(data.subspan(2));
  if (data.size() >= 2 && data[0] == 0xfe && data[1] == 0xff) {
    return Fail(ErrorCode::kMalformed, "UTF-16BE is not an encoding regedit reads");
  }
  if (data.size() >= 3 && data[0] == 0xef && data[1] == 0xbb && data[2] == 0xbf) {
    data = data.subspan(3);
  }
  return std::string(data.begin(), data.end());
}

// ---- .reg writing ----

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
  return out + "\"";
}

// Width in UTF-16 code units, as regedit counts columns: wrapping must not depend on how many
// UTF-8 bytes a character takes, or a file would wrap differently once re-encoded.
std::size_t Columns(std::string_view s) {
  std::size_t columns = 0;
  for (std::size_t i = 0; i < s.size();) columns += NextCodePoint(s, i) >= 0x10000 ? 2 : 1;
  return columns;
}

// hex: data wrapped like regedit (and Wine's regedit, whose export is a fixture): "xx," pairs;
// once a line reaches 77 columns, a backslash and a continuation line indented by two spaces.
std::string HexData(const RegValue& v, std::size_t column) {
  std::string out = v.hex_type < 0 ? "hex:" : fmt::format("hex({:x}):", v.hex_type);
  column += out.size();
  for (std::size_t i = 0; i < v.binary.size(); ++i) {
    out += fmt::format("{:02x}", v.binary[i]);
    if (i + 1 == v.binary.size()) break;
    out += ',';
    column += 3;
    if (column >= 77) {
      out += "\\\r\n  ";
      column = 2;
    }
  }
  return out;
}

std::string ValueLine(const RegValue& v) {
  std::string line = v.name.empty() ? "@=" : Quote(v.name) + "=";
  switch (v.type) {
    case RegValue::Type::kDword:
      return line + fmt::format("dword:{:08x}", v.dword);
    case RegValue::Type::kString:
      return line + Quote(v.text);
    case RegValue::Type::kDelete:
      return line + "-";
    case RegValue::Type::kBinary:
      return line + HexData(v, Columns(line));
  }
  return line;
}

// ---- .reg reading ----

class RegParser {
 public:
  explicit RegParser(std::string_view text) : text_(text) {}

  Result<RegFile> Parse() {
    std::string_view header = Trim(NextLine());
    if (header == kHeader4) {
      file_.regedit4 = true;
    } else if (header != kHeader5) {
      return Fail(ErrorCode::kMalformed,
                  fmt::format("line 1: expected '{}' or '{}'", kHeader5, kHeader4));
    }
    while (!AtEnd()) {
      std::string_view line = Trim(NextLine());
      if (line.empty() || line.front() == ';') continue;
      auto ok = line.front() == '[' ? KeyLine(line) : ValueLine(line);
      if (!ok) return Fail(ok.error().With(fmt::format("line {}", line_no_)));
    }
    return std::move(file_);
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }

  std::string_view NextLine() {
    std::size_t end = text_.find('\n', pos_);
    if (end == std::string_view::npos) end = text_.size();
    std::string_view line = text_.substr(pos_, end - pos_);
    pos_ = end + 1;
    ++line_no_;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
  }

  Result<void> KeyLine(std::string_view line) {
    if (line.back() != ']' || line.size() < 3) {
      return Fail(ErrorCode::kMalformed, "a key line must be [PATH] or [-PATH]");
    }
    RegKey key;
    std::string_view path = line.substr(1, line.size() - 2);
    if (path.front() == '-') {
      key.remove = true;
      path.remove_prefix(1);
    }
    static constexpr std::string_view kHives[] = {"hkey_local_machine", "hkey_current_user",
                                                  "hkey_classes_root", "hkey_users",
                                                  "hkey_current_config"};
    std::string hive = Lower(path.substr(0, path.find('\\')));
    if (std::find(std::begin(kHives), std::end(kHives), hive) == std::end(kHives)) {
      return Fail(ErrorCode::kMalformed,
                  fmt::format("'{}' is not a registry root key (HKEY_LOCAL_MACHINE, ...)",
                              path.substr(0, 40)));
    }
    key.path = std::string(path);
    file_.keys.push_back(std::move(key));
    return {};
  }

  // A quoted name or string: "..." with \\ and \" escapes. Advances `s` past it.
  static Result<std::string> QuotedString(std::string_view& s) {
    if (s.empty() || s.front() != '"') return Fail(ErrorCode::kMalformed, "expected '\"'");
    std::string out;
    for (std::size_t i = 1; i < s.size(); ++i) {
      if (s[i] == '"') {
        s.remove_prefix(i + 1);
        return out;
      }
      if (s[i] == '\\' && i + 1 < s.size()) ++i;
      out += s[i];
    }
    return Fail(ErrorCode::kMalformed, "a quoted string is not closed");
  }

  Result<void> ValueLine(std::string_view line) {
    if (file_.keys.empty()) return Fail(ErrorCode::kMalformed, "a value before any [key]");
    if (file_.keys.back().remove) {
      return Fail(ErrorCode::kMalformed, "a value under a key being deleted");
    }
    RegValue value;
    if (line.front() == '@') {
      line.remove_prefix(1);
    } else {
      auto name = QuotedString(line);
      if (!name) return Fail(name.error());
      if (name->empty()) return Fail(ErrorCode::kMalformed, "an empty value name (use @)");
      value.name = std::move(*name);
    }
    line = Trim(line);
    if (line.empty() || line.front() != '=') return Fail(ErrorCode::kMalformed, "expected '='");
    line = Trim(line.substr(1));
    auto ok = ValueData(line, value);
    if (!ok) return ok;
    file_.keys.back().values.push_back(std::move(value));
    return {};
  }

  Result<void> ValueData(std::string_view data, RegValue& value) {
    if (data == "-") {
      value.type = RegValue::Type::kDelete;
      return {};
    }
    if (!data.empty() && data.front() == '"') {
      auto text = QuotedString(data);
      if (!text) return Fail(text.error());
      if (!Trim(data).empty()) return Fail(ErrorCode::kMalformed, "text after a closing quote");
      value.type = RegValue::Type::kString;
      value.text = std::move(*text);
      return {};
    }
    std::string lower = Lower(data);
    if (lower.starts_with("dword:")) return Dword(data.substr(6), value);
    if (lower.starts_with("hex")) return Hex(data.substr(3), value);
    return Fail(ErrorCode::kMalformed,
                fmt::format("unsupported value data '{}'", data.substr(0, 40)));
  }

  static Result<void> Dword(std::string_view digits, RegValue& value) {
    auto parsed = digits.size() <= 8 && AllOf(digits, [](int c) { return std::isxdigit(c); })
                      ? ParseUnsigned(digits, 16)
                      : std::nullopt;
    if (!parsed) return Fail(ErrorCode::kMalformed, "dword: needs 1 to 8 hex digits");
    value.type = RegValue::Type::kDword;
    value.dword = *parsed;
    return {};
  }

  // After "hex": optional "(N)", ':', then comma-separated bytes over continuation lines.
  Result<void> Hex(std::string_view rest, RegValue& value) {
    value.type = RegValue::Type::kBinary;
    if (!rest.empty() && rest.front() == '(') {
      std::size_t close = rest.find(')');
      auto type = close == std::string_view::npos || close > 9
                      ? std::nullopt
                      : ParseUnsigned(rest.substr(1, close - 1), 16);
      if (!type) return Fail(ErrorCode::kMalformed, "hex(N): needs a hex type number");
      value.hex_type = static_cast<int>(*type & 0x7fffffff);
      rest.remove_prefix(close + 1);
    }
    if (rest.empty() || rest.front() != ':') return Fail(ErrorCode::kMalformed, "expected ':'");
    // A trailing backslash continues the bytes on the next line (regedit wraps at 80 columns).
    std::string joined;
    std::string_view piece = rest.substr(1);
    while (true) {
      std::string_view t = Trim(piece);
      if (t.empty() || t.back() != '\\') {
        joined += t;
        break;
      }
      t.remove_suffix(1);
      joined += t;
      if (AtEnd()) return Fail(ErrorCode::kMalformed, "a continuation at the end of the file");
      piece = NextLine();
    }
    return HexBytes(joined, value.binary);
  }

  // "0a,ff,..." with optional spaces; a trailing comma (before a continuation) is allowed.
  static Result<void> HexBytes(std::string_view list, Bytes& out) {
    list = Trim(list);
    while (!list.empty()) {
      std::size_t comma = list.find(',');
      std::string_view item = Trim(list.substr(0, comma));
      auto byte = item.size() <= 2 && AllOf(item, [](int c) { return std::isxdigit(c); })
                      ? ParseUnsigned(item, 16)
                      : std::nullopt;
      if (!byte) return Fail(ErrorCode::kMalformed, "hex data must be bytes like 0a,ff");
      out.push_back(static_cast<std::uint8_t>(*byte));
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
    return {};
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  int line_no_ = 0;
  RegFile file_;
};

}  // namespace

std::string_view ProtocolValueName(ProtocolValue v) {
  return v == ProtocolValue::kDefaultSecureProtocols ? "DefaultSecureProtocols" : "SecureProtocols";
}

std::optional<ProtocolValue> ParseProtocolValue(std::string_view name) {
  std::string lower = Lower(name);
  if (lower == "defaultsecureprotocols") return ProtocolValue::kDefaultSecureProtocols;
  if (lower == "secureprotocols") return ProtocolValue::kSecureProtocols;
  return std::nullopt;
}

std::uint32_t ProtocolBit(TlsVersion v) {
  for (const auto& row : kBits) {
    if (row.version == v) return row.bit;
  }
  return 0;
}

std::uint32_t EncodeProtocols(const std::vector<TlsVersion>& versions) {
  std::uint32_t value = 0;
  for (TlsVersion v : versions) value |= ProtocolBit(v);
  return value;
}

std::string FormatProtocolValue(std::uint32_t value) { return fmt::format("0x{:X}", value); }

Result<std::uint32_t> ParseRegistryNumber(std::string_view text) {
  std::string s = Lower(Trim(text));
  std::optional<std::uint32_t> value;
  if (s.starts_with("dword:")) {
    std::string_view digits = std::string_view(s).substr(6);
    if (digits.size() <= 8 && AllOf(digits, [](int c) { return std::isxdigit(c); }))
      value = ParseUnsigned(digits, 16);
  } else if (s.starts_with("0x")) {
    std::string_view digits = std::string_view(s).substr(2);
    if (AllOf(digits, [](int c) { return std::isxdigit(c); })) value = ParseUnsigned(digits, 16);
  } else if (AllOf(s, [](int c) { return std::isdigit(c); })) {
    value = ParseUnsigned(s, 10);
  } else if (AllOf(s, [](int c) { return std::isxdigit(c); })) {
    value = ParseUnsigned(s, 16);
  }
  if (!value) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("'{}' is not a 32-bit value: give hex (0xA80, dword:00000a80) or "
                            "decimal (2688)",
                            Trim(text).substr(0, 40)));
  }
  return *value;
}

std::optional<std::uint32_t> DecodedProtocols::Suggestion() const {
  for (const auto& p : problems) {
    if (p.suggestion) return p.suggestion;
  }
  return std::nullopt;
}

DecodedProtocols DecodeProtocols(std::uint32_t value, ProtocolValue key) {
  DecodedProtocols d;
  d.value = value;
  d.key = key;
  d.protocols = VersionsOf(value);
  d.unknown_bits = value & ~kKnownProtocolBits;
  d.problems = Problems(value);
  d.notes = Notes(value, key);
  return d;
}

std::string ProtocolsDisplay(const std::vector<TlsVersion>& versions) {
  std::string out;
  for (TlsVersion v : versions) {
    if (!out.empty()) out += " + ";
    out += VersionDisplay(v);
  }
  return out.empty() ? "no protocol" : out;
}

std::optional<std::uint32_t> RegFile::FindDword(std::string_view path,
                                                std::string_view name) const {
  std::string want_path = Lower(path), want_name = Lower(name);
  std::optional<std::uint32_t> found;  // the last assignment wins, as on import
  for (const auto& key : keys) {
    if (key.remove || Lower(key.path) != want_path) continue;
    for (const auto& v : key.values) {
      if (Lower(v.name) == want_name && v.type == RegValue::Type::kDword) found = v.dword;
    }
  }
  return found;
}

std::string FormatRegText(const RegFile& file) {
  std::string out = std::string(file.regedit4 ? kHeader4 : kHeader5) + "\r\n\r\n";
  for (const auto& key : file.keys) {
    out += fmt::format("[{}{}]\r\n", key.remove ? "-" : "", key.path);
    for (const auto& v : key.values) out += ValueLine(v) + "\r\n";
    out += "\r\n";
  }
  return out;
}

Bytes EncodeRegFile(const RegFile& file) { return Utf8ToUtf16LeWithBom(FormatRegText(file)); }

Result<RegFile> ParseRegFile(ByteView data) {
  auto text = DecodeText(data);
  if (!text) return Fail(text.error());
  return RegParser(*text).Parse();
}

}  // namespace probe::tls
