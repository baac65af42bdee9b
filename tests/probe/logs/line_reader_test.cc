#include "probe/logs/line_reader.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace probe::logs {
namespace {

// Hands out at most `chunk` bytes per read, so lines straddle buffer refills.
class TrickleSource : public ByteSource {
 public:
  TrickleSource(std::string bytes, std::size_t chunk) : bytes_(std::move(bytes)), chunk_(chunk) {}
  Result<std::size_t> Read(std::span<char> out) override {
    std::size_t n = std::min({out.size(), chunk_, bytes_.size() - pos_});
    std::copy_n(bytes_.data() + pos_, n, out.data());
    pos_ += n;
    return n;
  }

 private:
  std::string bytes_;
  std::size_t chunk_;
  std::size_t pos_ = 0;
};

struct Read {
  std::vector<std::string> lines;
  std::vector<std::uint64_t> too_long;  // line numbers
};

Read ReadAll(ByteSource& source, std::size_t max_line = kMaxLineBytes) {
  LineReader reader(source, max_line);
  Read out;
  while (auto line = reader.Next()) {
    if (line->too_long) {
      out.too_long.push_back(line->number);
    } else {
      out.lines.emplace_back(line->text);
    }
    EXPECT_EQ(line->number, out.lines.size() + out.too_long.size());
  }
  EXPECT_FALSE(reader.error());
  return out;
}

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "exprobe-logs-XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string File(const std::string& name, const std::string& bytes) const {
    std::string p = (path / name).string();
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
  }
};

std::string Gzip(const std::string& text) {
  // gzip framing via zlib's deflate with windowBits 31.
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 9, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, text.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

TEST(LineReaderTest, CrLfAndLfAndALastLineWithoutEnd) {
  MemorySource source("one\r\ntwo\n\nthree");
  auto read = ReadAll(source);
  EXPECT_EQ(read.lines, (std::vector<std::string>{"one", "two", "", "three"}));
}

TEST(LineReaderTest, LinesAcrossRefills) {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "line " + std::to_string(i) + "\r\n";
  TrickleSource source(text, 7);
  auto read = ReadAll(source);
  ASSERT_EQ(read.lines.size(), 5000u);
  EXPECT_EQ(read.lines[4999], "line 4999");
}

TEST(LineReaderTest, OverLongLinesAreReportedAndSkipped) {
  std::string big(100, 'x');
  std::string text = "short\n" + big + "\nafter\n" + std::string(16, 'y') + "\r\n" + big;
  MemorySource source(text);  // a view: the text must outlive it
  auto read = ReadAll(source, 16);
  EXPECT_EQ(read.lines, (std::vector<std::string>{"short", "after", std::string(16, 'y')}));
  EXPECT_EQ(read.too_long, (std::vector<std::uint64_t>{2, 5}));
}

TEST(LineReaderTest, OverLongLineLargerThanTheBuffer) {
  // 3 MiB without a newline, through a source that returns 64 KiB at a time: memory stays at
  // the reader's buffer, the line is reported once, and the next line is intact.
  std::string text = std::string(3 << 20, 'z') + "\nnext\n";
  TrickleSource source(text, 64 * 1024);
  auto read = ReadAll(source);
  EXPECT_EQ(read.too_long, (std::vector<std::uint64_t>{1}));
  EXPECT_EQ(read.lines, (std::vector<std::string>{"next"}));
}

TEST(LineReaderTest, PlainAndGzipFilesByContent) {
  TempDir dir;
  std::string text = "#Fields: a,b\r\n1,2\r\n";
  for (const auto& path :
       {dir.File("plain.log", text), dir.File("packed.log", Gzip(text)),
        dir.File("packed.gz", Gzip(text)),
        dir.File("two_members.gz", Gzip("#Fields: a,b\r\n") + Gzip("1,2\r\n"))}) {
    auto source = OpenLogFile(path);
    ASSERT_TRUE(source) << path;
    auto read = ReadAll(**source);
    EXPECT_EQ(read.lines, (std::vector<std::string>{"#Fields: a,b", "1,2"})) << path;
  }
}

TEST(LineReaderTest, TruncatedGzipIsAnErrorNotGarbage) {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 2000; ++i)
    text += "2023-01-07T08:00:00.000Z,line " + std::to_string(i) + "\n";
  std::string gz = Gzip(text);
  auto path = dir.File("cut.gz", gz.substr(0, gz.size() / 2));
  auto source = OpenLogFile(path);
  ASSERT_TRUE(source);
  LineReader reader(**source);
  std::size_t lines = 0;
  while (auto line = reader.Next()) {
    ASSERT_FALSE(line->too_long);
    ASSERT_EQ(line->text.rfind("2023-01-07T08:00:00.000Z,line ", 0), 0u) << line->text;
    ++lines;
  }
  ASSERT_TRUE(reader.error());
  EXPECT_NE(reader.error()->message.find("gzip"), std::string::npos);
  EXPECT_LT(lines, 2000u);
}

TEST(LineReaderTest, MissingFile) {
  auto source = OpenLogFile("/nonexistent/exprobe/HttpProxy.LOG");
  ASSERT_FALSE(source);
  EXPECT_EQ(source.error().code, ErrorCode::kIo);
}

}  // namespace
}  // namespace probe::logs
