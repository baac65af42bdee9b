// Revocation against real servers: the CRLs gen.sh publishes, served by python3 -m http.server,
// and an `openssl ocsp` responder, both on loopback inside this binary's private network
// namespace; plus refused, silent and wrong answers.
#include "probe/tls/revocation.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/probe/tls/cert_test_support.h"
#include "tests/support/peers.h"

namespace probe::tls {
namespace {

using namespace std::chrono_literals;

// The OCSP responder binds every interface: this binary runs in a private network namespace.
const auto* const kPrivateNetwork =
    ::testing::AddGlobalTestEnvironment(new certtest::PrivateNetworkEnvironment);

class RevocationTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(F().ok()) << F().error; }
  const certtest::Fixtures& F() const { return certtest::SharedFixtures(); }

  std::vector<ChainLink> Built(const std::string& leaf) const {
    std::ifstream in(F().Path(leaf + ".chain.pem"));
    std::stringstream text;
    text << in.rdbuf();
    auto sent = DecodeIssuerCertificates(AsBytes(text.str()));
    auto anchors = TrustAnchors::FromFile(F().RootCa());
    EXPECT_TRUE(sent && anchors);
    auto v = VerifyChain(*sent, {}, *anchors);
    EXPECT_TRUE(v.trusted);
    return v.built;
  }
  RevocationQuery Query(const std::string& leaf, RevocationMethod method) const {
    for (auto& q : PlanRevocation(Built(leaf))) {
      if (q.method == method && q.chain_index == 0) return q;
    }
    ADD_FAILURE() << "no " << RevocationMethodName(method) << " URL for " << leaf;
    return {};
  }
  RevocationCheck Run(const RevocationQuery& q, std::chrono::milliseconds budget = 10s) const {
    return RunRevocationQuery(q, {}, Deadline::After(budget), nullptr);
  }
};

TEST_F(RevocationTest, PlanCoversLeafAndIntermediateButNotTheRoot) {
  auto queries = PlanRevocation(Built("good"));
  std::size_t expected = F().ocsp_port ? 3 : 2;  // leaf CRL (+ OCSP), intermediate CRL
  ASSERT_EQ(queries.size(), expected);
  EXPECT_EQ(queries[0].url, F().http_base + "/int.crl");
  EXPECT_EQ(queries.back().url, F().http_base + "/root.crl");
  EXPECT_EQ(queries.back().chain_index, 1u);
  for (const auto& q : queries) EXPECT_TRUE(q.issuer.has_value());
}

TEST_F(RevocationTest, CrlSaysGoodAndRevoked) {
  auto good = Run(Query("good", RevocationMethod::kCrl));
  EXPECT_EQ(good.status, RevocationStatus::kGood) << good.detail;
  EXPECT_EQ(good.http_status, 200);
  EXPECT_FALSE(good.problem());
  auto revoked = Run(Query("revoked", RevocationMethod::kCrl));
  EXPECT_EQ(revoked.status, RevocationStatus::kRevoked) << revoked.detail;
  EXPECT_EQ(revoked.revocation_reason, "keyCompromise");
  EXPECT_TRUE(revoked.revoked_at.has_value());
}

TEST_F(RevocationTest, OcspSaysGoodAndRevoked) {
  if (!F().ocsp_port) GTEST_SKIP() << "no private network namespace: no OCSP responder";
  auto good = Run(Query("good", RevocationMethod::kOcsp));
  EXPECT_EQ(good.status, RevocationStatus::kGood) << good.detail;
  auto revoked = Run(Query("revoked", RevocationMethod::kOcsp));
  EXPECT_EQ(revoked.status, RevocationStatus::kRevoked) << revoked.detail;
  EXPECT_EQ(revoked.revocation_reason, "keyCompromise");
}

