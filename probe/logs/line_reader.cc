#include "probe/logs/line_reader.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace probe::logs {
namespace {

constexpr std::size_t kReadChunk = 1 << 20;

std::string ErrnoText(int err) { return std::strerror(err); }

class FdSource : public ByteSource {
 public:
  explicit FdSource(int fd) : fd_(fd) {}
  ~FdSource() override { ::close(fd_); }
  FdSource(const FdSource&) = delete;
  FdSource& operator=(const FdSource&) = delete;

  Result<std::size_t> Read(std::span<char> out) override {
    for (;;) {
      ssize_t n = ::read(fd_, out.data(), out.size());
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno != EINTR) return Fail(ErrorCode::kIo, ErrnoText(errno));
    }
  }

 private:
  int fd_;
};

class GzipSource : public ByteSource {
 public:
  explicit GzipSource(gzFile file) : file_(file) {}
  ~GzipSource() override { gzclose(file_); }
  GzipSource(const GzipSource&) = delete;
  GzipSource& operator=(const GzipSource&) = delete;

  Result<std::size_t> Read(std::span<char> out) override {
    unsigned want = static_cast<unsigned>(std::min<std::size_t>(out.size(), 1u << 30));
    int n = gzread(file_, out.data(), want);
    int code = Z_OK;
    const char* message = gzerror(file_, &code);
    // zlib reports a truncated stream as Z_BUF_ERROR once the input runs out.
    if (n < 0 || (code != Z_OK && code != Z_STREAM_END)) {
      return Fail(ErrorCode::kMalformed, std::string("gzip: ") + (message ? message : "error"));
    }
    return static_cast<std::size_t>(n);
  }

 private:
  gzFile file_;
};

}  // namespace

Result<std::size_t> MemorySource::Read(std::span<char> out) {
  std::size_t n = std::min(out.size(), bytes_.size());
  std::memcpy(out.data(), bytes_.data(), n);
  bytes_.remove_prefix(n);
  return n;
}

Result<std::unique_ptr<ByteSource>> OpenLogFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Fail(ErrorCode::kIo, ErrnoText(errno));
  unsigned char magic[2] = {0, 0};
  ssize_t got = ::pread(fd, magic, sizeof magic, 0);
  if (got < 0) {
    int err = errno;
    ::close(fd);
    return Fail(ErrorCode::kIo, ErrnoText(err));
  }
  if (got == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
    gzFile file = gzdopen(fd, "rb");
    if (file == nullptr) {
      ::close(fd);
      return Fail(ErrorCode::kIo, "gzip: cannot open");
    }
    gzbuffer(file, 256 * 1024);
    return std::unique_ptr<ByteSource>(new GzipSource(file));
  }
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return std::unique_ptr<ByteSource>(new FdSource(fd));
}

LineReader::LineReader(ByteSource& source, std::size_t max_line)
    : source_(source),
      max_line_(max_line),
      buffer_(std::make_unique_for_overwrite<char[]>(kReadChunk + max_line + 1)),
      capacity_(kReadChunk + max_line + 1) {}

bool LineReader::Fill() {
  if (eof_ || error_) return false;
  if (begin_ > 0) {
    std::memmove(buffer_.get(), buffer_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  auto n = source_.Read(std::span<char>(buffer_.get() + end_, capacity_ - end_));
  if (!n) {
    error_ = n.error();
    return false;
  }
  if (*n == 0) {
    eof_ = true;
    return false;
  }
  end_ += *n;
  bytes_ += *n;
  return true;
}

std::optional<Line> LineReader::Next() {
  std::size_t scanned = begin_;  // bytes before this offset hold no '\n'
  bool skipping = false;         // inside a line longer than the cap
  for (;;) {
    const char* base = buffer_.get();
    const void* nl = scanned < end_ ? std::memchr(base + scanned, '\n', end_ - scanned) : nullptr;
    if (nl != nullptr) {
      std::size_t stop = static_cast<const char*>(nl) - base;
      std::string_view text(base + begin_, stop - begin_);
      begin_ = stop + 1;
      ++number_;
      if (skipping || text.size() > max_line_ + 1) return Line{{}, number_, true};
      if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
      if (text.size() > max_line_) return Line{{}, number_, true};
      return Line{text, number_, false};
    }
    if (end_ - begin_ > max_line_ + 1) {  // no end in sight: drop what we hold, keep counting
      skipping = true;
      begin_ = end_;
    }
    scanned = end_ - begin_;
    if (!Fill()) break;
  }
  if (error_) return std::nullopt;  // a partial line before a read error is not a line
  if (begin_ == end_ && !skipping) return std::nullopt;
  // The last line has no "\n" (a log being written, or a copy cut short).
  std::string_view text(buffer_.get() + begin_, end_ - begin_);
  begin_ = end_;
  ++number_;
  if (skipping || text.size() > max_line_) return Line{{}, number_, true};
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  return Line{text, number_, false};
}

}  // namespace probe::logs
