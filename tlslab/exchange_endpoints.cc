#include "tlslab/exchange_endpoints.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <pugixml.hpp>
#include <vector>

#include "probe/auth/base64.h"
#include "probe/exchange/autodiscover_request.h"
#include "probe/exchange/ews_request.h"
#include "probe/exchange/lab_answers.h"
#include "probe/exchange/xml.h"

namespace tlslab {
namespace {

namespace ex = probe::exchange;
namespace xml = probe::exchange::xml;

constexpr std::string_view kXmlType = "text/xml; charset=utf-8";
constexpr std::string_view kJsonType = "application/json; charset=utf-8";
// Requests are a few hundred bytes; the session already caps bodies at 1 MiB.
constexpr xml::Limits kRequestLimits{256 * 1024, 32, 4000};
constexpr std::size_t kMaxFolders = 32;
constexpr std::size_t kMaxFreeBusyMailboxes = 100;

// The vdirs whose healthcheck.htm managed availability probes (and load balancers watch).
constexpr std::array<std::string_view, 8> kHealthVdirs{
    "owa", "ews", "mapi", "rpc", "oab", "autodiscover", "ecp", "microsoft-server-activesync"};
// Autodiscover v2 protocols an on-premises front end answers, with the URL path of each.
constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kJsonProtocols{{
    {"Ews", "/EWS/Exchange.asmx"},
    {"AutodiscoverV1", "/autodiscover/autodiscover.xml"},
    {"ActiveSync", "/Microsoft-Server-ActiveSync"},
    {"Rest", "/api"},
}};

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](char x, char y) { return AsciiLower(x) == AsciiLower(y); });
}

bool ContainsIgnoreCase(std::string_view text, std::string_view word) {
  return Lower(text).find(Lower(word)) != std::string::npos;
}

std::string_view PathOf(std::string_view target) { return target.substr(0, target.find('?')); }

std::string_view QueryOf(std::string_view target) {
  std::size_t q = target.find('?');
  return q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = AsciiLower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    int hi = i + 2 < s.size() && s[i] == '%' ? HexValue(s[i + 1]) : -1;
    int lo = hi >= 0 ? HexValue(s[i + 2]) : -1;
    if (s[i] == '%' && hi >= 0 && lo >= 0) {
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(s[i] == '+' ? ' ' : s[i]);
    }
  }
  return out;
}

// The value of `name` (case-insensitive, as IIS reads query strings), percent-decoded.
std::optional<std::string> QueryParam(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    std::size_t eq = pair.find('=');
    if (EqualsIgnoreCase(pair.substr(0, eq), name)) {
      return eq == std::string_view::npos ? std::string() : PercentDecode(pair.substr(eq + 1));
    }
  }
  return std::nullopt;
}

// "SMTP:alice@contoso.test" and "alice@contoso.test" name the same anchor.
std::string AnchorAddress(std::string_view header) {
  if (header.size() > 5 && EqualsIgnoreCase(header.substr(0, 5), "smtp:")) header.remove_prefix(5);
  return std::string(header);
}

HttpResponse Typed(int status, std::string_view type, std::string body) {
  HttpResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", std::string(type));
  r.body = std::move(body);
  return r;
}

// The Time attribute of the error form: the time of day in UTC with seven fraction digits.
std::string ErrorTime() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  auto ticks = std::chrono::duration_cast<std::chrono::nanoseconds>(now).count() / 100;
  std::int64_t day_ticks = ticks % (24LL * 3600 * 10'000'000);
  std::int64_t seconds = day_ticks / 10'000'000;
  return fmt::format("{:02}:{:02}:{:02}.{:07}", seconds / 3600, seconds / 60 % 60, seconds % 60,
                     day_ticks % 10'000'000);
}

// The error form with HTTP 200, as Exchange sends it (reference 1.9).
HttpResponse PoxError(int code, std::string_view message) {
  ex::LabPoxError error;
  error.code = code;
  error.message = std::string(message);
  error.time = ErrorTime();
  auto body = ex::BuildPoxErrorAnswer(error);
  return Typed(200, kXmlType, body.value_or(""));
}

