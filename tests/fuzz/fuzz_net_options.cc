// Feeds the input, as text, to every parser of the network options: each must return a value or
// an error for any bytes, never crash or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "probe/net/address.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)probe::net::ParseHostPort(text, 443);
  (void)probe::net::ParseResolve(text);
  (void)probe::net::ParseConnectTo(text);
  (void)probe::net::ParseDnsServer(text);
  if (auto address = probe::net::SocketAddress::FromNumeric(text, 443)) {
    (void)address->ToString();
  }
  return 0;
}
