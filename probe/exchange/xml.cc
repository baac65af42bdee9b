#include "probe/exchange/xml.h"

#include <cstdint>

namespace probe::exchange::xml {
namespace {

constexpr std::string_view kXmlNamespace = "http://www.w3.org/XML/1998/namespace";

std::string_view PrefixOf(pugi::xml_node node) {
  std::string_view name = node.name();
  auto colon = name.find(':');
  return colon == std::string_view::npos ? std::string_view() : name.substr(0, colon);
}

// True if `attribute` declares `prefix` ("xmlns" for the default namespace, "xmlns:p" for p).
bool Declares(std::string_view attribute, std::string_view prefix) {
  if (attribute.substr(0, 5) != "xmlns") return false;
  if (prefix.empty()) return attribute.size() == 5;
  return attribute.size() == 6 + prefix.size() && attribute[5] == ':' &&
         attribute.substr(6) == prefix;
}

// Resolves an element's prefix by walking up its ancestors. `bound` is false for a prefix that
// no ancestor declares (a namespace well-formedness error); the default namespace may be unset.
std::string_view Resolve(pugi::xml_node node, bool& bound) {
  std::string_view prefix = PrefixOf(node);
  bound = true;
  if (prefix == "xml") return kXmlNamespace;
  for (pugi::xml_node n = node; n && n.type() == pugi::node_element; n = n.parent()) {
    for (pugi::xml_attribute a : n.attributes()) {
      if (Declares(a.name(), prefix)) return a.value();
    }
  }
  bound = prefix.empty();
  return {};
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Checks depth, element count and prefixes without recursion (a hostile document may nest
// deeply; the walk keeps one cursor and a depth counter).
Result<void> CheckTree(const pugi::xml_document& doc, const Limits& limits) {
  std::size_t depth = 1;
  std::size_t elements = 0;
  pugi::xml_node node = doc.first_child();
  while (node) {
    if (node.type() == pugi::node_element) {
      if (++elements > limits.max_elements) {
        return Fail(ErrorCode::kMalformed,
                    "XML holds more than " + std::to_string(limits.max_elements) + " elements");
      }
      if (depth > limits.max_depth) {
        return Fail(ErrorCode::kMalformed,
                    "XML nests deeper than " + std::to_string(limits.max_depth) + " elements");
      }
      bool bound = true;
      (void)Resolve(node, bound);
      if (!bound) {
        return Fail(ErrorCode::kMalformed, "namespace prefix '" + std::string(PrefixOf(node)) +
                                               "' of <" + node.name() + "> is not declared");
      }
    }
    if (pugi::xml_node child = node.first_child()) {
      node = child;
      ++depth;
      continue;
    }
    while (node != doc && !node.next_sibling()) {
      node = node.parent();
      --depth;
    }
    if (node == doc) break;
    node = node.next_sibling();
  }
  if (elements == 0) return Fail(ErrorCode::kMalformed, "XML has no root element");
  return {};
}

// Length of the UTF-8 sequence starting at text[i] and its code point; 0 if invalid.
std::size_t DecodeUtf8(std::string_view text, std::size_t i, std::uint32_t& cp) {
  auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(text[k]); };
  std::uint8_t b0 = byte(i);
  std::size_t len = b0 < 0x80           ? 1
                    : (b0 >> 5) == 0x6  ? 2
                    : (b0 >> 4) == 0xE  ? 3
                    : (b0 >> 3) == 0x1E ? 4
                                        : 0;
  if (len == 0 || i + len > text.size()) return 0;
  cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1Fu) : len == 3 ? (b0 & 0x0Fu) : (b0 & 0x07u);
  for (std::size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3Fu);
  }
  static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

struct StringWriter : pugi::xml_writer {
  std::string out;
  void write(const void* data, std::size_t size) override {
    out.append(static_cast<const char*>(data), size);
  }
};

}  // namespace

Result<void> Load(std::string_view body, const Limits& limits, pugi::xml_document& doc) {
  if (body.empty()) return Fail(ErrorCode::kMalformed, "empty body where XML was expected");
  if (body.size() > limits.max_bytes) {
    return Fail(ErrorCode::kMalformed, "XML of " + std::to_string(body.size()) +
                                           " bytes exceeds the limit of " +
                                           std::to_string(limits.max_bytes) + " bytes");
  }
  pugi::xml_parse_result parsed =
      doc.load_buffer(body.data(), body.size(), pugi::parse_default, pugi::encoding_auto);
  if (!parsed) {
    return Fail(ErrorCode::kMalformed, "XML not well-formed at byte " +
                                           std::to_string(parsed.offset) + ": " +
                                           parsed.description());
  }
  return CheckTree(doc, limits);
}

std::string_view LocalName(pugi::xml_node node) {
  std::string_view name = node.name();
  auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

std::string_view NamespaceOf(pugi::xml_node node) {
  bool bound = true;
  return Resolve(node, bound);
}

bool Is(pugi::xml_node node, std::string_view ns, std::string_view local) {
  return node.type() == pugi::node_element && LocalName(node) == local && NamespaceOf(node) == ns;
}

pugi::xml_node Child(pugi::xml_node parent, std::string_view ns, std::string_view local) {
  for (pugi::xml_node c : parent.children()) {
    if (Is(c, ns, local)) return c;
  }
  return {};
}

std::vector<pugi::xml_node> Children(pugi::xml_node parent, std::string_view ns,
                                     std::string_view local) {
  std::vector<pugi::xml_node> out;
  for (pugi::xml_node c : parent.children()) {
    if (Is(c, ns, local)) out.push_back(c);
  }
  return out;
}

pugi::xml_node ChildAnyNs(pugi::xml_node parent, std::string_view local) {
  for (pugi::xml_node c : parent.children()) {
    if (c.type() == pugi::node_element && LocalName(c) == local) return c;
  }
  return {};
}

std::string Text(pugi::xml_node node) {
  std::string out;
  for (pugi::xml_node c : node.children()) {
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) out += c.value();
  }
  std::size_t begin = 0;
  std::size_t end = out.size();
  while (begin < end && IsSpace(out[begin])) ++begin;
  while (end > begin && IsSpace(out[end - 1])) --end;
  return out.substr(begin, end - begin);
}

std::string ChildText(pugi::xml_node parent, std::string_view ns, std::string_view local) {
  return Text(Child(parent, ns, local));
}

Result<void> CheckText(std::string_view text, std::string_view field) {
  for (std::size_t i = 0; i < text.size();) {
    std::uint32_t cp = 0;
    std::size_t len = DecodeUtf8(text, i, cp);
    if (len == 0) {
      return Fail(ErrorCode::kInvalidArgument, std::string(field) + " is not valid UTF-8");
    }
    bool allowed = cp == '\t' || cp == '\n' || cp == '\r' ||
                   (cp >= 0x20 && cp != 0x7F && cp != 0xFFFE && cp != 0xFFFF);
    if (!allowed) {
      return Fail(ErrorCode::kInvalidArgument,
                  std::string(field) + " holds a control character XML cannot carry");
    }
    i += len;
  }
  return {};
}

std::string Serialize(const pugi::xml_document& doc) {
  StringWriter writer;
  writer.out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
  doc.save(writer, "  ", pugi::format_indent | pugi::format_no_declaration, pugi::encoding_utf8);
  return std::move(writer.out);
}

}  // namespace probe::exchange::xml
