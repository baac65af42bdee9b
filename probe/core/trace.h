// TraceSink: where protocol layers send their wire trace; the CLI decides how it looks.
#pragma once

#include <string_view>

namespace probe {

/// Receives one line of wire trace (what was sent, what came back). Library code never prints;
/// it calls the sink it was given, which may be null.
class TraceSink {
 public:
  virtual ~TraceSink() = default;
  virtual void Trace(std::string_view layer, std::string_view line) = 0;
};

/// Calls `sink->Trace` when a sink is set.
inline void TraceTo(TraceSink* sink, std::string_view layer, std::string_view line) {
  if (sink != nullptr) sink->Trace(layer, line);
}

}  // namespace probe
