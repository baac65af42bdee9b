#include "probe/serve/query.h"

#include <gtest/gtest.h>

namespace probe::serve {
namespace {

TEST(QueryTest, SplitsPathAndDecodesParameters) {
  auto t =
      ParseRequestTarget("/probe?target=https%3A%2F%2Fmail.contoso.test%2Fowa%2F&module=a+b&x");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->path, "/probe");
  EXPECT_EQ(t->params["target"], "https://mail.contoso.test/owa/");
  EXPECT_EQ(t->params["module"], "a b");
  EXPECT_EQ(t->params["x"], "");
  auto first = ParseRequestTarget("/probe?module=a&module=b");
  EXPECT_EQ(first->params["module"], "a");
}

TEST(QueryTest, RejectsBrokenEscapes) {
  EXPECT_FALSE(ParseRequestTarget("/probe?target=%zz"));
  EXPECT_FALSE(ParseRequestTarget("/probe?target=%4"));
  EXPECT_FALSE(ParseRequestTarget("/probe?target=%"));
  EXPECT_EQ(PercentDecode("%41%62", false), "Ab");
  EXPECT_EQ(PercentDecode("a+b", false), "a+b");
}

}  // namespace
}  // namespace probe::serve
