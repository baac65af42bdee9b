#include "probe/report/output_file.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace probe::report {

Result<OutputFile> OutputFile::Open(const std::string& path) {
  if (path.empty() || path == "-") return OutputFile(stdout, "", "");
  std::string tmp = fmt::format("{}.tmp.{}", path, getpid());
  std::FILE* file = std::fopen(tmp.c_str(), "w");
  if (!file) {
    return Fail(ErrorCode::kIo, fmt::format("cannot write {}: {}", tmp, std::strerror(errno)));
  }
  return OutputFile(file, path, tmp);
}

OutputFile::OutputFile(OutputFile&& other) noexcept
    : file_(other.file_), path_(std::move(other.path_)), tmp_(std::move(other.tmp_)) {
  other.file_ = nullptr;
}

OutputFile::~OutputFile() {
  if (!file_ || path_.empty()) return;
  std::fclose(file_);
  std::remove(tmp_.c_str());
}

Result<void> OutputFile::Commit() {
  if (!file_) return {};
  if (path_.empty()) {
    std::fflush(file_);
    return {};
  }
  bool ok = std::fflush(file_) == 0 && fsync(fileno(file_)) == 0;
  ok = std::fclose(file_) == 0 && ok;
  file_ = nullptr;
  if (!ok || std::rename(tmp_.c_str(), path_.c_str()) != 0) {
    std::string reason = std::strerror(errno);
    std::remove(tmp_.c_str());
    return Fail(ErrorCode::kIo, fmt::format("cannot write {}: {}", path_, reason));
  }
  return {};
}

Spool::Spool() : file_(std::tmpfile()) {}

Spool::~Spool() {
  if (file_) std::fclose(file_);
}

void Spool::Write(std::string_view text) {
  bytes_ += text.size();
  if (!file_) {
    memory_ += text;
    return;
  }
  std::fwrite(text.data(), 1, text.size(), file_);
}

void Spool::CopyTo(std::FILE* out) {
  if (!file_) {
    std::fwrite(memory_.data(), 1, memory_.size(), out);
    return;
  }
  std::fflush(file_);
  std::rewind(file_);
  char buffer[1 << 15];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, file_)) > 0) std::fwrite(buffer, 1, n, out);
  std::fseek(file_, 0, SEEK_END);
}

}  // namespace probe::report
