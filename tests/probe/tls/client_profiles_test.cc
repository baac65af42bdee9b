// The client profile table: every profile builds a well-formed hello, the Windows 7 / IE 11
// profile reproduces a real captured SChannel ClientHello byte for byte, and the registry fix
// equals the fixture written from Microsoft's documented keys.
#include "probe/tls/client_profiles.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <set>

#include "probe/tls/cipher_suites.h"

namespace probe::tls {
namespace {

// Walks a ClientHello record with ByteReader: suites and extension types in order.
struct Hello {
  std::uint16_t record_version = 0;
  std::uint16_t client_version = 0;
  std::vector<std::uint16_t> suites;
  std::vector<std::uint16_t> extension_types;
  std::vector<Bytes> extension_bodies;
};

Hello Walk(const Bytes& record) {
  Hello h;
  ByteReader r(record);
  EXPECT_EQ(*r.U8("type"), 0x16);
  h.record_version = *r.U16Be("record version");
  std::uint16_t record_length = *r.U16Be("record length");
  EXPECT_EQ(record_length, r.remaining());
  EXPECT_EQ(*r.U8("handshake type"), 1);
  std::uint32_t handshake_length = *r.U24Be("handshake length");
  EXPECT_EQ(handshake_length, r.remaining());
  h.client_version = *r.U16Be("client_version");
  EXPECT_TRUE(r.Skip(32, "random").has_value());
  std::uint8_t sid = *r.U8("session id length");
  EXPECT_TRUE(r.Skip(sid, "session id").has_value());
  auto suites = *r.Sub(*r.U16Be("suites length"), "suites");
  while (!suites.empty()) h.suites.push_back(*suites.U16Be("suite"));
  EXPECT_EQ(*r.U8("compression length"), 1);
  EXPECT_EQ(*r.U8("compression"), 0);
  if (r.empty()) return h;
  auto ext = *r.Sub(*r.U16Be("extensions length"), "extensions");
  EXPECT_TRUE(r.empty());
  while (!ext.empty()) {
    h.extension_types.push_back(*ext.U16Be("type"));
    auto body = *ext.Take(*ext.U16Be("length"), "body");
    h.extension_bodies.emplace_back(body.begin(), body.end());
  }
  return h;
}

Bytes Build(const ClientHelloSpec& spec) {
  auto hello = BuildClientHello(spec);
  EXPECT_TRUE(hello.has_value()) << hello.error().message;
  return hello.value_or(Bytes{});
}

std::array<std::uint8_t, 32> RandomFrom(const Bytes& capture) {
  std::array<std::uint8_t, 32> random{};
  std::copy(capture.begin() + 11, capture.begin() + 43, random.begin());
  return random;
}

// SSL Labs' "IE 11 Win 7" hello (testssl etc/client-simulation.txt), SNI dev.ssllabs.com.
constexpr std::string_view kIe11Win7Capture =
    "16030300af010000ab03035954cc4cf4eaf6c39a501d311bc340fcbeab6b52a25defdc40e83a2699791c4f000030"
    "c028c027c014c013009f009e009d009c003d003c0035002fc02cc02bc024c023c00ac009006a004000380032000a"
    "00130100005200000014001200000f6465762e73736c6c6162732e636f6d000500050100000000000a0006000400"
    "170018000b00020100000d0014001206010603040105010201040305030203020200170000ff01000100";

// SSL Labs' "IE 8-10 Win 7" hello: the TLS 1.0 layout the win7 profile uses, before KB3042058
// (no DHE_RSA suites, P-521 still offered).
constexpr std::string_view kIe8Win7Capture =
    "160301007d01000079030155f092059b76ac28cceda732dac7f07a52aecc126f8ed890ab80e12e7eca049c000018"
    "c014c0130035002fc00ac00900380032000a0013000500040100003800000014001200000f6465762e73736c6c61"
    "62732e636f6d000500050100000000000a00080006001700180019000b00020100ff01000100";

TEST(ClientProfilesTest, Ie11Windows7ProfileReproducesTheCapturedHelloByteForByte) {
  Bytes capture = *FromHex(kIe11Win7Capture);
  const ClientProfile* p = FindClientProfile("win7-ie11");
  ASSERT_NE(p, nullptr);
  ClientHelloSpec spec = ProfileHelloSpec(*p, "dev.ssllabs.com");
  spec.random = RandomFrom(capture);
  EXPECT_EQ(ToHex(Build(spec)), ToHex(capture));
}

TEST(ClientProfilesTest, Windows7LayoutReproducesTheCapturedTls10HelloGivenItsSuites) {
  Bytes capture = *FromHex(kIe8Win7Capture);
  ClientHelloSpec spec = ProfileHelloSpec(*FindClientProfile("win7"), "dev.ssllabs.com");
  spec.random = RandomFrom(capture);
  spec.cipher_suites = Walk(capture).suites;  // the pre-KB3042058 list
  spec.groups = {0x0017, 0x0018, 0x0019};
  EXPECT_EQ(ToHex(Build(spec)), ToHex(capture));
}

TEST(ClientProfilesTest, EveryProfileBuildsAHelloOfItsOwnVersionsSuitesAndExtensions) {
  for (const auto& p : ClientProfiles()) {
    SCOPED_TRACE(std::string(p.name));
    ASSERT_FALSE(p.versions.empty());
    EXPECT_TRUE(std::is_sorted(p.versions.begin(), p.versions.end()));
    Hello h = Walk(Build(ProfileHelloSpec(p, "mail.contoso.test")));
    EXPECT_EQ(h.record_version, p.record_version);
    EXPECT_EQ(h.client_version,
              p.MaxVersion() == TlsVersion::kTls13 ? 0x0303 : WireVersion(p.MaxVersion()));
    EXPECT_EQ(h.suites, p.OfferedSuites());
    EXPECT_EQ(h.extension_types, p.extensions);
    EXPECT_EQ(std::count(h.suites.begin(), h.suites.end(), 0x00FF), 0)
        << "SChannel sends renegotiation_info, not the SCSV";
    for (auto id : p.suites) EXPECT_NE(FindCipherSuite(id), nullptr) << id;
    EXPECT_FALSE(p.facts.empty());
    for (const auto& f : p.facts) EXPECT_FALSE(f.source.empty()) << f.text;
  }
}

TEST(ClientProfilesTest, Windows7DefaultOffersTls10SuitesOnly) {
  const ClientProfile& p = *FindClientProfile("win7");
  EXPECT_EQ(p.versions, (std::vector<TlsVersion>{TlsVersion::kSsl3, TlsVersion::kTls10}));
  Hello h = Walk(Build(ProfileHelloSpec(p, "mail.contoso.test")));
  EXPECT_EQ(h.record_version, 0x0301);
  EXPECT_EQ(h.client_version, 0x0301);
  for (auto id : h.suites) EXPECT_FALSE(FindCipherSuite(id)->tls12_only) << id;
  EXPECT_EQ(h.suites.front(), 0xC014);
  EXPECT_EQ(p.fixed_profile, "win7-kb3140245");
}

TEST(ClientProfilesTest, Windows7And81LackEcdheRsaGcmWhileWindows10And11HaveIt) {
  auto has_gcm = [](std::string_view name) {
    auto suites = FindClientProfile(name)->OfferedSuites();
    return std::count(suites.begin(), suites.end(), 0xC02F) +
           std::count(suites.begin(), suites.end(), 0xC030);
  };
  EXPECT_EQ(has_gcm("win7-kb3140245"), 0);
  EXPECT_EQ(has_gcm("win81"), 0);
  EXPECT_EQ(has_gcm("win7-ie11"), 0);
  EXPECT_EQ(has_gcm("win10"), 2);
  EXPECT_EQ(has_gcm("win11"), 2);
}

TEST(ClientProfilesTest, Windows11OffersTls13AndTls12InOneHello) {
  const ClientProfile& p = *FindClientProfile("win11");
  Hello h = Walk(Build(ProfileHelloSpec(p, "mail.contoso.test")));
  auto at = std::find(h.extension_types.begin(), h.extension_types.end(), 0x002b);
  ASSERT_NE(at, h.extension_types.end());
  EXPECT_EQ(ToHex(h.extension_bodies[static_cast<std::size_t>(at - h.extension_types.begin())]),
            "080304030303020301");
}

TEST(ClientProfilesTest, AlpnBodyMatchesTheCapturedOne) {
  ClientHelloSpec spec;
  spec.cipher_suites = {0xC02F};
  spec.extension_order = std::vector<std::uint16_t>{0x0010};
  spec.alpn = {"h2", "http/1.1"};
  Hello h = Walk(Build(spec));
  ASSERT_EQ(h.extension_bodies.size(), 1u);
  EXPECT_EQ(ToHex(h.extension_bodies[0]), "000c02683208687474702f312e31");  // IE 11 Win 10
}

TEST(ClientProfilesTest, AnExtensionTheBuilderCannotFillIsAnError) {
  ClientHelloSpec spec;
  spec.cipher_suites = {0xC02F};
  spec.extension_order = std::vector<std::uint16_t>{0x5500};
  EXPECT_FALSE(BuildClientHello(spec).has_value());
}

TEST(ClientProfilesTest, ResolveNamesAllAndRejectsUnknownNames) {
  auto all = ResolveClientProfiles({"all"});
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(all->size(), ClientProfiles().size());
  auto two = ResolveClientProfiles({"WIN10", "win7", "win10"});
  ASSERT_TRUE(two.has_value());
  ASSERT_EQ(two->size(), 2u);
  EXPECT_EQ((*two)[0]->name, "win7");  // table order, once each
  EXPECT_EQ((*two)[1]->name, "win10");
  auto bad = ResolveClientProfiles({"win95"});
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find("win95"), std::string::npos);
}

TEST(ClientProfilesTest, OutlookTableCoversEveryVersionAndProtocolWithASource) {
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& t : OutlookTransports()) {
    seen.insert({std::string(t.outlook), std::string(t.protocol)});
    EXPECT_FALSE(t.source.empty());
  }
  for (auto outlook : {"Outlook 2010", "Outlook 2013", "Outlook 2016/2019/365"}) {
    for (auto protocol : {"Autodiscover", "EWS", "MAPI/HTTP", "RPC/HTTP"}) {
      EXPECT_TRUE(seen.count({outlook, protocol})) << outlook << " " << protocol;
    }
  }
}