HttpResponse SoapFault(std::string_view code, std::string_view message) {
  auto body = ex::BuildSoapFaultAnswer(code, message);
  return Typed(500, kXmlType, body.value_or(""));
}

HttpResponse JsonError(int status, std::string_view code, std::string_view message) {
  return Typed(status, kJsonType, ex::BuildJsonV2Error(code, message).value_or("{}"));
}

// --- request readers ----------------------------------------------------------------------

struct PoxQuery {
  std::string email;
  std::string legacy_dn;
  std::string schema;
};

std::optional<PoxQuery> ReadPox(std::string_view body) {
  pugi::xml_document doc;
  if (!xml::Load(body, kRequestLimits, doc)) return std::nullopt;
  pugi::xml_node root = doc.document_element();
  if (!xml::Is(root, ex::kPoxRequestNamespace, "Autodiscover")) return std::nullopt;
  pugi::xml_node request = xml::Child(root, ex::kPoxRequestNamespace, "Request");
  if (!request) return std::nullopt;
  PoxQuery q;
  q.email = xml::ChildText(request, ex::kPoxRequestNamespace, "EMailAddress");
  q.legacy_dn = xml::ChildText(request, ex::kPoxRequestNamespace, "LegacyDN");
  q.schema = xml::ChildText(request, ex::kPoxRequestNamespace, "AcceptableResponseSchema");
  return q;
}

struct EwsCall {
  std::string operation;               // local name of the Body's first element
  std::string impersonated;            // ExchangeImpersonation PrimarySmtpAddress
  std::string folder_mailbox;          // GetFolder: DistinguishedFolderId/Mailbox/EmailAddress
  std::vector<std::string> folders;    // GetFolder: distinguished folder names
  std::vector<std::string> mailboxes;  // GetUserAvailability: MailboxData/Email/Address
  std::string requested_view;
};

void ReadGetFolder(pugi::xml_node op, EwsCall& call) {
  pugi::xml_node ids = xml::Child(op, ex::kEwsMessagesNamespace, "FolderIds");
  for (pugi::xml_node id : xml::Children(ids, ex::kEwsTypesNamespace, "DistinguishedFolderId")) {
    if (call.folders.size() >= kMaxFolders) break;
    call.folders.emplace_back(id.attribute("Id").value());
    pugi::xml_node mailbox = xml::Child(id, ex::kEwsTypesNamespace, "Mailbox");
    std::string address = xml::ChildText(mailbox, ex::kEwsTypesNamespace, "EmailAddress");
    if (!address.empty() && call.folder_mailbox.empty()) call.folder_mailbox = address;
  }
}

void ReadAvailability(pugi::xml_node op, EwsCall& call) {
  pugi::xml_node array = xml::Child(op, ex::kEwsMessagesNamespace, "MailboxDataArray");
  for (pugi::xml_node data : xml::Children(array, ex::kEwsTypesNamespace, "MailboxData")) {
    if (call.mailboxes.size() >= kMaxFreeBusyMailboxes) break;
    pugi::xml_node email = xml::Child(data, ex::kEwsTypesNamespace, "Email");
    call.mailboxes.push_back(xml::ChildText(email, ex::kEwsTypesNamespace, "Address"));
  }
  pugi::xml_node options = xml::Child(op, ex::kEwsTypesNamespace, "FreeBusyViewOptions");
  call.requested_view = xml::ChildText(options, ex::kEwsTypesNamespace, "RequestedView");
}

