#include "tlslab/certificates.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <string>
#include <vector>

namespace tlslab {
namespace {

CertificateSpec Spec(CertificateKind kind, std::string cn, std::vector<std::string> san) {
  CertificateSpec spec;
  spec.name = "test";
  spec.kind = kind;
  spec.cn = std::move(cn);
  spec.san = std::move(san);
  return spec;
}

// The names in the subjectAltName extension, IPs as text; nullopt when there is no extension.
std::optional<std::vector<std::string>> SubjectAltNames(X509* cert) {
  auto* names =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (!names) return std::nullopt;
  std::vector<std::string> out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names, i);
    if (gn->type == GEN_DNS) {
      out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(gn->d.dNSName)),
                       ASN1_STRING_length(gn->d.dNSName));
    } else if (gn->type == GEN_IPADD) {
      const unsigned char* ip = ASN1_STRING_get0_data(gn->d.iPAddress);
      char text[INET6_ADDRSTRLEN] = {};
      int family = ASN1_STRING_length(gn->d.iPAddress) == 4 ? AF_INET : AF_INET6;
      inet_ntop(family, ip, text, sizeof text);
      out.emplace_back(text);
    }
  }
  GENERAL_NAMES_free(names);
  return out;
}

std::string CommonName(X509* cert) {
  char buf[256] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buf, sizeof buf);
  return buf;
}

// Verifies `served` the way a client trusting only the lab root would: the chain the listener
// sends is the only help it gets. Returns the X509_V_* result.
int VerifyAgainstRoot(const CertificateAuthority& ca, const ServedCertificate& served) {
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, ca.root());
  STACK_OF(X509)* untrusted = sk_X509_new_null();
  for (const auto& c : served.chain) sk_X509_push(untrusted, c.get());
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, served.leaf.get(), untrusted);
  int result = X509_verify_cert(ctx) == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx);
  X509_STORE_CTX_free(ctx);
  sk_X509_free(untrusted);
  X509_STORE_free(store);
  return result;
}

class CertificatesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto created = CertificateAuthority::Create();
    ASSERT_TRUE(created) << created.error().message;
    ca_.emplace(std::move(*created));
  }

  ServedCertificate Issue(CertificateKind kind, std::string cn = "mail.contoso.test",
                          std::vector<std::string> san = {"mail.contoso.test"}) {
    auto served = ca_->Issue(Spec(kind, std::move(cn), std::move(san)));
    EXPECT_TRUE(served) << served.error().message;
    return served ? std::move(*served) : ServedCertificate{};
  }

  std::optional<CertificateAuthority> ca_;
};

TEST_F(CertificatesTest, RootAndIntermediateAreRsa2048Authorities) {
  X509* root = ca_->root();
  X509* intermediate = ca_->intermediate();
  EXPECT_EQ(X509_check_ca(root), 1);
  EXPECT_EQ(X509_check_ca(intermediate), 1);
  EXPECT_EQ(X509_check_issued(root, root), X509_V_OK);  // self-signed
  EXPECT_EQ(X509_check_issued(root, intermediate), X509_V_OK);
  EXPECT_EQ(EVP_PKEY_get_bits(X509_get0_pubkey(root)), 2048);
  EXPECT_EQ(EVP_PKEY_get_bits(X509_get0_pubkey(intermediate)), 2048);
  EXPECT_EQ(X509_verify(intermediate, X509_get0_pubkey(root)), 1);
  auto pem = ca_->RootPem();
  ASSERT_TRUE(pem);
  EXPECT_TRUE(pem->starts_with("-----BEGIN CERTIFICATE-----\n"));
}

