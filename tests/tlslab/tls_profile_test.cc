#include "tlslab/tls_profile.h"

#include <gtest/gtest.h>

#include <memory>

namespace tlslab {
namespace {

TlsSettings Range(TlsVersion min, TlsVersion max) {
  TlsSettings tls;
  tls.min_version = min;
  tls.max_version = max;
  return tls;
}

struct CtxFree {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
using CtxPtr = std::unique_ptr<SSL_CTX, CtxFree>;

class TlsProfileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto created = CertificateAuthority::Create();
    ASSERT_TRUE(created) << created.error().message;
    ca_.emplace(std::move(*created));
  }

  ServedCertificate Issue(CertificateKind kind) {
    CertificateSpec spec;
    spec.name = "t";
    spec.kind = kind;
    spec.cn = "mail.contoso.test";
    auto served = ca_->Issue(spec);
    EXPECT_TRUE(served) << served.error().message;
    return served ? std::move(*served) : ServedCertificate{};
  }

  static CtxPtr NewContext() { return CtxPtr(SSL_CTX_new(TLS_server_method())); }

  static std::size_t ChainLength(SSL_CTX* ctx) {
    STACK_OF(X509)* chain = nullptr;
    SSL_CTX_get0_chain_certs(ctx, &chain);
    return chain ? static_cast<std::size_t>(sk_X509_num(chain)) : 0;
  }

  std::optional<CertificateAuthority> ca_;
};

TEST(SecurityLevelTest, LoweredOnlyWhereOpenSsl3WouldRefuse) {
  const auto modern = Range(TlsVersion::kTls12, TlsVersion::kTls13);
  EXPECT_EQ(RequiredSecurityLevel(modern, CertificateKind::kLeaf), std::nullopt);
  EXPECT_EQ(RequiredSecurityLevel(modern, CertificateKind::kExpired), std::nullopt);
  EXPECT_EQ(RequiredSecurityLevel(modern, CertificateKind::kSha1), 0);
  EXPECT_EQ(RequiredSecurityLevel(modern, CertificateKind::kRsa1024), 1);
  EXPECT_EQ(
      RequiredSecurityLevel(Range(TlsVersion::kTls10, TlsVersion::kTls10), CertificateKind::kLeaf),
      0);
  EXPECT_EQ(RequiredSecurityLevel(Range(TlsVersion::kTls11, TlsVersion::kTls13),
                                  CertificateKind::kRsa1024),
            0);
}

TEST_F(TlsProfileTest, LegacyRangeSetsVersionsAndLevelZero) {
  auto ctx = NewContext();
  auto leaf = Issue(CertificateKind::kLeaf);
  auto ok = ConfigureServerContext(ctx.get(), Range(TlsVersion::kTls10, TlsVersion::kTls12), leaf);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(SSL_CTX_get_min_proto_version(ctx.get()), TLS1_VERSION);
  EXPECT_EQ(SSL_CTX_get_max_proto_version(ctx.get()), TLS1_2_VERSION);
  EXPECT_EQ(SSL_CTX_get_security_level(ctx.get()), 0);
  EXPECT_EQ(ChainLength(ctx.get()), 1u);
  EXPECT_EQ(X509_cmp(SSL_CTX_get0_certificate(ctx.get()), leaf.leaf.get()), 0);
}

TEST_F(TlsProfileTest, ModernRangeKeepsTheDefaultLevel) {
  auto ctx = NewContext();
  const int default_level = SSL_CTX_get_security_level(ctx.get());
  auto ok = ConfigureServerContext(ctx.get(), Range(TlsVersion::kTls13, TlsVersion::kTls13),
                                   Issue(CertificateKind::kLeaf));
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(SSL_CTX_get_min_proto_version(ctx.get()), TLS1_3_VERSION);
  EXPECT_EQ(SSL_CTX_get_max_proto_version(ctx.get()), TLS1_3_VERSION);
  EXPECT_EQ(SSL_CTX_get_security_level(ctx.get()), default_level);
}

TEST_F(TlsProfileTest, WeakCertificatesLoadOnlyAtTheirLevel) {
  const auto modern = Range(TlsVersion::kTls12, TlsVersion::kTls13);
  auto sha1_ctx = NewContext();
  ASSERT_TRUE(ConfigureServerContext(sha1_ctx.get(), modern, Issue(CertificateKind::kSha1)));
  EXPECT_EQ(SSL_CTX_get_security_level(sha1_ctx.get()), 0);
  auto weak_ctx = NewContext();
  ASSERT_TRUE(ConfigureServerContext(weak_ctx.get(), modern, Issue(CertificateKind::kRsa1024)));
  EXPECT_EQ(SSL_CTX_get_security_level(weak_ctx.get()), 1);

  // A scenario that forces level 2 back gets OpenSSL's refusal, not a silently weaker server.
  auto forced = modern;
  forced.ciphers = "DEFAULT:@SECLEVEL=2";
  auto refused = ConfigureServerContext(NewContext().get(), forced, Issue(CertificateKind::kSha1));
  ASSERT_FALSE(refused);
  EXPECT_TRUE(refused.error().message.starts_with("loading the certificate: "))
      << refused.error().message;
}

TEST_F(TlsProfileTest, ChainFollowsTheKind) {
  const auto modern = Range(TlsVersion::kTls12, TlsVersion::kTls13);
  auto missing = NewContext();
  ASSERT_TRUE(
      ConfigureServerContext(missing.get(), modern, Issue(CertificateKind::kMissingIntermediate)));
  EXPECT_EQ(ChainLength(missing.get()), 0u);
  auto self = NewContext();
  ASSERT_TRUE(ConfigureServerContext(self.get(), modern, Issue(CertificateKind::kSelfSigned)));
  EXPECT_EQ(ChainLength(self.get()), 0u);
}

TEST_F(TlsProfileTest, BadCipherStringsAreErrors) {
  auto tls = Range(TlsVersion::kTls12, TlsVersion::kTls13);
  tls.ciphers = "NO-SUCH-CIPHER";
  auto bad = ConfigureServerContext(NewContext().get(), tls, Issue(CertificateKind::kLeaf));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(bad.error().message.starts_with("ciphers 'NO-SUCH-CIPHER' select no cipher suite: "))
      << bad.error().message;

  tls.ciphers.reset();
  tls.ciphersuites = "TLS_NOPE";
  auto bad13 = ConfigureServerContext(NewContext().get(), tls, Issue(CertificateKind::kLeaf));
  ASSERT_FALSE(bad13);
  EXPECT_TRUE(bad13.error().message.starts_with("ciphersuites 'TLS_NOPE' select no TLS 1.3 suite"))
      << bad13.error().message;
}

}  // namespace
}  // namespace tlslab