// nullopt: not a SOAP 1.1 envelope with a Body (the schema-validation fault).
std::optional<EwsCall> ReadEws(std::string_view body) {
  pugi::xml_document doc;
  if (!xml::Load(body, kRequestLimits, doc)) return std::nullopt;
  pugi::xml_node root = doc.document_element();
  if (!xml::Is(root, ex::kSoapEnvelopeNamespace, "Envelope")) return std::nullopt;
  pugi::xml_node soap_body = xml::Child(root, ex::kSoapEnvelopeNamespace, "Body");
  pugi::xml_node op =
      soap_body.find_child([](pugi::xml_node n) { return n.type() == pugi::node_element; });
  if (!op) return std::nullopt;
  EwsCall call;
  if (xml::NamespaceOf(op) == ex::kEwsMessagesNamespace) call.operation = xml::LocalName(op);
  pugi::xml_node header = xml::Child(root, ex::kSoapEnvelopeNamespace, "Header");
  pugi::xml_node impersonation =
      xml::Child(header, ex::kEwsTypesNamespace, "ExchangeImpersonation");
  pugi::xml_node sid = xml::Child(impersonation, ex::kEwsTypesNamespace, "ConnectingSID");
  call.impersonated = xml::ChildText(sid, ex::kEwsTypesNamespace, "PrimarySmtpAddress");
  if (call.operation == "GetFolder") ReadGetFolder(op, call);
  if (call.operation == "GetUserAvailabilityRequest") ReadAvailability(op, call);
  return call;
}

ex::LabExchange ToLab(ExchangeRelease release) {
  return release == ExchangeRelease::k2010 ? ex::LabExchange::k2010 : ex::LabExchange::k2016;
}

// Replaces the text of EXPR's Server: 2010 mailboxes name the Outlook Anywhere host there,
// which may differ from the host of the answer's URLs.
std::string WithExprServer(const std::string& answer, std::string_view server) {
  pugi::xml_document doc;
  if (!doc.load_buffer(answer.data(), answer.size())) return answer;
  pugi::xml_node account = doc.document_element().child("Response").child("Account");
  for (pugi::xml_node p : account.children("Protocol")) {
    if (std::string_view(p.child_value("Type")) == "EXPR") {
      p.child("Server").text() = std::string(server).c_str();
    }
  }
  return xml::Serialize(doc);
}

// A folder id that differs per mailbox and folder, in the base64 shape of real ids.
std::string FolderId(std::string_view address, std::string_view folder) {
  std::string raw = "AAMk:" + Lower(address) + ":" + Lower(folder);
  return probe::auth::Base64Encode(probe::Bytes(raw.begin(), raw.end()));
}

}  // namespace

std::string LabMailboxGuid(std::string_view address) {
  // Two FNV-1a 64-bit hashes of the lower-cased address, shaped as a version 4 GUID.
  auto fnv = [&](std::uint64_t h) {
    for (char c : Lower(address)) {
      h ^= static_cast<unsigned char>(c);
      h *= 0x100000001b3ULL;
    }
    return h;
  };
  std::uint64_t hi = fnv(0xcbf29ce484222325ULL);
  std::uint64_t lo = fnv(0x84222325cbf29ce4ULL);
  hi = (hi & ~0xf000ULL) | 0x4000ULL;
  lo = (lo & ~(3ULL << 62)) | (2ULL << 62);
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xffff,
                     hi & 0xffff, lo >> 48, lo & 0xffffffffffffULL);
}

std::string LogVersion(ExchangeRelease release) {
  ex::ServerVersionInfo v = ex::LabServerVersionInfo(ToLab(release));
  return fmt::format("{:02}.{:02}.{:04}.{:03}", v.major_version, v.minor_version, v.major_build,
                     v.minor_build);
}

ExchangeEndpoints::ExchangeEndpoints(const Scenario& scenario, const ListenerSpec& listener)
    : scenario_(scenario), exchange_(listener.exchange) {
  // Only what answers need: no passwords kept here.
  for (auto& user : scenario_.users) user.password.clear();
  if (listener.auth) {
    computer_fqdn_ = listener.auth->computer + "." + listener.auth->dns_domain;
  } else if (exchange_) {
    computer_fqdn_ = exchange_->hostname;
  }
}

std::string ExchangeEndpoints::Fqdn(std::string_view server) const {
  return Lower(server) + "." + scenario_.organization.domain;
}

