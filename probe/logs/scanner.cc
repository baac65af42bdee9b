#include "probe/logs/scanner.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "probe/logs/columns.h"
#include "probe/logs/csv.h"
#include "probe/logs/request.h"

namespace probe::logs {
namespace {

namespace fs = std::filesystem;

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return Lower(x) == Lower(y); });
}

bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return true;
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char x, char y) { return Lower(x) == Lower(y); });
  return it != haystack.end();
}

bool EndsWithIgnoreCase(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && EqualsIgnoreCase(s.substr(s.size() - suffix.size()), suffix);
}

// Folders hold more than logs; only these names are read when walking one.
bool LooksLikeLog(const fs::path& p) {
  std::string name = p.filename().string();
  return EndsWithIgnoreCase(name, ".log") || EndsWithIgnoreCase(name, ".gz");
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::string_view Trimmed(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// The per-file reading state: the column map in force and the W3C #Date: day.
struct FileState {
  std::optional<ColumnMap> map;
  std::string date;  // "YYYY-MM-DD" from "#Date: 2023-01-07 08:00:00"
  bool saw_httpproxy = false;
  bool saw_w3c = false;
};

}  // namespace

Scanner::Scanner(ScanOptions options)
    : options_(std::move(options)), detector_(options_.detector) {}

Result<void> Scanner::AddPath(const std::string& path) {
  std::error_code ec;
  auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("{}: {}", path, ec ? ec.message() : "no such file or directory"));
  }
  if (!fs::is_directory(status)) {
    auto source = OpenLogFile(path);
    if (!source) return Fail(source.error().With(path));
    AddStream(path, **source);
    return {};
  }
  std::vector<std::string> files;
  fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec);
  if (ec) return Fail(ErrorCode::kIo, fmt::format("{}: {}", path, ec.message()));
  for (fs::recursive_directory_iterator end; it != end; it.increment(ec)) {
    if (ec) break;
    std::error_code file_ec;
    if (it->is_regular_file(file_ec) && LooksLikeLog(it->path()))
      files.push_back(it->path().string());
  }
  std::sort(files.begin(), files.end());  // HttpProxy_YYYYMMDDHH-N.LOG: name order is time order
  for (const auto& file : files) AddFile(file);
  if (ec) {
    FileScan failed;
    failed.path = path;
    failed.error = fmt::format("folder walk stopped: {}", ec.message());
    result_.files.push_back(std::move(failed));
  }
  return {};
}

void Scanner::AddFile(const std::string& path) {
  auto source = OpenLogFile(path);
  if (!source) {
    FileScan failed;
    failed.path = path;
    failed.error = source.error().message;
    result_.files.push_back(std::move(failed));
    return;
  }
  AddStream(path, **source);
}

void Scanner::AddStream(std::string_view name, ByteSource& source) {
  FileScan file;
  file.path = std::string(name);
  FileState state;
  detector_.BeginFile();
  LineReader reader(source, options_.max_line);
  Request request;
  while (auto line = reader.Next()) {
    ++file.lines;
    if (line->too_long) {
      Malformed(file, line->number, fmt::format("longer than {} bytes", options_.max_line));
      continue;
    }
    std::string_view text = line->text;
    if (line->number == 1 && StartsWith(text, "\xEF\xBB\xBF")) text.remove_prefix(3);  // BOM
    if (text.empty()) continue;
    if (text[0] == '#') {
      if (StartsWith(text, "#Fields:")) {
        state.map = MapColumns(text.substr(8));
        if (state.map->usable()) {
          (state.map->format == LogFormat::kHttpProxy ? state.saw_httpproxy : state.saw_w3c) = true;
        } else if (file.skipped_reason.empty()) {
          file.skipped_reason =
              fmt::format("#Fields: at line {} has no {}", line->number, state.map->missing);
        }
      } else if (StartsWith(text, "#Date:")) {
        state.date = std::string(Trimmed(text.substr(6)).substr(0, 10));
      }
      continue;
    }
    if (!state.map) {
      Malformed(file, line->number, "no #Fields: line before it");
      continue;
    }
    const ColumnMap& map = *state.map;
    if (!map.usable()) {
      ++file.skipped;
      continue;
    }
    if (map.format == LogFormat::kHttpProxy) {
      if (auto why = SplitCsv(text, fields_, scratch_); !why.empty()) {
        Malformed(file, line->number, std::string(why));
        continue;
      }
    } else {
      SplitW3c(text, fields_);
    }
    if (fields_.size() != map.field_count) {
      Malformed(file, line->number,
                fmt::format("{} fields where #Fields: names {}", fields_.size(), map.field_count));
      continue;
    }
    if (auto why = ReadRequest(map, fields_, state.date, request); !why.empty()) {
      Malformed(file, line->number, std::string(why));
      continue;
    }
    ++file.requests;
    if (!Keep(request)) {
      ++result_.filtered_out;
      continue;
    }
    ++result_.requests;
    result_.first = std::min(result_.first.value_or(request.time), request.time);
    result_.last = std::max(result_.last.value_or(request.time), request.time);
    detector_.Add(request, file.path, line->number, text);
  }
  if (reader.error()) file.error = reader.error()->message;
  file.bytes = reader.bytes();
  if (state.saw_httpproxy && state.saw_w3c) {
    file.format = "mixed";
  } else if (state.saw_httpproxy || state.saw_w3c) {
    file.format = LogFormatName(state.saw_httpproxy ? LogFormat::kHttpProxy : LogFormat::kW3c);
  }
  result_.bytes += file.bytes;
  result_.lines += file.lines;
  result_.skipped += file.skipped;
  result_.files.push_back(std::move(file));
}

bool Scanner::Keep(const Request& r) const {
  if (options_.since && r.time < *options_.since) return false;
  if (options_.until && r.time > *options_.until) return false;
  if (!options_.protocol.empty() && !EqualsIgnoreCase(r.protocol, options_.protocol)) return false;
  if (!options_.user.empty() && !ContainsIgnoreCase(r.user, options_.user) &&
      !ContainsIgnoreCase(r.anchor_mailbox, options_.user))
    return false;
  return true;
}

void Scanner::Malformed(FileScan& file, std::uint64_t line, std::string reason) {
  ++file.malformed;
  ++result_.malformed;
  if (result_.malformed_samples.size() < options_.max_malformed_samples)
    result_.malformed_samples.push_back(MalformedLine{file.path, line, std::move(reason)});
}

ScanResult Scanner::Finish() {
  result_.groups = detector_.TakeGroups();
  result_.groups_dropped = detector_.groups_dropped();
  result_.streaks_dropped = detector_.streaks_dropped();
  return std::move(result_);
}

}  // namespace probe::logs
