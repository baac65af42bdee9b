// tlslab's request log in Exchange's HttpProxy format (exchange-protocols.md 5.5), so a user can
// reproduce a loop against the lab and then find it with `exprobe logs`. A pure formatter: the
// server decides where the lines go.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tlslab {

/// One proxied (or refused) request as the front end logs it.
struct ProxyLogRecord {
  std::int64_t time_ms = 0;  // Unix epoch milliseconds, UTC
  std::string request_id;
  std::string protocol;   // HttpProxy folder name: "RpcHttp", "Mapi", "Ews", "Autodiscover"
  std::string url_host;   // the Host the client asked for
  std::string url_stem;   // "/rpc/rpcproxy.dll"
  std::string url_query;  // "?ex2010cas.contoso.test:6001"
  std::string auth_type;  // "Negotiate", "NTLM", "Basic"; "" before authentication
  bool authenticated = false;
  std::string user;            // "CONTOSO\\user" once authenticated
  std::string anchor_mailbox;  // "Smtp~user@contoso.test"
  std::string user_agent;
  std::string client_ip;
  std::string front_end;  // ServerHostName: the front end writing the log
  int http_status = 0;
  int backend_status = 0;  // 0: not proxied (the front end answered itself)
  std::string error_code;
  std::string method;            // "RPC_IN_DATA", "POST", ...
  std::string back_end;          // TargetServer
  std::string back_end_version;  // TargetServerVersion: "15.01.2375.007", "14.03.0123.004"
  std::string generic_info;
  std::string generic_errors;
};

/// The Exchange 2016 CU22 field list, in order (what the header's #Fields: line names).
std::string_view ProxyLogFields();

/// The header block that starts every log file: #Software, #Version, #Log-type, #Date, #Fields.
/// Lines end in "\r\n", as Exchange writes them.
std::string ProxyLogHeader(std::int64_t date_ms, std::string_view version = "15.01.2375.007");

/// One record as a CSV line ending in "\r\n". Values with a comma or a quote are quoted with
/// inner quotes doubled; line breaks inside a value become spaces (one request, one line).
std::string FormatProxyLogLine(const ProxyLogRecord& record);

/// The text of one field as Exchange's CSV writes it.
std::string CsvField(std::string_view value);

}  // namespace tlslab
