// MAPI over HTTP ([MS-OXCMAPIHTTP]) without transport: the request headers, the EMSMDB Connect
// and Disconnect bodies, and the response: PROCESSING / PENDING / DONE framing, the inner header
// block (whose X-ResponseCode wins over the outer one), X-ResponseCode names and the Connect
// response body. Shared by `exprobe mapi` and tlslab's MAPI/HTTP endpoint.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probe/core/bytes.h"
#include "probe/core/result.h"
#include "probe/exchange/header_field.h"

namespace probe::exchange {

inline constexpr std::string_view kMapiContentType = "application/mapi-http";
/// The X-ClientApplication Microsoft's test suite sends (an Outlook 2013 SP1 build).
inline constexpr std::string_view kDefaultMapiClientApplication = "Outlook/15.00.0856.000";

// ---- Request types ([MS-OXCMAPIHTTP] 2.2.2, 2.2.4, 2.2.5) --------------------------------------

enum class MapiEndpoint { kEmsmdb, kNspi };

enum class MapiRequestType {
  // EMSMDB
  kConnect,
  kExecute,
  kDisconnect,
  kNotificationWait,
  // both
  kPing,
  // NSPI
  kBind,
  kUnbind,
  kCompareMIds,
  kDnToMId,
  kGetMatches,
  kGetPropList,
  kGetProps,
  kGetSpecialTable,
  kGetTemplateInfo,
  kModLinkAtt,
  kModProps,
  kQueryColumns,
  kQueryRows,
  kResolveNames,
  kResortRestriction,
  kSeekEntries,
  kUpdateStat,
  kGetMailboxUrl,
  kGetAddressBookUrl,
};
/// The X-RequestType value exactly as sent: "Connect", "PING", "DNToMId", ...
std::string_view MapiRequestTypeName(MapiRequestType type);
/// The type named by an X-RequestType value (case-insensitive, as IIS compares), or nullopt.
std::optional<MapiRequestType> ParseMapiRequestType(std::string_view value);
/// Whether `endpoint` serves `type` (PING both; Connect.. on EMSMDB; Bind.. on NSPI).
bool ServedBy(MapiEndpoint endpoint, MapiRequestType type);

// ---- Correlation headers ---------------------------------------------------------------------

/// An upper-case GUID without braces ("2EF33C39-49C8-421C-B876-CDF7F2AC3AA0") from
/// std::random_device (version 4 bits set).
std::string RandomGuidString();
/// X-RequestId as the spec writes it: "{GUID}:N" (N increases with every HTTP request).
std::string FormatMapiRequestId(std::string_view guid, std::uint64_t counter);
/// X-ClientInfo as the spec writes it: "{GUID}:N" (N changes for each new Session Context).
/// (Microsoft's test suite sends "{GUID}-N"; ParseMapiCorrelation reads both.)
std::string FormatMapiClientInfo(std::string_view guid, std::uint64_t counter);

/// An X-RequestId / X-ClientInfo value taken apart, for the lab and for checking an echo.
struct MapiCorrelation {
  std::string guid;  // without braces, as sent (case kept)
  std::optional<std::uint64_t> counter;
  bool braces = false;
  char separator = 0;  // ':' or '-'; 0 when there is no counter
};
/// Accepts "{GUID}:N", "GUID:N", "{GUID}-N" and a bare "{GUID}" (ruler). Fails on anything else.
Result<MapiCorrelation> ParseMapiCorrelation(std::string_view value);

/// What identifies one client instance and one Session Context across requests. The caller
/// keeps it and calls NextRequestHeaders for every request.
struct MapiSession {
  std::string client_info_guid;  // constant per client instance
  std::uint64_t client_info_counter = 1;
  std::string request_id_guid;  // constant per Session Context
  std::uint64_t request_counter = 0;
  std::string client_application = std::string(kDefaultMapiClientApplication);
  /// The Cookie header value to send ("MapiContext=..; MapiSequence=.."); empty before Connect.
  std::string cookie;

