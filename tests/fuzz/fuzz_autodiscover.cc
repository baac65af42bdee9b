// Any bytes as an Autodiscover answer (POX and v2 JSON) and as the URLs and addresses a redirect
// carries: must parse or fail cleanly within the limits, never crash. Whatever parses must hold
// the parser's invariants and survive Outlook's transport choice and the redirect policy.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "probe/exchange/autodiscover_json.h"
#include "probe/exchange/autodiscover_policy.h"
#include "probe/exchange/autodiscover_response.h"
#include "probe/exchange/outlook_choice.h"

namespace {

using namespace probe::exchange;

void CheckAnswer(const AutodiscoverResponse& r, const AutodiscoverLimits& limits) {
  if (r.protocols.size() > limits.max_protocols) std::abort();
  if (r.action == AutodiscoverAction::kRedirectAddr && r.redirect_addr.empty()) std::abort();
  if (r.action == AutodiscoverAction::kRedirectUrl && r.redirect_url.empty()) std::abort();
  if ((r.action == AutodiscoverAction::kError) != r.error.has_value()) std::abort();
  for (const auto& p : r.protocols) {
    (void)p.EffectiveCertPrincipal();
    if (p.server_version && (p.server_version->major > 63 || p.server_version->build > 0x7FFF)) {
      std::abort();
    }
  }
  for (bool asked : {false, true}) {
    for (bool external : {false, true}) {
      auto choice = ChooseOutlookTransport(r, {asked, external});
      if (choice.transport == OutlookTransport::kMapiHttp && choice.mail_store_url.empty()) {
        std::abort();
      }
      if (r.action != AutodiscoverAction::kSettings &&
          choice.transport != OutlookTransport::kNone) {
        std::abort();
      }
    }
  }
  (void)DetectMailboxVersion(r);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  AutodiscoverLimits limits;
  if (auto r = ParseAutodiscoverResponse(text, limits)) CheckAnswer(*r, limits);
  if (auto j = ParseAutodiscoverJson(text)) {
    if (j->url.empty() && j->error_code.empty()) std::abort();
  }
  // The same bytes as a redirect target: the policy must decide, never crash.
  CredentialPolicy policy{"contoso.com", {}};
  auto verdict = MaySendCredentials(text, policy);
  if (verdict.allowed) {
    auto url = SplitUrl(text);
    if (!url || url->scheme != "https") std::abort();
  }
  RedirectTracker tracker("jdoe@contoso.com", 2);
  for (auto kind :
       {RedirectKind::kHttpLocation, RedirectKind::kRedirectUrl, RedirectKind::kRedirectAddr}) {
    (void)tracker.Follow(kind, text);
  }
  if (tracker.hops() > 2) std::abort();
  (void)IsOffice365Target(text);
  return 0;
}
