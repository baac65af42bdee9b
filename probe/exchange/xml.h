// Namespace-aware, bounded reading and plain writing of XML over pugixml (which has no namespace
// support of its own). Shared by the Autodiscover and EWS codecs; nothing here knows a schema.
#pragma once

#include <cstddef>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "probe/core/result.h"

namespace probe::exchange::xml {

/// Bounds applied to a document before anything reads it.
struct Limits {
  std::size_t max_bytes = 1 << 20;  // 1 MiB: a real Autodiscover answer is under 20 KiB
  std::size_t max_depth = 32;       // the deepest real answer nests 7 elements
  std::size_t max_elements = 20000;
};

/// Parses `body` into `doc`. kMalformed when the body is empty or over max_bytes, is not
/// well-formed (the message names the byte offset), nests deeper than max_depth, holds more than
/// max_elements elements, or uses a namespace prefix no xmlns declaration binds.
Result<void> Load(std::string_view body, const Limits& limits, pugi::xml_document& doc);

/// The part of an element's name after any prefix ("t:Folder" -> "Folder").
std::string_view LocalName(pugi::xml_node node);
/// The namespace URI an element's prefix (or the default namespace) resolves to; "" if none.
std::string_view NamespaceOf(pugi::xml_node node);
/// True if `node` is an element named `local` in namespace `ns`.
bool Is(pugi::xml_node node, std::string_view ns, std::string_view local);

/// The first child element named `local` in namespace `ns`, or an empty node.
pugi::xml_node Child(pugi::xml_node parent, std::string_view ns, std::string_view local);
/// Every child element named `local` in namespace `ns`, in document order.
std::vector<pugi::xml_node> Children(pugi::xml_node parent, std::string_view ns,
                                     std::string_view local);
/// The first child element named `local`, whatever its namespace.
pugi::xml_node ChildAnyNs(pugi::xml_node parent, std::string_view local);

/// The element's text content with surrounding ASCII whitespace removed ("" if none).
std::string Text(pugi::xml_node node);
/// Text() of Child(parent, ns, local).
std::string ChildText(pugi::xml_node parent, std::string_view ns, std::string_view local);

/// kInvalidArgument unless `text` is valid UTF-8 without control characters other than tab,
/// CR and LF (what XML 1.0 allows), so a builder never writes a document a parser rejects.
Result<void> CheckText(std::string_view text, std::string_view field);

/// The document with an `<?xml version="1.0" encoding="utf-8"?>` declaration, indented by two
/// spaces.
std::string Serialize(const pugi::xml_document& doc);

}  // namespace probe::exchange::xml
