#include "probe/core/finding.h"

#include <gtest/gtest.h>

namespace probe {
namespace {

Finding WithSeverity(Severity s) {
  Finding f;
  f.id = "test.finding";
  f.severity = s;
  return f;
}

TEST(FindingTest, WorstSeverityDecidesMonitoringExitCode) {
  std::vector<Finding> findings;
  EXPECT_EQ(ExitCodeFor(WorstSeverity(findings)), ExitCode::kOk);
  findings.push_back(WithSeverity(Severity::kInfo));
  EXPECT_EQ(ExitCodeFor(WorstSeverity(findings)), ExitCode::kOk);
  findings.push_back(WithSeverity(Severity::kWarning));
  EXPECT_EQ(ExitCodeFor(WorstSeverity(findings)), ExitCode::kWarning);
  findings.push_back(WithSeverity(Severity::kCritical));
  EXPECT_EQ(static_cast<int>(ExitCodeFor(WorstSeverity(findings))), 2);
}

TEST(FindingTest, SeverityNamesRoundTrip) {
  for (Severity s : {Severity::kOk, Severity::kInfo, Severity::kWarning, Severity::kCritical}) {
    EXPECT_EQ(ParseSeverity(SeverityName(s)), s);
  }
  EXPECT_FALSE(ParseSeverity("fatal").has_value());
}

}  // namespace
}  // namespace probe
