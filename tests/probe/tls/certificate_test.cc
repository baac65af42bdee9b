#include "probe/tls/certificate.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/support/peers.h"

namespace probe::tls {
namespace {

using namespace std::chrono_literals;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(CertificateTest, SummaryMatchesWhatOpensslReportsForTheSameCertificate) {
  const auto& cert = testsupport::SharedTestCertificate();
  ASSERT_FALSE(cert.cert_pem.empty());
  std::string der_path = cert.cert_pem + ".der";
  auto conv = testsupport::RunCommand(
      {"openssl", "x509", "-in", cert.cert_pem, "-outform", "DER", "-out", der_path}, 10s);
  ASSERT_EQ(conv.exit_code, 0) << conv.output;
  auto fp = testsupport::RunCommand(
      {"openssl", "x509", "-in", cert.cert_pem, "-noout", "-fingerprint", "-sha256"}, 10s);
  ASSERT_EQ(fp.exit_code, 0) << fp.output;

  std::string der = Slurp(der_path);
  auto summary = SummarizeCertificate(AsBytes(der));
  ASSERT_TRUE(summary.has_value()) << summary.error().message;
  EXPECT_EQ(summary->common_name, "localhost");
  EXPECT_EQ(summary->subject, "CN=localhost");
  EXPECT_TRUE(summary->self_issued);
  EXPECT_EQ(summary->dns_names, std::vector<std::string>{"localhost"});
  EXPECT_EQ(summary->ip_addresses, std::vector<std::string>{"127.0.0.1"});
  EXPECT_EQ(summary->key_type, "RSA");
  EXPECT_EQ(summary->key_bits, 2048);
  EXPECT_EQ(summary->signature_algorithm, "sha256WithRSAEncryption");
  EXPECT_NE(fp.output.find(summary->sha256_fingerprint), std::string::npos)
      << fp.output << " vs " << summary->sha256_fingerprint;
  EXPECT_NEAR(static_cast<double>(summary->not_after - summary->not_before), 2 * 86400.0, 5.0);
}

TEST(CertificateTest, GarbageIsMalformedNotACrash) {
  const Bytes garbage = {0x30, 0x82, 0xff, 0xff, 0x01};
  auto summary = SummarizeCertificate(garbage);
  ASSERT_FALSE(summary.has_value());
  EXPECT_EQ(summary.error().code, ErrorCode::kMalformed);
}

TEST(CertificateTest, FormatsUtc) { EXPECT_EQ(FormatUtc(0), "1970-01-01T00:00:00Z"); }

}  // namespace
}  // namespace probe::tls
