#include "probe/logs/request.h"

#include <algorithm>
#include <charconv>

namespace probe::logs {
namespace {

bool ParseInt(std::string_view s, int& out) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

// sc-win32-status is decimal in IIS logs; people paste it as hex too.
bool ParseWin32(std::string_view s, std::uint32_t& out) {
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s.remove_prefix(2);
    base = 16;
  }
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out, base);
  return ec == std::errc() && end == s.data() + s.size();
}

// W3C writes "-" for an empty value.
std::string_view W3cValue(std::string_view v) { return v == "-" ? std::string_view() : v; }

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

std::string_view ReadHttpProxy(const ColumnMap& map, std::span<const std::string_view> f,
                               Request& r) {
  auto time = ParseIsoTime(map.Get(f, Column::kDateTime));
  if (!time) return "DateTime is not an ISO 8601 time";
  r.time = *time;
  if (!ParseInt(map.Get(f, Column::kHttpStatus), r.http_status))
    return "HttpStatus is not a number";
  std::string_view backend = map.Get(f, Column::kBackEndStatus);
  if (!backend.empty() && !ParseInt(backend, r.backend_status))
    return "BackEndStatus is not a number";
  std::string_view auth = map.Get(f, Column::kIsAuthenticated);
  r.authenticated = StartsWithIgnoreCase(auth, "true");
  r.protocol = map.Get(f, Column::kProtocol);
  r.url_stem = map.Get(f, Column::kUrlStem);
  r.user = map.Get(f, Column::kUser);
  r.anchor_mailbox = map.Get(f, Column::kAnchorMailbox);
  r.client_ip = map.Get(f, Column::kClientIp);
  r.server_host = map.Get(f, Column::kServerHost);
  r.method = map.Get(f, Column::kMethod);
  r.error_code = map.Get(f, Column::kErrorCode);
  r.target_server = map.Get(f, Column::kTargetServer);
  r.target_version = map.Get(f, Column::kTargetServerVersion);
  r.generic_errors = map.Get(f, Column::kGenericErrors);
  return {};
}

std::string_view ReadW3c(const ColumnMap& map, std::span<const std::string_view> f,
                         std::string_view w3c_date, Request& r) {
  std::string_view date = map.Has(Column::kDate) ? map.Get(f, Column::kDate) : w3c_date;
  auto time = ParseDateAndTime(date, map.Get(f, Column::kTime));
  if (!time) return "date/time is not a W3C date and time";
  r.time = *time;
  if (!ParseInt(map.Get(f, Column::kHttpStatus), r.http_status)) return "sc-status is not a number";
  std::string_view sub = W3cValue(map.Get(f, Column::kSubStatus));
  if (!sub.empty() && !ParseInt(sub, r.sub_status)) return "sc-substatus is not a number";
  std::string_view win32 = W3cValue(map.Get(f, Column::kWin32Status));
  if (!win32.empty() && !ParseWin32(win32, r.win32_status))
    return "sc-win32-status is not a number";
  r.url_stem = W3cValue(map.Get(f, Column::kUrlStem));
  r.user = W3cValue(map.Get(f, Column::kUser));
  r.authenticated = !r.user.empty();
  r.client_ip = W3cValue(map.Get(f, Column::kClientIp));
  r.server_host = W3cValue(map.Get(f, Column::kServerHost));
  r.method = W3cValue(map.Get(f, Column::kMethod));
  return {};
}

}  // namespace

std::string_view ReadRequest(const ColumnMap& map, std::span<const std::string_view> fields,
                             std::string_view w3c_date, Request& out) {
  out = Request{};
  out.format = map.format;
  std::string_view why = map.format == LogFormat::kHttpProxy ? ReadHttpProxy(map, fields, out)
                                                             : ReadW3c(map, fields, w3c_date, out);
  if (!why.empty()) return why;
  if (out.http_status < 100 || out.http_status > 999) return "the HTTP status is out of range";
  if (out.protocol.empty()) out.protocol = ProtocolFromUrl(out.url_stem);
  return {};
}

std::string_view ProtocolFromUrl(std::string_view stem) {
  struct Prefix {
    std::string_view prefix;
    std::string_view protocol;
  };
  // The HttpProxy folder names (exchange-protocols.md 5.5) for each virtual directory.
  static constexpr Prefix kPrefixes[] = {
      {"/rpc", "RpcHttp"},
      {"/mapi", "Mapi"},
      {"/ews", "Ews"},
      {"/autodiscover", "Autodiscover"},
      {"/owa/calendar", "OwaCalendar"},
      {"/owa", "Owa"},
      {"/ecp", "Ecp"},
      {"/oab", "Oab"},
      {"/powershell", "PowerShell"},
      {"/microsoft-server-activesync", "Eas"},
  };
  for (const auto& p : kPrefixes) {
    if (StartsWithIgnoreCase(stem, p.prefix) &&
        (stem.size() == p.prefix.size() || stem[p.prefix.size()] == '/' ||
         stem[p.prefix.size()] == '.'))
      return p.protocol;
  }
  return {};
}

int MajorVersion(std::string_view version) {
  std::size_t dot = version.find('.');
  int major = -1;
  if (dot == 0 || dot == std::string_view::npos || !ParseInt(version.substr(0, dot), major))
    return -1;
  return major;
}

}  // namespace probe::logs
