// The `ews` check: an authenticated GetFolder of the mailbox's root (and inbox), optionally a
// GetUserAvailability for another mailbox, the front end's routing headers, and the
// cross-check against what Autodiscover said (a stale cache after a mailbox move).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "probe/checks/autodiscover_check.h"
#include "probe/core/finding.h"
#include "probe/exchange/ews_request.h"
#include "probe/exchange/ews_response.h"
#include "probe/exchange/outlook_choice.h"
#include "probe/exchange/routing_headers.h"
#include "probe/http/http_client.h"

namespace probe::checks {

struct EwsCheckOptions {
  std::string url;        // https://HOST/EWS/Exchange.asmx
  std::string mailbox;    // X-AnchorMailbox; "" when unknown (then the account's own mailbox)
  std::string free_busy;  // --free-busy OTHER: also GetUserAvailability for this address
  std::vector<exchange::DistinguishedFolder> folders = {
      exchange::DistinguishedFolder::kMsgFolderRoot, exchange::DistinguishedFolder::kInbox};
  std::string server_version = std::string(exchange::kDefaultRequestServerVersion);
  CredentialOptions credentials;
  /// Hosts outside the mailbox's domain that may receive the credentials (--allow-host).
  std::vector<std::string> allow_hosts;
  http::HttpOptions http;
  std::chrono::milliseconds timeout{30000};
  std::chrono::milliseconds step_timeout{10000};
  /// What Autodiscover said about the mailbox; EWS routing to another version means the
  /// answer is stale (exchange.autodiscover.stale). Unset: no cross-check.
  std::optional<exchange::MailboxVersion> autodiscover_mailbox;
};

/// One EWS request and what came back.
struct EwsCall {
  std::string operation;  // "GetFolder", "GetUserAvailability"
  int http_status = 0;
  exchange::RoutingHeaders routing;
  std::optional<exchange::EwsResponse> response;
  std::string error;  // could not get or parse an answer
  int attempts = 0;
  std::string scheme;                  // the auth scheme used
  std::optional<Finding> rejection;    // auth.credentials_rejected, when this call got it
  std::vector<Finding> auth_findings;  // other auth.* findings (auth.bearer_offered, ...)
};

struct EwsCheckResult {
  std::string url;
  std::string mailbox;
  std::optional<EwsCall> get_folder;
  std::optional<EwsCall> free_busy;
  std::vector<Finding> findings;
  CredentialLedger ledger;
  std::optional<Error> error;  // could not run (bad options)
  double duration_ms = 0;
};

EwsCheckResult RunEwsCheck(const EwsCheckOptions& options);
/// As above, spending from `ledger` (shared with the other checks of `exprobe check`).
EwsCheckResult RunEwsCheck(const EwsCheckOptions& options, CredentialLedger& ledger);

/// The findings of one GetFolder and an optional free/busy call, given what Autodiscover said.
/// Pure, so the stale and error verdicts are tested on documents.
std::vector<Finding> JudgeEws(const std::string& url, const EwsCall& get_folder,
                              const EwsCall* free_busy,
                              const std::optional<exchange::MailboxVersion>& autodiscover);

/// The EWS URL Outlook would use from an Autodiscover answer: EXPR's (external) or EXCH's
/// (internal) EwsUrl, the other side when that one has none. "" when neither has one.
std::string EwsUrlFromAnswer(const exchange::AutodiscoverResponse& answer, bool external);

}  // namespace probe::checks