bool ExchangeEndpoints::IsAnonymous(const HttpRequest& request) const {
  if (!exchange_) return false;
  std::string path = Lower(PathOf(request.target));
  if (path.starts_with("/autodiscover/autodiscover.json")) return true;
  for (std::string_view vdir : kHealthVdirs) {
    if (path == fmt::format("/{}/healthcheck.htm", vdir)) return true;
  }
  return false;
}

void ExchangeEndpoints::AddServerHeaders(HttpResponse& response) const {
  if (!exchange_) return;
  response.headers.emplace_back(
      "X-OWA-Version", ex::LabServerVersionInfo(ToLab(exchange_->version)).AsVersion().Dotted());
}

std::optional<ExchangeAnswer> ExchangeEndpoints::Handle(const HttpRequest& request,
                                                        std::string_view account) const {
  if (!exchange_) return std::nullopt;
  std::string path = Lower(PathOf(request.target));
  bool get = request.method == "GET" || request.method == "HEAD";
  if (path == "/autodiscover/autodiscover.xml" && (get || request.method == "POST")) {
    return Autodiscover(request, account);
  }
  if (path.starts_with("/autodiscover/autodiscover.json") && get) {
    return AutodiscoverJson(request);
  }
  if (path == "/ews/exchange.asmx" && request.method == "POST") return Ews(request, account);
  if (get && IsAnonymous(request)) return ExchangeAnswer{HealthCheck(), {}};
  return std::nullopt;
}

HttpResponse ExchangeEndpoints::HealthCheck() const {
  return Typed(200, "text/html", "200 OK<br/>" + computer_fqdn_);
}

BackendOutcome ExchangeEndpoints::Routed(const MailboxSpec& mailbox) const {
  BackendOutcome out;
  out.target_server = Fqdn(mailbox.CurrentServer());
  out.target_version = LogVersion(mailbox.CurrentVersion());
  out.backend_status = 200;
  out.anchor_mailbox = "Smtp~" + mailbox.address;
  return out;
}

BackendOutcome ExchangeEndpoints::BackendOf(std::string_view account) const {
  const MailboxSpec* mailbox = account.empty() ? nullptr : scenario_.MailboxOf(account);
  return mailbox ? Routed(*mailbox) : BackendOutcome{};
}