  /// Fresh random GUIDs, counters at their start.
  static MapiSession Start();
};

/// Content-Type, X-RequestType, X-RequestId, X-ClientInfo, X-ClientApplication, Accept and (when
/// set) Cookie for the next request; advances the request counter.
std::vector<HeaderField> NextRequestHeaders(MapiSession& session, MapiRequestType type);

// ---- Bodies ------------------------------------------------------------------------------------

/// EMSMDB Connect request ([MS-OXCMAPIHTTP] 2.2.4.1.1), little-endian:
///   UserDn (ASCII, NUL-terminated) | Flags u32 | DefaultCodePage u32 | LcidSort u32 |
///   LcidString u32 | AuxiliaryBufferSize u32 | AuxiliaryBuffer
/// LcidSort comes before LcidString here (the RPC EcDoConnectEx order is the opposite).
struct MapiConnectRequest {
  std::string user_dn;      // the mailbox's legacyExchangeDN
  std::uint32_t flags = 0;  // 0 = normal user; 0x1 admin behaviour; 0x8000 no public folders
  std::uint32_t code_page = 1252;
  std::uint32_t lcid_sort = 0x0409;
  std::uint32_t lcid_string = 0x0409;
  Bytes auxiliary;
};
/// Fails if user_dn is empty, holds a NUL or a byte outside printable ASCII.
Result<Bytes> EncodeConnectRequest(const MapiConnectRequest& request);
Result<MapiConnectRequest> DecodeConnectRequest(ByteView body);

/// EMSMDB Connect response ([MS-OXCMAPIHTTP] 2.2.4.1.2). On success (StatusCode 0):
///   StatusCode u32 | ErrorCode u32 | PollsMax u32 | RetryCount u32 | RetryDelay u32 |
///   DnPrefix (ASCII, NUL-terminated) | DisplayName (UTF-16LE, NUL-terminated) |
///   AuxiliaryBufferSize u32 | AuxiliaryBuffer
/// On failure: StatusCode u32 (!= 0) | AuxiliaryBufferSize u32 | AuxiliaryBuffer.
struct MapiConnectResponse {
  std::uint32_t status_code = 0;
  std::uint32_t error_code = 0;  // EcDoConnectEx's return value; 0 = the store accepted the logon
  std::uint32_t polls_max = 0;   // ms
  std::uint32_t retry_count = 0;
  std::uint32_t retry_delay = 0;  // ms
  std::string dn_prefix;
  std::string display_name;  // UTF-8
  Bytes auxiliary;

  bool LoggedOn() const { return status_code == 0 && error_code == 0; }
};
Result<MapiConnectResponse> DecodeConnectResponse(ByteView body);
/// For the lab: a failure layout when status_code != 0, else the success layout.
Bytes EncodeConnectResponse(const MapiConnectResponse& response);

/// EMSMDB Disconnect ([MS-OXCMAPIHTTP] 2.2.4.3): request AuxiliaryBufferSize u32 | Aux;
/// response StatusCode u32 | ErrorCode u32 | AuxiliaryBufferSize u32 | Aux (StatusCode | AuxSize |
/// Aux when StatusCode != 0).
Bytes EncodeDisconnectRequest();
struct MapiDisconnectResponse {
  std::uint32_t status_code = 0;
  std::uint32_t error_code = 0;
};
Result<MapiDisconnectResponse> DecodeDisconnectResponse(ByteView body);

/// The EcDoConnectEx return values [MS-OXCRPC] 3.1.4.1 lists ("ecLoginFailure"...); empty
/// for others.
std::string_view MapiErrorCodeName(std::uint32_t error_code);

// ---- X-ResponseCode ([MS-OXCMAPIHTTP] 2.2.3.3.3) -----------------------------------------------

enum class MapiResponseCode : std::uint32_t {
  kSuccess = 0,
  kUnknownFailure = 1,
  kInvalidVerb = 2,
  kInvalidPath = 3,
  kInvalidHeader = 4,
  kInvalidRequestType = 5,
  kInvalidContextCookie = 6,
  kMissingHeader = 7,
  kAnonymousNotAllowed = 8,
  kTooLarge = 9,
  kContextNotFound = 10,
  kNoPrivilege = 11,
  kInvalidRequestBody = 12,
  kMissingCookie = 13,
  kReserved = 14,
  kInvalidSequence = 15,
  kEndpointDisabled = 16,
  kInvalidResponse = 17,
  kEndpointShuttingDown = 18,
};
/// "Success", "Missing Cookie", "Endpoint Disabled"...; "unknown" past 18.
std::string_view MapiResponseCodeName(std::uint32_t code);

// ---- The response ------------------------------------------------------------------------------

/// The MAPI/HTTP headers of one header block (outer HTTP headers or the inner block after DONE).
/// Numbers are parsed; a non-decimal value in a numeric header is an Error.
struct MapiHeaderValues {
  std::optional<std::uint32_t> response_code;      // X-ResponseCode
  std::optional<std::uint64_t> pending_period_ms;  // X-PendingPeriod
  std::optional<std::uint64_t> expiration_ms;      // X-ExpirationInfo
  std::optional<std::uint64_t> elapsed_ms;         // X-ElapsedTime
  std::string start_time;                          // X-StartTime (RFC 1123 date, as sent)
  std::string server_application;                  // X-ServerApplication
  std::string request_type;                        // X-RequestType (echoed)
  std::string request_id;                          // X-RequestId (echoed)
  std::string client_info;                         // X-ClientInfo (echoed)
  std::string content_type;                        // Content-Type
  std::string failure_lid;                         // X-FailureLID (Exchange, not in the spec)
  std::string failure_description;                 // X-FailureDescription (ditto)

