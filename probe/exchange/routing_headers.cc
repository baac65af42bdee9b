#include "probe/exchange/routing_headers.h"

#include <cctype>

namespace probe::exchange {
namespace {

constexpr std::size_t kMaxValue = 1024;

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

void Append(std::string& field, std::string_view value) {
  if (!field.empty()) field += ", ";
  field += value;
  if (field.size() > kMaxValue) field.resize(kMaxValue);
}

}  // namespace

bool RoutingHeaders::Add(std::string_view name, std::string_view value) {
  struct Entry {
    std::string_view name;
    std::string RoutingHeaders::*field;
  };
  static constexpr Entry kEntries[] = {
      {"X-FEServer", &RoutingHeaders::fe_server},
      {"X-BEServer", &RoutingHeaders::be_server},
      {"X-CalculatedBETarget", &RoutingHeaders::calculated_be_target},
      {"X-BackEndHttpStatus", &RoutingHeaders::backend_http_status},
      {"request-id", &RoutingHeaders::request_id},
      {"X-DiagInfo", &RoutingHeaders::diag_info},
      {"X-OWA-Version", &RoutingHeaders::owa_version},
      {"X-ServerApplication", &RoutingHeaders::server_application},
      {"X-Powered-By", &RoutingHeaders::powered_by},
      {"X-AspNet-Version", &RoutingHeaders::aspnet_version},
      {"Server", &RoutingHeaders::server},
      {"X-ProxyErrorHResult", &RoutingHeaders::proxy_error_hresult},
      {"X-ProxyErrorLabel", &RoutingHeaders::proxy_error_label},
      {"X-ProxyErrorMessage", &RoutingHeaders::proxy_error_message},
      {"Persistent-Auth", &RoutingHeaders::persistent_auth},
  };
  name = Trim(name);
  value = Trim(value);
  for (const Entry& e : kEntries) {
    if (EqualsIgnoreCase(name, e.name)) {
      Append(this->*e.field, value.substr(0, kMaxValue));
      return true;
    }
  }
  if (EqualsIgnoreCase(name, "Set-Cookie")) {
    constexpr std::string_view kCookie = "X-BackEndCookie=";
    if (value.size() >= kCookie.size() &&
        EqualsIgnoreCase(value.substr(0, kCookie.size()), kCookie)) {
      backend_cookie = true;
      return true;
    }
  }
  return false;
}

bool RoutingHeaders::FromCafe() const {
  return !fe_server.empty() || !calculated_be_target.empty() || !backend_http_status.empty() ||
         !be_server.empty();
}

std::vector<int> RoutingHeaders::BackendStatuses() const {
  std::vector<int> out;
  std::string_view rest = backend_http_status;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string_view item = Trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (item.empty() || item.size() > 3) continue;
    int value = 0;
    bool digits = true;
    for (char c : item) {
      if (c < '0' || c > '9')
        digits = false;
      else
        value = value * 10 + (c - '0');
    }
    if (digits) out.push_back(value);
  }
  return out;
}

std::optional<ExchangeVersion> RoutingHeaders::Version() const {
  if (auto v = ParseDottedVersion(owa_version.substr(0, owa_version.find(',')))) return *v;
  constexpr std::string_view kPrefix = "Exchange/";
  std::string_view app = server_application;
  if (app.substr(0, kPrefix.size()) == kPrefix) {
    if (auto v = ParseDottedVersion(app.substr(kPrefix.size()))) return *v;
  }
  return std::nullopt;
}

}  // namespace probe::exchange
