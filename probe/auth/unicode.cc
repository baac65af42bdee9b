#include "probe/auth/unicode.h"

#include <vector>

namespace probe::auth {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

// The length of the UTF-8 sequence a lead byte starts, or 0 for a byte that cannot lead.
int SequenceLength(std::uint8_t lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

// Decodes one code point at `i`, advancing `i`; malformed input yields U+FFFD for one byte.
char32_t NextCodePoint(std::string_view s, std::size_t& i) {
  auto lead = static_cast<std::uint8_t>(s[i]);
  int length = SequenceLength(lead);
  if (length == 0 || i + length > s.size()) {
    ++i;
    return kReplacement;
  }
  char32_t cp = length == 1 ? lead : lead & (0x7F >> length);
  for (int k = 1; k < length; ++k) {
    auto next = static_cast<std::uint8_t>(s[i + k]);
    if ((next & 0xC0) != 0x80) {
      ++i;
      return kReplacement;
    }
    cp = (cp << 6) | (next & 0x3F);
  }
  bool overlong = (length == 3 && cp < 0x800) || (length == 4 && cp < 0x10000);
  if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return kReplacement;
  }
  i += length;
  return cp;
}

std::vector<char32_t> CodePoints(std::string_view utf8) {
  std::vector<char32_t> out;
  for (std::size_t i = 0; i < utf8.size();) out.push_back(NextCodePoint(utf8, i));
  return out;
}

void AppendUtf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

void AppendUtf16Unit(Bytes& out, char32_t unit) {
  out.push_back(static_cast<std::uint8_t>(unit & 0xFF));
  out.push_back(static_cast<std::uint8_t>(unit >> 8));
}

bool InRange(char32_t cp, char32_t low, char32_t high) { return cp >= low && cp <= high; }

// Latin Extended-A pairs an upper-case letter with the lower-case one after it, except in
// U+0139..U+0148 and U+0179..U+017E, where the pairs start on odd code points.
char32_t UpperLatinExtendedA(char32_t cp) {
  bool odd_pairs = InRange(cp, 0x139, 0x148) || InRange(cp, 0x179, 0x17E);
  bool is_lower = odd_pairs ? (cp % 2 == 0) : (cp % 2 == 1);
  if (cp == 0x131 || cp == 0x138 || cp == 0x149 || cp == 0x17F) return cp;  // no simple upper
  return is_lower ? cp - 1 : cp;
}

char32_t UpperCodePoint(char32_t cp) {
  if (InRange(cp, 'a', 'z')) return cp - 0x20;
  if (InRange(cp, 0xE0, 0xFE) && cp != 0xF7) return cp - 0x20;
  if (cp == 0xFF) return 0x178;
  if (InRange(cp, 0x100, 0x17F)) return UpperLatinExtendedA(cp);
  if (InRange(cp, 0x3B1, 0x3C9) && cp != 0x3C2) return cp - 0x20;
  if (InRange(cp, 0x430, 0x44F)) return cp - 0x20;
  if (InRange(cp, 0x450, 0x45F)) return cp - 0x50;
  return cp;
}

}  // namespace

Bytes Utf16LeFromUtf8(std::string_view utf8) {
  Bytes out;
  out.reserve(utf8.size() * 2);
  for (char32_t cp : CodePoints(utf8)) {
    if (cp < 0x10000) {
      AppendUtf16Unit(out, cp);
    } else {
      char32_t v = cp - 0x10000;
      AppendUtf16Unit(out, 0xD800 + (v >> 10));
      AppendUtf16Unit(out, 0xDC00 + (v & 0x3FF));
    }
  }
  return out;
}

std::string Utf8FromUtf16Le(ByteView utf16le) {
  std::string out;
  std::size_t units = utf16le.size() / 2;
  auto unit_at = [&](std::size_t k) -> char32_t {
    return utf16le[2 * k] | (utf16le[2 * k + 1] << 8);
  };
  for (std::size_t k = 0; k < units; ++k) {
    char32_t u = unit_at(k);
    if (InRange(u, 0xD800, 0xDBFF) && k + 1 < units && InRange(unit_at(k + 1), 0xDC00, 0xDFFF)) {
      AppendUtf8(out, 0x10000 + ((u - 0xD800) << 10) + (unit_at(k + 1) - 0xDC00));
      ++k;
    } else {
      AppendUtf8(out, InRange(u, 0xD800, 0xDFFF) ? kReplacement : u);
    }
  }
  if (utf16le.size() % 2 != 0) AppendUtf8(out, kReplacement);
  return out;
}

Bytes Latin1FromUtf8(std::string_view utf8) {
  Bytes out;
  for (char32_t cp : CodePoints(utf8))
    out.push_back(cp <= 0xFF ? static_cast<std::uint8_t>(cp) : '?');
  return out;
}

std::string Utf8FromLatin1(ByteView latin1) {
  std::string out;
  for (std::uint8_t b : latin1) AppendUtf8(out, b);
  return out;
}

std::string UpperCaseForNtlm(std::string_view utf8) {
  std::string out;
  for (char32_t cp : CodePoints(utf8)) AppendUtf8(out, UpperCodePoint(cp));
  return out;
}

}  // namespace probe::auth
