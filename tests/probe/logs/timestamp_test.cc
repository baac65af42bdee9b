#include "probe/logs/timestamp.h"

#include <gtest/gtest.h>

namespace probe::logs {
namespace {

TEST(TimestampTest, HttpProxyDateTime) {
  EXPECT_EQ(ParseIsoTime("2023-01-07T08:39:45.725Z"), 1673080785725);
  EXPECT_EQ(ParseIsoTime("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseIsoTime("1601-01-01T00:00:00Z"), -11644473600000);  // FILETIME's epoch
  EXPECT_EQ(ParseIsoTime("2000-02-29T23:59:59Z"), 951868799000);
  // Fractions longer than milliseconds are cut, not rounded.
  EXPECT_EQ(ParseIsoTime("2023-01-07T08:39:45.7259999Z"), 1673080785725);
}

TEST(TimestampTest, UserSpellings) {
  TimeMs day = 1673049600000;  // 2023-01-07T00:00:00Z
  EXPECT_EQ(ParseIsoTime("2023-01-07"), day);
  EXPECT_EQ(ParseIsoTime("2023-01-07T08:30"), day + (8 * 60 + 30) * 60000);
  EXPECT_EQ(ParseIsoTime("2023-01-07 08:30:15"), day + (8 * 3600 + 30 * 60 + 15) * 1000);
  EXPECT_EQ(ParseIsoTime("2023-01-07T10:00:00+02:00"), 1673078400000);
  EXPECT_EQ(ParseIsoTime("2023-01-07T06:00:00-0200"), 1673078400000);
}

TEST(TimestampTest, RejectsWhatIsNotATime) {
  for (const char* bad :
       {"", "yesterday", "2023-13-01", "2023-02-29", "2023-01-07T24:00", "2023-01-07T08:60",
        "2023-01-07T08:30:00Zjunk", "2023-1-7", "2023-01-07T08", "2023-01-07T08:30:00.",
        "2023-01-07T08:30+25:00", "1600-12-31"}) {
    EXPECT_FALSE(ParseIsoTime(bad)) << bad;
  }
}

TEST(TimestampTest, W3cDateAndTime) {
  EXPECT_EQ(ParseDateAndTime("2023-01-07", "08:39:45"), 1673080785000);
  EXPECT_FALSE(ParseDateAndTime("2023-01-07", "08:39"));  // W3C always writes seconds
  EXPECT_FALSE(ParseDateAndTime("-", "08:39:45"));
  EXPECT_FALSE(ParseDateAndTime("2023-01-07 ", "08:39:45"));
}

TEST(TimestampTest, FormatRoundTrips) {
  for (TimeMs t : {TimeMs{0}, TimeMs{1673080785725}, TimeMs{951868799000}, TimeMs{-11644473600000},
                   TimeMs{253402300799999}}) {
    auto text = FormatIsoTime(t);
    EXPECT_EQ(ParseIsoTime(text), t) << text;
  }
  EXPECT_EQ(FormatIsoTime(1673080785725), "2023-01-07T08:39:45.725Z");
}

}  // namespace
}  // namespace probe::logs
