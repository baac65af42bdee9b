// Any bytes as a DER certificate from a server: the summary must come out or fail cleanly.
#include <cstddef>
#include <cstdint>

#include "probe/tls/certificate.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto summary = probe::tls::SummarizeCertificate(probe::ByteView(data, size));
  if (summary) (void)probe::tls::FormatUtc(summary->not_after);
  return 0;
}
