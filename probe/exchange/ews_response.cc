#include "probe/exchange/ews_response.h"

#include "probe/exchange/ews_request.h"

namespace probe::exchange {
namespace {

constexpr std::string_view kM = kEwsMessagesNamespace;
constexpr std::string_view kT = kEwsTypesNamespace;

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

int IntAttribute(pugi::xml_node node, const char* name) {
  std::string_view text = node.attribute(name).value();
  int value = 0;
  if (text.empty() || text.size() > 9) return 0;
  for (char c : text) {
    if (c < '0' || c > '9') return 0;
    value = value * 10 + (c - '0');
  }
  return value;
}

ResponseClass ClassFromText(std::string_view text) {
  if (text == "Success") return ResponseClass::kSuccess;
  if (text == "Warning") return ResponseClass::kWarning;
  if (text == "Error") return ResponseClass::kError;
  return ResponseClass::kUnknown;
}

std::optional<ServerVersionInfo> ReadServerVersion(pugi::xml_node envelope) {
  pugi::xml_node header = xml::Child(envelope, kSoapEnvelopeNamespace, "Header");
  pugi::xml_node info = xml::Child(header, kT, "ServerVersionInfo");
  if (!info) return std::nullopt;
  return ServerVersionInfo{IntAttribute(info, "MajorVersion"), IntAttribute(info, "MinorVersion"),
                           IntAttribute(info, "MajorBuildNumber"),
                           IntAttribute(info, "MinorBuildNumber"),
                           info.attribute("Version").value()};
}

// SOAP 1.1 puts faultcode/faultstring/faultactor in no namespace; some Microsoft examples
// prefix them with soap:, so they are matched by local name. Detail children are in the EWS
// errors namespace.
SoapFault ReadFault(pugi::xml_node fault) {
  SoapFault out;
  out.fault_code = xml::Text(xml::ChildAnyNs(fault, "faultcode"));
  out.fault_string = xml::Text(xml::ChildAnyNs(fault, "faultstring"));
  out.fault_actor = xml::Text(xml::ChildAnyNs(fault, "faultactor"));
  pugi::xml_node detail = xml::ChildAnyNs(fault, "detail");
  out.response_code = xml::ChildText(detail, kEwsErrorsNamespace, "ResponseCode");
  out.message = xml::ChildText(detail, kEwsErrorsNamespace, "Message");
  return out;
}

EwsMessage ReadMessage(pugi::xml_node node) {
  EwsMessage m;
  m.element = std::string(xml::LocalName(node));
  m.response_class_text = node.attribute("ResponseClass").value();
  m.response_class = ClassFromText(m.response_class_text);
  m.response_code = xml::ChildText(node, kM, "ResponseCode");
  m.message_text = xml::ChildText(node, kM, "MessageText");
  m.descriptive_link_key = xml::ChildText(node, kM, "DescriptiveLinkKey");
  for (pugi::xml_node folder : xml::Child(node, kM, "Folders").children()) {
    if (folder.type() != pugi::node_element) continue;
    pugi::xml_node id = xml::Child(folder, kT, "FolderId");
    m.folders.push_back({id.attribute("Id").value(), id.attribute("ChangeKey").value(),
                         xml::ChildText(folder, kT, "DisplayName")});
  }
  return m;
}

Result<void> ReadMessages(pugi::xml_node operation, const EwsLimits& limits, EwsResponse& out) {
  pugi::xml_node messages = xml::Child(operation, kM, "ResponseMessages");
  for (pugi::xml_node node : messages.children()) {
    if (node.type() != pugi::node_element || xml::NamespaceOf(node) != kM ||
        !EndsWith(xml::LocalName(node), "ResponseMessage"))
      continue;
    if (out.messages.size() >= limits.max_messages) {
      return Fail(ErrorCode::kMalformed, "EWS answer holds more than " +
                                             std::to_string(limits.max_messages) + " messages");
    }
    out.messages.push_back(ReadMessage(node));
  }
  return {};
}

Result<void> ReadFreeBusy(pugi::xml_node operation, const EwsLimits& limits, EwsResponse& out) {
  std::size_t events = 0;
  pugi::xml_node array = xml::Child(operation, kM, "FreeBusyResponseArray");
  for (pugi::xml_node response : xml::Children(array, kM, "FreeBusyResponse")) {
    if (out.free_busy.size() >= limits.max_messages) {
      return Fail(ErrorCode::kMalformed, "EWS answer holds more than " +
                                             std::to_string(limits.max_messages) +
                                             " free/busy results");
    }
    FreeBusyResult result;
    result.message = ReadMessage(xml::Child(response, kM, "ResponseMessage"));
    pugi::xml_node view = xml::Child(response, kM, "FreeBusyView");
    result.view_type = xml::ChildText(view, kT, "FreeBusyViewType");
    result.merged_free_busy = xml::ChildText(view, kT, "MergedFreeBusy");
    for (pugi::xml_node e :
         xml::Children(xml::Child(view, kT, "CalendarEventArray"), kT, "CalendarEvent")) {
      if (++events > limits.max_events) {
        return Fail(
            ErrorCode::kMalformed,
            "EWS answer holds more than " + std::to_string(limits.max_events) + " calendar events");
      }
      result.events.push_back({xml::ChildText(e, kT, "StartTime"), xml::ChildText(e, kT, "EndTime"),
                               xml::ChildText(e, kT, "BusyType")});
    }
    out.free_busy.push_back(std::move(result));
  }
  return {};
}

pugi::xml_node FirstElement(pugi::xml_node parent) {
  for (pugi::xml_node c : parent.children()) {
    if (c.type() == pugi::node_element) return c;
  }
  return {};
}

}  // namespace

std::string_view ResponseClassName(ResponseClass value) {
  switch (value) {
    case ResponseClass::kSuccess:
      return "Success";
    case ResponseClass::kWarning:
      return "Warning";
    case ResponseClass::kError:
      return "Error";
    case ResponseClass::kUnknown:
      break;
  }
  return "unknown";
}

bool EwsResponse::AllSucceeded() const {
  if (fault || (messages.empty() && free_busy.empty())) return false;
  return FirstFailure() == nullptr;
}

const EwsMessage* EwsResponse::FirstFailure() const {
  for (const auto& m : messages) {
    if (m.response_class != ResponseClass::kSuccess) return &m;
  }
  for (const auto& f : free_busy) {
    if (f.message.response_class != ResponseClass::kSuccess) return &f.message;
  }
  return nullptr;
}

Result<EwsResponse> ParseEwsResponse(std::string_view body, const EwsLimits& limits) {
  pugi::xml_document doc;
  if (auto loaded = xml::Load(body, limits.xml, doc); !loaded) {
    return Fail(loaded.error().With("EWS answer"));
  }
  pugi::xml_node envelope = doc.document_element();
  if (!xml::Is(envelope, kSoapEnvelopeNamespace, "Envelope")) {
    return Fail(ErrorCode::kMalformed,
                "EWS answer root <" + std::string(envelope.name()).substr(0, 40) +
                    "> is not a SOAP 1.1 Envelope (" + std::string(kSoapEnvelopeNamespace) + ")");
  }
  pugi::xml_node soap_body = xml::Child(envelope, kSoapEnvelopeNamespace, "Body");
  if (!soap_body) return Fail(ErrorCode::kMalformed, "EWS answer has no SOAP Body");

  EwsResponse out;
  out.server_version = ReadServerVersion(envelope);
  if (pugi::xml_node fault = xml::Child(soap_body, kSoapEnvelopeNamespace, "Fault")) {
    out.operation = "Fault";
    out.fault = ReadFault(fault);
    return out;
  }
  pugi::xml_node operation = FirstElement(soap_body);
  out.operation = std::string(xml::LocalName(operation)).substr(0, 64);
  if (auto ok = ReadMessages(operation, limits, out); !ok) return Fail(ok.error());
  if (auto ok = ReadFreeBusy(operation, limits, out); !ok) return Fail(ok.error());
  if (out.messages.empty() && out.free_busy.empty()) {
    return Fail(ErrorCode::kMalformed,
                "EWS Body <" + out.operation + "> holds neither a Fault nor response messages");
  }
  return out;
}

FreeBusyFailure ClassifyFreeBusyCode(std::string_view code) {
  if (code.empty() || code == "NoError") return FreeBusyFailure::kNone;
  if (code == "ErrorMailRecipientNotFound") return FreeBusyFailure::kRecipientNotFound;
  if (code == "ErrorProxyRequestProcessingFailed" || code == "ErrorProxyRequestNotAllowed" ||
      code == "ErrorProxyServiceDiscoveryFailed")
    return FreeBusyFailure::kProxyFailed;
  if (code == "ErrorMailboxStoreUnavailable" || code == "ErrorConnectionFailed" ||
      code == "ErrorMailboxMoveInProgress" || code == "ErrorMailboxLogonFailed")
    return FreeBusyFailure::kMailboxUnavailable;
  if (code == "ErrorAccessDenied") return FreeBusyFailure::kAccessDenied;
  return FreeBusyFailure::kOther;
}

std::string_view FreeBusyFailureName(FreeBusyFailure failure) {
  switch (failure) {
    case FreeBusyFailure::kNone:
      return "none";
    case FreeBusyFailure::kRecipientNotFound:
      return "recipient_not_found";
    case FreeBusyFailure::kProxyFailed:
      return "proxy_failed";
    case FreeBusyFailure::kMailboxUnavailable:
      return "mailbox_unavailable";
    case FreeBusyFailure::kAccessDenied:
      return "access_denied";
    case FreeBusyFailure::kOther:
      break;
  }
  return "other";
}

}  // namespace probe::exchange
