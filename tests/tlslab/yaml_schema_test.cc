#include "tlslab/yaml_schema.h"

#include <gtest/gtest.h>

namespace tlslab {
namespace {

YamlField FieldOf(const YAML::Node& map, const std::string& key) {
  for (const auto& kv : map) {
    if (kv.first.Scalar() == key) return {key, kv.first, kv.second};
  }
  return {};
}

TEST(YamlSchemaTest, MappingAcceptsKnownKeysOnce) {
  YamlSchema schema("s.yaml");
  YAML::Node node = YAML::Load("a: 1\nb: [x, y]\n");
  auto m = schema.Mapping(node, "section", {"a", "b", "c"});
  ASSERT_TRUE(m) << m.error().message;
  ASSERT_EQ(m->fields.size(), 2u);
  EXPECT_EQ(m->Find("b")->name, "b");
  EXPECT_EQ(m->Find("c"), nullptr);
  auto list = schema.TextList(*m->Find("b"), "section");
  ASSERT_TRUE(list);
  EXPECT_EQ(*list, (std::vector<std::string>{"x", "y"}));
}

TEST(YamlSchemaTest, EmptyValuesAreReportedOnTheLineOfTheirKey) {
  YamlSchema schema("s.yaml");
  // yaml-cpp marks the null value of "a:" at the next token, on line 3.
  YAML::Node node = YAML::Load("x: 1\na:\nb: 2\n");
  auto m = schema.Mapping(node, "section", {"x", "a", "b"});
  ASSERT_TRUE(m);
  auto text = schema.Text(*m, "a", "section", true);
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().message, "s.yaml:2: section: 'a' must be a non-empty string");
}

TEST(YamlSchemaTest, NumbersAreDecimalAndBounded) {
  YamlSchema schema("s.yaml");
  YAML::Node node = YAML::Load("ok: 443\nbig: 65536\nneg: -1\nhex: 0x10\n");
  EXPECT_EQ(schema.Number(FieldOf(node, "ok"), "l", 65535).value_or(0), 443u);
  for (const char* bad : {"big", "neg", "hex"}) {
    auto n = schema.Number(FieldOf(node, bad), "l", 65535);
    ASSERT_FALSE(n) << bad;
    EXPECT_TRUE(n.error().message.find(std::string("l: ") + bad +
                                       " must be a number from 0 to "
                                       "65535") != std::string::npos)
        << n.error().message;
  }
}

TEST(YamlSchemaTest, EntryNamesAndShownText) {
  EXPECT_EQ(YamlSchema::EntryName("listener", YAML::Load("{name: web}"), 0), "listener 'web'");
  EXPECT_EQ(YamlSchema::EntryName("listener", YAML::Load("{name: 'a b'}"), 1), "listener #2");
  EXPECT_EQ(YamlSchema::EntryName("listener", YAML::Load("[1]"), 2), "listener #3");
  EXPECT_EQ(Shown("a\nb"), "a?b");
  EXPECT_EQ(Shown(std::string(70, 'x')), std::string(60, 'x') + "...");
  EXPECT_TRUE(IsName("tls10_12"));
  EXPECT_TRUE(IsName("legacy-san.v2"));
  EXPECT_FALSE(IsName(""));
  EXPECT_FALSE(IsName("a/b"));
  EXPECT_FALSE(IsName(std::string(65, 'a')));
}

}  // namespace
}  // namespace tlslab
