#include "probe/logs/columns.h"

#include <algorithm>

namespace probe::logs {
namespace {

struct Name {
  std::string_view name;
  Column column;
};

constexpr Name kHttpProxyNames[] = {
    {"DateTime", Column::kDateTime},
    {"Protocol", Column::kProtocol},
    {"UrlStem", Column::kUrlStem},
    {"UrlQuery", Column::kUrlQuery},
    {"AuthenticationType", Column::kAuthType},
    {"IsAuthenticated", Column::kIsAuthenticated},
    {"AuthenticatedUser", Column::kUser},
    {"AnchorMailbox", Column::kAnchorMailbox},
    {"ClientIpAddress", Column::kClientIp},
    {"ServerHostName", Column::kServerHost},
    {"HttpStatus", Column::kHttpStatus},
    {"BackEndStatus", Column::kBackEndStatus},
    {"ErrorCode", Column::kErrorCode},
    {"Method", Column::kMethod},
    {"TargetServer", Column::kTargetServer},
    {"TargetServerVersion", Column::kTargetServerVersion},
    {"GenericErrors", Column::kGenericErrors},
};

constexpr Name kW3cNames[] = {
    {"date", Column::kDate},
    {"time", Column::kTime},
    {"cs-uri-stem", Column::kUrlStem},
    {"cs-uri-query", Column::kUrlQuery},
    {"cs-username", Column::kUser},
    {"c-ip", Column::kClientIp},
    {"s-computername", Column::kServerHost},
    {"s-ip", Column::kServerHost},  // IIS's default field set has no s-computername
    {"sc-status", Column::kHttpStatus},
    {"sc-substatus", Column::kSubStatus},
    {"sc-win32-status", Column::kWin32Status},
    {"cs-method", Column::kMethod},
};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

void Place(ColumnMap& map, std::span<const Name> names, std::string_view field, int position) {
  for (const auto& n : names) {
    if (EqualsIgnoreCase(n.name, field)) {
      auto& slot = map.index[static_cast<std::size_t>(n.column)];
      if (slot < 0) slot = position;  // the first of duplicated names wins
      return;
    }
  }
}

void Require(ColumnMap& map, Column c, std::string_view name) {
  if (map.Has(c)) return;
  if (!map.missing.empty()) map.missing += ", ";
  map.missing += name;
}

}  // namespace

std::string_view LogFormatName(LogFormat format) {
  return format == LogFormat::kHttpProxy ? "httpproxy" : "iis-w3c";
}

ColumnMap MapColumns(std::string_view fields) {
  ColumnMap map;
  map.index.fill(-1);
  fields = Trim(fields);
  bool csv = fields.find(',') != std::string_view::npos;
  map.format = csv ? LogFormat::kHttpProxy : LogFormat::kW3c;
  std::span<const Name> names = csv ? std::span<const Name>(kHttpProxyNames) : kW3cNames;
  char sep = csv ? ',' : ' ';
  int position = 0;
  while (!fields.empty()) {
    std::size_t end = fields.find(sep);
    std::string_view field = Trim(fields.substr(0, end));
    if (!csv && field.empty()) {  // runs of spaces in a hand-edited W3C header
      fields.remove_prefix(end == std::string_view::npos ? fields.size() : end + 1);
      continue;
    }
    Place(map, names, field, position++);
    if (end == std::string_view::npos) break;
    fields.remove_prefix(end + 1);
    if (csv && fields.empty()) ++position;  // a trailing comma names an empty last column
  }
  map.field_count = static_cast<std::size_t>(position);
  if (csv) {
    Require(map, Column::kDateTime, "DateTime");
    Require(map, Column::kHttpStatus, "HttpStatus");
  } else {
    Require(map, Column::kTime, "time");
    Require(map, Column::kHttpStatus, "sc-status");
  }
  return map;
}

}  // namespace probe::logs
