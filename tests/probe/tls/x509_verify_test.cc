// Chain building on certificates made by fixtures/certs/gen.sh (openssl req/ca): trust, the
// problems that stop it, completeness, the details chain analysis reads, and the trust anchors.
#include "probe/tls/x509_verify.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/probe/tls/cert_test_support.h"

namespace probe::tls {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class X509VerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto& f = certtest::SharedFixtures();
    ASSERT_TRUE(f.ok()) << f.error;
  }
  const certtest::Fixtures& F() const { return certtest::SharedFixtures(); }

  std::vector<CertificateSummary> Load(const std::string& file) const {
    auto certs = DecodeIssuerCertificates(AsBytes(ReadFile(F().Path(file))));
    EXPECT_TRUE(certs.has_value()) << file;
    return certs ? *certs : std::vector<CertificateSummary>{};
  }
  TrustAnchors Anchors(const std::string& file = "root.pem") const {
    auto a = TrustAnchors::FromFile(F().Path(file));
    EXPECT_TRUE(a.has_value()) << (a ? "" : a.error().message);
    return *a;
  }
};

TEST_F(X509VerifyTest, CompleteChainReachesTheRoot) {
  auto sent = Load("good.chain.pem");
  ASSERT_EQ(sent.size(), 2u);
  auto v = VerifyChain(sent, {}, Anchors());
  EXPECT_TRUE(v.trusted) << (v.errors.empty() ? "" : v.errors.front());
  EXPECT_EQ(v.problem, TrustProblem::kNone);
  EXPECT_TRUE(v.complete());
  ASSERT_EQ(v.built.size(), 3u);
  EXPECT_EQ(v.built[0].source, CertSource::kSent);
  EXPECT_EQ(v.built[1].source, CertSource::kSent);
  EXPECT_EQ(v.built[2].source, CertSource::kTrustStore);
  EXPECT_EQ(v.built[2].cert.common_name, "exprobe Test Root CA");
}

TEST_F(X509VerifyTest, ExpiredChainIsStillTrustedDatesAreJudgedElsewhere) {
  auto v = VerifyChain(Load("expired.chain.pem"), {}, Anchors());
  EXPECT_TRUE(v.trusted);
  EXPECT_TRUE(VerifyChain(Load("notyet.chain.pem"), {}, Anchors()).trusted);
}

TEST_F(X509VerifyTest, SelfSignedLeaf) {
  auto v = VerifyChain(Load("selfsigned.pem"), {}, Anchors());
  EXPECT_FALSE(v.trusted);
  EXPECT_EQ(v.problem, TrustProblem::kSelfSignedLeaf);
  // Trusted when the user names it as the anchor.
  EXPECT_TRUE(VerifyChain(Load("selfsigned.pem"), {}, Anchors("selfsigned.pem")).trusted);
}

TEST_F(X509VerifyTest, UnknownRootSentByTheServer) {
  auto v = VerifyChain(Load("untrusted.chain.pem"), {}, Anchors());
  EXPECT_FALSE(v.trusted);
  EXPECT_EQ(v.problem, TrustProblem::kUntrustedRoot);
  EXPECT_TRUE(v.complete()) << "a root at the top need not be sent";
}

TEST_F(X509VerifyTest, MissingIntermediateAndItsAiaRepair) {
  auto leaf_only = Load("good.pem");
  auto v = VerifyChain(leaf_only, {}, Anchors());
  EXPECT_FALSE(v.trusted);
  EXPECT_EQ(v.problem, TrustProblem::kIssuerMissing);
  ASSERT_TRUE(v.issuer_missing_at.has_value());
  EXPECT_EQ(*v.issuer_missing_at, 0u);
  EXPECT_FALSE(v.complete());

  auto fetched = DecodeIssuerCertificates(AsBytes(ReadFile(F().Path("www/int.der"))));
  ASSERT_TRUE(fetched.has_value());
  auto repaired = VerifyChain(leaf_only, *fetched, Anchors());
  EXPECT_TRUE(repaired.trusted);
  ASSERT_EQ(repaired.not_sent, std::vector<std::size_t>{1});
  EXPECT_EQ(repaired.built[1].source, CertSource::kAia);
}

TEST_F(X509VerifyTest, IntermediateFromTheStoreStillMeansIncomplete) {
  std::string bundle = F().Path("root_and_int.pem");
  std::ofstream(bundle) << ReadFile(F().Path("root.pem")) << ReadFile(F().Path("int.pem"));
  auto anchors = TrustAnchors::FromFile(bundle);
  ASSERT_TRUE(anchors.has_value());
  EXPECT_NE(anchors->description().find("2 certificates"), std::string::npos)
      << anchors->description();
  auto v = VerifyChain(Load("good.pem"), {}, *anchors);
  EXPECT_TRUE(v.trusted);
  EXPECT_EQ(v.not_sent, std::vector<std::size_t>{1});
  EXPECT_EQ(v.built[1].source, CertSource::kTrustStore);
  EXPECT_FALSE(v.complete());
}

