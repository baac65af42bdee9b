// Any bytes as a ServerHello handshake message: must decode or fail cleanly, never overrun.
#include <cstddef>
#include <cstdint>

#include "probe/tls/server_hello.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto hello = probe::tls::DecodeServerHello(probe::ByteView(data, size));
  if (hello) (void)hello->NegotiatedVersion();
  return 0;
}
