// UTF-16LE / Latin-1 / upper-casing and base64: the text plumbing under NTLM and HTTP headers.
#include <gtest/gtest.h>

#include "probe/auth/base64.h"
#include "probe/auth/unicode.h"
#include "tests/probe/auth/fixture.h"

namespace probe::auth {
namespace {

using testing::Hex;

TEST(UnicodeTest, Utf16RoundTripsIncludingSurrogatePairs) {
  EXPECT_EQ(Utf16LeFromUtf8("User"), Hex("5500730065007200"));
  EXPECT_EQ(Utf16LeFromUtf8("\xc3\xa9"), Hex("e900"));              // é
  EXPECT_EQ(Utf16LeFromUtf8("\xf0\x9f\x98\x80"), Hex("3dd800de"));  // U+1F600
  EXPECT_EQ(Utf8FromUtf16Le(Hex("3dd800de")), "\xf0\x9f\x98\x80");
  EXPECT_EQ(Utf8FromUtf16Le(Hex("5300650072007600650072")), "Serve\xef\xbf\xbd");  // odd byte
  EXPECT_EQ(Utf8FromUtf16Le(Hex("00d8")), "\xef\xbf\xbd");  // unpaired surrogate
  EXPECT_EQ(Utf16LeFromUtf8("\xff"), Hex("fdff"));          // invalid UTF-8
}

TEST(UnicodeTest, Latin1AndUpperCase) {
  EXPECT_EQ(Latin1FromUtf8("Dom\xc3\xa4in\xe2\x82\xac"), Hex("446f6de4696e3f"));  // ä, € -> ?
  EXPECT_EQ(Utf8FromLatin1(Hex("e4")), "\xc3\xa4");
  EXPECT_EQ(UpperCaseForNtlm("user"), "USER");
  EXPECT_EQ(UpperCaseForNtlm("m\xc3\xbcller"), "M\xc3\x9cLLER");   // ü -> Ü
  EXPECT_EQ(UpperCaseForNtlm("\xd0\xb8\xd0\xb2\xd0\xb0\xd0\xbd"),  // иван
            "\xd0\x98\xd0\x92\xd0\x90\xd0\x9d");                   // ИВАН
  EXPECT_EQ(UpperCaseForNtlm("\xc5\x82\xc3\xb3"
                             "d\xc5\xba"),
            "\xc5\x81\xc3\x93"
            "D\xc5\xb9");  // łódź
}

TEST(Base64Test, EncodesAndDecodesWithAndWithoutPadding) {
  EXPECT_EQ(Base64Encode(AsBytes("NTLMSSP")), "TlRMTVNTUA==");
  EXPECT_EQ(*Base64Decode("TlRMTVNTUA=="),
            Bytes(AsBytes("NTLMSSP").begin(), AsBytes("NTLMSSP").end()));
  EXPECT_EQ(*Base64Decode("TlRMTVNTUA"), *Base64Decode("TlRMTVNTUA=="));
  EXPECT_EQ(*Base64Decode(" TlRM\r\nTVNT UA== "), *Base64Decode("TlRMTVNTUA=="));
  for (std::size_t n = 0; n < 10; ++n) {
    Bytes data(n, static_cast<std::uint8_t>(0xf0 + n));
    EXPECT_EQ(*Base64Decode(Base64Encode(data)), data) << n;
  }
}

TEST(Base64Test, RejectsWhatIsNotBase64) {
  auto bad = Base64Decode("TlRM*VNT");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message, "'*' at position 4 is not base64");
  EXPECT_FALSE(Base64Decode("TlRMT").has_value());     // 5 digits cannot be complete
  EXPECT_FALSE(Base64Decode("TlRMTQ=x").has_value());  // data after padding
  EXPECT_FALSE(Base64Decode("TlRMT===").has_value());  // three '='
}

}  // namespace
}  // namespace probe::auth
