// The Exchange endpoints of a lab listener: Autodiscover (POX and JSON v2), EWS (GetFolder and
// GetUserAvailability) and the managed-availability health pages, answered from the scenario's
// mailboxes with probe/exchange's answer builders. Pure: a request and the authenticated account
// in, an answer out; the session does the wire and the authentication.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "tlslab/http_handler.h"
#include "tlslab/scenario.h"

namespace tlslab {

/// Where a front end sent (or would send) a request, as its HttpProxy log records it.
struct BackendOutcome {
  std::string target_server;   // back-end FQDN, "" when the front end answered itself
  std::string target_version;  // "15.01.2507.006", "14.03.0123.004"
  int backend_status = 0;      // 0: not proxied
  std::string anchor_mailbox;  // "Smtp~alice@contoso.test"
  std::string error_code;
  std::string generic_errors;
};

struct ExchangeAnswer {
  HttpResponse response;
  BackendOutcome backend;
};

/// The answers of one listener, built from a copy of the scenario's mailboxes.
class ExchangeEndpoints {
 public:
  ExchangeEndpoints(const Scenario& scenario, const ListenerSpec& listener);

  /// Served without authentication: the health pages and Autodiscover v2 (JSON).
  bool IsAnonymous(const HttpRequest& request) const;
  /// The answer of an Exchange endpoint, or nullopt when `request` is none (the default handler
  /// answers). `account` is the authenticated "DOMAIN\user", "" for anonymous requests.
  std::optional<ExchangeAnswer> Handle(const HttpRequest& request, std::string_view account) const;
  /// X-OWA-Version (the listener's own release), on every answer of an Exchange listener.
  void AddServerHeaders(HttpResponse& response) const;
  /// The back end of `account`'s mailbox, for the log of a request the front end refused.
  BackendOutcome BackendOf(std::string_view account) const;

 private:
  ExchangeAnswer Autodiscover(const HttpRequest& request, std::string_view account) const;
  ExchangeAnswer AutodiscoverJson(const HttpRequest& request) const;
  ExchangeAnswer Ews(const HttpRequest& request, std::string_view account) const;
  HttpResponse HealthCheck() const;
  std::string Fqdn(std::string_view server) const;
  BackendOutcome Routed(const MailboxSpec& mailbox) const;

  Scenario scenario_;
  std::optional<ExchangeSettings> exchange_;
  std::string computer_fqdn_;  // EX2016FE.contoso.test
};

/// The mailbox GUID the lab gives `address` (stable across runs: derived from the address).
std::string LabMailboxGuid(std::string_view address);

/// "15.01.2507.006": a release's build as HttpProxy logs write TargetServerVersion.
std::string LogVersion(ExchangeRelease release);

}  // namespace tlslab
