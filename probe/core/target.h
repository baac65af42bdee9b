// Target: what the user asked to probe, and how to reach it.
#pragma once

#include <cstdint>
#include <string>

namespace probe {

/// A host and port as the user named them. `sni` is the name sent in TLS (defaults to the host
/// when it is a name). The address actually connected to is decided by probe/net.
struct Target {
  std::string host;
  std::uint16_t port = 443;
  std::string sni;
};

}  // namespace probe