// POST: the settings of a mailbox the account may open, redirectAddr for an alias, else the
// error form; GET: the classic 600 a browser gets.
ExchangeAnswer ExchangeEndpoints::Autodiscover(const HttpRequest& request,
                                               std::string_view account) const {
  ExchangeAnswer out;
  if (request.method != "POST") {
    out.response = PoxError(600, "Invalid Request");
    return out;
  }
  auto query = ReadPox(request.body);
  if (!query || (query->email.empty() && query->legacy_dn.empty())) {
    out.response = PoxError(600, "Invalid Request");
    return out;
  }
  if (query->schema != ex::kPoxOutlookResponseSchema) {
    out.response = PoxError(601, "Provider is not available");
    return out;
  }
  // LegacyDN wins when both are sent (MS-OXDSCLI 3.2.5).
  const MailboxSpec* mailbox = !query->legacy_dn.empty()
                                   ? scenario_.FindMailboxByLegacyDn(query->legacy_dn)
                                   : scenario_.FindMailbox(query->email);
  if (!mailbox && query->legacy_dn.empty()) {
    if (const RedirectSpec* alias = scenario_.FindRedirect(query->email)) {
      out.response =
          Typed(200, kXmlType, ex::BuildPoxRedirectAddrAnswer(alias->redirect_addr).value_or(""));
      return out;
    }
  }
  // Exchange answers "not found" also for a mailbox the caller may not open.
  if (!mailbox || !EqualsIgnoreCase(mailbox->account, account)) {
    out.response = PoxError(500, "The email address can't be found.");
    out.backend.error_code = "UserNotFound";
    return out;
  }
  // stale_autodiscover: the front end's cache still holds where a moved mailbox used to be.
  bool stale = exchange_->Has(ExchangeFault::kStaleAutodiscover);
  ExchangeRelease version = stale ? mailbox->version : mailbox->CurrentVersion();
  const std::string& server = stale ? mailbox->server : mailbox->CurrentServer();
  ex::LabMailbox lab;
  lab.address = mailbox->address;
  lab.display_name = mailbox->display_name;
  lab.version = ToLab(version);
  lab.organization = scenario_.organization.Name();
  lab.legacy_dn = mailbox->legacy_dn;
  lab.mailbox_guid = LabMailboxGuid(mailbox->address);
  lab.server = version == ExchangeRelease::k2010 ? Fqdn(server) : "";
  lab.internal_host = exchange_->internal_hostname;
  lab.external_host = exchange_->hostname;
  lab.cert_principal = exchange_->cert_principal;
  ex::LabRequestFlags flags;
  std::string_view capability = request.Header("X-MapiHttpCapability");
  flags.mapi_http_capability = !capability.empty() &&
                               std::all_of(capability.begin(), capability.end(),
                                           [](char c) { return c >= '0' && c <= '9'; }) &&
                               capability.find_first_not_of('0') != std::string_view::npos;
  flags.ex_http_info = ContainsIgnoreCase(request.Header("X-ClientCanHandle"), "ExHttpInfo");
  auto answer = ex::BuildPoxSettingsAnswer(lab, flags);
  if (!answer) {
    out.response = PoxError(603, "An internal server error occurred");
    out.backend.generic_errors = answer.error().message;
    return out;
  }
  std::string body = std::move(*answer);
  if (version == ExchangeRelease::k2010 && exchange_->rpc_hostname != exchange_->hostname) {
    body = WithExprServer(body, exchange_->rpc_hostname);
  }
  out.response = Typed(200, kXmlType, std::move(body));
  out.backend = Routed(*mailbox);
  out.backend.target_server = Fqdn(server);
  out.backend.target_version = LogVersion(version);
  return out;
}

// GET /autodiscover/autodiscover.json/v1.0/<address>?Protocol=X (or ?Email=..&Protocol=X).
// Exchange 2010 has no Autodiscover v2: 404.
ExchangeAnswer ExchangeEndpoints::AutodiscoverJson(const HttpRequest& request) const {
  ExchangeAnswer out;
  if (exchange_->version == ExchangeRelease::k2010) {
    out.response = ErrorResponse(404, "Not Found");
    return out;
  }
  std::string_view path = PathOf(request.target);
  std::string_view query = QueryOf(request.target);
  constexpr std::string_view kV1 = "/autodiscover/autodiscover.json/v1.0/";
  std::string address =
      path.size() > kV1.size() && EqualsIgnoreCase(path.substr(0, kV1.size()), kV1)
          ? PercentDecode(path.substr(kV1.size()))
          : QueryParam(query, "Email").value_or("");
  auto protocol = QueryParam(query, "Protocol");
  if (!protocol || protocol->empty()) {
    out.response = JsonError(400, "MissingProtocol",
                             "A valid value must be provided for the query parameter 'Protocol'.");
    return out;
  }
  if (address.find('@') == std::string::npos) {
    out.response =
        JsonError(400, "MandatoryParameterMissing", "A valid email address must be provided.");
    return out;
  }
  for (const auto& [name, url_path] : kJsonProtocols) {
    if (!EqualsIgnoreCase(name, *protocol)) continue;
    auto body =
        ex::BuildJsonV2Answer(name, "https://" + exchange_->hostname + std::string(url_path));
    out.response = Typed(200, kJsonType, body.value_or("{}"));
    return out;
  }
  std::string supported;
  for (const auto& [name, url_path] : kJsonProtocols) {
    supported += (supported.empty() ? "" : ",") + std::string(name);
  }
  std::string shown = protocol->substr(0, 64);
  for (char& c : shown) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  out.response =
      JsonError(400, "ProtocolNotSupported",
                fmt::format("The given protocol value '{}' is invalid. Supported values are '{}'",
                            shown, supported));
  return out;
}

