#include "probe/exchange/autodiscover_json.h"

#include <nlohmann/json.hpp>

namespace probe::exchange {
namespace {

// Nesting depth of brackets outside strings, checked before nlohmann sees the text, so the
// limit holds whatever the parser does internally.
bool DepthWithin(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) return false;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return true;
}

// Reads an optional string member; a present member of another type is malformed. Looked up
// with find() so no nlohmann accessor can throw.
Result<std::string> StringMember(const nlohmann::json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return std::string();
  if (!it->is_string()) {
    return Fail(ErrorCode::kMalformed,
                std::string("Autodiscover v2 member ") + name + " is not a string");
  }
  return it->get_ref<const std::string&>();
}

}  // namespace

Result<JsonV2Answer> ParseAutodiscoverJson(std::string_view body, const JsonV2Limits& limits) {
  if (body.empty()) return Fail(ErrorCode::kMalformed, "empty body where JSON was expected");
  if (body.size() > limits.max_bytes) {
    return Fail(ErrorCode::kMalformed, "Autodiscover v2 answer of " + std::to_string(body.size()) +
                                           " bytes exceeds the limit of " +
                                           std::to_string(limits.max_bytes));
  }
  if (!DepthWithin(body, limits.max_depth)) {
    return Fail(ErrorCode::kMalformed,
                "Autodiscover v2 answer nests deeper than " + std::to_string(limits.max_depth));
  }
  nlohmann::json doc = nlohmann::json::parse(body.begin(), body.end(), nullptr,
                                             /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Fail(ErrorCode::kMalformed, "Autodiscover v2 answer is not JSON");
  if (!doc.is_object()) {
    return Fail(ErrorCode::kMalformed, "Autodiscover v2 answer is not a JSON object");
  }
  JsonV2Answer out;
  struct Field {
    const char* name;
    std::string* into;
  } fields[] = {{"Protocol", &out.protocol},
                {"Url", &out.url},
                {"ErrorCode", &out.error_code},
                {"ErrorMessage", &out.error_message}};
  for (const Field& f : fields) {
    auto value = StringMember(doc, f.name);
    if (!value) return Fail(value.error());
    *f.into = std::move(*value);
  }
  if (out.url.empty() && out.error_code.empty()) {
    return Fail(ErrorCode::kMalformed, "Autodiscover v2 answer has neither Url nor ErrorCode");
  }
  return out;
}

}  // namespace probe::exchange
