// The column map of one log file, built from its `#Fields:` line: HttpProxy logs (CSV) and IIS
// W3C logs (space-separated) name their columns there, and the set changes between updates.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace probe::logs {

enum class LogFormat { kHttpProxy, kW3c };
std::string_view LogFormatName(LogFormat format);  // "httpproxy", "iis-w3c"

/// The values the detector reads, whatever a file calls them.
enum class Column {
  kDateTime,             // HttpProxy DateTime
  kDate,                 // W3C date
  kTime,                 // W3C time
  kProtocol,             // HttpProxy Protocol (W3C: derived from the URL)
  kUrlStem,              // UrlStem / cs-uri-stem
  kUrlQuery,             // UrlQuery / cs-uri-query
  kAuthType,             // AuthenticationType
  kIsAuthenticated,      // IsAuthenticated
  kUser,                 // AuthenticatedUser / cs-username
  kAnchorMailbox,        // AnchorMailbox
  kClientIp,             // ClientIpAddress / c-ip
  kServerHost,           // ServerHostName / s-computername
  kHttpStatus,           // HttpStatus / sc-status
  kSubStatus,            // sc-substatus
  kWin32Status,          // sc-win32-status
  kBackEndStatus,        // BackEndStatus
  kErrorCode,            // ErrorCode
  kMethod,               // Method / cs-method
  kTargetServer,         // TargetServer
  kTargetServerVersion,  // TargetServerVersion
  kGenericErrors,        // GenericErrors
  kCount,
};

/// Where each Column sits in a file's lines (-1: the file does not have it).
struct ColumnMap {
  LogFormat format = LogFormat::kHttpProxy;
  std::array<int, static_cast<std::size_t>(Column::kCount)> index{};
  std::size_t field_count = 0;
  std::string missing;  // the required columns this file lacks; empty when usable

  bool usable() const { return missing.empty(); }
  bool Has(Column c) const { return index[static_cast<std::size_t>(c)] >= 0; }
  /// The value of `c` in `fields` ("" when the file has no such column).
  std::string_view Get(std::span<const std::string_view> fields, Column c) const {
    int i = index[static_cast<std::size_t>(c)];
    return i >= 0 && static_cast<std::size_t>(i) < fields.size() ? fields[i] : std::string_view();
  }
};

/// Builds the map from the text after "#Fields:". A comma means HttpProxy CSV, otherwise W3C
/// (space-separated). HttpProxy needs DateTime and HttpStatus; W3C needs time and sc-status
/// (date may come from the `#Date:` line instead).
ColumnMap MapColumns(std::string_view fields);

}  // namespace probe::logs
