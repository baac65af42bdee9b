// EWS SOAP answers (reference section 2.2): per-message ResponseClass/ResponseCode (HTTP 200),
// SOAP faults (HTTP 500), the ServerVersionInfo header, and GetUserAvailability's free/busy
// results. Parse the body for both 200 and 500.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probe/core/result.h"
#include "probe/exchange/exchange_version.h"
#include "probe/exchange/xml.h"

namespace probe::exchange {

enum class ResponseClass { kSuccess, kWarning, kError, kUnknown };
std::string_view ResponseClassName(
    ResponseClass value);  // "Success", "Warning", "Error", "unknown"

/// <ServerVersionInfo>: which server really answered (14.3 on 2010 SP3, 15.1 on 2016).
struct ServerVersionInfo {
  int major_version = 0;
  int minor_version = 0;
  int major_build = 0;
  int minor_build = 0;
  std::string version;  // "Exchange2010_SP2", "V2017_07_11"; varies by CU, never match on it

  ExchangeVersion AsVersion() const {
    return {major_version, minor_version, major_build, minor_build};
  }
};

/// A folder of a GetFolder answer.
struct EwsFolder {
  std::string id;
  std::string change_key;
  std::string display_name;  // only with a shape richer than IdOnly
};

/// One *ResponseMessage (or a free/busy ResponseMessage).
struct EwsMessage {
  std::string element;  // local name, e.g. "GetFolderResponseMessage", "ResponseMessage"
  ResponseClass response_class = ResponseClass::kUnknown;
  std::string response_class_text;
  std::string response_code;  // "NoError", "ErrorNonExistentMailbox", ...
  std::string message_text;
  std::string descriptive_link_key;
  std::vector<EwsFolder> folders;
};

/// A SOAP 1.1 Fault (request-level errors: schema validation, invalid server version, busy).
struct SoapFault {
  std::string fault_code;  // as written, e.g. "a:ErrorSchemaValidation"
  std::string fault_string;
  std::string fault_actor;
  std::string response_code;  // detail/ResponseCode in the errors namespace
  std::string message;        // detail/Message
};

struct CalendarEvent {
  std::string start_time;
  std::string end_time;
  std::string busy_type;  // Free, Tentative, Busy, OOF, NoData
};

/// One FreeBusyResponse: its status and, on success, the view.
struct FreeBusyResult {
  EwsMessage message;
  std::string view_type;
  std::string merged_free_busy;  // one digit per interval (0 free .. 4 no data)
  std::vector<CalendarEvent> events;
};

struct EwsResponse {
  std::optional<ServerVersionInfo> server_version;
  std::optional<SoapFault> fault;
  std::string operation;  // the Body element's local name, e.g. "GetFolderResponse"
  std::vector<EwsMessage> messages;
  std::vector<FreeBusyResult> free_busy;

  /// No fault, at least one message or free/busy result, and every one Success.
  bool AllSucceeded() const;
  /// The first message (free/busy included) whose class is not Success, or nullptr.
  const EwsMessage* FirstFailure() const;
};

struct EwsLimits {
  xml::Limits xml;  // 1 MiB, depth 32, 20000 elements
  std::size_t max_messages = 256;
  std::size_t max_events = 5000;
};

/// Parses an EWS answer. kMalformed for: not XML, over a limit, a root other than a SOAP 1.1
/// Envelope, no Body, a Body with neither a Fault nor response messages.
Result<EwsResponse> ParseEwsResponse(std::string_view body, const EwsLimits& limits = {});

/// What a failed free/busy lookup points at. After a mailbox move, proxy failures and
/// "recipient not found" for an address Autodiscover just resolved are the signature of the
/// front ends' stale caches; the check layer decides that, with the Autodiscover answer at hand.
enum class FreeBusyFailure {
  kNone,                // NoError
  kRecipientNotFound,   // ErrorMailRecipientNotFound
  kProxyFailed,         // ErrorProxyRequestProcessingFailed, ErrorProxyRequestNotAllowed,
                        // ErrorProxyServiceDiscoveryFailed
  kMailboxUnavailable,  // ErrorMailboxStoreUnavailable, ErrorConnectionFailed,
                        // ErrorMailboxMoveInProgress, ErrorMailboxLogonFailed
  kAccessDenied,        // ErrorAccessDenied
  kOther,
};
FreeBusyFailure ClassifyFreeBusyCode(std::string_view response_code);
std::string_view FreeBusyFailureName(
    FreeBusyFailure failure);  // "none", "recipient_not_found", ...

}  // namespace probe::exchange