  /// Records one header if it is one of the above (name case-insensitive; values cut at 1024
  /// bytes); returns whether it was.
  Result<bool> Add(std::string_view name, std::string_view value);
};

/// Picks the MAPI/HTTP headers from any list of objects with `name` and `value` members
/// (http::HttpHeader, HeaderField).
template <class Headers>
Result<MapiHeaderValues> PickMapiHeaders(const Headers& headers) {
  MapiHeaderValues out;
  for (const auto& h : headers) {
    if (auto ok = out.Add(h.name, h.value); !ok) return tl::unexpected(ok.error());
  }
  return out;
}

struct MapiResponseLimits {
  std::size_t max_pending = 100000;     // PENDING lines (one per X-PendingPeriod)
  std::size_t max_inner_headers = 100;  // lines in the block after DONE
  std::size_t max_line = 8192;          // bytes in one meta-tag or header line
  std::size_t max_body = 64 << 20;      // bytes after the blank line
};

/// A de-chunked MAPI/HTTP entity body, taken apart.
//   PROCESSING\r\n          optional, once
//   PENDING\r\n             0..n
//   DONE\r\n                once
//   Name: value\r\n ...     the inner header block
//   \r\n
//   <body>                  binary (Connect...), or text/html diagnostics when X-ResponseCode != 0
struct MapiResponse {
  bool has_preamble = false;  // false: no meta-tags at all (an immediate failure, see below)
  bool processing = false;
  std::size_t pending = 0;
  MapiHeaderValues outer;
  MapiHeaderValues inner;
  std::vector<HeaderField> inner_headers;  // every inner line, in order
  Bytes body;

  /// The X-ResponseCode that counts: the inner one if present, else the outer one.
  std::optional<std::uint32_t> ResponseCode() const;
  /// The inner value if present, else the outer one (X-ServerApplication, X-PendingPeriod...).
  std::string ServerApplication() const;
  std::optional<std::uint64_t> PendingPeriodMs() const;
  std::optional<std::uint64_t> ExpirationMs() const;
};

/// Parses `entity` (already de-chunked) under the outer headers `outer`. Lines end in CRLF; a
/// bare LF is tolerated. An entity that does not start with a meta-tag is accepted only when
/// the outer X-ResponseCode is non-zero (the failure was found before streaming began): then
/// the whole entity is the diagnostic body. Fails on: no DONE (a truncated stream), an unknown
/// meta-tag, a malformed inner header line, a non-numeric X-ResponseCode, or a limit passed.
Result<MapiResponse> ParseMapiResponse(const MapiHeaderValues& outer, ByteView entity,
                                       const MapiResponseLimits& limits = {});

/// For the lab: the entity body of a streamed response: PROCESSING, `pending` PENDING lines,
/// DONE, the inner headers, a blank line, `body`.
Bytes BuildMapiResponseEntity(std::size_t pending, const std::vector<HeaderField>& inner_headers,
                              ByteView body);

}  // namespace probe::exchange
