// Text conversions NTLM needs: UTF-8 (our strings) to and from UTF-16LE ("Unicode" on the wire)
// and Latin-1 (the OEM code page, as far as we render it), and the upper-casing of NTOWFv2.
#pragma once

#include <string>
#include <string_view>

#include "probe/core/bytes.h"

namespace probe::auth {

/// UTF-16LE of `utf8`; invalid UTF-8 sequences become U+FFFD.
Bytes Utf16LeFromUtf8(std::string_view utf8);
/// UTF-8 of `utf16le`; an unpaired surrogate or an odd trailing byte becomes U+FFFD.
std::string Utf8FromUtf16Le(ByteView utf16le);
/// Latin-1 of `utf8` for OEM fields; characters outside Latin-1 become '?'.
Bytes Latin1FromUtf8(std::string_view utf8);
std::string Utf8FromLatin1(ByteView latin1);
/// Upper case as Windows applies it to user names in NTOWFv2: simple one-to-one mappings for
/// ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic; other characters are kept as they are.
std::string UpperCaseForNtlm(std::string_view utf8);

}  // namespace probe::auth
