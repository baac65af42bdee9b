// Any bytes as a log file: the reader, both splitters, the column maps and the detector must
// read or count them as malformed, never crash, hang or grow without bound. The first byte picks
// a small line cap and a loop threshold, so over-long lines and loops are reached quickly.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "probe/logs/scanner.h"
#include "probe/logs/timestamp.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::uint8_t knobs = data[0];
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  probe::logs::ScanOptions options;
  options.max_line = 64 + (knobs & 0x0f) * 256;
  options.detector.loop_threshold = 2 + (knobs >> 4);
  options.detector.window = 60'000;
  options.detector.max_groups = 64;
  options.detector.max_streaks = 64;
  options.max_malformed_samples = 4;
  probe::logs::Scanner scanner(options);
  probe::logs::MemorySource source(text);
  scanner.AddStream("fuzz.log", source);
  auto result = scanner.Finish();

  if (result.malformed_samples.size() > options.max_malformed_samples) std::abort();
  if (result.groups.size() > options.detector.max_groups) std::abort();
  if (result.bytes != text.size()) std::abort();
  for (const auto& g : result.groups) {
    if (g.count == 0 || g.first > g.last || g.sample.text.size() > probe::logs::kSampleBytes)
      std::abort();
  }
  // A time that parses formats to a string that parses to the same time.
  if (auto t = probe::logs::ParseIsoTime(text.substr(0, 40))) {
    if (probe::logs::ParseIsoTime(probe::logs::FormatIsoTime(*t)) != t) std::abort();
  }
  return 0;
}
