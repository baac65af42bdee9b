#include "probe/exchange/ews_request.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <pugixml.hpp>

#include "probe/exchange/autodiscover_policy.h"
#include "probe/exchange/xml.h"

namespace probe::exchange {
namespace {

constexpr std::array<std::string_view, 7> kKnownVersions = {
    "Exchange2007",     "Exchange2007_SP1", "Exchange2010",    "Exchange2010_SP1",
    "Exchange2010_SP2", "Exchange2013",     "Exchange2013_SP1"};
constexpr std::array<std::string_view, 6> kViews = {
    "None", "MergedOnly", "FreeBusy", "FreeBusyMerged", "Detailed", "DetailedMerged"};

Result<void> CheckVersionToken(std::string_view version) {
  bool ok = !version.empty() && version.size() <= 64 &&
            std::all_of(version.begin(), version.end(), [](char c) {
              return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
            });
  if (!ok) {
    return Fail(ErrorCode::kInvalidArgument,
                "RequestServerVersion must be a token such as Exchange2010_SP2");
  }
  return {};
}

Result<void> CheckAddress(std::string_view address) {
  if (auto parsed = ParseMailAddress(address); !parsed) return Fail(parsed.error());
  return {};
}

// "YYYY-MM-DDTHH:MM:SS" with plausible field ranges.
bool IsPlainDateTime(std::string_view t) {
  if (t.size() != 19 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':')
    return false;
  auto num = [&](std::size_t at, std::size_t len, int lo, int hi) {
    int v = 0;
    for (std::size_t i = at; i < at + len; ++i) {
      if (t[i] < '0' || t[i] > '9') return false;
      v = v * 10 + (t[i] - '0');
    }
    return v >= lo && v <= hi;
  };
  return num(0, 4, 1900, 9999) && num(5, 2, 1, 12) && num(8, 2, 1, 31) && num(11, 2, 0, 23) &&
         num(14, 2, 0, 59) && num(17, 2, 0, 59);
}

// soap:Envelope with t: and m: declared, the RequestServerVersion header, and an empty Body.
pugi::xml_node Envelope(pugi::xml_document& doc, const std::string& server_version) {
  pugi::xml_node env = doc.append_child("soap:Envelope");
  env.append_attribute("xmlns:soap") = std::string(kSoapEnvelopeNamespace).c_str();
  env.append_attribute("xmlns:t") = std::string(kEwsTypesNamespace).c_str();
  env.append_attribute("xmlns:m") = std::string(kEwsMessagesNamespace).c_str();
  pugi::xml_node header = env.append_child("soap:Header");
  header.append_child("t:RequestServerVersion").append_attribute("Version") =
      server_version.c_str();
  return env.append_child("soap:Body");
}

void AppendText(pugi::xml_node parent, const char* name, const std::string& text) {
  parent.append_child(name).text() = text.c_str();
}

// UTC: bias 0 and identical standard/daylight transitions, so no daylight shift applies.
void AppendUtcTimeZone(pugi::xml_node parent) {
  pugi::xml_node tz = parent.append_child("t:TimeZone");
  AppendText(tz, "t:Bias", "0");
  for (const char* name : {"t:StandardTime", "t:DaylightTime"}) {
    pugi::xml_node part = tz.append_child(name);
    AppendText(part, "t:Bias", "0");
    AppendText(part, "t:Time", "00:00:00");
    AppendText(part, "t:DayOrder", "1");
    AppendText(part, "t:Month", "1");
    AppendText(part, "t:DayOfWeek", "Sunday");
  }
}

Result<void> CheckAvailability(const AvailabilityRequest& r) {
  if (r.mailboxes.empty() || r.mailboxes.size() > 100) {
    return Fail(ErrorCode::kInvalidArgument, "GetUserAvailability takes 1 to 100 mailboxes");
  }
  for (const auto& m : r.mailboxes) {
    if (auto ok = CheckAddress(m); !ok) return ok;
  }
  if (!IsPlainDateTime(r.start_time) || !IsPlainDateTime(r.end_time)) {
    return Fail(ErrorCode::kInvalidArgument,
                "free/busy window times must look like 2024-01-15T08:00:00");
  }
  if (r.end_time <= r.start_time) {
    return Fail(ErrorCode::kInvalidArgument, "free/busy window must end after it starts");
  }
  if (std::find(kViews.begin(), kViews.end(), r.requested_view) == kViews.end()) {
    return Fail(ErrorCode::kInvalidArgument,
                "unknown free/busy RequestedView '" + r.requested_view.substr(0, 32) + "'");
  }
  if (r.merged_interval_minutes < 5 || r.merged_interval_minutes > 1440) {
    return Fail(ErrorCode::kInvalidArgument, "MergedFreeBusyIntervalInMinutes must be 5..1440");
  }
  return CheckVersionToken(r.server_version);
}

}  // namespace

bool IsKnownRequestServerVersion(std::string_view version) {
  return std::find(kKnownVersions.begin(), kKnownVersions.end(), version) != kKnownVersions.end();
}

std::string_view DistinguishedFolderName(DistinguishedFolder folder) {
  switch (folder) {
    case DistinguishedFolder::kMsgFolderRoot:
      return "msgfolderroot";
    case DistinguishedFolder::kInbox:
      return "inbox";
    case DistinguishedFolder::kCalendar:
      return "calendar";
  }
  return "msgfolderroot";
}

Result<std::string> BuildGetFolderRequest(const GetFolderRequest& request) {
  if (request.folders.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "GetFolder needs at least one folder");
  }
  if (auto ok = CheckVersionToken(request.server_version); !ok) return Fail(ok.error());
  if (!request.mailbox.empty()) {
    if (auto ok = CheckAddress(request.mailbox); !ok) return Fail(ok.error());
  }
  pugi::xml_document doc;
  pugi::xml_node body = Envelope(doc, request.server_version);
  pugi::xml_node op = body.append_child("m:GetFolder");
  AppendText(op.append_child("m:FolderShape"), "t:BaseShape", "IdOnly");
  pugi::xml_node ids = op.append_child("m:FolderIds");
  for (DistinguishedFolder folder : request.folders) {
    pugi::xml_node id = ids.append_child("t:DistinguishedFolderId");
    id.append_attribute("Id") = std::string(DistinguishedFolderName(folder)).c_str();
    if (!request.mailbox.empty()) {
      AppendText(id.append_child("t:Mailbox"), "t:EmailAddress", request.mailbox);
    }
  }
  return xml::Serialize(doc);
}

