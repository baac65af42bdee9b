// The security rules of Autodiscover as Outlook should apply them: which URLs may receive
// credentials, and when a chain of redirects must stop (reference section 1.1, 1.9).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "probe/core/result.h"

namespace probe::exchange {

/// An e-mail address split at its last '@'; `domain` is lower-cased.
struct MailAddress {
  std::string local;
  std::string domain;

  std::string Full() const { return local + "@" + domain; }
};
/// kInvalidArgument unless `address` is local@domain with a printable ASCII local part (no
/// spaces, quotes, brackets or angle brackets) and a dotted ASCII host name as domain.
Result<MailAddress> ParseMailAddress(std::string_view address);

/// The parts of an absolute http(s) URL the policy needs. `host` is lower case, without
/// brackets; `port` is explicit or the scheme's default; `path` starts with '/'.
struct Url {
  std::string scheme;
  std::string host;
  std::uint16_t port = 0;
  std::string path;
};
/// kMalformed for anything but http:// or https:// with a host; rejects user info
/// ("https://contoso.com@evil.example/") and whitespace or control characters.
Result<Url> SplitUrl(std::string_view url);

/// Who may receive the mailbox's credentials: hosts equal to or under the mailbox domain, plus
/// hosts the user named (--allow-host).
struct CredentialPolicy {
  std::string domain;
  std::vector<std::string> allow_hosts;
};
struct CredentialVerdict {
  bool allowed = false;
  std::string reason;  // one sentence, for the report either way
};
/// Credentials go only over https, only to policy hosts, and never to an `autodiscover.<tld>`
/// back-off host (the 2021 "Autodiscover leak": clients that strip labels end up there).
CredentialVerdict MaySendCredentials(std::string_view url, const CredentialPolicy& policy);

/// True for the Office 365 Autodiscover/Outlook hosts and `*.onmicrosoft.com` addresses or
/// hosts: a hybrid redirect to be reported, not a failure.
bool IsOffice365Target(std::string_view url_or_address);

enum class RedirectKind {
  kHttpLocation,  // HTTP 302 Location (from the unauthenticated GET or a POST)
  kRedirectUrl,   // <Action>redirectUrl</Action>: POST the same address to a new URL
  kRedirectAddr,  // <Action>redirectAddr</Action>: restart discovery with a new address
};
enum class RedirectVerdict {
  kFollow,
  kLoop,     // the target was already visited (exchange.autodiscover.redirect_loop)
  kTooMany,  // more than max_hops redirects in total
  kUnsafe,   // a URL that is not https (exchange.autodiscover.unsafe_redirect) or not a URL
};
struct RedirectDecision {
  RedirectVerdict verdict = RedirectVerdict::kFollow;
  std::string reason;
};

/// Counts the redirects of one discovery and detects loops. URLs are compared with scheme and
/// host lower-cased, per address (after a redirectAddr the same server may rightly be asked
/// again for the new address); addresses case-insensitively. The start address counts as seen.
class RedirectTracker {
 public:
  static constexpr int kDefaultMaxHops = 10;  // ms-exch-docs redirecturl-pox.md
  explicit RedirectTracker(std::string_view start_address, int max_hops = kDefaultMaxHops);

  /// Marks a URL as tried (each candidate POSTed to), so a redirect back to it is a loop.
  void Visit(std::string_view url);
  /// Decides on one redirect; a kFollow is recorded, so the same target later is a loop.
  RedirectDecision Follow(RedirectKind kind, std::string_view target);
  int hops() const { return hops_; }

 private:
  std::string UrlKey(std::string_view url) const;

  std::vector<std::string> urls_;
  std::vector<std::string> addresses_;
  int hops_ = 0;
  int max_hops_;
};

}  // namespace probe::exchange
