// The `autodiscover` check: walks the candidate chain Outlook walks for an address (reference
// section 1.1), with the credential rules Outlook should apply, follows redirects with a bound
// and loop detection, and reads the settings answer with and without X-MapiHttpCapability.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "probe/auth/ntlm_client.h"
#include "probe/checks/auth_check.h"
#include "probe/core/deadline.h"
#include "probe/core/finding.h"
#include "probe/core/result.h"
#include "probe/exchange/autodiscover_json.h"
#include "probe/exchange/autodiscover_policy.h"
#include "probe/exchange/autodiscover_request.h"
#include "probe/exchange/autodiscover_response.h"
#include "probe/exchange/outlook_choice.h"
#include "probe/http/http_client.h"

namespace probe::checks {

/// Credentials and the rules for spending them, shared by every check of one run.
struct CredentialOptions {
  auth::NtlmCredentials credentials;  // never printed
  AuthScheme scheme = AuthScheme::kAuto;
  /// Credential attempts for the account in the whole run (lockout safety); every
  /// authenticated request is one.
  int attempt_budget = 6;
};

/// Counts credential attempts across checks and remembers the first rejection, after which
/// nothing more is sent (lockout safety).
struct CredentialLedger {
  int attempts = 0;
  int budget = 6;
  bool rejected = false;  // an auth.credentials_rejected was seen: stop everything

  bool CanSpend() const { return !rejected && attempts < budget; }
};

struct AutodiscoverCheckOptions {
  std::string address;
  std::string url;  // --url: start at this one URL instead of the candidate chain
  exchange::CandidateOptions candidates;  // Outlook's switches and --allow-host
  CredentialOptions credentials;
  bool dry_run = false;  // list candidates and credential hosts; send nothing
  /// Also ask with X-MapiHttpCapability: 1 (Outlook 2013 SP1+); the answer without it is always
  /// fetched, since it carries EXCH/EXPR for Outlook Anywhere.
  bool mapi_http = true;
  bool external = true;  // judge the external side's URLs (an Outlook outside the network)
  http::HttpOptions http;
  std::chrono::milliseconds timeout{60000};       // total
  std::chrono::milliseconds step_timeout{10000};  // per candidate or request
};

/// One candidate tried (or refused), in the order it was tried.
struct CandidateResult {
  exchange::Candidate candidate;
  std::string address;  // the address asked for (changes after a redirectAddr)
  /// "settings", "redirect_url", "redirect_addr", "error 500", "http 302", "http 404",
  /// "unreachable", "refused", "srv 2 targets", "no srv", "not_tried", "json", ...
  std::string result;
  std::string detail;  // one sentence: why, or what came back
  int http_status = 0;
  bool credentials_sent = false;
  std::string credential_rule;  // MaySendCredentials's reason, for POST candidates
};

struct AutodiscoverCheckResult {
  std::string address;        // as asked
  std::string final_address;  // after redirectAddr
  std::string answered_by;    // the URL that gave the settings, "" when none did
  std::vector<CandidateResult> candidates;
  /// The settings answer without X-MapiHttpCapability (EXCH/EXPR/WEB) and with it (mapiHttp on
  /// 2013 SP1+ when enabled). Unset when not obtained.
  std::optional<exchange::AutodiscoverResponse> answer;
  std::optional<exchange::AutodiscoverResponse> mapi_answer;
  exchange::MailboxVersion mailbox;
  exchange::OutlookChoice choice;
  std::optional<exchange::JsonV2Answer> json_v2;
  std::string json_v2_url;
  /// Hosts that received (or, with --dry-run, would receive) the credentials.
  std::vector<std::string> credential_hosts;
  bool dry_run = false;
  CredentialLedger ledger;
  std::vector<AuthLeg> last_auth_legs;  // the handshake that fetched the answer
  std::vector<Finding> findings;
  std::optional<Error> error;  // could not run (bad address)
  double duration_ms = 0;
};

/// Runs the discovery. Never fails: errors land in `error`, what could not be found in
/// findings. Stops at the first rejection of the credentials.
AutodiscoverCheckResult RunAutodiscoverCheck(const AutodiscoverCheckOptions& options);

/// As above, spending from `ledger` (shared with the later checks of `exprobe check`).
AutodiscoverCheckResult RunAutodiscoverCheck(const AutodiscoverCheckOptions& options,
                                             CredentialLedger& ledger);

/// The findings of the answers themselves: which transport, whether it fits the mailbox
/// version (exchange.provider.ok / .mismatch). Pure, so it is tested on documents.
std::vector<Finding> JudgeProvider(const exchange::MailboxVersion& mailbox,
                                   const exchange::OutlookChoice& choice);

/// An authenticated request through the auth engine, spending one attempt from `ledger` and
/// marking it rejected on auth.credentials_rejected. Used by Autodiscover, EWS and `check`.
AuthCheckResult AuthenticatedRequest(const std::string& url, const std::string& method,
                                     std::optional<std::string> body,
                                     std::vector<std::string> headers,
                                     const CredentialOptions& credentials,
                                     const http::HttpOptions& http, const Deadline& deadline,
                                     std::chrono::milliseconds step, CredentialLedger& ledger);

/// The credential rule for a URL (https, inside the address's domain or an allowed host, never
/// autodiscover.<tld>); a URL with no address to judge by is allowed over https only.
exchange::CredentialVerdict CredentialRule(const std::string& url, const std::string& address,
                                           const std::vector<std::string>& allow_hosts);

/// With --dns-server, libcurl's connection to the URL's host is pinned (a --resolve entry) to
/// the address c-ares gets from that server, unless the user pinned the host already.
http::HttpOptions PinToDnsServer(const std::string& url, http::HttpOptions http,
                                 const Deadline& deadline);

/// An anonymous request (no Authorization), redirects not followed.
Result<http::HttpResponse> AnonymousRequest(const std::string& url, const std::string& method,
                                            std::vector<std::string> headers,
                                            const http::HttpOptions& http,
                                            const Deadline& deadline);

}  // namespace probe::checks
