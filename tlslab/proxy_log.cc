#include "tlslab/proxy_log.h"

#include <fmt/format.h>

#include <array>

#include "probe/logs/timestamp.h"

namespace tlslab {
namespace {

// Exchange 2016 CU22 (15.01.2375.007), exchange-protocols.md 5.5.
constexpr std::string_view kFields =
    "DateTime,RequestId,MajorVersion,MinorVersion,BuildVersion,RevisionVersion,ClientRequestId,"
    "Protocol,UrlHost,UrlStem,ProtocolAction,AuthenticationType,IsAuthenticated,"
    "AuthenticatedUser,Organization,AnchorMailbox,UserAgent,ClientIpAddress,ServerHostName,"
    "HttpStatus,BackEndStatus,ErrorCode,Method,ProxyAction,TargetServer,TargetServerVersion,"
    "RoutingType,RoutingHint,BackEndCookie,ServerLocatorHost,ServerLocatorLatency,RequestBytes,"
    "ResponseBytes,TargetOutstandingRequests,AuthModulePerfContext,HttpPipelineLatency,"
    "CalculateTargetBackEndLatency,GlsLatencyBreakup,TotalGlsLatency,AccountForestLatencyBreakup,"
    "TotalAccountForestLatency,ResourceForestLatencyBreakup,TotalResourceForestLatency,ADLatency,"
    "SharedCacheLatencyBreakup,TotalSharedCacheLatency,ActivityContextLifeTime,"
    "ModuleToHandlerSwitchingLatency,ClientReqStreamLatency,BackendReqInitLatency,"
    "BackendReqStreamLatency,BackendProcessingLatency,BackendRespInitLatency,"
    "BackendRespStreamLatency,ClientRespStreamLatency,KerberosAuthHeaderLatency,"
    "HandlerCompletionLatency,RequestHandlerLatency,HandlerToModuleSwitchingLatency,ProxyTime,"
    "CoreLatency,RoutingLatency,HttpProxyOverhead,TotalRequestTime,RouteRefresherLatency,"
    "UrlQuery,BackEndGenericInfo,GenericInfo,GenericErrors,EdgeTraceId,DatabaseGuid,"
    "UserADObjectGuid,PartitionEndpointLookupLatency,RoutingStatus";

std::string Status(int status) { return status == 0 ? std::string() : std::to_string(status); }

}  // namespace

std::string_view ProxyLogFields() { return kFields; }

std::string ProxyLogHeader(std::int64_t date_ms, std::string_view version) {
  return fmt::format(
      "#Software: Microsoft Exchange Server\r\n#Version: {}\r\n#Log-type: HttpProxy Logs\r\n"
      "#Date: {}\r\n#Fields: {}\r\n",
      version, probe::logs::FormatIsoTime(date_ms), kFields);
}

std::string CsvField(std::string_view value) {
  std::string plain;
  plain.reserve(value.size());
  bool quote = false;
  for (char c : value) {
    if (c == '\r' || c == '\n') c = ' ';
    if (c == ',' || c == '"') quote = true;
    plain.push_back(c);
  }
  if (!quote) return plain;
  std::string out = "\"";
  for (char c : plain) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string FormatProxyLogLine(const ProxyLogRecord& r) {
  bool proxied = !r.back_end.empty();
  // The columns tlslab knows, by name; every other column of the field list stays empty.
  const std::array<std::pair<std::string_view, std::string>, 28> known = {{
      {"DateTime", probe::logs::FormatIsoTime(r.time_ms)},
      {"RequestId", r.request_id},
      {"MajorVersion", "15"},
      {"MinorVersion", "1"},
      {"BuildVersion", "2375"},
      {"RevisionVersion", "7"},
      {"Protocol", r.protocol},
      {"UrlHost", r.url_host},
      {"UrlStem", r.url_stem},
      {"AuthenticationType", r.auth_type},
      {"IsAuthenticated", r.authenticated ? "True" : "False"},
      {"AuthenticatedUser", r.user},
      {"AnchorMailbox", r.anchor_mailbox},
      {"UserAgent", r.user_agent},
      {"ClientIpAddress", r.client_ip},
      {"ServerHostName", r.front_end},
      {"HttpStatus", Status(r.http_status)},
      {"BackEndStatus", Status(r.backend_status)},
      {"ErrorCode", r.error_code},
      {"Method", r.method},
      {"ProxyAction", proxied ? "Proxy" : ""},
      {"TargetServer", r.back_end},
      {"TargetServerVersion", r.back_end_version},
      {"RoutingType", proxied ? "IntraForest" : ""},
      {"UrlQuery", r.url_query},
      {"GenericInfo", r.generic_info},
      {"GenericErrors", r.generic_errors},
      {"TotalRequestTime", "0"},
  }};
  std::string line;
  std::string_view fields = kFields;
  bool first = true;
  while (!fields.empty()) {
    std::size_t comma = fields.find(',');
    std::string_view name = fields.substr(0, comma);
    fields = comma == std::string_view::npos ? std::string_view() : fields.substr(comma + 1);
    if (!first) line.push_back(',');
    first = false;
    for (const auto& [known_name, value] : known) {
      if (known_name == name) {
        line += CsvField(value);
        break;
      }
    }
  }
  line += "\r\n";
  return line;
}

}  // namespace tlslab
