// Feeds arbitrary bytes to tlslab's scenario parser: yaml-cpp plus our schema walk must turn any
// input into a Scenario or an Error, never a crash, a hang or an escaping exception.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tlslab/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto scenario = tlslab::ParseScenario(text, "fuzz.yaml");
  if (scenario) {
    // A parsed scenario keeps the promises the server relies on.
    for (const auto& listener : scenario->listeners) {
      if (listener.plain) {
        // A plain listener only redirects: no TLS, no authentication, a target to send.
        if (listener.redirect_to.empty() || listener.auth || listener.exchange) __builtin_trap();
        continue;
      }
      if (!scenario->FindCertificate(listener.certificate)) __builtin_trap();
      if (listener.exchange && (!listener.auth || listener.exchange->hostname.empty() ||
                                listener.exchange->rpc_hostname.empty())) {
        __builtin_trap();
      }
      if (listener.tls.min_version > listener.tls.max_version) __builtin_trap();
      if (listener.auth) {
        // What the acceptor relies on: accounts to check, schemes to offer, names to announce.
        if (scenario->users.empty() || listener.auth->schemes.empty()) __builtin_trap();
        if (listener.auth->computer.empty() || listener.auth->domain.empty()) __builtin_trap();
        if (listener.auth->dns_domain.empty()) __builtin_trap();
      }
    }
    for (const auto& mailbox : scenario->mailboxes) {
      // Every mailbox is openable by a lab account and has what the answer builders need.
      if (!scenario->MailboxOf(mailbox.account) || mailbox.server.empty()) __builtin_trap();
      if (mailbox.legacy_dn.empty() || mailbox.address.find('@') == std::string::npos) {
        __builtin_trap();
      }
    }
    for (const auto& user : scenario->users) {
      if (user.domain.empty() || user.user.empty() || user.password.empty()) __builtin_trap();
    }
  } else if (scenario.error().message.empty()) {
    __builtin_trap();
  }
  return 0;
}
