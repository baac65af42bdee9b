// Any bytes as a MAPI/HTTP response entity (first byte: the outer X-ResponseCode), as a Connect
// request or response body, and as an X-RequestId / X-ClientInfo value: must parse or fail
// cleanly within the limits; what parses must keep the parser's invariants and round-trip.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "probe/exchange/mapi_http.h"

namespace {

using namespace probe;
using namespace probe::exchange;

void CheckConnectResponse(ByteView body) {
  auto r = DecodeConnectResponse(body);
  if (!r) return;
  // Decoding replaced what cannot be shown; from there encode/decode is a fixed point.
  auto again = DecodeConnectResponse(EncodeConnectResponse(*r));
  if (!again || again->status_code != r->status_code || again->error_code != r->error_code ||
      again->dn_prefix != r->dn_prefix || again->display_name != r->display_name ||
      again->auxiliary != r->auxiliary) {
    std::abort();
  }
  (void)MapiErrorCodeName(r->error_code);
}

void CheckConnectRequest(ByteView body) {
  auto r = DecodeConnectRequest(body);
  if (!r || r->user_dn.empty()) return;
  auto encoded = EncodeConnectRequest(*r);
  if (!encoded) return;  // a DN with '?' substitutions is still printable, but may be empty
  auto again = DecodeConnectRequest(*encoded);
  if (!again || again->user_dn != r->user_dn || again->lcid_sort != r->lcid_sort ||
      again->auxiliary != r->auxiliary) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  MapiHeaderValues outer;
  outer.response_code = data[0] % 20;
  ByteView entity(data + 1, size - 1);
  MapiResponseLimits limits;
  limits.max_pending = 50;
  limits.max_inner_headers = 20;
  limits.max_line = 256;
  limits.max_body = 4096;
  if (auto r = ParseMapiResponse(outer, entity, limits)) {
    if (r->pending > limits.max_pending || r->inner_headers.size() > limits.max_inner_headers ||
        r->body.size() > limits.max_body || r->body.size() > entity.size()) {
      std::abort();
    }
    if (!r->has_preamble && (r->processing || r->pending != 0 || *r->ResponseCode() == 0)) {
      std::abort();
    }
    if (r->inner.response_code && r->ResponseCode() != r->inner.response_code) std::abort();
    (void)MapiResponseCodeName(r->ResponseCode().value_or(0));
    CheckConnectResponse(r->body);
  }
  CheckConnectResponse(entity);
  CheckConnectRequest(entity);
  std::string_view text(reinterpret_cast<const char*>(entity.data()), entity.size());
  if (auto c = ParseMapiCorrelation(text)) {
    if (c->guid.size() != 36) std::abort();
  }
  (void)ParseMapiRequestType(text);
  return 0;
}