Bytes ReadFixture(const std::string& name) {
  std::ifstream in(std::string(EXPROBE_SOURCE_DIR) + "/fixtures/registry/" + name,
                   std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

TEST(ClientProfilesTest, Windows7FixEqualsTheFixtureFromMicrosoftsDocumentedKeys) {
  auto fix = BuildRegistryFix(*FindClientProfile("win7"), {TlsVersion::kTls11, TlsVersion::kTls12});
  ASSERT_TRUE(fix.has_value()) << fix.error().message;
  EXPECT_EQ(fix->value, 0xA00u);
  Bytes fixture = ReadFixture("win7_tls11_tls12.reg");
  ASSERT_FALSE(fixture.empty());
  EXPECT_EQ(ToHex(EncodeRegFile(fix->file)), ToHex(fixture));
  ASSERT_EQ(fix->prerequisites.size(), 1u);
  EXPECT_NE(fix->prerequisites[0].find("KB3140245"), std::string::npos);
}

TEST(ClientProfilesTest, FixNeedsNoUpdateOnWindows10AndRefusesWhatWindowsCannotSpeak) {
  auto win10 = BuildRegistryFix(*FindClientProfile("win10"), {TlsVersion::kTls12});
  ASSERT_TRUE(win10.has_value());
  EXPECT_TRUE(win10->prerequisites.empty());
  EXPECT_EQ(win10->value, 0x800u);
  EXPECT_EQ(win10->file.FindDword(SchannelClientKey(TlsVersion::kTls12), "Enabled"), 1u);
  EXPECT_FALSE(BuildRegistryFix(*FindClientProfile("win7"), {TlsVersion::kTls13}).has_value());
  EXPECT_FALSE(BuildRegistryFix(*FindClientProfile("win7"), {TlsVersion::kSsl3}).has_value());
  EXPECT_FALSE(BuildRegistryFix(*FindClientProfile("win7"), {}).has_value());
  auto win11 =
      BuildRegistryFix(*FindClientProfile("win11"), {TlsVersion::kTls12, TlsVersion::kTls13});
  ASSERT_TRUE(win11.has_value());
  EXPECT_EQ(win11->value, 0x2800u);
}

TEST(ClientProfilesTest, OpenSslNamesTheSuiteToAdd) {
  EXPECT_EQ(OpenSslCipherName(0xC028), "ECDHE-RSA-AES256-SHA384");
  EXPECT_EQ(OpenSslCipherName(0x0000), "");
}

}  // namespace
}  // namespace probe::tls