Result<std::string> BuildGetUserAvailabilityRequest(const AvailabilityRequest& request) {
  if (auto ok = CheckAvailability(request); !ok) return Fail(ok.error());
  pugi::xml_document doc;
  pugi::xml_node body = Envelope(doc, request.server_version);
  pugi::xml_node op = body.append_child("m:GetUserAvailabilityRequest");
  AppendUtcTimeZone(op);
  pugi::xml_node array = op.append_child("m:MailboxDataArray");
  for (const auto& mailbox : request.mailboxes) {
    pugi::xml_node data = array.append_child("t:MailboxData");
    AppendText(data.append_child("t:Email"), "t:Address", mailbox);
    AppendText(data, "t:AttendeeType", "Required");
    AppendText(data, "t:ExcludeConflicts", "false");
  }
  pugi::xml_node options = op.append_child("t:FreeBusyViewOptions");
  pugi::xml_node window = options.append_child("t:TimeWindow");
  AppendText(window, "t:StartTime", request.start_time);
  AppendText(window, "t:EndTime", request.end_time);
  AppendText(options, "t:MergedFreeBusyIntervalInMinutes",
             std::to_string(request.merged_interval_minutes));
  AppendText(options, "t:RequestedView", request.requested_view);
  return xml::Serialize(doc);
}

std::vector<HeaderField> EwsRequestHeaders(std::string_view anchor_mailbox) {
  std::vector<HeaderField> out = {{"Content-Type", "text/xml; charset=utf-8"},
                                  {"Accept", "text/xml"}};
  if (!anchor_mailbox.empty() && ParseMailAddress(anchor_mailbox)) {
    out.push_back({"X-AnchorMailbox", std::string(anchor_mailbox)});
  }
  return out;
}

}  // namespace probe::exchange
