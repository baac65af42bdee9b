// One logged request with the values the detector reads, from either log format.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "probe/logs/columns.h"
#include "probe/logs/timestamp.h"

namespace probe::logs {

/// Views point into the line (or the CSV scratch); valid until the next line is read.
struct Request {
  LogFormat format = LogFormat::kHttpProxy;
  TimeMs time = 0;
  int http_status = 0;
  int backend_status = 0;          // 0: none logged (the front end answered itself)
  int sub_status = -1;             // W3C sc-substatus; -1 when absent
  std::uint32_t win32_status = 0;  // W3C sc-win32-status (SSPI errors such as 0x8009030C)
  bool authenticated = false;      // HttpProxy IsAuthenticated
  std::string_view protocol;       // "RpcHttp", "Mapi", ... (W3C: from the URL)
  std::string_view url_stem;
  std::string_view user;  // AuthenticatedUser / cs-username, "" when anonymous
  std::string_view anchor_mailbox;
  std::string_view client_ip;
  std::string_view server_host;
  std::string_view method;
  std::string_view error_code;
  std::string_view target_server;
  std::string_view target_version;
  std::string_view generic_errors;
};

/// Reads `fields` (one line, split) through `map`. Returns an empty string on success, else why
/// the line cannot be read (a static string). `w3c_date` is the `#Date:` day for W3C files
/// without a date column.
std::string_view ReadRequest(const ColumnMap& map, std::span<const std::string_view> fields,
                             std::string_view w3c_date, Request& out);

/// The HttpProxy protocol folder a URL belongs to: "/rpc/rpcproxy.dll" -> "RpcHttp",
/// "/mapi/emsmdb/" -> "Mapi", "/EWS/Exchange.asmx" -> "Ews"; "" when unknown.
std::string_view ProtocolFromUrl(std::string_view url_stem);

/// The major number of a version such as "14.03.0123.004" (-1 when it does not start with one).
int MajorVersion(std::string_view version);

}  // namespace probe::logs
