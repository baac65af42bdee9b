// The monitoring writers' rules without a network: Nagios ranges as the plugin guidelines define
// them, perfdata labels, Prometheus escaping and grouping, XML escaping.
#include <gtest/gtest.h>

#include "probe/report/junit_report.h"
#include "probe/report/nagios_report.h"
#include "probe/report/prometheus_report.h"

namespace probe::report {
namespace {

TEST(NagiosRangeTest, FollowsTheGuidelinesExamples) {
  // "10": alert below 0 or above 10.
  auto r = ParseNagiosRange("10");
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->Alerts(-1));
  EXPECT_FALSE(r->Alerts(0));
  EXPECT_FALSE(r->Alerts(10));
  EXPECT_TRUE(r->Alerts(10.5));
  // "10:": alert below 10.
  r = ParseNagiosRange("10:");
  EXPECT_TRUE(r->Alerts(9.9));
  EXPECT_FALSE(r->Alerts(1e9));
  // "~:10": alert above 10.
  r = ParseNagiosRange("~:10");
  EXPECT_FALSE(r->Alerts(-1e9));
  EXPECT_TRUE(r->Alerts(11));
  // "10:20": alert outside; "@10:20": alert inside.
  r = ParseNagiosRange("10:20");
  EXPECT_TRUE(r->Alerts(9));
  EXPECT_FALSE(r->Alerts(15));
  EXPECT_TRUE(r->Alerts(21));
  r = ParseNagiosRange("@10:20");
  EXPECT_FALSE(r->Alerts(9));
  EXPECT_TRUE(r->Alerts(10));
  EXPECT_TRUE(r->Alerts(20));
  EXPECT_FALSE(r->Alerts(21));
  for (const char* bad : {"", "@", "x", "20:10", "1:x", "10::", "1e999"}) {
    EXPECT_FALSE(ParseNagiosRange(bad).has_value()) << bad;
  }
}

TEST(NagiosRangeTest, ThresholdsNameKnownMeasures) {
  auto t = ParseNagiosThresholds({"cert_days=30:", "handshake_time=0.5"}, {"cert_days=7:"});
  ASSERT_TRUE(t.has_value()) << t.error().message;
  EXPECT_EQ(t->at("cert_days").warning->text, "30:");
  EXPECT_EQ(t->at("cert_days").critical->text, "7:");
  EXPECT_FALSE(t->at("handshake_time").critical.has_value());
  EXPECT_FALSE(ParseNagiosThresholds({"cert_dayz=30:"}, {}).has_value());
  EXPECT_FALSE(ParseNagiosThresholds({"cert_days"}, {}).has_value());
}

TEST(NagiosRangeTest, PerfLabelsAreQuotedAndEscaped) {
  EXPECT_EQ(PerfLabel("a b"), "'a b'");
  EXPECT_EQ(PerfLabel("it's"), "'it''s'");
  EXPECT_EQ(PerfLabel("a=b"), "'a_b'");
}

TEST(PrometheusReportTest, EscapesLabelValuesAndFormatsValues) {
  EXPECT_EQ(EscapeLabelValue("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  EXPECT_EQ(SampleLine("m", {{"target", "x"}}, {{"v", "TLS 1.2"}}, 1),
            "m{target=\"x\",v=\"TLS 1.2\"} 1\n");
  EXPECT_EQ(SampleLine("m", {}, {}, 0.25), "m 0.25\n");
  EXPECT_EQ(FormatMetricValue(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(FormatMetricValue(-std::numeric_limits<double>::infinity()), "-Inf");
}

TEST(PrometheusReportTest, OutcomesAreGroupedPerFamilyWithOneSamplePerFinding) {
  runner::CheckOutcome o;
  o.duration_ms = 1500;
  o.findings.push_back({"cert.expired", Severity::kCritical, "x", {}, "", "", {}});
  o.findings.push_back({"cert.expired", Severity::kCritical, "y", {}, "", "", {}});
  o.findings.push_back({"cert.chain_ok", Severity::kOk, "z", {}, "", "", {}});
  runner::MetricFamily families[] = {
      {"probe_success", "s"}, {"exprobe_finding", "f"}, {"probe_duration_seconds", "d"}};
  std::string text = Exposition(families, OutcomeSamples(o));
  EXPECT_EQ(text,
            "# HELP probe_success s\n# TYPE probe_success gauge\nprobe_success 0\n"
            "# HELP exprobe_finding f\n# TYPE exprobe_finding gauge\n"
            "exprobe_finding{id=\"cert.expired\",severity=\"critical\"} 1\n"
            "exprobe_finding{id=\"cert.chain_ok\",severity=\"ok\"} 1\n"
            "# HELP probe_duration_seconds d\n# TYPE probe_duration_seconds gauge\n"
            "probe_duration_seconds 1.5\n");
}

TEST(JunitReportTest, EscapesXml) {
  EXPECT_EQ(XmlEscape("a<b>&\"'\x01\n"), "a&lt;b&gt;&amp;&quot;&apos;?\n");
}

}  // namespace
}  // namespace probe::report