TEST_F(X509VerifyTest, BrokenSignatureIsNotTrusted) {
  auto sent = Load("good.chain.pem");
  ASSERT_FALSE(sent.empty());
  sent[0].der[sent[0].der.size() - 5] ^= 0x55;  // inside the signature value
  auto v = VerifyChain(sent, {}, Anchors());
  EXPECT_FALSE(v.trusted);
  EXPECT_EQ(v.problem, TrustProblem::kBadSignature) << (v.errors.empty() ? "" : v.errors.front());
}

TEST_F(X509VerifyTest, NoCertificate) {
  auto v = VerifyChain({}, {}, Anchors());
  EXPECT_EQ(v.problem, TrustProblem::kNoCertificate);
  EXPECT_FALSE(v.trusted);
}

TEST_F(X509VerifyTest, DetailsNameTheUrlsKeysAndDigests) {
  auto good = ReadDetails(Load("good.pem").front().der);
  ASSERT_TRUE(good.has_value());
  EXPECT_EQ(good->crl_urls, std::vector<std::string>{F().http_base + "/int.crl"});
  EXPECT_EQ(good->ca_issuer_urls, std::vector<std::string>{F().http_base + "/int.der"});
  EXPECT_EQ(good->ocsp_urls.size(), F().ocsp_port ? 1u : 0u);
  EXPECT_EQ(good->signature_digest, "sha256");
  EXPECT_FALSE(good->ca);
  EXPECT_FALSE(good->self_signed);
  EXPECT_EQ(good->names.dns_names,
            (std::vector<std::string>{"mail.contoso.test", "autodiscover.contoso.test"}));
  EXPECT_EQ(good->names.LastCommonName(), "mail.contoso.test");
  EXPECT_TRUE(good->names.has_san_extension);

  EXPECT_EQ(ReadDetails(Load("sha1.pem").front().der)->signature_digest, "sha1");
  EXPECT_EQ(ReadDetails(Load("md5.pem").front().der)->signature_digest, "md5");
  EXPECT_EQ(Load("rsa1024.pem").front().key_bits, 1024);
  EXPECT_FALSE(ReadDetails(Load("cnonly.pem").front().der)->names.has_san_extension);
  auto root = ReadDetails(Load("root.pem").front().der);
  EXPECT_TRUE(root->ca);
  EXPECT_TRUE(root->self_signed);
  EXPECT_TRUE(ReadDetails(Load("selfsigned.pem").front().der)->self_signed);
  EXPECT_FALSE(ReadDetails(Bytes{0x30, 0x03, 0x01, 0x01, 0x00}).has_value());
}

TEST_F(X509VerifyTest, IssuerAnswersInEveryFormatWindowsAccepts) {
  for (const std::string file : {"www/int.der", "www/int.p7c", "int.pem"}) {
    auto certs = DecodeIssuerCertificates(AsBytes(ReadFile(F().Path(file))));
    ASSERT_TRUE(certs.has_value()) << file;
    ASSERT_EQ(certs->size(), 1u) << file;
    EXPECT_EQ(certs->front().common_name, "exprobe Test Intermediate CA") << file;
  }
  auto p7_pem = testsupport::RunCommand(
      {"openssl", "crl2pkcs7", "-nocrl", "-certfile", F().Path("good.chain.pem")},
      std::chrono::seconds(30));
  ASSERT_EQ(p7_pem.exit_code, 0);
  auto bundle = DecodeIssuerCertificates(AsBytes(p7_pem.output));
  ASSERT_TRUE(bundle.has_value());
  EXPECT_EQ(bundle->size(), 2u);
  EXPECT_FALSE(DecodeIssuerCertificates(AsBytes("<html>not found</html>")).has_value());
  EXPECT_FALSE(DecodeIssuerCertificates(AsBytes(ReadFile(F().Path("www/int.crl")))).has_value());
}

TEST_F(X509VerifyTest, TrustAnchorFilesThatCannotBeUsed) {
  auto missing = TrustAnchors::FromFile(F().Path("no-such-file.pem"));
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(missing.error().message.find("cannot read"), std::string::npos);
  auto key = TrustAnchors::FromFile(F().Path("root.key"));
  ASSERT_FALSE(key.has_value());
  EXPECT_NE(key.error().message.find("no PEM or DER certificate"), std::string::npos);
  auto der = TrustAnchors::FromFile(F().Path("www/int.der"));
  ASSERT_TRUE(der.has_value());
  auto system = TrustAnchors::System();
  ASSERT_TRUE(system.has_value());
  EXPECT_NE(system->description().find("system store"), std::string::npos);
  // A chain from the test CA is not trusted by the system store.
  EXPECT_FALSE(VerifyChain(Load("good.chain.pem"), {}, *system).trusted);
}

}  // namespace
}  // namespace probe::tls
