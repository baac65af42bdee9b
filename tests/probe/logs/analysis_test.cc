#include "probe/logs/analysis.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace probe::logs {
namespace {

// Options with one field changed (designated initializers would warn about the others).
template <class Change>
ScanOptions With(Change change) {
  ScanOptions o;
  change(o);
  return o;
}

const std::string kFixtures = std::string(EXPROBE_SOURCE_DIR) + "/fixtures/logs/";

std::vector<std::string> Ids(const std::vector<Finding>& findings) {
  std::vector<std::string> ids;
  for (const auto& f : findings) ids.push_back(f.id);
  return ids;
}

TEST(AnalysisTest, HealthyIsOk) {
  auto a = AnalyzeLogs({kFixtures + "healthy"}, {});
  EXPECT_EQ(Ids(a.findings), (std::vector<std::string>{"logs.ok"}));
  EXPECT_EQ(LogsExitCode(a), ExitCode::kOk);
  EXPECT_NE(a.findings[0].summary.find("101 requests"), std::string::npos);
}

TEST(AnalysisTest, Kb3140410NamesTheUpdateAndTheWorkaround) {
  auto a = AnalyzeLogs({kFixtures + "kb3140410"}, {});
  EXPECT_EQ(Ids(a.findings),
            (std::vector<std::string>{"auth.backend_invalid_token", "logs.backend_failure",
                                      "logs.proxied_to_2010"}));
  EXPECT_EQ(LogsExitCode(a), ExitCode::kCritical);
  const Finding& kb = a.findings[0];
  EXPECT_EQ(kb.severity, Severity::kCritical);
  EXPECT_NE(kb.remediation.find("3140410"), std::string::npos);
  EXPECT_NE(kb.remediation.find("DefaultAppPool"), std::string::npos);
  EXPECT_NE(kb.summary.find("CONTOSO\\legacy1"), std::string::npos);
  ASSERT_EQ(kb.evidence.size(), 1u);
  EXPECT_NE(kb.evidence[0].find("HttpProxy_2023010710-1.LOG:10"), std::string::npos);
  EXPECT_NE(kb.evidence[0].find("8 requests"), std::string::npos);
}

TEST(AnalysisTest, MalformedLinesAreInfoAndTheRestIsStillJudged) {
  auto a = AnalyzeLogs({kFixtures + "malformed"}, {});
  EXPECT_EQ(Ids(a.findings), (std::vector<std::string>{"logs.malformed_lines", "logs.ok"}));
  EXPECT_EQ(a.findings[0].evidence.size(), 9u);
  EXPECT_EQ(LogsExitCode(a), ExitCode::kOk);
}

TEST(AnalysisTest, AMissingPathIsUnknownButTheOthersAreRead) {
  auto a = AnalyzeLogs({kFixtures + "missing-dir", kFixtures + "loop"}, {});
  ASSERT_EQ(a.path_errors.size(), 1u);
  EXPECT_NE(a.path_errors[0].message.find("missing-dir"), std::string::npos);
  EXPECT_EQ(Ids(a.findings), (std::vector<std::string>{"logs.auth_loop"}));
  EXPECT_EQ(LogsExitCode(a), ExitCode::kUnknown);
}

TEST(AnalysisTest, NothingReadIsAWarning) {
  auto a = AnalyzeLogs({kFixtures + "loop"}, With([](ScanOptions& o) { o.user = "nobody"; }));
  EXPECT_EQ(Ids(a.findings), (std::vector<std::string>{"logs.no_requests"}));
  EXPECT_EQ(LogsExitCode(a), ExitCode::kWarning);
}

TEST(AnalysisTest, EveryPatternHasACatalogueEntry) {
  // MakeFinding aborts on an id missing from the catalogue: build one finding per pattern.
  ScanResult scan;
  scan.requests = 1;
  for (int i = 0; i < kPatternCount; ++i) {
    Group g;
    g.pattern = static_cast<Pattern>(i);
    g.count = 1;
    scan.groups.push_back(g);
  }
  auto findings = LogsFindings(scan);
  EXPECT_EQ(findings.size(), static_cast<std::size_t>(kPatternCount));
  for (const auto& f : findings) EXPECT_FALSE(f.remediation.empty()) << f.id;
}

}  // namespace
}  // namespace probe::logs