// EWS: routed to the anchor (X-AnchorMailbox), the impersonated or the named mailbox, else the
// caller's own; answered with the ServerVersionInfo of where the mailbox lives now.
ExchangeAnswer ExchangeEndpoints::Ews(const HttpRequest& request, std::string_view account) const {
  ExchangeAnswer out;
  auto call = ReadEws(request.body);
  if (!call) {
    out.response = SoapFault("ErrorSchemaValidation",
                             "The request failed schema validation: the body is not a SOAP 1.1 "
                             "envelope with a Body.");
    out.backend.error_code = "ErrorSchemaValidation";
    return out;
  }
  if (call->operation != "GetFolder" && call->operation != "GetUserAvailabilityRequest") {
    out.response = SoapFault("ErrorInvalidRequest",
                             "The request is invalid: the lab serves GetFolder and "
                             "GetUserAvailability.");
    out.backend.error_code = "ErrorInvalidRequest";
    return out;
  }
  std::string target = AnchorAddress(request.Header("X-AnchorMailbox"));
  if (target.empty()) target = call->impersonated;
  if (target.empty() && call->operation == "GetFolder") target = call->folder_mailbox;
  const MailboxSpec* mailbox =
      target.empty() ? scenario_.MailboxOf(account) : scenario_.FindMailbox(target);
  ExchangeRelease version = mailbox ? mailbox->CurrentVersion() : exchange_->version;
  ex::ServerVersionInfo server = ex::LabServerVersionInfo(ToLab(version));
  Result<std::string> body;
  if (call->operation == "GetFolder") {
    std::vector<ex::LabFolderResult> results;
    for (const auto& folder : call->folders) {
      ex::LabFolderResult r;
      if (!mailbox) {
        r.response_code = "ErrorNonExistentMailbox";
        r.message_text = "No mailbox with such guid.";
      } else {
        r.folder_id = FolderId(mailbox->address, folder);
      }
      results.push_back(std::move(r));
    }
    if (results.empty()) {
      out.response = SoapFault("ErrorSchemaValidation",
                               "The request failed schema validation: FolderIds is empty.");
      return out;
    }
    body = ex::BuildGetFolderAnswer(server, results);
  } else {
    bool stale = exchange_->Has(ExchangeFault::kStaleAutodiscover);
    std::vector<ex::LabFreeBusy> results;
    for (const auto& address : call->mailboxes) {
      const MailboxSpec* other = scenario_.FindMailbox(address);
      ex::LabFreeBusy r;
      if (!other) {
        r.response_code = "ErrorMailRecipientNotFound";
        r.message_text = "The recipient wasn't found.";
        r.view_type = "None";
      } else if (stale && other->Moved()) {
        r = ex::StaleCacheFreeBusy();
      } else if (!call->requested_view.empty()) {
        r.view_type = call->requested_view;
      }
      results.push_back(std::move(r));
    }
    if (results.empty()) {
      out.response = SoapFault("ErrorSchemaValidation",
                               "The request failed schema validation: MailboxDataArray is empty.");
      return out;
    }
    body = ex::BuildGetUserAvailabilityAnswer(server, results);
  }
  if (!body) {
    out.response = SoapFault("ErrorInternalServerError", "The lab could not build the answer.");
    out.backend.generic_errors = body.error().message;
    return out;
  }
  out.response = Typed(200, kXmlType, std::move(*body));
  if (!mailbox) return out;
  out.backend = Routed(*mailbox);
  // The routing headers of a 2013+ front end ("Cafe"); an Exchange 2010 CAS sends none.
  if (exchange_->version == ExchangeRelease::k2016) {
    auto& h = out.response.headers;
    h.emplace_back("X-BEServer", mailbox->CurrentServer());
    h.emplace_back("X-CalculatedBETarget", out.backend.target_server);
    h.emplace_back("X-BackEndHttpStatus", "200");
    h.emplace_back("X-DiagInfo", mailbox->CurrentServer());
  }
  return out;
}

}  // namespace tlslab
