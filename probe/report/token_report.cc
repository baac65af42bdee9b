#include "probe/report/token_report.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace probe::report {
namespace {

using nlohmann::json;

std::string ScalarText(const auth::TokenField::Value& value) {
  struct Visitor {
    std::string operator()(std::monostate) const { return ""; }
    std::string operator()(const std::string& s) const { return s.empty() ? "(none)" : s; }
    std::string operator()(std::uint64_t n) const { return std::to_string(n); }
    std::string operator()(bool b) const { return b ? "yes" : "no"; }
    std::string operator()(const std::vector<std::string>& v) const {
      return v.empty() ? "(none)" : fmt::format("{}", fmt::join(v, ", "));
    }
  };
  return std::visit(Visitor{}, value);
}

json ScalarJson(const auth::TokenField::Value& value) {
  struct Visitor {
    json operator()(std::monostate) const { return nullptr; }
    json operator()(const std::string& s) const { return s; }
    json operator()(std::uint64_t n) const { return n; }
    json operator()(bool b) const { return b; }
    json operator()(const std::vector<std::string>& v) const { return v; }
  };
  return std::visit(Visitor{}, value);
}

// "key: value", "key: summary" or "key:" (list items: "- value" / "- summary").
std::string HeadLine(const auth::TokenField& field, bool item) {
  std::string text = field.children.empty() ? ScalarText(field.value) : field.summary;
  if (item) return text.empty() ? "-" : "- " + text;
  return text.empty() ? field.key + ":" : fmt::format("{}: {}", field.key, text);
}

void Render(const auth::TokenField& field, int indent, bool item, std::string& out) {
  out += fmt::format("{:{}}{}\n", "", indent * 2, HeadLine(field, item));
  for (const auth::TokenField& child : field.children) {
    if (!child.text_hidden) Render(child, indent + 1, field.list, out);
  }
}

// True when some node of `field` hid bytes behind a fingerprint.
bool AnyMasked(const auth::TokenField& field) {
  if (field.key == "masked" && field.value == auth::TokenField::Value(true)) return true;
  for (const auth::TokenField& child : field.children) {
    if (AnyMasked(child)) return true;
  }
  return false;
}

std::string InputDescription(const auth::TokenText& input) {
  std::string from = input.header.empty() ? "a bare token" : input.header + " header";
  std::string scheme = input.scheme.empty() ? "" : fmt::format(", scheme {}", input.scheme);
  return fmt::format("{}{}, {}, {} bytes", from, scheme, input.encoding, input.bytes.size());
}

}  // namespace

json ToJson(const auth::TokenField& field) {
  if (field.list) {
    json items = json::array();
    for (const auth::TokenField& child : field.children) items.push_back(ToJson(child));
    return items;
  }
  if (field.children.empty()) return ScalarJson(field.value);
  json object = json::object();
  for (const auth::TokenField& child : field.children) object[child.key] = ToJson(child);
  return object;
}

std::string TokenFieldText(const auth::TokenField& field, int indent) {
  std::string out;
  for (const auth::TokenField& child : field.children) {
    if (!child.text_hidden) Render(child, indent, field.list, out);
  }
  return out;
}

json TokenDecodeJson(const auth::TokenText& input, const auth::TokenField& view,
                     bool secrets_shown) {
  json in{{"scheme", input.scheme},
          {"header", input.header},
          {"encoding", input.encoding},
          {"length", input.bytes.size()}};
  return json{{"schema", "exprobe/1"},   {"command", "ntlm decode"},       {"input", in},
              {"summary", view.summary}, {"secrets_shown", secrets_shown}, {"token", ToJson(view)}};
}

std::string TokenDecodeText(const auth::TokenText& input, const auth::TokenField& view) {
  std::string out = fmt::format("{}\n  from {}\n", view.summary, InputDescription(input));
  out += TokenFieldText(view, 1);
  if (AnyMasked(view)) {
    out +=
        "Responses, keys and MICs are masked (length and SHA-256 prefix); --show-secrets "
        "prints them.\n";
  }
  return out;
}

}  // namespace probe::report
