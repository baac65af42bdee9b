#include "probe/exchange/xml.h"

#include <gtest/gtest.h>

#include <string>

namespace probe::exchange::xml {
namespace {

TEST(XmlTest, ResolvesPrefixesDefaultsAndRedeclarations) {
  pugi::xml_document doc;
  ASSERT_TRUE(
      Load("<a:root xmlns:a='urn:a' xmlns='urn:d'><child/><a:x xmlns:a='urn:b'>"
           "<a:y> t </a:y></a:x></a:root>",
           {}, doc));
  pugi::xml_node root = doc.document_element();
  EXPECT_EQ(NamespaceOf(root), "urn:a");
  EXPECT_EQ(LocalName(root), "root");
  EXPECT_TRUE(Child(root, "urn:d", "child"));
  EXPECT_FALSE(Child(root, "urn:a", "child"));
  pugi::xml_node x = Child(root, "urn:b", "x");  // the inner declaration wins
  ASSERT_TRUE(x);
  EXPECT_EQ(ChildText(x, "urn:b", "y"), "t");
  EXPECT_TRUE(ChildAnyNs(root, "x"));
}

TEST(XmlTest, UndeclaredPrefixIsMalformed) {
  pugi::xml_document doc;
  auto r = Load("<root><p:x/></root>", {}, doc);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("'p'"), std::string::npos) << r.error().message;
}

TEST(XmlTest, LimitsHold) {
  pugi::xml_document doc;
  Limits small;
  small.max_bytes = 10;
  EXPECT_FALSE(Load("<root>12345678</root>", small, doc));
  EXPECT_FALSE(Load("", {}, doc));
  std::string deep;
  for (int i = 0; i < 33; ++i) deep += "<a>";
  for (int i = 0; i < 33; ++i) deep += "</a>";
  auto r = Load(deep, {}, doc);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("deeper"), std::string::npos);
  std::string ok_depth;
  for (int i = 0; i < 32; ++i) ok_depth += "<a>";
  for (int i = 0; i < 32; ++i) ok_depth += "</a>";
  EXPECT_TRUE(Load(ok_depth, {}, doc));
  Limits few;
  few.max_elements = 3;
  EXPECT_FALSE(Load("<a><b/><c/><d/></a>", few, doc));
  EXPECT_TRUE(Load("<a><b/><c/></a>", few, doc));
}

TEST(XmlTest, NotWellFormedNamesTheOffset) {
  pugi::xml_document doc;
  auto r = Load("<a><b></a>", {}, doc);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kMalformed);
  EXPECT_NE(r.error().message.find("at byte"), std::string::npos);
  EXPECT_FALSE(Load("just text", {}, doc));
}

TEST(XmlTest, EntitiesAreNeverExpanded) {
  // "Billion laughs": pugixml skips the DOCTYPE and leaves unknown references as text.
  std::string body = "<!DOCTYPE a [<!ENTITY l0 'ha'>";
  for (int i = 1; i < 10; ++i) {
    body += "<!ENTITY l" + std::to_string(i) + " '&l" + std::to_string(i - 1) + ";&l" +
            std::to_string(i - 1) + ";'>";
  }
  body += "]><a>&l9;</a>";
  pugi::xml_document doc;
  ASSERT_TRUE(Load(body, {}, doc));
  EXPECT_EQ(Text(doc.document_element()), "&l9;");
}

TEST(XmlTest, TextConcatenatesAndTrims) {
  pugi::xml_document doc;
  ASSERT_TRUE(Load("<a>\n  one<![CDATA[ & two]]>\t</a>", {}, doc));
  EXPECT_EQ(Text(doc.document_element()), "one & two");
}

TEST(XmlTest, CheckTextRejectsWhatXmlCannotCarry) {
  EXPECT_TRUE(CheckText("plain <&> \"quoted\" \t\r\n", "f"));
  EXPECT_TRUE(CheckText("M\xc3\xbcller \xe2\x82\xac \xf0\x9f\x98\x80", "f"));
  EXPECT_FALSE(CheckText(std::string("nul\0", 4), "f"));
  EXPECT_FALSE(CheckText("bell\x07", "f"));
  EXPECT_FALSE(CheckText("\xc3", "f"));          // truncated
  EXPECT_FALSE(CheckText("\xc0\xaf", "f"));      // overlong
  EXPECT_FALSE(CheckText("\xed\xa0\x80", "f"));  // surrogate
  EXPECT_FALSE(CheckText("\xef\xbf\xbe", "f"));  // U+FFFE
}

TEST(XmlTest, SerializeWritesTheUtf8Declaration) {
  pugi::xml_document doc;
  doc.append_child("a").text() = "x & y";
  std::string out = Serialize(doc);
  EXPECT_EQ(out.rfind("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n", 0), 0u) << out;
  EXPECT_NE(out.find("x &amp; y"), std::string::npos);
}

}  // namespace
}  // namespace probe::exchange::xml
