#include "probe/report/text_report.h"

#include <gtest/gtest.h>

#include "probe/diagnosis/catalogue.h"

namespace probe::report {
namespace {

TEST(TextReportTest, ExplainsWarningsAndStatesTheResult) {
  std::vector<Finding> findings = {
      diagnosis::MakeFinding("tls.protocol.legacy_enabled", "TLS 1.0 accepted",
                             {"TLS 1.0: completed"}),
      diagnosis::MakeFinding("tls.protocol.modern_ok", "TLS 1.2 completes a full handshake"),
  };
  std::string text = FindingsText(findings, {});
  EXPECT_NE(text.find("WARNING  tls.protocol.legacy_enabled: TLS 1.0 accepted"), std::string::npos)
      << text;
  EXPECT_NE(text.find("fix:   Before disabling them"), std::string::npos) << text;
  EXPECT_NE(text.find("OK       tls.protocol.modern_ok"), std::string::npos) << text;
  EXPECT_EQ(text.find("evidence:"), std::string::npos) << "evidence only with -v";
  EXPECT_NE(text.find("Result: WARNING (exit 1)"), std::string::npos) << text;
  EXPECT_NE(FindingsText(findings, {.verbose = true}).find("evidence: TLS 1.0: completed"),
            std::string::npos);
}

TEST(TextReportTest, NoFindingsIsOk) {
  EXPECT_NE(FindingsText({}, {}).find("Result: OK (exit 0)"), std::string::npos);
}

}  // namespace
}  // namespace probe::report
