// Any bytes as an RPC/HTTP OUT-channel stream: split by frag_length and decode every PDU, or fail
// cleanly. What decodes as RTS must re-encode and decode to the same commands; the readers must
// agree with the identification. The bytes are also read as a proxy's "RPC Error" phrase.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "probe/exchange/rpc_http_channel.h"
#include "probe/exchange/rts_pdu.h"

namespace {

using namespace probe;
using namespace probe::exchange;

void CheckRts(const RtsPdu& pdu, ByteView wire) {
  auto again = EncodeRtsPdu(pdu);
  if (!again) std::abort();  // it fitted once, so it fits again
  if (again->size() != wire.size()) std::abort();
  auto back = DecodeRtsPdu(*again);
  if (!back || back->flags != pdu.flags || back->commands != pdu.commands) std::abort();
  if (!back->deviations.empty()) std::abort();  // the encoder never breaks a MUST
  RtsPduKind kind = IdentifyRtsPdu(pdu);
  if (static_cast<bool>(ReadConnA1(wire)) != (kind == RtsPduKind::kConnA1)) std::abort();
  if (static_cast<bool>(ReadConnB1(wire)) != (kind == RtsPduKind::kConnB1)) std::abort();
  if (static_cast<bool>(ReadConnA3(wire)) != (kind == RtsPduKind::kConnA3)) std::abort();
  if (static_cast<bool>(ReadConnC2(wire)) != (kind == RtsPduKind::kConnC2)) std::abort();
  for (const auto& c : pdu.commands) (void)c.ToString();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The same bytes as a 503 reason phrase from the proxy.
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto error = ParseRpcErrorReason(text); error && *error && (*error)->eeinfo.size() > 1024) {
    std::abort();
  }
  (void)StartsWithRpcError(ByteView(data, size));
  ByteView rest(data, size);
  while (!rest.empty()) {
    auto length = PeekPduLength(rest);
    if (!length || !length->has_value()) break;
    std::size_t n = **length;
    if (n < kRpcCommonHeaderSize) std::abort();
    if (n > rest.size()) break;
    ByteView one = rest.first(n);
    if (auto pdu = DecodeRpcPdu(one)) {
      if (pdu->header.frag_length != n) std::abort();
      (void)pdu->Summary();
      if (pdu->rts) CheckRts(*pdu->rts, one);
      if (pdu->fault) (void)RpcStatusName(pdu->fault->status);
    }
    rest = rest.subspan(n);
  }
  return 0;
}
