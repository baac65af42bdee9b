#include "probe/http/www_authenticate.h"

#include <cctype>
#include <string>

namespace probe::http {
namespace {

bool IsTchar(char c) {
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}
bool IsToken68Char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("-._~+/").find(c) != std::string_view::npos;
}
bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}
std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A cursor over one header value; every read is bounded by the value's size.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek(std::size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  std::size_t pos() const { return pos_; }
  void Seek(std::size_t pos) { pos_ = pos; }
  std::string_view Slice(std::size_t from, std::size_t to) const {
    return text_.substr(from, to - from);
  }
  void SkipSpaces() {
    while (!AtEnd() && (Peek() == ' ' || Peek() == '\t')) ++pos_;
  }
  void SkipSpacesAndCommas() {
    while (!AtEnd() && (Peek() == ' ' || Peek() == '\t' || Peek() == ',')) ++pos_;
  }
  std::string_view Take(bool (*pred)(char)) {
    std::size_t start = pos_;
    while (!AtEnd() && pred(Peek())) ++pos_;
    return text_.substr(start, pos_ - start);
  }
  std::size_t CountEquals() {
    std::size_t n = 0;
    while (!AtEnd() && Peek() == '=') ++pos_, ++n;
    return n;
  }
  Result<std::string> QuotedString() {
    ++pos_;  // opening quote
    std::string out;
    while (!AtEnd()) {
      char c = text_[pos_++];
      if (c == '"') return out;
      if (c == '\\') {
        if (AtEnd()) break;
        c = text_[pos_++];
      }
      out.push_back(c);
    }
    return Fail(ErrorCode::kMalformed, "unterminated quoted-string");
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

Error At(const Cursor& c, std::string what) {
  return Error{ErrorCode::kMalformed,
               "WWW-Authenticate: " + what + " at offset " + std::to_string(c.pos())};
}

// True when the cursor is at `token BWS "="` followed by something other than the end, a comma
// or another "=" (which would make it a token68 with padding).
bool AtAuthParam(Cursor& c) {
  std::size_t start = c.pos();
  bool is_param = false;
  if (!c.Take(IsTchar).empty()) {
    c.SkipSpaces();
    if (c.Peek() == '=' && c.Peek(1) != '=') {
      c.Seek(c.pos() + 1);
      c.SkipSpaces();
      is_param = !c.AtEnd() && c.Peek() != ',';
    }
  }
  c.Seek(start);
  return is_param;
}

Result<std::pair<std::string, std::string>> ParseAuthParam(Cursor& c) {
  std::string name = Lower(c.Take(IsTchar));
  c.SkipSpaces();
  c.Seek(c.pos() + 1);  // "=", checked by AtAuthParam
  c.SkipSpaces();
  if (c.Peek() == '"') {
    auto value = c.QuotedString();
    if (!value) return Fail(At(c, value.error().message));
    return std::pair{name, *value};
  }
  std::string_view value = c.Take(IsTchar);
  if (value.empty()) return Fail(At(c, "auth-param value expected"));
  return std::pair{name, std::string(value)};
}

// After the scheme: a token68, or auth-params until the next challenge starts.
Result<void> ParseChallengeData(Cursor& c, Challenge& challenge) {
  c.SkipSpaces();
  if (c.AtEnd() || c.Peek() == ',') return {};
  if (!AtAuthParam(c)) {
    std::size_t start = c.pos();
    if (c.Take(IsToken68Char).empty()) return Fail(At(c, "token68 or auth-param expected"));
    c.CountEquals();
    challenge.token68 = std::string(c.Slice(start, c.pos()));
    c.SkipSpaces();
    if (!c.AtEnd() && c.Peek() != ',') return Fail(At(c, "unexpected character after token68"));
    return {};
  }
  while (true) {
    auto param = ParseAuthParam(c);
    if (!param) return Fail(param.error());
    challenge.params.push_back(std::move(*param));
    c.SkipSpaces();
    if (c.AtEnd()) return {};
    if (c.Peek() != ',') return Fail(At(c, "',' expected between auth-params"));
    std::size_t comma = c.pos();
    c.SkipSpacesAndCommas();
    if (c.AtEnd()) return {};
    if (!AtAuthParam(c)) {
      c.Seek(comma);  // the next challenge starts here
      return {};
    }
  }
}

}  // namespace

bool Challenge::SchemeIs(std::string_view name) const { return EqualsIgnoreCase(scheme, name); }

Result<std::vector<Challenge>> ParseWwwAuthenticate(std::string_view value) {
  std::vector<Challenge> out;
  Cursor c(value);
  while (true) {
    c.SkipSpacesAndCommas();
    if (c.AtEnd()) break;
    Challenge challenge;
    challenge.scheme = std::string(c.Take(IsTchar));
    if (challenge.scheme.empty()) return Fail(At(c, "auth-scheme expected"));
    if (!c.AtEnd() && c.Peek() != ' ' && c.Peek() != '\t' && c.Peek() != ',')
      return Fail(At(c, "unexpected character after auth-scheme"));
    auto data = ParseChallengeData(c, challenge);
    if (!data) return Fail(data.error());
    out.push_back(std::move(challenge));
  }
  return out;
}

Result<std::vector<Challenge>> ParseWwwAuthenticateHeaders(const std::vector<std::string>& values) {
  std::vector<Challenge> out;
  for (const auto& value : values) {
    auto parsed = ParseWwwAuthenticate(value);
    if (!parsed) return Fail(parsed.error());
    out.insert(out.end(), parsed->begin(), parsed->end());
  }
  return out;
}

const Challenge* FindChallenge(const std::vector<Challenge>& challenges, std::string_view scheme) {
  for (const auto& challenge : challenges) {
    if (challenge.SchemeIs(scheme)) return &challenge;
  }
  return nullptr;
}

}  // namespace probe::http
