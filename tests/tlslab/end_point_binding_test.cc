// The listener's tls-server-end-point, computed by tlslab from the minted certificate, against
// the hash exprobe's HTTP client computes from the DER it received (probe/http, a separate
// implementation), and against the RFC 5929 rule for SHA-1-signed certificates.
#include "tlslab/end_point_binding.h"

#include <gtest/gtest.h>
#include <openssl/sha.h>

#include "probe/auth/channel_binding.h"
#include "probe/http/http_client.h"
#include "tlslab/certificates.h"

namespace tlslab {
namespace {

probe::Bytes Der(X509* cert) {
  unsigned char* out = nullptr;
  int n = i2d_X509(cert, &out);
  probe::Bytes der(out, out + std::max(n, 0));
  OPENSSL_free(out);
  return der;
}

TEST(EndPointBindingTest, MatchesTheClientsHashForEveryKind) {
  auto ca = CertificateAuthority::Create();
  ASSERT_TRUE(ca) << ca.error().message;
  for (CertificateKind kind : {CertificateKind::kLeaf, CertificateKind::kWildcard,
                               CertificateKind::kSha1, CertificateKind::kSelfSigned}) {
    CertificateSpec spec;
    spec.name = "c";
    spec.kind = kind;
    spec.cn = kind == CertificateKind::kWildcard ? "*.contoso.test" : "mail.contoso.test";
    spec.san = {spec.cn};
    auto served = ca->Issue(spec);
    ASSERT_TRUE(served) << served.error().message;
    auto ours = TlsServerEndPoint(served->leaf.get());
    ASSERT_TRUE(ours && *ours);
    probe::Bytes der = Der(served->leaf.get());
    auto theirs = probe::http::TlsServerEndPointHash(der);
    ASSERT_TRUE(theirs);
    EXPECT_EQ(probe::ToHex(**ours), probe::ToHex(*theirs)) << CertificateKindName(kind);
    // Every lab certificate is signed with SHA-256 or SHA-1: both bind with SHA-256.
    probe::Bytes sha256(SHA256_DIGEST_LENGTH);
    SHA256(der.data(), der.size(), sha256.data());
    EXPECT_EQ(**ours, sha256) << CertificateKindName(kind);
    auto binding = ExpectedChannelBinding(served->leaf.get());
    ASSERT_TRUE(binding && *binding);
    EXPECT_EQ(**binding,
              *probe::auth::ChannelBindingHash(probe::auth::TlsServerEndPointData(sha256)));
  }
}

}  // namespace
}  // namespace tlslab
