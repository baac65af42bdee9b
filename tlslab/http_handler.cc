#include "tlslab/http_handler.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <random>

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

HttpResponse HandleRequest(const HttpRequest& request, const ListenerIdentity& who,
                           std::string_view account) {
  if (request.method != "GET" && request.method != "HEAD") {
    HttpResponse refused = ErrorResponse(405, "only GET and HEAD are served here");
    refused.headers.emplace_back("Allow", "GET, HEAD");
    return refused;
  }
  HttpResponse response;
  response.headers.emplace_back("Content-Type", "text/plain");
  response.headers.emplace_back("X-Tlslab-Listener", who.listener);
  response.body = fmt::format("tlslab scenario '{}', listener '{}'\n", who.scenario, who.listener);
  if (!account.empty()) {
    response.headers.emplace_back("X-Tlslab-User", std::string(account));
    response.body += fmt::format("authenticated as {}\n", account);
  }
  return response;
}

HttpResponse ErrorResponse(int status, std::string_view reason) {
  HttpResponse response;
  response.status = status;
  response.headers.emplace_back("Content-Type", "text/plain");
  response.body = fmt::format("{} {}\n", status, reason);
  return response;
}

std::string NewRequestId() {
  // Not a secret, only unique: a per-thread generator seeded once from the OS.
  thread_local std::mt19937_64 generator{std::random_device{}()};
  std::uint64_t hi = generator();
  std::uint64_t lo = generator();
  hi = (hi & ~0xf000ULL) | 0x4000ULL;        // version 4
  lo = (lo & ~(3ULL << 62)) | (2ULL << 62);  // RFC 4122 variant
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xffff,
                     hi & 0xffff, lo >> 48, lo & 0xffffffffffffULL);
}

void AddExchangeHeaders(HttpResponse& response, std::string_view fe_server) {
  response.headers.emplace_back("request-id", NewRequestId());
  if (!fe_server.empty()) response.headers.emplace_back("X-FEServer", std::string(fe_server));
}

}  // namespace tlslab
