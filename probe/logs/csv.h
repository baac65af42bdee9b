// Splitting one log line into fields: Exchange's CSV (HttpProxy logs) and IIS W3C (spaces).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace probe::logs {

// Exchange writes a field that holds a comma, a double quote or a line break in double quotes,
// with every inner quote doubled:   a,"b,c","say ""hi""",   ->   a | b,c | say "hi" | (empty)
/// Splits `line` into `fields` (cleared first). A view points into `line`, or into `scratch` for a
/// field whose quotes had to be undoubled (scratch is reserved once per line, so it never moves).
/// Returns an empty string on success, else why the line is not CSV (a static string).
std::string_view SplitCsv(std::string_view line, std::vector<std::string_view>& fields,
                          std::string& scratch);

/// Splits a W3C line at single spaces (IIS writes '+' for a space inside a value, '-' for none).
void SplitW3c(std::string_view line, std::vector<std::string_view>& fields);

}  // namespace probe::logs
