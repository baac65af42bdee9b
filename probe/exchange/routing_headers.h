// The diagnostic headers an Exchange front end adds (reference section 2.3): which front end
// answered, which back end it proxied to, the back end's status, and version fingerprints.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probe/exchange/exchange_version.h"

namespace probe::exchange {

/// Each field holds the header's value; a header sent more than once (one per proxy hop) is
/// joined with ", " as HTTP allows. Empty when absent. Nothing credential-bearing is kept:
/// Authorization, WWW-Authenticate and cookie values are not routing headers.
struct RoutingHeaders {
  std::string fe_server;             // X-FEServer: front-end NetBIOS name(s)
  std::string be_server;             // X-BEServer
  std::string calculated_be_target;  // X-CalculatedBETarget: back-end FQDN
  std::string backend_http_status;   // X-BackEndHttpStatus: "200" or "200, 200"
  std::string request_id;            // request-id: correlates with HttpProxy logs
  std::string diag_info;             // X-DiagInfo
  std::string owa_version;           // X-OWA-Version: a version without credentials
  std::string server_application;    // X-ServerApplication (MAPI/HTTP)
  std::string powered_by;            // X-Powered-By
  std::string aspnet_version;        // X-AspNet-Version
  std::string server;                // Server: Microsoft-IIS/10.0
  std::string proxy_error_hresult;   // X-ProxyErrorHResult
  std::string proxy_error_label;     // X-ProxyErrorLabel
  std::string proxy_error_message;   // X-ProxyErrorMessage
  std::string persistent_auth;       // Persistent-Auth
  bool backend_cookie = false;       // Set-Cookie: X-BackEndCookie=... seen (value not kept)

  /// Records one header if it is a routing header (name case-insensitive); returns whether it
  /// was. Values longer than 1024 bytes are cut there.
  bool Add(std::string_view name, std::string_view value);
  /// True if any front-end (2013+ "Cafe") header was seen; Exchange 2010 sends none.
  bool FromCafe() const;
  /// X-BackEndHttpStatus as numbers, one per hop; non-numbers are skipped.
  std::vector<int> BackendStatuses() const;
  /// The version in X-OWA-Version, else in X-ServerApplication ("Exchange/15.01.2507.006").
  std::optional<ExchangeVersion> Version() const;
};

/// Picks the routing headers from any list of objects with `name` and `value` members
/// (http::HttpHeader, HeaderField) without this library depending on the HTTP client.
template <class Headers>
RoutingHeaders PickRoutingHeaders(const Headers& headers) {
  RoutingHeaders out;
  for (const auto& h : headers) out.Add(h.name, h.value);
  return out;
}

}  // namespace probe::exchange
