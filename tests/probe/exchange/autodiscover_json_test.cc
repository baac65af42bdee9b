#include "probe/exchange/autodiscover_json.h"

#include <gtest/gtest.h>

#include "tests/probe/exchange/fixture.h"

namespace probe::exchange {
namespace {

using testing::Fixture;

TEST(AutodiscoverJsonTest, Answer) {
  auto a = ParseAutodiscoverJson(Fixture("autodiscover/json_v2_ews.json"));
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_FALSE(a->IsError());
  EXPECT_EQ(a->protocol, "Ews");
  EXPECT_EQ(a->url, "https://mail.contoso.com/EWS/Exchange.asmx");
  EXPECT_TRUE(a->error_message.empty());
}

TEST(AutodiscoverJsonTest, ErrorForm) {
  auto a = ParseAutodiscoverJson(Fixture("autodiscover/json_v2_error.json"));
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_TRUE(a->IsError());
  EXPECT_EQ(a->error_code, "ProtocolNotSupported");
  EXPECT_EQ(a->error_message,
            "The given protocol value 'Mapi' is invalid. Supported values are "
            "'Ews,ActiveSync,AutodiscoverV1'");
  EXPECT_TRUE(a->url.empty());
}

TEST(AutodiscoverJsonTest, UnknownMembersAndNullsAreIgnored) {
  auto a = ParseAutodiscoverJson(R"({"Protocol":"AutodiscoverV1","Url":"https://x/a.xml",)"
                                 R"("Extra":{"a":[1,2]},"ErrorCode":null})");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->url, "https://x/a.xml");
  EXPECT_FALSE(a->IsError());
}

TEST(AutodiscoverJsonTest, RejectsHostileInput) {
  for (std::string_view bad :
       {"", "not json", "[]", "\"x\"", "{}", R"({"Url":5})", R"({"Protocol":"Ews"})",
        R"({"ErrorCode":["x"]})", "{\"Url\":\"\xff\xfe\"}", R"({"Url":"x")"}) {
    auto a = ParseAutodiscoverJson(bad);
    EXPECT_FALSE(a) << bad;
    if (!a) {
      EXPECT_EQ(a.error().code, ErrorCode::kMalformed);
    }
  }
  std::string deep(10000, '[');
  auto d = ParseAutodiscoverJson(deep);
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message.find("deeper"), std::string::npos);
  // Brackets inside strings do not count as depth.
  EXPECT_TRUE(ParseAutodiscoverJson(R"({"Url":"[[[[[[[[[[[[[[[[[[\"{{{{{{{{{{{{{{"})"));
  std::string big = R"({"Url":")" + std::string(70000, 'a') + "\"}";
  EXPECT_FALSE(ParseAutodiscoverJson(big));
}

}  // namespace
}  // namespace probe::exchange
