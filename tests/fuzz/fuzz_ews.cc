// Any bytes as an EWS SOAP answer and as a block of response headers: must parse or fail cleanly
// within the limits, never crash; what parses must hold the parser's invariants.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "probe/exchange/ews_response.h"
#include "probe/exchange/routing_headers.h"

namespace {

using namespace probe::exchange;

void CheckAnswer(const EwsResponse& r, const EwsLimits& limits) {
  if (r.messages.size() > limits.max_messages || r.free_busy.size() > limits.max_messages) {
    std::abort();
  }
  std::size_t events = 0;
  for (const auto& f : r.free_busy) {
    events += f.events.size();
    (void)ClassifyFreeBusyCode(f.message.response_code);
  }
  if (events > limits.max_events) std::abort();
  bool all = r.AllSucceeded();
  if (all && (r.fault || r.FirstFailure() != nullptr)) std::abort();
  if (!r.fault && r.messages.empty() && r.free_busy.empty()) std::abort();
}

// "Name: value" lines, as a client hands them over.
void FeedHeaders(std::string_view text) {
  RoutingHeaders headers;
  while (!text.empty()) {
    auto eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    headers.Add(line.substr(0, colon), line.substr(colon + 1));
  }
  if (headers.fe_server.size() > 1024 || headers.backend_http_status.size() > 1024) std::abort();
  for (int status : headers.BackendStatuses()) {
    if (status < 0 || status > 999) std::abort();
  }
  (void)headers.Version();
  (void)headers.FromCafe();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  EwsLimits limits;
  if (auto r = ParseEwsResponse(text, limits)) CheckAnswer(*r, limits);
  FeedHeaders(text);
  return 0;
}
