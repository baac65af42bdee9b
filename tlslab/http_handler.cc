#include "tlslab/http_handler.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace tlslab {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

}  // namespace

std::string_view HttpRequest::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return {};
}

HttpResponse HandleRequest(const HttpRequest& request, const ListenerIdentity& who) {
  if (request.method != "GET" && request.method != "HEAD") {
    HttpResponse refused = ErrorResponse(405, "only GET and HEAD are served here");
    refused.headers.emplace_back("Allow", "GET, HEAD");
    return refused;
  }
  HttpResponse response;
  response.headers.emplace_back("Content-Type", "text/plain");
  response.headers.emplace_back("X-Tlslab-Listener", who.listener);
  response.body = fmt::format("tlslab scenario '{}', listener '{}'\n", who.scenario, who.listener);
  return response;
}

HttpResponse ErrorResponse(int status, std::string_view reason) {
  HttpResponse response;
  response.status = status;
  response.headers.emplace_back("Content-Type", "text/plain");
  response.body = fmt::format("{} {}\n", status, reason);
  return response;
}

}  // namespace tlslab
