// The cert check against real TLS servers: tlslab's `certs` scenario (one listener per certificate
// kind) and `openssl s_server` serving fixtures/certs/gen.sh certificates, with the CRLs over
// HTTP and an `openssl ocsp` responder on loopback. Every finding has a case that makes it appear
// and one that keeps it away.
#include "probe/checks/cert_check.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "probe/checks/tls_check.h"
#include "tests/probe/tls/cert_test_support.h"
#include "tests/support/peers.h"

namespace probe::checks {
namespace {

using namespace std::chrono_literals;

const auto* const kPrivateNetwork =
    ::testing::AddGlobalTestEnvironment(new certtest::PrivateNetworkEnvironment);

constexpr char kHost[] = "mail.contoso.test";

std::set<std::string> Ids(const std::vector<Finding>& findings) {
  std::set<std::string> out;
  for (const auto& f : findings) out.insert(f.id);
  return out;
}

const Finding* Find(const std::vector<Finding>& findings, std::string_view id) {
  for (const auto& f : findings) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

std::string Dump(const std::vector<Finding>& findings) {
  std::string out;
  for (const auto& f : findings)
    out += "\n  " + f.id + " [" + std::string(SeverityName(f.severity)) + "] " + f.summary;
  return out;
}

class CertCheckTest : public ::testing::Test {
 protected:
  // A check of kHost:port routed to 127.0.0.1, trusting `ca_file`.
  CertCheckResult Check(int port, const std::string& ca_file, std::vector<std::string> names = {},
                        std::optional<std::string> msstd = std::nullopt, bool fetch_aia = false) {
    auto anchors = tls::TrustAnchors::FromFile(ca_file);
    EXPECT_TRUE(anchors.has_value()) << ca_file;
    CertCheckOptions o;
    o.host = kHost;
    o.port = static_cast<std::uint16_t>(port);
    o.net.resolve.push_back({kHost, o.port, "127.0.0.1"});
    o.timeout = 15s;
    o.analysis.anchors = anchors ? &*anchors : nullptr;
    o.analysis.names = std::move(names);
    if (msstd) o.analysis.msstd = *tls::ParseMsstdPrincipal(*msstd);
    o.fetch_aia = fetch_aia;
    return RunCertCheck(o);
  }
  CertCheckResult Lab(const std::string& listener, std::vector<std::string> names = {},
                      std::optional<std::string> msstd = std::nullopt) {
    std::string error;
    auto* lab = certtest::SharedLab(&error);
    if (lab == nullptr) {
      ADD_FAILURE() << error;
      return {};
    }
    return Check(lab->ports.at(listener), lab->ca_file, std::move(names), std::move(msstd));
  }
  // s_server serving fixture NAME with `chain` ("" = the leaf alone).
  CertCheckResult Served(const std::string& name, const std::vector<std::string>& extra = {},
                         const std::string& chain = "int.pem", bool fetch_aia = false) {
    std::string error;
    auto server = certtest::StartServer(name, extra, &error, chain);
    if (!server) {
      ADD_FAILURE() << error;
      return {};
    }
    return Check(server->port, certtest::SharedFixtures().RootCa(), {}, std::nullopt, fetch_aia);
  }
};

// ---- healthy endpoints: every ok finding, nothing else

TEST_F(CertCheckTest, HealthyChainWithRevocationGivesOnlyOkFindings) {
  auto r = Served("good");
  std::set<std::string> expected = {"cert.chain_ok",     "cert.validity_ok", "cert.strength_ok",
                                    "cert.name_ok",      "cert.msstd_ok",    "cert.sni_ok",
                                    "cert.revocation_ok"};
  EXPECT_EQ(Ids(r.findings), expected) << Dump(r.findings);
  EXPECT_EQ(WorstSeverity(r.findings), Severity::kOk);
  EXPECT_EQ(r.analysis.sent.size(), 2u);
  EXPECT_EQ(r.analysis.verification.built.size(), 3u);
  EXPECT_TRUE(r.analysis.verification.trusted);
  std::size_t expected_urls = certtest::SharedFixtures().ocsp_port ? 3 : 2;
  EXPECT_EQ(r.revocation.size(), expected_urls);
  EXPECT_TRUE(r.version.has_value());
  EXPECT_EQ(r.address.rfind("127.0.0.1:", 0), 0u);
}

TEST_F(CertCheckTest, LabSanListenerIsHealthy) {
  auto r = Lab("san", {"autodiscover.contoso.test"});
  std::set<std::string> expected = {"cert.chain_ok", "cert.validity_ok", "cert.strength_ok",
                                    "cert.name_ok",  "cert.msstd_ok",    "cert.sni_ok"};
  EXPECT_EQ(Ids(r.findings), expected) << Dump(r.findings);
  ASSERT_EQ(r.analysis.names.size(), 2u);
  EXPECT_TRUE(r.analysis.names[1].AllMatch());
}

// ---- trust

TEST_F(CertCheckTest, UntrustedWhenTheRootIsUnknown) {
  // The lab chain against the system store: it ends at the lab intermediate.
  CertCheckOptions o;
  std::string error;
  auto* lab = certtest::SharedLab(&error);
  ASSERT_NE(lab, nullptr) << error;
  o.host = kHost;
  o.port = static_cast<std::uint16_t>(lab->ports.at("wildcard"));
  o.net.resolve.push_back({kHost, o.port, "127.0.0.1"});
  auto system = RunCertCheck(o);
  EXPECT_TRUE(Ids(system.findings).count("cert.untrusted")) << Dump(system.findings);
  EXPECT_FALSE(Ids(system.findings).count("cert.chain_incomplete")) << Dump(system.findings);
  EXPECT_FALSE(Ids(system.findings).count("cert.chain_ok"));
  // A server that sends a root nobody trusts.
  auto rogue = Served("untrusted", {}, "rogue-root.pem");
  EXPECT_TRUE(Ids(rogue.findings).count("cert.untrusted")) << Dump(rogue.findings);
  EXPECT_NE(Find(rogue.findings, "cert.untrusted")->summary.find("Rogue Root"), std::string::npos);
  // Away: the same lab listener with the lab CA.
  auto trusted = Lab("wildcard");
  EXPECT_FALSE(Ids(trusted.findings).count("cert.untrusted")) << Dump(trusted.findings);
  EXPECT_TRUE(Ids(trusted.findings).count("cert.chain_ok"));
}

TEST_F(CertCheckTest, SelfSigned) {
  auto r = Lab("self_signed");
  EXPECT_TRUE(Ids(r.findings).count("cert.self_signed")) << Dump(r.findings);
  EXPECT_FALSE(Ids(r.findings).count("cert.untrusted"));
  EXPECT_FALSE(Ids(Lab("san").findings).count("cert.self_signed"));
}

TEST_F(CertCheckTest, MissingIntermediateWithoutAia) {
  auto r = Lab("missing_intermediate");
  const Finding* f = Find(r.findings, "cert.chain_incomplete");
  ASSERT_NE(f, nullptr) << Dump(r.findings);
  EXPECT_EQ(f->severity, Severity::kCritical) << "no caIssuers URL: no client can build the chain";
  EXPECT_NE(f->summary.find("no caIssuers"), std::string::npos) << f->summary;
  EXPECT_FALSE(Ids(r.findings).count("cert.untrusted"));
  EXPECT_FALSE(Ids(Lab("san").findings).count("cert.chain_incomplete"));
}

TEST_F(CertCheckTest, MissingIntermediateWindowsCanFetch) {
  auto r = Served("good", {}, "");
  const Finding* f = Find(r.findings, "cert.chain_incomplete");
  ASSERT_NE(f, nullptr) << Dump(r.findings);
  EXPECT_EQ(f->severity, Severity::kWarning);
  EXPECT_NE(f->summary.find(certtest::SharedFixtures().http_base + "/int.der"), std::string::npos)
      << f->summary;
  EXPECT_NE(f->summary.find("--fetch-aia"), std::string::npos) << f->summary;
  EXPECT_TRUE(r.analysis.aia.empty());

  auto fetched = Served("good", {}, "", /*fetch_aia=*/true);
  const Finding* g = Find(fetched.findings, "cert.chain_incomplete");
  ASSERT_NE(g, nullptr) << Dump(fetched.findings);
  EXPECT_EQ(g->severity, Severity::kWarning);
  EXPECT_NE(g->summary.find("with it the chain verifies"), std::string::npos) << g->summary;
  ASSERT_EQ(fetched.analysis.aia.size(), 1u);
  EXPECT_TRUE(fetched.analysis.aia[0].ok) << fetched.analysis.aia[0].detail;
  EXPECT_TRUE(fetched.analysis.verification.trusted);
  EXPECT_EQ(fetched.analysis.verification.built[1].source, tls::CertSource::kAia);
}

// ---- validity

TEST_F(CertCheckTest, Expired) {
  auto lab = Lab("expired");
  EXPECT_TRUE(Ids(lab.findings).count("cert.expired")) << Dump(lab.findings);
  EXPECT_FALSE(Ids(lab.findings).count("cert.validity_ok"));
  auto served = Served("expired");
  const Finding* f = Find(served.findings, "cert.expired");
  ASSERT_NE(f, nullptr) << Dump(served.findings);
  EXPECT_NE(f->summary.find("2021-01-01T00:00:00Z"), std::string::npos) << f->summary;
  EXPECT_FALSE(Ids(Lab("san").findings).count("cert.expired"));
}

TEST_F(CertCheckTest, NotYetValid) {
  auto r = Served("notyet");
  const Finding* f = Find(r.findings, "cert.not_yet_valid");
  ASSERT_NE(f, nullptr) << Dump(r.findings);
  EXPECT_NE(f->summary.find("2099-01-01"), std::string::npos);
  EXPECT_FALSE(Ids(Served("good").findings).count("cert.not_yet_valid"));
}

TEST_F(CertCheckTest, ExpiresSoonWarnsThenTurnsCritical) {
  auto soon20 = Served("soon20");
  const Finding* warn = Find(soon20.findings, "cert.expires_soon");
  ASSERT_NE(warn, nullptr) << Dump(soon20.findings);
  EXPECT_EQ(warn->severity, Severity::kWarning);
  auto soon = Served("soon");
  const Finding* crit = Find(soon.findings, "cert.expires_soon");
  ASSERT_NE(crit, nullptr) << Dump(soon.findings);
  EXPECT_EQ(crit->severity, Severity::kCritical);
  auto good = Served("good");
  EXPECT_FALSE(Ids(good.findings).count("cert.expires_soon")) << Dump(good.findings);
}

// ---- strength

TEST_F(CertCheckTest, WeakKey) {
  auto r = Lab("rsa1024");
  const Finding* f = Find(r.findings, "cert.weak_key");
  ASSERT_NE(f, nullptr) << Dump(r.findings);
  EXPECT_NE(f->summary.find("1024-bit RSA"), std::string::npos);
  EXPECT_FALSE(Ids(r.findings).count("cert.strength_ok"));
  auto served = Served("rsa1024", {"-cipher", "DEFAULT:@SECLEVEL=0"});
  EXPECT_TRUE(Ids(served.findings).count("cert.weak_key")) << Dump(served.findings);
  EXPECT_FALSE(Ids(Lab("san").findings).count("cert.weak_key"));
}

TEST_F(CertCheckTest, WeakSignature) {
  auto sha1 = Lab("sha1");
  const Finding* f = Find(sha1.findings, "cert.weak_signature");
  ASSERT_NE(f, nullptr) << Dump(sha1.findings);
  EXPECT_NE(f->summary.find("sha1"), std::string::npos);
  auto md5 = Served("md5", {"-cipher", "DEFAULT:@SECLEVEL=0"});
  const Finding* g = Find(md5.findings, "cert.weak_signature");
  ASSERT_NE(g, nullptr) << Dump(md5.findings);
  EXPECT_NE(g->summary.find("md5"), std::string::npos);
  // The self-signed root's own SHA-256 signature aside, nothing weak in a healthy chain.
  EXPECT_FALSE(Ids(Lab("san").findings).count("cert.weak_signature"));
}

// ---- names, wildcard, msstd

TEST_F(CertCheckTest, NameMismatchNamesTheClientsAffected) {
  auto cn_only = Lab("cn_only");
  const Finding* f = Find(cn_only.findings, "cert.name_mismatch");
  ASSERT_NE(f, nullptr) << Dump(cn_only.findings);
  EXPECT_NE(f->summary.find("rfc6125"), std::string::npos) << f->summary;
  EXPECT_EQ(f->summary.find("schannel"), std::string::npos)
      << f->summary;  // Windows uses the CN here
  EXPECT_EQ(f->summary.find("openssl"), std::string::npos) << f->summary;

  auto deep = Lab("wildcard", {"a.b.contoso.test"});
  const Finding* g = Find(deep.findings, "cert.name_mismatch");
  ASSERT_NE(g, nullptr) << Dump(deep.findings);
  EXPECT_NE(g->summary.find("a.b.contoso.test is not covered by the certificate for any client"),
            std::string::npos)
      << g->summary;

  // A partial wildcard (mail*.contoso.test): OpenSSL alone accepts mail1.contoso.test.
  std::string error;
  auto server = certtest::StartServer("partial", {}, &error);
  ASSERT_TRUE(server.has_value()) << error;
  auto p = Check(server->port, certtest::SharedFixtures().RootCa(), {"mail1.contoso.test"});
  std::vector<const Finding*> mismatches;
  for (const auto& x : p.findings) {
    if (x.id == "cert.name_mismatch") mismatches.push_back(&x);
  }
  ASSERT_EQ(mismatches.size(), 2u) << Dump(p.findings);  // mail.contoso.test and mail1.contoso.test
  EXPECT_NE(mismatches[1]->summary.find("mail1.contoso.test"), std::string::npos);
  EXPECT_EQ(mismatches[1]->summary.find("openssl"), std::string::npos) << "OpenSSL honours mail*.";
  EXPECT_NE(mismatches[1]->summary.find("curl"), std::string::npos);

  auto san = Lab("san", {"autodiscover.contoso.test"});
  EXPECT_FALSE(Ids(san.findings).count("cert.name_mismatch")) << Dump(san.findings);
  EXPECT_TRUE(Ids(san.findings).count("cert.name_ok"));
}

TEST_F(CertCheckTest, WildcardIsReported) {
  auto r = Lab("wildcard");
  const Finding* f = Find(r.findings, "cert.wildcard");
  ASSERT_NE(f, nullptr) << Dump(r.findings);
  EXPECT_EQ(f->severity, Severity::kInfo);
  EXPECT_FALSE(Ids(Lab("san").findings).count("cert.wildcard"));
}

TEST_F(CertCheckTest, MsstdWrongAndRightOnAWildcardCertificate) {
  auto wrong = Lab("wildcard");  // default principal msstd:mail.contoso.test
  const Finding* f = Find(wrong.findings, "cert.msstd_mismatch");
  ASSERT_NE(f, nullptr) << Dump(wrong.findings);
  EXPECT_NE(f->summary.find("Set-OutlookProvider EXPR -CertPrincipalName msstd:*.contoso.test"),
            std::string::npos)
      << f->summary;
  bool uncertain_noted = false;
  for (const auto& e : f->evidence) uncertain_noted |= e.find("[uncertain]") != std::string::npos;
  EXPECT_TRUE(uncertain_noted)
      << "the Vista+ wildcard behaviour is uncertain and the evidence must say so";
  ASSERT_TRUE(wrong.analysis.msstd.has_value());
  EXPECT_EQ(wrong.analysis.msstd->principal, "msstd:mail.contoso.test");
  EXPECT_EQ(WorstSeverity(wrong.findings), Severity::kWarning);

  auto right = Lab("wildcard", {}, "msstd:*.contoso.test");
  EXPECT_FALSE(Ids(right.findings).count("cert.msstd_mismatch")) << Dump(right.findings);
  EXPECT_TRUE(Ids(right.findings).count("cert.msstd_ok"));
  EXPECT_EQ(WorstSeverity(right.findings), Severity::kInfo);
}

// ---- SNI

TEST_F(CertCheckTest, DifferentCertificateWithoutSni) {
  const auto& f = certtest::SharedFixtures();
  auto r = Served("sni_default", {"-servername", kHost, "-cert2", f.Path("good.pem"), "-key2",
                                  f.Path("good.key")});
  const Finding* mismatch = Find(r.findings, "cert.sni_mismatch");
  ASSERT_NE(mismatch, nullptr) << Dump(r.findings);
  EXPECT_NE(mismatch->summary.find("default.contoso.test"), std::string::npos) << mismatch->summary;
  ASSERT_TRUE(r.without_sni.has_value());
  EXPECT_TRUE(r.without_sni->completed);
  EXPECT_FALSE(r.without_sni->same);
  EXPECT_EQ(r.analysis.sent.front().common_name, kHost);  // with SNI: the right one
  EXPECT_FALSE(Ids(r.findings).count("cert.sni_ok"));
  EXPECT_FALSE(Ids(Lab("san").findings).count("cert.sni_mismatch"));
}

// ---- revocation

TEST_F(CertCheckTest, Revoked) {
  auto r = Served("revoked");
  const Finding* f = Find(r.findings, "cert.revoked");
  ASSERT_NE(f, nullptr) << Dump(r.findings);
  EXPECT_NE(f->summary.find("keyCompromise"), std::string::npos);
  EXPECT_FALSE(Ids(r.findings).count("cert.revocation_ok"));
  EXPECT_FALSE(Ids(Served("good").findings).count("cert.revoked"));
}

TEST_F(CertCheckTest, RevocationUnreachable) {
  auto r = Served("dead");
  const Finding* f = Find(r.findings, "cert.revocation_unreachable");
  ASSERT_NE(f, nullptr) << Dump(r.findings);
  EXPECT_NE(f->summary.find(certtest::SharedFixtures().dead_base), std::string::npos) << f->summary;
  EXPECT_FALSE(Ids(r.findings).count("cert.revocation_ok"));
  auto good = Served("good");
  EXPECT_FALSE(Ids(good.findings).count("cert.revocation_unreachable")) << Dump(good.findings);
  // Without URLs in the chain (the lab's certificates) there is nothing to report either way.
  auto lab = Lab("san");
  EXPECT_TRUE(lab.revocation.empty());
  EXPECT_FALSE(Ids(lab.findings).count("cert.revocation_ok"));
}

// ---- the endpoint itself

TEST_F(CertCheckTest, UnreachableAndSilentEndpointsStayWithinTheDeadline) {
  CertCheckOptions o;
  o.host = "127.0.0.1";
  o.port = static_cast<std::uint16_t>(testsupport::ClosedPort());
  auto refused = RunCertCheck(o);
  ASSERT_EQ(refused.findings.size(), 1u) << Dump(refused.findings);
  EXPECT_EQ(refused.findings[0].id, "net.unreachable");
  EXPECT_EQ(WorstSeverity(refused.findings), Severity::kCritical);

  testsupport::SilentListener silent;
  o.port = static_cast<std::uint16_t>(silent.port());
  o.timeout = 1s;
  auto started = Clock::now();
  auto hung = RunCertCheck(o);
  EXPECT_LT(Clock::now() - started, 2500ms);
  ASSERT_EQ(hung.findings.size(), 1u) << Dump(hung.findings);
  EXPECT_EQ(hung.findings[0].id, "net.unreachable");
}

// ---- AnalyzeChain alone (what `exprobe tls` calls): offline, with a pinned clock

TEST(AnalyzeChainTest, OfflineAnalysisWithAPinnedClock) {
  const auto& f = certtest::SharedFixtures();
  ASSERT_TRUE(f.ok()) << f.error;
  std::ifstream in(f.Path("good.chain.pem"));
  std::stringstream text;
  text << in.rdbuf();
  auto chain = tls::DecodeIssuerCertificates(AsBytes(text.str()));
  ASSERT_TRUE(chain.has_value());
  auto anchors = tls::TrustAnchors::FromFile(f.RootCa());
  ASSERT_TRUE(anchors.has_value());
  CertAnalysisOptions o;
  o.anchors = &*anchors;
  o.names = {kHost, "autodiscover.contoso.test"};
  auto now = chain->front().not_after - 3 * 24 * 3600;  // three days before the leaf expires
  o.now = now;
  auto a = AnalyzeChain(*chain, o);
  const Finding* soon = Find(a.findings, "cert.expires_soon");
  ASSERT_NE(soon, nullptr) << Dump(a.findings);
  EXPECT_EQ(soon->severity, Severity::kCritical);
  EXPECT_TRUE(Ids(a.findings).count("cert.chain_ok"));
  EXPECT_TRUE(Ids(a.findings).count("cert.name_ok"));
  EXPECT_FALSE(Ids(a.findings).count("cert.msstd_ok")) << "no principal given: no msstd check";
  o.now = chain->front().not_before - 3600;
  EXPECT_TRUE(Ids(AnalyzeChain(*chain, o).findings).count("cert.not_yet_valid"));
  EXPECT_EQ(Ids(AnalyzeChain({}, o).findings), std::set<std::string>{"cert.untrusted"});
}

// ---- `exprobe tls` reports the same certificate findings (one code path)

TlsCheckResult TlsCheck(int port, const std::string& ca_file) {
  auto anchors = tls::TrustAnchors::FromFile(ca_file);
  EXPECT_TRUE(anchors.has_value()) << ca_file;
  TlsCheckOptions o;
  o.host = kHost;
  o.port = static_cast<std::uint16_t>(port);
  o.net.resolve.push_back({kHost, o.port, "127.0.0.1"});
  o.timeout = 15s;
  o.enumerate = false;
  o.cert.anchors = anchors ? &*anchors : nullptr;
  return RunTlsCheck(o);
}

std::set<std::string> CertIds(const std::vector<Finding>& findings) {
  std::set<std::string> out;
  for (const auto& id : Ids(findings)) {
    if (id.starts_with("cert.")) out.insert(id);
  }
  return out;
}

TEST(TlsCheckCertificateTest, TlsReportsTheCertChecksFindingsForEachLabCertificate) {
  std::string error;
  auto* lab = certtest::SharedLab(&error);
  ASSERT_NE(lab, nullptr) << error;
  // Without SNI comparison, revocation and msstd: (the cert check's online parts), both commands
  // judge the chain the same way.
  for (const char* listener : {"san", "wildcard", "self_signed", "expired", "rsa1024", "sha1",
                               "missing_intermediate", "cn_only"}) {
    SCOPED_TRACE(listener);
    int port = lab->ports.at(listener);
    auto tls = TlsCheck(port, lab->ca_file);
    ASSERT_TRUE(tls.certificate.has_value()) << Dump(tls.findings);
    EXPECT_EQ(tls.certificate->sent.size(), tls.chain.size());
    auto anchors = tls::TrustAnchors::FromFile(lab->ca_file);
    ASSERT_TRUE(anchors.has_value());
    CertCheckOptions o;
    o.host = kHost;
    o.port = static_cast<std::uint16_t>(port);
    o.net.resolve.push_back({kHost, o.port, "127.0.0.1"});
    o.timeout = 15s;
    o.analysis.anchors = &*anchors;
    o.check_msstd = false;
    o.check_revocation = false;
    auto cert = RunCertCheck(o);
    auto expected = CertIds(cert.findings);
    expected.erase("cert.sni_ok");
    expected.erase("cert.sni_mismatch");
    EXPECT_EQ(CertIds(tls.findings), expected) << Dump(tls.findings);
    EXPECT_FALSE(expected.empty());
  }
}

TEST(TlsCheckCertificateTest, SelfSignedAndUntrustedAppearInTlsAndATrustedChainStaysClean) {
  std::string error;
  auto* lab = certtest::SharedLab(&error);
  ASSERT_NE(lab, nullptr) << error;
  auto self_signed = TlsCheck(lab->ports.at("self_signed"), lab->ca_file);
  EXPECT_TRUE(CertIds(self_signed.findings).count("cert.self_signed"))
      << Dump(self_signed.findings);
  EXPECT_EQ(WorstSeverity(self_signed.findings), Severity::kCritical);
  // The lab's SAN listener against another root: untrusted; against the lab's CA: only ok.
  const auto& fixtures = certtest::SharedFixtures();
  ASSERT_TRUE(fixtures.ok()) << fixtures.error;
  auto other_root = TlsCheck(lab->ports.at("san"), fixtures.RootCa());
  EXPECT_TRUE(CertIds(other_root.findings).count("cert.untrusted")) << Dump(other_root.findings);
  auto trusted = TlsCheck(lab->ports.at("san"), lab->ca_file);
  for (const auto& f : trusted.findings) {
    if (f.id.starts_with("cert.")) {
      EXPECT_EQ(f.severity, Severity::kOk) << Dump(trusted.findings);
    }
  }
  EXPECT_TRUE(CertIds(trusted.findings).count("cert.chain_ok"));
}

}  // namespace
}  // namespace probe::checks
