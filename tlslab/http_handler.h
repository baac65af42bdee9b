// The lab's HTTP answers as pure functions of a request, apart from any socket or HTTP library,
// so endpoint behaviour is testable without a connection (Beast's handle_request habit).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tlslab {

/// A request as the lab's handlers see it, whatever read it off the wire.
struct HttpRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  /// The first value of header `name` (case-insensitive), or "" when absent.
  std::string_view Header(std::string_view name) const;
};

/// A handler's answer; the session adds Server, Content-Length and Connection. Headers keep
/// their order and may repeat (one WWW-Authenticate per scheme).
struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool close_connection = false;  // send "Connection: close" and end the connection after it
};

/// The names a response reports: which scenario and which listener answered.
struct ListenerIdentity {
  std::string scenario;
  std::string listener;
};

/// Answers one request. For now GET and HEAD of any path say which scenario and listener served
/// them (header X-Tlslab-Listener) and, when the listener authenticated the request, as whom
/// (header X-Tlslab-User: CONTOSO\alice); other methods get 405.
HttpResponse HandleRequest(const HttpRequest& request, const ListenerIdentity& who,
                           std::string_view account = {});

/// A plain-text refusal (400, 401, 413, 431, ...).
HttpResponse ErrorResponse(int status, std::string_view reason);

/// A random UUID (version 4) as Exchange writes its request-id header.
std::string NewRequestId();

/// The headers Exchange puts on every response: request-id and, when the listener has a
/// computer name, X-FEServer.
void AddExchangeHeaders(HttpResponse& response, std::string_view fe_server);

}  // namespace tlslab
