// DefaultSecureProtocols / SecureProtocols bitmasks (known answers from tls-scanners.md §3.1 and
// Microsoft's tables) and .reg files: the format regedit writes, parsed back, then corrupted.
#include "probe/tls/registry_values.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

namespace probe::tls {
namespace {

using V = TlsVersion;

struct ValueCase {
  std::uint32_t value;
  std::vector<TlsVersion> protocols;
  bool suspicious;
  std::optional<std::uint32_t> meant;
};

TEST(RegistryValuesTest, DecodesTheValuesThatCirculateWithTheirMeaning) {
  const ValueCase cases[] = {
      {0xA00, {V::kTls11, V::kTls12}, false, std::nullopt},             // KB3140245's example
      {0xA80, {V::kTls10, V::kTls11, V::kTls12}, false, std::nullopt},  // M365 table, STIG 2688
      {0x800, {V::kTls12}, false, std::nullopt},
      {0x2A00, {V::kTls11, V::kTls12, V::kTls13}, false, std::nullopt},
      {0xA8, {V::kSsl2, V::kSsl3, V::kTls10}, true, 0xA80},    // WINHTTP_FLAG_SECURE_PROTOCOL_ALL
      {0xA08, {V::kSsl2, V::kTls11, V::kTls12}, true, 0xA80},  // the dropped zero
      {0xA0, {V::kSsl3, V::kTls10}, true, 0xA80},              // Windows 7's WinHTTP default
      {0xAA0, {V::kSsl3, V::kTls10, V::kTls11, V::kTls12}, true, 0xA80},
      {0x80, {V::kTls10}, true, 0xA80},
      {0x0, {}, true, 0xA00},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(FormatProtocolValue(c.value));
    DecodedProtocols d = DecodeProtocols(c.value, ProtocolValue::kDefaultSecureProtocols);
    EXPECT_EQ(d.protocols, c.protocols);
    EXPECT_EQ(!d.problems.empty(), c.suspicious);
    EXPECT_EQ(d.Suggestion(), c.meant);
    EXPECT_EQ(d.unknown_bits, 0u);
  }
}

TEST(RegistryValuesTest, SpotsADecimalNumberTypedAsHex) {
  DecodedProtocols d = DecodeProtocols(0x2560, ProtocolValue::kSecureProtocols);
  ASSERT_EQ(d.problems.size(), 1u);
  EXPECT_NE(d.problems[0].problem.find("decimal number 2560"), std::string::npos);
  EXPECT_EQ(d.Suggestion(), 0xA00u);
  EXPECT_EQ(DecodeProtocols(0x2688, ProtocolValue::kSecureProtocols).Suggestion(), 0xA80u);
}

TEST(RegistryValuesTest, ServerBitsAreUnknownBitsHere) {
  DecodedProtocols d = DecodeProtocols(0xC00, ProtocolValue::kDefaultSecureProtocols);
  EXPECT_EQ(d.unknown_bits, 0x400u);
  EXPECT_EQ(d.protocols, (std::vector<TlsVersion>{V::kTls12}));
  ASSERT_FALSE(d.problems.empty());
  EXPECT_EQ(d.Suggestion(), 0x800u);
}

TEST(RegistryValuesTest, Tls13BitGetsANoteNotAProblem) {
  DecodedProtocols d = DecodeProtocols(0x2800, ProtocolValue::kSecureProtocols);
  EXPECT_TRUE(d.problems.empty());
  ASSERT_FALSE(d.notes.empty());
  EXPECT_NE(d.notes[0].find("Windows 11"), std::string::npos);
}

TEST(RegistryValuesTest, EncodesVersionsWithTheClientBits) {
  EXPECT_EQ(EncodeProtocols({V::kTls11, V::kTls12}), 0xA00u);
  EXPECT_EQ(EncodeProtocols({V::kTls10, V::kTls11, V::kTls12}), 0xA80u);
  EXPECT_EQ(ProtocolBit(V::kSsl3), 0x20u);  // not 0x8, whatever old headers say
  EXPECT_EQ(ProtocolBit(V::kTls13), 0x2000u);
  EXPECT_EQ(FormatProtocolValue(0xA80), "0xA80");
}

TEST(RegistryValuesTest, ParsesNumbersAsPeopleWriteThem) {
  EXPECT_EQ(ParseRegistryNumber("0xA80"), 0xA80u);
  EXPECT_EQ(ParseRegistryNumber("0XA80"), 0xA80u);
  EXPECT_EQ(ParseRegistryNumber("0x00000a80"), 0xA80u);
  EXPECT_EQ(ParseRegistryNumber("dword:00000a80"), 0xA80u);
  EXPECT_EQ(ParseRegistryNumber("a80"), 0xA80u);
  EXPECT_EQ(ParseRegistryNumber(" 2688 "), 2688u);
  EXPECT_EQ(ParseRegistryNumber("4294967295"), 0xFFFFFFFFu);
  for (auto bad :
       {"", "0x", "zz", "0x1FFFFFFFF", "4294967296", "dword:123456789", "-1", "0xA8 0"}) {
    EXPECT_FALSE(ParseRegistryNumber(bad).has_value()) << bad;
  }
  EXPECT_EQ(ParseProtocolValue("defaultsecureprotocols"), ProtocolValue::kDefaultSecureProtocols);
  EXPECT_EQ(ParseProtocolValue("SecureProtocols"), ProtocolValue::kSecureProtocols);
  EXPECT_FALSE(ParseProtocolValue("Protocols").has_value());
}

RegFile SampleFile() {
  RegFile f;
  RegKey k;
  k.path = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Test";
  RegValue dword;
  dword.name = "DefaultSecureProtocols";
  dword.dword = 0xA80;
  RegValue text;
  text.name = "Path \"quoted\"";
  text.type = RegValue::Type::kString;
  text.text = "C:\\Program Files\\Ü 😀";
  RegValue bin;
  bin.name = "Blob";
  bin.type = RegValue::Type::kBinary;
  bin.hex_type = 7;
  for (int i = 0; i < 60; ++i) bin.binary.push_back(static_cast<std::uint8_t>(i));
  RegValue gone;
  gone.name = "Old";
  gone.type = RegValue::Type::kDelete;
  RegValue def;
  def.type = RegValue::Type::kString;
  def.text = "default";
  k.values = {dword, text, bin, gone, def};
  f.keys.push_back(k);
  RegKey removed;
  removed.path = "HKEY_CURRENT_USER\\Software\\Gone";
  removed.remove = true;
  f.keys.push_back(removed);
  return f;
}

void ExpectSame(const RegFile& a, const RegFile& b) {
  ASSERT_EQ(a.keys.size(), b.keys.size());
  EXPECT_EQ(a.regedit4, b.regedit4);
  for (std::size_t i = 0; i < a.keys.size(); ++i) {
    EXPECT_EQ(a.keys[i].path, b.keys[i].path);
    EXPECT_EQ(a.keys[i].remove, b.keys[i].remove);
    ASSERT_EQ(a.keys[i].values.size(), b.keys[i].values.size());
    for (std::size_t j = 0; j < a.keys[i].values.size(); ++j) {
      const RegValue& x = a.keys[i].values[j];
      const RegValue& y = b.keys[i].values[j];
      EXPECT_EQ(x.name, y.name);
      EXPECT_EQ(x.type, y.type);
      EXPECT_EQ(x.dword, y.dword);
      EXPECT_EQ(x.text, y.text);
      EXPECT_EQ(x.hex_type, y.hex_type);
      EXPECT_EQ(x.binary, y.binary);
    }
  }
}

TEST(RegistryValuesTest, WritesWhatRegeditWrites) {
  RegFile f;
  RegKey k;
  k.path =
      "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet "
      "Settings\\WinHttp";
  RegValue v;
  v.name = "DefaultSecureProtocols";
  v.dword = 0xA00;
  k.values.push_back(v);
  f.keys.push_back(k);
  EXPECT_EQ(FormatRegText(f),
            "Windows Registry Editor Version 5.00\r\n\r\n"
            "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet "
            "Settings\\WinHttp]\r\n"
            "\"DefaultSecureProtocols\"=dword:00000a00\r\n\r\n");
  Bytes bytes = EncodeRegFile(f);
  ASSERT_GE(bytes.size(), 4u);
  EXPECT_EQ(bytes[0], 0xFF);
  EXPECT_EQ(bytes[1], 0xFE);
  EXPECT_EQ(bytes[2], 'W');
  EXPECT_EQ(bytes[3], 0);
}

TEST(RegistryValuesTest, RoundTripsEveryValueTypeIncludingNonAscii) {
  RegFile f = SampleFile();
  Bytes bytes = EncodeRegFile(f);
  auto parsed = ParseRegFile(bytes);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  ExpectSame(f, *parsed);
  // The long binary value wraps with a backslash continuation, as regedit does.
  EXPECT_NE(FormatRegText(f).find(",\\\r\n  "), std::string::npos);
}

Bytes ReadFixture(const std::string& name) {
  std::ifstream in(std::string(EXPROBE_SOURCE_DIR) + "/fixtures/registry/" + name,
                   std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

TEST(RegistryValuesTest, ReadsTheWindows7FixtureBack) {
  auto f = ParseRegFile(ReadFixture("win7_tls11_tls12.reg"));
  ASSERT_TRUE(f.has_value()) << f.error().message;
  EXPECT_EQ(f->keys.size(), 6u);
  const std::string schannel =
      "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\"
      "Protocols\\";
  EXPECT_EQ(f->FindDword("HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\"
                         "Internet Settings\\WinHttp",
                         "DefaultSecureProtocols"),
            0xA00u);
  EXPECT_EQ(f->FindDword("hkey_local_machine\\software\\wow6432node\\microsoft\\windows\\"
                         "currentversion\\internet settings\\winhttp",
                         "defaultsecureprotocols"),
            0xA00u);
  EXPECT_EQ(f->FindDword(schannel + "TLS 1.2\\Client", "Enabled"), 1u);
  EXPECT_EQ(f->FindDword(schannel + "TLS 1.1\\Client", "DisabledByDefault"), 0u);
  EXPECT_FALSE(f->FindDword(schannel + "TLS 1.0\\Client", "Enabled").has_value());
  // Written back, it is the same bytes.
  EXPECT_EQ(EncodeRegFile(*f), ReadFixture("win7_tls11_tls12.reg"));
}

TEST(RegistryValuesTest, ReadsWinesRegeditExportAndWritesTheSameBytes) {
  Bytes wine = ReadFixture("wine8_export_schannel_tls12_client.reg");
  auto f = ParseRegFile(wine);
  ASSERT_TRUE(f.has_value()) << f.error().message;
  EXPECT_EQ(EncodeRegFile(*f), wine);
}

TEST(RegistryValuesTest, WrapsLongBinaryValuesExactlyAsWinesRegeditExportsThem) {
  Bytes wine = ReadFixture("wine8_export_multi_sz.reg");
  auto f = ParseRegFile(wine);
  ASSERT_TRUE(f.has_value()) << f.error().message;
  ASSERT_EQ(f->keys.size(), 1u);
  ASSERT_EQ(f->keys[0].values.size(), 3u);
  EXPECT_EQ(f->keys[0].values[1].binary.size(), 76u);  // the multi-string widened to UTF-16
  EXPECT_EQ(EncodeRegFile(*f), wine);
}

TEST(RegistryValuesTest, ReadsARegedit4FileWithStringsHexContinuationsAndDeletions) {
  auto f = ParseRegFile(ReadFixture("regedit4_gpo_cipher_order.reg"));
  ASSERT_TRUE(f.has_value()) << f.error().message;
  EXPECT_TRUE(f->regedit4);
  ASSERT_EQ(f->keys.size(), 2u);
  const auto& values = f->keys[0].values;
  ASSERT_EQ(values.size(), 4u);
  EXPECT_EQ(values[0].text,
            "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256");
  EXPECT_EQ(values[1].type, RegValue::Type::kBinary);
  EXPECT_EQ(values[1].hex_type, 7);
  EXPECT_EQ(values[1].binary.size(), 19u);  // "NistP256\0NistP384\0\0": ANSI in REGEDIT4
  EXPECT_EQ(values[2].name, "");
  EXPECT_EQ(values[2].text, "default \"quoted\" C:\\path");
  EXPECT_EQ(values[3].type, RegValue::Type::kDelete);
  EXPECT_TRUE(f->keys[1].remove);
}

TEST(RegistryValuesTest, FlagsTheValuesOfTheAdminPostFixture) {
  auto f = ParseRegFile(ReadFixture("admin_post_wrong_values.reg"));
  ASSERT_TRUE(f.has_value()) << f.error().message;
  auto dsp = f->FindDword(
      "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet "
      "Settings\\WinHttp",
      "DefaultSecureProtocols");
  auto sp = f->FindDword(
      "HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings",
      "SecureProtocols");
  ASSERT_TRUE(dsp && sp);
  EXPECT_EQ(DecodeProtocols(*dsp, ProtocolValue::kDefaultSecureProtocols).Suggestion(), 0xA80u);
  EXPECT_EQ(DecodeProtocols(*sp, ProtocolValue::kSecureProtocols).Suggestion(), 0xA80u);
}

TEST(RegistryValuesTest, RejectsMalformedFilesNamingTheLine) {
  struct Bad {
    const char* text;
    const char* says;
  };
  const Bad cases[] = {
      {"Windows Registry Editor 5\r\n", "line 1"},
      {"REGEDIT4\r\n\"a\"=dword:1\r\n", "before any [key]"},
      {"REGEDIT4\r\n[HKEY_NOWHERE\\x]\r\n", "root key"},
      {"REGEDIT4\r\n[HKEY_USERS\\x\r\n", "line 2"},
      {"REGEDIT4\r\n[HKEY_USERS\\x]\r\n\"a=dword:1\r\n", "not closed"},
      {"REGEDIT4\r\n[HKEY_USERS\\x]\r\n\"a\"=dword:123456789\r\n", "dword"},
      {"REGEDIT4\r\n[HKEY_USERS\\x]\r\n\"a\"=dword:xyz\r\n", "dword"},
      {"REGEDIT4\r\n[HKEY_USERS\\x]\r\n\"a\"=hex:01,\\\r\n", "continuation"},
      {"REGEDIT4\r\n[HKEY_USERS\\x]\r\n\"a\"=hex:0g\r\n", "hex data"},
      {"REGEDIT4\r\n[HKEY_USERS\\x]\r\n\"a\"=\"b\" c\r\n", "closing quote"},
      {"REGEDIT4\r\n[-HKEY_USERS\\x]\r\n\"a\"=dword:1\r\n", "deleted"},
      {"REGEDIT4\r\n[HKEY_USERS\\x]\r\n\"a\"=qword:1\r\n", "unsupported"},
  };
  for (const auto& c : cases) {
    auto f = ParseRegFile(AsBytes(c.text));
    ASSERT_FALSE(f.has_value()) << c.text;
    EXPECT_NE(f.error().message.find(c.says), std::string::npos) << f.error().message;
  }
}

TEST(RegistryValuesTest, RejectsBrokenUtf16) {
  EXPECT_FALSE(ParseRegFile(Bytes{0xFF, 0xFE, 'R', 0, 'E'}).has_value());         // odd
  EXPECT_FALSE(ParseRegFile(Bytes{0xFF, 0xFE, 0x00, 0xDC}).has_value());          // lone low
  EXPECT_FALSE(ParseRegFile(Bytes{0xFF, 0xFE, 0x00, 0xD8, 'a', 0}).has_value());  // lone high
  EXPECT_FALSE(ParseRegFile(Bytes{0xFE, 0xFF, 0, 'R'}).has_value());              // big-endian
}

TEST(RegistryValuesTest, EveryTruncationOfAGoodFileParsesOrFailsCleanly) {
  Bytes good = EncodeRegFile(SampleFile());
  for (std::size_t n = 0; n <= good.size(); ++n) {
    auto f = ParseRegFile(ByteView(good.data(), n));
    if (f) {
      EXPECT_LE(f->keys.size(), 2u);
    }
  }
  Bytes flipped = good;
  for (std::size_t i = 2; i < flipped.size(); i += 7) {
    flipped[i] ^= 0x5a;
    (void)ParseRegFile(flipped);
  }
}

}  // namespace
}  // namespace probe::tls
