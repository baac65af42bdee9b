// The scanner: reads log files and folders (recursively, gzip too), maps each file's columns
// from its `#Fields:` lines, applies the user's filters, counts malformed lines, and feeds the
// detector. Never fails on a bad line; only a path that cannot be read at all is an Error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probe/core/result.h"
#include "probe/logs/detector.h"
#include "probe/logs/line_reader.h"
#include "probe/logs/timestamp.h"

namespace probe::logs {

struct ScanOptions {
  std::optional<TimeMs> since;  // inclusive
  std::optional<TimeMs> until;  // inclusive
  std::string user;             // case-insensitive substring of the user or the anchor mailbox
  std::string protocol;         // case-insensitive: "RpcHttp", "Mapi", "Ews", ...
  DetectorOptions detector;
  std::size_t max_line = kMaxLineBytes;
  std::size_t max_malformed_samples = 10;
};

/// A line that could not be read, as evidence.
struct MalformedLine {
  std::string file;
  std::uint64_t line = 0;
  std::string reason;
};

/// What one file held.
struct FileScan {
  std::string path;
  std::string format;  // "httpproxy", "iis-w3c", "mixed", or "" when no #Fields: line was usable
  std::uint64_t bytes = 0;
  std::uint64_t lines = 0;
  std::uint64_t requests = 0;  // data lines read (before filters)
  std::uint64_t malformed = 0;
  std::uint64_t skipped = 0;   // lines under a #Fields: line of another kind of log
  std::string skipped_reason;  // e.g. "#Fields: has no DateTime, HttpStatus"
  std::string error;           // a read error that ended the file early
};

struct ScanResult {
  std::vector<FileScan> files;
  std::uint64_t bytes = 0;
  std::uint64_t lines = 0;
  std::uint64_t requests = 0;      // read and inside the filters
  std::uint64_t filtered_out = 0;  // read but outside --since/--until/--user/--protocol
  std::uint64_t malformed = 0;
  std::uint64_t skipped = 0;
  std::vector<MalformedLine> malformed_samples;  // the first few
  std::optional<TimeMs> first;  // time of the earliest and latest request inside the filters
  std::optional<TimeMs> last;
  std::vector<Group> groups;
  std::uint64_t groups_dropped = 0;
  std::uint64_t streaks_dropped = 0;
};

class Scanner {
 public:
  explicit Scanner(ScanOptions options);

  /// Reads a file, or a folder recursively (files named *.log or *.gz, case-insensitive, in name
  /// order). Errors only when `path` itself is missing or unreadable; a file inside a folder that
  /// fails is recorded in its FileScan.
  Result<void> AddPath(const std::string& path);
  /// Reads one stream of log text; `name` is how samples and errors name it.
  void AddStream(std::string_view name, ByteSource& source);
  /// The result; the scanner is spent afterwards.
  ScanResult Finish();

 private:
  bool Keep(const Request& r) const;
  void Malformed(FileScan& file, std::uint64_t line, std::string reason);
  void AddFile(const std::string& path);

  ScanOptions options_;
  Detector detector_;
  ScanResult result_;
  // Reused for every line, so reading does not allocate per line.
  std::vector<std::string_view> fields_;
  std::string scratch_;
};

}  // namespace probe::logs