TEST_F(RevocationTest, OcspAnswerForACertificateTheResponderDoesNotKnow) {
  if (!F().ocsp_port) GTEST_SKIP() << "no private network namespace: no OCSP responder";
  // The rogue root's leaf asked at our responder: its issuer differs, the responder says unknown
  // (or refuses), never good.
  auto q = Query("good", RevocationMethod::kOcsp);
  std::ifstream in(F().Path("untrusted.chain.pem"));
  std::stringstream text;
  text << in.rdbuf();
  auto rogue = DecodeIssuerCertificates(AsBytes(text.str()));
  ASSERT_TRUE(rogue.has_value());
  ASSERT_EQ(rogue->size(), 2u);
  q.cert = (*rogue)[0];
  q.issuer = (*rogue)[1];
  auto r = Run(q);
  EXPECT_TRUE(r.status == RevocationStatus::kUnknown || r.status == RevocationStatus::kUnusable)
      << RevocationStatusName(r.status) << ": " << r.detail;
  EXPECT_TRUE(r.problem());
}

TEST_F(RevocationTest, DeadUrlsAreUnreachable) {
  auto queries = PlanRevocation(Built("dead"));
  ASSERT_GE(queries.size(), 2u);
  for (const auto& q : queries) {
    if (q.chain_index != 0) continue;
    auto r = Run(q);
    EXPECT_EQ(r.status, RevocationStatus::kUnreachable) << q.url << ": " << r.detail;
    EXPECT_NE(r.detail.find("refused"), std::string::npos) << r.detail;
    EXPECT_TRUE(r.problem());
  }
}

TEST_F(RevocationTest, SilentServerTimesOutWithinTheDeadline) {
  testsupport::SilentListener silent;
  auto q = Query("good", RevocationMethod::kCrl);
  q.url = "http://127.0.0.1:" + std::to_string(silent.port()) + "/int.crl";
  auto started = Clock::now();
  auto r = Run(q, 800ms);
  EXPECT_EQ(r.status, RevocationStatus::kUnreachable) << r.detail;
  EXPECT_LT(Clock::now() - started, 2s);
  EXPECT_GE(r.elapsed_ms, 700);
}

TEST_F(RevocationTest, AnswersThatAreNotAUsableCrl) {
  auto q = Query("good", RevocationMethod::kCrl);
  q.url = F().http_base + "/missing.crl";
  auto missing = Run(q);
  EXPECT_EQ(missing.status, RevocationStatus::kUnusable);
  EXPECT_EQ(missing.http_status, 404);
  q.url = F().http_base + "/int.der";  // a certificate, not a CRL
  auto garbage = Run(q);
  EXPECT_EQ(garbage.status, RevocationStatus::kUnusable);
  EXPECT_NE(garbage.detail.find("not a CRL"), std::string::npos) << garbage.detail;
  q.url = F().http_base + "/root.crl";  // the root's CRL for a leaf of the intermediate
  auto wrong_issuer = Run(q);
  EXPECT_EQ(wrong_issuer.status, RevocationStatus::kUnusable);
  EXPECT_NE(wrong_issuer.detail.find("another CA"), std::string::npos) << wrong_issuer.detail;
}

TEST_F(RevocationTest, UrlsThatAreNotFetched) {
  auto q = Query("good", RevocationMethod::kCrl);
  q.url = "ldap:///CN=Contoso%20CA,CN=CDP,DC=contoso,DC=com?certificateRevocationList";
  auto ldap = Run(q);
  EXPECT_EQ(ldap.status, RevocationStatus::kSkipped);
  EXPECT_FALSE(ldap.problem());
  auto ocsp = q;
  ocsp.method = RevocationMethod::kOcsp;
  ocsp.url = F().http_base + "/";
  ocsp.issuer.reset();
  auto no_issuer = Run(ocsp);
  EXPECT_EQ(no_issuer.status, RevocationStatus::kSkipped);
  EXPECT_NE(no_issuer.detail.find("issuer"), std::string::npos);
}

}  // namespace
}  // namespace probe::tls
