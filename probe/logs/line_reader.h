// Reading log text line by line without holding the file: a byte source (file, gzip file,
// memory) and a reader with a fixed buffer and a cap on line length, so memory stays flat.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "probe/core/result.h"

namespace probe::logs {

/// Longest line the reader hands out (HttpProxy lines with stack traces in GenericErrors run to a
/// few KiB); a longer line is reported as too long and skipped.
inline constexpr std::size_t kMaxLineBytes = 64 * 1024;

/// Where a log's bytes come from.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  /// Fills up to out.size() bytes; 0 at the end. kIo or kMalformed (a corrupt gzip stream).
  virtual Result<std::size_t> Read(std::span<char> out) = 0;
};

/// A source over bytes someone else owns (tests, the fuzzer).
class MemorySource : public ByteSource {
 public:
  explicit MemorySource(std::string_view bytes) : bytes_(bytes) {}
  Result<std::size_t> Read(std::span<char> out) override;

 private:
  std::string_view bytes_;
};

/// Opens `path`; a gzip file (recognised by its magic bytes, not its name) is inflated on the fly.
Result<std::unique_ptr<ByteSource>> OpenLogFile(const std::string& path);

/// One line without its "\n" / "\r\n". `text` is valid until the next call to Next().
struct Line {
  std::string_view text;
  std::uint64_t number = 0;  // 1-based
  bool too_long = false;     // longer than the cap: `text` is empty, the line was skipped
};

/// Splits a source into lines with one buffer of fixed size.
class LineReader {
 public:
  explicit LineReader(ByteSource& source, std::size_t max_line = kMaxLineBytes);

  /// The next line, or nullopt at the end or after a read error (then error() says which).
  std::optional<Line> Next();
  const std::optional<Error>& error() const { return error_; }
  /// Bytes read from the source so far (after inflating).
  std::uint64_t bytes() const { return bytes_; }

 private:
  bool Fill();  // false at the end or on error

  ByteSource& source_;
  std::size_t max_line_;
  std::unique_ptr<char[]> buffer_;  // not zeroed: a fresh megabyte per file adds up
  std::size_t capacity_;
  std::size_t begin_ = 0, end_ = 0;
  std::uint64_t number_ = 0;
  std::uint64_t bytes_ = 0;
  bool eof_ = false;
  std::optional<Error> error_;
};

}  // namespace probe::logs
