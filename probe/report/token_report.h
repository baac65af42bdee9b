// Text and JSON renderings of decoded authentication tokens: `exprobe ntlm decode`, and the
// tokens of each leg of `exprobe auth`.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "probe/auth/token_input.h"
#include "probe/auth/token_view.h"

namespace probe::report {

/// The view tree as JSON: groups become objects, lists arrays, scalars JSON values.
nlohmann::json ToJson(const auth::TokenField& field);
/// The view tree as indented "key: value" lines; list items start with "- ".
std::string TokenFieldText(const auth::TokenField& field, int indent);

/// The `exprobe ntlm decode` document (schema "exprobe/1", command "ntlm decode").
nlohmann::json TokenDecodeJson(const auth::TokenText& input, const auth::TokenField& view,
                               bool secrets_shown);
/// Ends with a note on masking when something was masked.
std::string TokenDecodeText(const auth::TokenText& input, const auth::TokenField& view);

}  // namespace probe::report
