// Any byte stream as a server's answer to a raw ClientHello (records, handshake reassembly,
// SSL 2.0): must decide or ask for more, never read out of bounds.
#include <cstddef>
#include <cstdint>

#include "probe/tls/server_answer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  probe::ByteView all(data, size);
  (void)probe::tls::ParseServerAnswer(all);
  // Also every prefix length the receive loop could see at a packet boundary.
  if (size > 7) (void)probe::tls::ParseServerAnswer(all.first(size / 2));
  return 0;
}