TEST_F(CertificatesTest, LeafIsSha256SignedByTheIntermediateAndServedWithIt) {
  ServedCertificate leaf =
      Issue(CertificateKind::kLeaf, "mail.contoso.test", {"mail.contoso.test", "127.0.0.1"});
  EXPECT_EQ(X509_get_signature_nid(leaf.leaf.get()), NID_sha256WithRSAEncryption);
  EXPECT_EQ(X509_check_ca(leaf.leaf.get()), 0);
  EXPECT_EQ(X509_check_issued(ca_->intermediate(), leaf.leaf.get()), X509_V_OK);
  ASSERT_EQ(leaf.chain.size(), 1u);
  EXPECT_EQ(X509_cmp(leaf.chain[0].get(), ca_->intermediate()), 0);
  EXPECT_EQ(SubjectAltNames(leaf.leaf.get()),
            (std::vector<std::string>{"mail.contoso.test", "127.0.0.1"}));
  EXPECT_EQ(X509_check_ip_asc(leaf.leaf.get(), "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_private_key(leaf.leaf.get(), leaf.key.get()), 1);
  EXPECT_EQ(EVP_PKEY_get_bits(leaf.key.get()), 2048);
  EXPECT_EQ(VerifyAgainstRoot(*ca_, leaf), X509_V_OK);
  // Valid now, for about 90 days.
  EXPECT_LT(X509_cmp_current_time(X509_get0_notBefore(leaf.leaf.get())), 0);
  std::time_t in_89_days = std::time(nullptr) + 89 * 86400;
  std::time_t in_91_days = std::time(nullptr) + 91 * 86400;
  EXPECT_GT(X509_cmp_time(X509_get0_notAfter(leaf.leaf.get()), &in_89_days), 0);
  EXPECT_LT(X509_cmp_time(X509_get0_notAfter(leaf.leaf.get()), &in_91_days), 0);
}

TEST_F(CertificatesTest, WildcardCoversOneLabel) {
  ServedCertificate wild =
      Issue(CertificateKind::kWildcard, "*.contoso.test", {"*.contoso.test", "contoso.test"});
  EXPECT_EQ(SubjectAltNames(wild.leaf.get()),
            (std::vector<std::string>{"*.contoso.test", "contoso.test"}));
  EXPECT_EQ(CommonName(wild.leaf.get()), "*.contoso.test");
  EXPECT_EQ(X509_check_host(wild.leaf.get(), "mail.contoso.test", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_host(wild.leaf.get(), "contoso.test", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_host(wild.leaf.get(), "a.b.contoso.test", 0, 0, nullptr), 0);
  EXPECT_EQ(VerifyAgainstRoot(*ca_, wild), X509_V_OK);
}

TEST_F(CertificatesTest, SanCarriesEveryName) {
  ServedCertificate san = Issue(CertificateKind::kSan, "legacy.contoso.test",
                                {"legacy.contoso.test", "autodiscover.contoso.test", "::1"});
  EXPECT_EQ(SubjectAltNames(san.leaf.get()),
            (std::vector<std::string>{"legacy.contoso.test", "autodiscover.contoso.test", "::1"}));
  EXPECT_EQ(X509_check_host(san.leaf.get(), "autodiscover.contoso.test", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(san.leaf.get(), "::1", 0), 1);
}

TEST_F(CertificatesTest, CnOnlyHasNoSubjectAltName) {
  ServedCertificate cn_only = Issue(CertificateKind::kCnOnly, "mail.contoso.test", {});
  EXPECT_EQ(X509_get_ext_by_NID(cn_only.leaf.get(), NID_subject_alt_name, -1), -1);
  EXPECT_EQ(SubjectAltNames(cn_only.leaf.get()), std::nullopt);
  EXPECT_EQ(CommonName(cn_only.leaf.get()), "mail.contoso.test");
  EXPECT_EQ(VerifyAgainstRoot(*ca_, cn_only), X509_V_OK);  // valid; only the name check differs
}

TEST_F(CertificatesTest, ExpiredEndedInThePast) {
  ServedCertificate expired = Issue(CertificateKind::kExpired);
  EXPECT_LT(X509_cmp_current_time(X509_get0_notAfter(expired.leaf.get())), 0);
  std::time_t month_ago = std::time(nullptr) - 29 * 86400;
  EXPECT_LT(X509_cmp_time(X509_get0_notAfter(expired.leaf.get()), &month_ago), 0);
  EXPECT_EQ(VerifyAgainstRoot(*ca_, expired), X509_V_ERR_CERT_HAS_EXPIRED);
}

TEST_F(CertificatesTest, SelfSignedIsItsOwnIssuerWithoutChain) {
  ServedCertificate self = Issue(CertificateKind::kSelfSigned);
  EXPECT_EQ(
      X509_NAME_cmp(X509_get_subject_name(self.leaf.get()), X509_get_issuer_name(self.leaf.get())),
      0);
  EXPECT_EQ(X509_verify(self.leaf.get(), X509_get0_pubkey(self.leaf.get())), 1);
  EXPECT_TRUE(self.chain.empty());
  EXPECT_NE(VerifyAgainstRoot(*ca_, self), X509_V_OK);
}

TEST_F(CertificatesTest, Sha1IsSignedWithSha1) {
  ServedCertificate sha1 = Issue(CertificateKind::kSha1);
  EXPECT_EQ(X509_get_signature_nid(sha1.leaf.get()), NID_sha1WithRSAEncryption);
  EXPECT_EQ(X509_verify(sha1.leaf.get(), X509_get0_pubkey(ca_->intermediate())), 1);
}

TEST_F(CertificatesTest, Rsa1024HasA1024BitKey) {
  ServedCertificate weak = Issue(CertificateKind::kRsa1024);
  EXPECT_EQ(EVP_PKEY_get_bits(X509_get0_pubkey(weak.leaf.get())), 1024);
  EXPECT_EQ(EVP_PKEY_get_bits(weak.key.get()), 1024);
  EXPECT_EQ(X509_get_signature_nid(weak.leaf.get()), NID_sha256WithRSAEncryption);
}

TEST_F(CertificatesTest, MissingIntermediateIsServedWithoutItsIssuer) {
  ServedCertificate missing = Issue(CertificateKind::kMissingIntermediate);
  EXPECT_TRUE(missing.chain.empty());
  EXPECT_EQ(X509_check_issued(ca_->intermediate(), missing.leaf.get()), X509_V_OK);
  EXPECT_EQ(VerifyAgainstRoot(*ca_, missing), X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
}

TEST_F(CertificatesTest, KeysAreSharedAndSerialsAreNot) {
  ServedCertificate a = Issue(CertificateKind::kLeaf);
  ServedCertificate b = Issue(CertificateKind::kExpired);
  // One leaf key per process (generating RSA-2048 keys is what makes start-up slow).
  EXPECT_EQ(EVP_PKEY_eq(a.key.get(), b.key.get()), 1);
  EXPECT_NE(
      ASN1_INTEGER_cmp(X509_get0_serialNumber(a.leaf.get()), X509_get0_serialNumber(b.leaf.get())),
      0);
  auto second = CertificateAuthority::Create();
  ASSERT_TRUE(second);
  EXPECT_EQ(EVP_PKEY_eq(X509_get0_pubkey(second->root()), X509_get0_pubkey(ca_->root())), 1);
}

}  // namespace
}  // namespace tlslab
