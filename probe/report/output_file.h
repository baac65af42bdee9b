// Files the run writers produce: an output written atomically (a temporary file in the same
// directory, renamed over the target on success, as node_exporter's textfile collector needs),
// and an anonymous spool that keeps a streamed section out of memory until it can be placed.
#pragma once

#include <cstdio>
#include <string>

#include "probe/core/result.h"

namespace probe::report {

/// stdout, or FILE written as FILE.tmp.<pid> and renamed over FILE by Commit(). Destroying an
/// uncommitted file removes the temporary file: a failed run never leaves a half-written output.
class OutputFile {
 public:
  static Result<OutputFile> Open(const std::string& path);  // "" or "-": stdout
  OutputFile(OutputFile&& other) noexcept;
  OutputFile& operator=(OutputFile&&) = delete;
  ~OutputFile();

  std::FILE* get() const { return file_; }
  /// Flushes, syncs and renames into place.
  Result<void> Commit();

 private:
  OutputFile(std::FILE* file, std::string path, std::string tmp)
      : file_(file), path_(std::move(path)), tmp_(std::move(tmp)) {}
  std::FILE* file_ = nullptr;
  std::string path_;  // empty: stdout
  std::string tmp_;
};

/// An unnamed temporary file (std::tmpfile): append now, copy out later. Kept in memory when no
/// temporary file can be made.
class Spool {
 public:
  Spool();
  Spool(Spool&& other) noexcept
      : file_(other.file_), bytes_(other.bytes_), memory_(std::move(other.memory_)) {
    other.file_ = nullptr;
  }
  Spool& operator=(Spool&&) = delete;
  ~Spool();
  void Write(std::string_view text);
  bool empty() const { return bytes_ == 0; }
  /// Appends everything written so far to `out`.
  void CopyTo(std::FILE* out);

 private:
  std::FILE* file_ = nullptr;
  std::size_t bytes_ = 0;
  std::string memory_;
};

}  // namespace probe::report
