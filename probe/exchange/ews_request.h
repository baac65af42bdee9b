// EWS SOAP requests a prober sends (reference section 2.1): GetFolder of distinguished folders,
// which proves authentication, routing and a mounted store, and GetUserAvailability for another
// mailbox, which exercises the availability proxy a stale cache breaks.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "probe/core/result.h"
#include "probe/exchange/header_field.h"

namespace probe::exchange {

inline constexpr std::string_view kSoapEnvelopeNamespace =
    "http://schemas.xmlsoap.org/soap/envelope/";
inline constexpr std::string_view kEwsTypesNamespace =
    "http://schemas.microsoft.com/exchange/services/2006/types";
inline constexpr std::string_view kEwsMessagesNamespace =
    "http://schemas.microsoft.com/exchange/services/2006/messages";
inline constexpr std::string_view kEwsErrorsNamespace =
    "http://schemas.microsoft.com/exchange/services/2006/errors";
inline constexpr std::string_view kEwsPath = "/EWS/Exchange.asmx";

/// Exchange2010_SP2 (also right for SP3): one request that 2010 and 2013-2019 all accept.
inline constexpr std::string_view kDefaultRequestServerVersion = "Exchange2010_SP2";
/// True for the RequestServerVersion values of requestserverversion.md (Exchange2007 ..
/// Exchange2013_SP1); others are sent if asked for, e.g. to provoke ErrorInvalidServerVersion.
bool IsKnownRequestServerVersion(std::string_view version);

enum class DistinguishedFolder { kMsgFolderRoot, kInbox, kCalendar };
std::string_view DistinguishedFolderName(DistinguishedFolder folder);  // "msgfolderroot", ...

struct GetFolderRequest {
  std::vector<DistinguishedFolder> folders = {DistinguishedFolder::kMsgFolderRoot,
                                              DistinguishedFolder::kInbox};
  std::string mailbox;  // another mailbox (delegate / Full Access probe); "" for one's own
  std::string server_version = std::string(kDefaultRequestServerVersion);
};
/// GetFolder with BaseShape IdOnly. kInvalidArgument for no folders, a bad mailbox address, or
/// a server version that is not a plain token ([A-Za-z0-9_]+).
Result<std::string> BuildGetFolderRequest(const GetFolderRequest& request);

/// GetUserAvailability over a fixed window in UTC (times are xs:dateTime without a zone,
/// "2024-01-15T08:00:00"; the request's TimeZone is UTC so nothing depends on the local clock).
struct AvailabilityRequest {
  std::vector<std::string> mailboxes;  // 1..100 SMTP addresses
  std::string start_time;
  std::string end_time;
  int merged_interval_minutes = 30;
  std::string requested_view = "FreeBusy";  // None, MergedOnly, FreeBusy, FreeBusyMerged,
                                            // Detailed, DetailedMerged
  std::string server_version = std::string(kDefaultRequestServerVersion);
};
/// kInvalidArgument for no or over 100 mailboxes, a bad address, a malformed time, an end not
/// after the start, an unknown view, an interval outside 5..1440 minutes.
Result<std::string> BuildGetUserAvailabilityRequest(const AvailabilityRequest& request);

/// Content-Type, Accept and (when `anchor_mailbox` is set) X-AnchorMailbox, which makes a 2013+
/// front end route to that mailbox's back end.
std::vector<HeaderField> EwsRequestHeaders(std::string_view anchor_mailbox);

}  // namespace probe::exchange
