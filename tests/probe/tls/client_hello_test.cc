#include "probe/tls/client_hello.h"

#include <gtest/gtest.h>

#include <map>

#include "probe/tls/cipher_suites.h"

namespace probe::tls {
namespace {

// Walks a built hello with the same ByteReader the decoders use, returning its extensions.
struct ParsedHello {
  std::uint16_t record_version = 0;
  std::uint16_t client_version = 0;
  std::size_t session_id_length = 0;
  std::vector<std::uint16_t> suites;
  std::map<std::uint16_t, Bytes> extensions;
  bool has_extensions_block = false;
};

ParsedHello Parse(const Bytes& hello) {
  ParsedHello p;
  ByteReader r(hello);
  EXPECT_EQ(*r.U8("type"), 0x16);
  p.record_version = *r.U16Be("record version");
  std::uint16_t record_len = *r.U16Be("record length");
  EXPECT_EQ(record_len, r.remaining());
  EXPECT_EQ(*r.U8("hs type"), 1);
  std::uint32_t hs_len = *r.U24Be("hs length");
  EXPECT_EQ(hs_len, r.remaining());
  p.client_version = *r.U16Be("client_version");
  EXPECT_TRUE(r.Skip(32, "random").has_value());
  p.session_id_length = *r.U8("sid len");
  EXPECT_TRUE(r.Skip(p.session_id_length, "sid").has_value());
  std::uint16_t suites_len = *r.U16Be("suites len");
  auto suites = *r.Sub(suites_len, "suites");
  while (!suites.empty()) p.suites.push_back(*suites.U16Be("suite"));
  EXPECT_EQ(*r.U8("compression len"), 1);
  EXPECT_EQ(*r.U8("compression"), 0);
  if (r.empty()) return p;
  p.has_extensions_block = true;
  auto ext = *r.Sub(*r.U16Be("ext len"), "extensions");
  EXPECT_TRUE(r.empty());
  while (!ext.empty()) {
    std::uint16_t type = *ext.U16Be("type");
    auto body = *ext.Take(*ext.U16Be("len"), "body");
    p.extensions[type] = Bytes(body.begin(), body.end());
  }
  return p;
}

TEST(ClientHelloTest, Tls12HelloCarriesScsvSniAndSignatureAlgorithms) {
  ClientHelloSpec spec;
  spec.version = TlsVersion::kTls12;
  spec.cipher_suites = {0xC02F, 0x002F};
  spec.server_name = "mail.contoso.test";
  ParsedHello p = Parse(*BuildClientHello(spec));
  EXPECT_EQ(p.record_version, 0x0301);
  EXPECT_EQ(p.client_version, 0x0303);
  EXPECT_EQ(p.suites, (std::vector<std::uint16_t>{0xC02F, 0x002F, 0x00FF}));
  ASSERT_TRUE(p.extensions.count(0x0000));
  // list length 20, host_name(0), name length 17, "mail.contoso.test"
  EXPECT_EQ(ToHex(p.extensions[0x0000]), "00140000116d61696c2e636f6e746f736f2e74657374");
  EXPECT_TRUE(p.extensions.count(0x000d));
  EXPECT_EQ(ToHex(p.extensions[0xff01]), "00");
  EXPECT_FALSE(p.extensions.count(0x002b));
}

TEST(ClientHelloTest, Tls10HelloHasNoSignatureAlgorithmsAndIpLiteralsGetNoSni) {
  ClientHelloSpec spec;
  spec.version = TlsVersion::kTls10;
  spec.cipher_suites = {0x002F};
  spec.server_name = "127.0.0.1";
  ParsedHello p = Parse(*BuildClientHello(spec));
  EXPECT_EQ(p.client_version, 0x0301);
  EXPECT_FALSE(p.extensions.count(0x000d));
  EXPECT_FALSE(p.extensions.count(0x0000));
}

TEST(ClientHelloTest, Tls13HelloUsesSupportedVersionsKeyShareAndLegacySessionId) {
  ClientHelloSpec spec;
  spec.version = TlsVersion::kTls13;
  spec.cipher_suites = {0x1301, 0x1302};
  ParsedHello p = Parse(*BuildClientHello(spec));
  EXPECT_EQ(p.client_version, 0x0303);
  EXPECT_EQ(p.session_id_length, 32u);
  EXPECT_EQ(p.suites, (std::vector<std::uint16_t>{0x1301, 0x1302}));  // no SCSV in 1.3
  EXPECT_EQ(ToHex(p.extensions[0x002b]), "020304");
  ASSERT_TRUE(p.extensions.count(0x0033));
  EXPECT_EQ(p.extensions[0x0033].size(), 2u + 4 + 32);  // one x25519 share
  EXPECT_EQ(ToHex(ByteView(p.extensions[0x0033]).first(6)), "0024001d0020");

  spec.key_share_groups = {};
  ParsedHello no_share = Parse(*BuildClientHello(spec));
  EXPECT_EQ(ToHex(no_share.extensions[0x0033]), "0000");
}

TEST(ClientHelloTest, Ssl3HelloHasNoExtensions) {
  ClientHelloSpec spec;
  spec.version = TlsVersion::kSsl3;
  spec.cipher_suites = {0x000A, 0x0005};
  ParsedHello p = Parse(*BuildClientHello(spec));
  EXPECT_EQ(p.record_version, 0x0300);
  EXPECT_EQ(p.client_version, 0x0300);
  EXPECT_FALSE(p.has_extensions_block);
}

TEST(ClientHelloTest, NoHelloLandsInThe256To511ByteWindow) {
  std::vector<std::uint16_t> all = SuitesFor(TlsVersion::kTls12);
  for (TlsVersion v : {TlsVersion::kTls10, TlsVersion::kTls12, TlsVersion::kTls13}) {
    for (std::size_t n = 1; n <= 128; ++n) {
      ClientHelloSpec spec;
      spec.version = v;
      spec.cipher_suites.assign(all.begin(), all.begin() + static_cast<long>(n));
      spec.server_name = "autodiscover.contoso.test";
      auto hello = BuildClientHello(spec);
      ASSERT_TRUE(hello.has_value());
      EXPECT_TRUE(hello->size() < 256 || hello->size() >= 512)
          << VersionName(v) << " with " << n << " suites is " << hello->size() << " bytes";
      Parse(*hello);  // still well formed with the padding extension
    }
  }
}

TEST(ClientHelloTest, RejectsEmptySuiteLists) {
  ClientHelloSpec spec;
  EXPECT_FALSE(BuildClientHello(spec).has_value());
  spec.version = TlsVersion::kSsl2;
  spec.cipher_suites = {1};
  EXPECT_FALSE(BuildClientHello(spec).has_value());
}

TEST(ClientHelloTest, Ssl2HelloLayout) {
  Bytes hello = BuildSsl2ClientHello();
  ASSERT_GE(hello.size(), 11u);
  EXPECT_EQ(hello[0] & 0x80, 0x80);
  EXPECT_EQ(((hello[0] & 0x7f) << 8 | hello[1]) + 2u, hello.size());
  EXPECT_EQ(hello[2], 0x01);                                // CLIENT-HELLO
  EXPECT_EQ(ToHex(ByteView(hello).subspan(3, 2)), "0002");  // SSL 2.0
  EXPECT_EQ(ToHex(ByteView(hello).subspan(5, 2)), "0015");  // 7 cipher specs * 3
  EXPECT_EQ(ToHex(ByteView(hello).subspan(9, 2)), "0010");  // 16-byte challenge
}

TEST(CipherSuiteTableTest, HoldsTheWholeRegistryWithSaneProperties) {
  EXPECT_EQ(AllCipherSuites().size(), 352u);  // 350 suites + 2 SCSVs (tls-scanners.md §2.8)
  const CipherSuite* gcm = FindCipherSuite(0xC02F);
  ASSERT_NE(gcm, nullptr);
  EXPECT_EQ(gcm->name, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  EXPECT_TRUE(gcm->forward_secrecy);
  EXPECT_TRUE(gcm->tls12_only);
  EXPECT_TRUE(gcm->recommended);
  EXPECT_FALSE(gcm->UsableWith(TlsVersion::kTls10));
  EXPECT_EQ(FindCipherSuite(0x000A)->weakness.substr(0, 4), "3DES");
  EXPECT_EQ(FindCipherSuite(0x0005)->weakness, "RC4");
  EXPECT_EQ(FindCipherSuite(0x0003)->weakness, "EXPORT-grade");
  EXPECT_FALSE(FindCipherSuite(0x002F)->forward_secrecy);
  EXPECT_TRUE(FindCipherSuite(0x1301)->tls13);
  EXPECT_TRUE(FindCipherSuite(0x1301)->UsableWith(TlsVersion::kTls13));
  EXPECT_FALSE(FindCipherSuite(0x00FF)->UsableWith(TlsVersion::kTls12));
  EXPECT_EQ(FindCipherSuite(0x1234), nullptr);
  EXPECT_EQ(SuiteName(0x1234), "0x1234");
  // 0x1301-0x1307, SM4 (RFC 8998) x2, integrity-only (RFC 9150) x2, GOST (RFC 9367) x4.
  EXPECT_EQ(SuitesFor(TlsVersion::kTls13).size(), 15u);
}

}  // namespace
}  // namespace probe::tls
