#include "probe/logs/csv.h"

#include <gtest/gtest.h>

namespace probe::logs {
namespace {

using Fields = std::vector<std::string_view>;
using Strings = std::vector<std::string>;

// Copies the fields out: views may point into scratch, which dies here.
Strings Split(std::string_view line, std::string_view* why = nullptr) {
  Fields fields;
  std::string scratch;
  auto reason = SplitCsv(line, fields, scratch);
  if (why != nullptr) *why = reason;
  return Strings(fields.begin(), fields.end());
}

TEST(CsvTest, PlainFieldsAndEmptyOnes) {
  EXPECT_EQ(Split("a,b,c"), (Strings{"a", "b", "c"}));
  EXPECT_EQ(Split(",,"), (Strings{"", "", ""}));
  EXPECT_EQ(Split(""), (Strings{""}));
  EXPECT_EQ(Split("a,"), (Strings{"a", ""}));
}

TEST(CsvTest, ExchangeQuoting) {
  // A value with a comma is quoted; inner quotes are doubled.
  EXPECT_EQ(Split(R"c(x,"Microsoft Office/16.0 (Windows NT 10.0; Outlook, Pro)",y)c"),
            (Strings{"x", "Microsoft Office/16.0 (Windows NT 10.0; Outlook, Pro)", "y"}));
  EXPECT_EQ(Split(R"c("say ""hi""",2)c"), (Strings{R"c(say "hi")c", "2"}));
  EXPECT_EQ(Split(R"c("""")c"), (Strings{"\""}));
  EXPECT_EQ(Split(R"c("",z)c"), (Strings{"", "z"}));
  EXPECT_EQ(Split(R"c("a""b","c""d")c"), (Strings{"a\"b", "c\"d"}));
}

TEST(CsvTest, ViewsIntoScratchSurviveLaterFields) {
  Fields fields;
  std::string scratch;
  std::string line = R"("a""1","b""2","c""3",plain)";
  ASSERT_TRUE(SplitCsv(line, fields, scratch).empty());
  ASSERT_EQ(fields.size(), 4u);
  EXPECT_EQ(fields[0], "a\"1");
  EXPECT_EQ(fields[1], "b\"2");
  EXPECT_EQ(fields[2], "c\"3");
  EXPECT_EQ(fields[3], "plain");
}

TEST(CsvTest, MalformedQuoting) {
  std::string_view why;
  Split(R"c(a,"unterminated, b)c", &why);
  EXPECT_EQ(why, "a quoted field has no closing quote");
  Split(R"c("closed"after,b)c", &why);
  EXPECT_EQ(why, "text follows a closing quote");
  Split(R"c(a,")c", &why);
  EXPECT_FALSE(why.empty());
}

TEST(CsvTest, W3cSplitsAtSpaces) {
  Fields fields;
  SplitW3c("2023-01-07 14:00:00 10.0.2.5 POST /mapi/emsmdb/ - 443 - 10.0.1.60", fields);
  ASSERT_EQ(fields.size(), 9u);
  EXPECT_EQ(fields[3], "POST");
  EXPECT_EQ(fields[7], "-");
  SplitW3c("a  b", fields);
  EXPECT_EQ(fields, (Fields{"a", "", "b"}));
}

}  // namespace
}  // namespace probe::logs
