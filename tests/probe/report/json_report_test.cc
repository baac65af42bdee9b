#include "probe/report/json_report.h"

#include <gtest/gtest.h>

#include <regex>

#include "probe/diagnosis/catalogue.h"

namespace probe::report {
namespace {

checks::TlsCheckResult SampleResult() {
  checks::TlsCheckResult r;
  r.host = "mail.contoso.test";
  r.port = 443;
  r.sni = "mail.contoso.test";
  r.address = "127.0.0.1:443";
  checks::ProtocolProbe refused;
  refused.version = tls::TlsVersion::kTls10;
  refused.handshake = tls::HandshakeResult{};
  refused.handshake->requested = tls::TlsVersion::kTls10;
  refused.handshake->outcome = tls::HandshakeOutcome::kRejectedAlert;
  refused.handshake->alert_received = 70;
  refused.handshake->detail = "the server refused TLS 1.0 with alert 70 (protocol_version)";
  checks::ProtocolProbe accepted;
  accepted.version = tls::TlsVersion::kTls12;
  accepted.handshake = tls::HandshakeResult{};
  accepted.handshake->outcome = tls::HandshakeOutcome::kCompleted;
  accepted.handshake->cipher_id = 0xC02F;
  accepted.handshake->cipher_name = "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";
  checks::ProtocolProbe error;
  error.version = tls::TlsVersion::kTls13;
  error.connect_error = Error{ErrorCode::kConnectRefused, "connection refused by 127.0.0.1:443"};
  r.protocols = {refused, accepted, error};
  r.findings.push_back(
      diagnosis::MakeFinding("tls.protocol.legacy_disabled", "TLS 1.0 and TLS 1.1 are refused"));
  r.findings.push_back(
      diagnosis::MakeFinding("tls.protocol.tls13_missing", "TLS 1.3 is not negotiated"));
  return r;
}

TEST(JsonReportTest, FollowsTheExprobe1Contract) {
  nlohmann::json doc = TlsReportJson(SampleResult());
  EXPECT_EQ(doc["schema"], "exprobe/1");
  EXPECT_EQ(doc["command"], "tls");
  EXPECT_EQ(doc["target"]["host"], "mail.contoso.test");
  EXPECT_EQ(doc["target"]["port"], 443);
  EXPECT_EQ(doc["target"]["sni"], "mail.contoso.test");
  EXPECT_EQ(doc["target"]["address"], "127.0.0.1:443");
  ASSERT_EQ(doc["protocols"].size(), 3u);
  EXPECT_EQ(doc["protocols"][0]["version"], "tls1.0");
  EXPECT_EQ(doc["protocols"][0]["accepted"], false);
  EXPECT_EQ(doc["protocols"][0]["handshake"]["alert_received"], 70);
  EXPECT_TRUE(doc["protocols"][0]["cipher_suites"].empty());
  EXPECT_EQ(doc["protocols"][1]["cipher_suites"][0]["id"], "0xC02F");
  EXPECT_EQ(doc["protocols"][1]["cipher_suites"][0]["name"],
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  EXPECT_EQ(doc["protocols"][2]["error"]["code"], "connect_refused");
  EXPECT_EQ(doc["status"], "ok");
  EXPECT_EQ(doc["worst_severity"], "info");
  EXPECT_EQ(doc["exit_code"], 0);
  ASSERT_EQ(doc["findings"].size(), 2u);
  for (const auto& f : doc["findings"]) {
    for (const char* key :
         {"id", "severity", "summary", "evidence", "cause", "remediation", "references"}) {
      EXPECT_TRUE(f.contains(key)) << key;
    }
  }
}

TEST(JsonReportTest, SuiteIdsAreFourUpperCaseHexDigits) {
  std::regex shape("0x[0-9A-F]{4}");
  for (std::uint16_t id : {0x0005, 0x002f, 0xc02f, 0x1301, 0xffff}) {
    EXPECT_TRUE(std::regex_match(SuiteId(id), shape)) << SuiteId(id);
  }
  EXPECT_EQ(SuiteId(0x000a), "0x000A");
}

TEST(CatalogueTest, EveryEntryHasCauseRemediationAndAUniqueDottedId) {
  std::set<std::string_view> seen;
  std::regex dotted("[a-z0-9_]+(\\.[a-z0-9_]+)+");
  for (const auto& e : diagnosis::Catalogue()) {
    EXPECT_TRUE(seen.insert(e.id).second) << "duplicate " << e.id;
    EXPECT_TRUE(std::regex_match(std::string(e.id), dotted)) << e.id;
    EXPECT_FALSE(e.cause.empty()) << e.id;
    EXPECT_FALSE(e.remediation.empty()) << e.id;
    EXPECT_FALSE(e.title.empty()) << e.id;
  }
}

}  // namespace
}  // namespace probe::report
