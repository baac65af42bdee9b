#include "probe/logs/csv.h"

#include <cstring>

namespace probe::logs {
namespace {

// A quoted field starting after its opening quote at `pos`. On return `pos` is just past the
// closing quote; `out` is the value. Empty return = success.
std::string_view QuotedField(std::string_view line, std::size_t& pos, std::string_view& out,
                             std::string& scratch) {
  const char* data = line.data();
  std::size_t start = pos;
  bool copied = false;
  std::size_t copy_start = 0;
  for (;;) {
    const void* q = pos < line.size() ? std::memchr(data + pos, '"', line.size() - pos) : nullptr;
    if (q == nullptr) return "a quoted field has no closing quote";
    std::size_t at = static_cast<const char*>(q) - data;
    if (at + 1 < line.size() && data[at + 1] == '"') {  // "" inside quotes: one quote
      if (!copied) {
        copied = true;
        copy_start = scratch.size();
      }
      scratch.append(data + pos, at + 1 - pos);
      pos = at + 2;
      continue;
    }
    if (copied) {
      scratch.append(data + pos, at - pos);
      out = std::string_view(scratch.data() + copy_start, scratch.size() - copy_start);
    } else {
      out = line.substr(start, at - start);
    }
    pos = at + 1;
    return {};
  }
}

}  // namespace

std::string_view SplitCsv(std::string_view line, std::vector<std::string_view>& fields,
                          std::string& scratch) {
  fields.clear();
  scratch.clear();
  // Undoubled values are never longer than the line: with this capacity views never move.
  if (scratch.capacity() < line.size()) scratch.reserve(line.size());
  const char* data = line.data();
  std::size_t pos = 0;
  for (;;) {
    if (pos < line.size() && data[pos] == '"') {
      ++pos;
      std::string_view value;
      if (auto why = QuotedField(line, pos, value, scratch); !why.empty()) return why;
      fields.push_back(value);
      if (pos == line.size()) return {};
      if (data[pos] != ',') return "text follows a closing quote";
      ++pos;
      continue;
    }
    const void* comma =
        pos < line.size() ? std::memchr(data + pos, ',', line.size() - pos) : nullptr;
    if (comma == nullptr) {
      fields.push_back(line.substr(pos));
      return {};
    }
    std::size_t at = static_cast<const char*>(comma) - data;
    fields.push_back(line.substr(pos, at - pos));
    pos = at + 1;
  }
}

void SplitW3c(std::string_view line, std::vector<std::string_view>& fields) {
  fields.clear();
  std::size_t pos = 0;
  for (;;) {
    std::size_t at = line.find(' ', pos);
    if (at == std::string_view::npos) {
      fields.push_back(line.substr(pos));
      return;
    }
    fields.push_back(line.substr(pos, at - pos));
    pos = at + 1;
  }
}

}  // namespace probe::logs
