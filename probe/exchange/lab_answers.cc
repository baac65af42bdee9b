#include "probe/exchange/lab_answers.h"

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <utility>

#include "probe/exchange/autodiscover_policy.h"
#include "probe/exchange/autodiscover_request.h"
#include "probe/exchange/xml.h"

namespace probe::exchange {
namespace {

constexpr std::string_view kXsi = "http://www.w3.org/2001/XMLSchema-instance";
constexpr std::string_view kXsd = "http://www.w3.org/2001/XMLSchema";
constexpr std::string_view kAdminGroup = "/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)";

using Field = std::pair<std::string_view, std::string_view>;  // name, value

Result<void> CheckFields(std::initializer_list<Field> fields) {
  for (const auto& [name, value] : fields) {
    if (auto ok = xml::CheckText(value, name); !ok) return ok;
  }
  return {};
}

bool IsToken(std::string_view s) {
  return !s.empty() && s.size() <= 128 && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

bool IsGuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

Result<void> CheckHost(std::string_view host, std::string_view field) {
  auto url = SplitUrl("https://" + std::string(host) + "/");
  if (host.empty() || !url || url->host != host || url->port != 443 || url->path != "/") {
    return Fail(ErrorCode::kInvalidArgument, std::string(field) + " is not a host name");
  }
  return {};
}

pugi::xml_node Add(pugi::xml_node parent, const char* name, std::string_view text) {
  pugi::xml_node node = parent.append_child(name);
  node.text() = std::string(text).c_str();
  return node;
}

void Attr(pugi::xml_node node, const char* name, std::string_view value) {
  node.append_attribute(name) = std::string(value).c_str();
}

// --- POX ------------------------------------------------------------------------------------

// Everything the settings answer derives from the mailbox description.
struct Resolved {
  std::string domain;
  std::string server;
  std::string legacy_dn;
  std::string server_dn;
  std::string version_hex;
  bool is2016 = true;
};

std::string Url(std::string_view host, std::string_view path) {
  return "https://" + std::string(host) + std::string(path);
}

Result<Resolved> Resolve(const LabMailbox& m) {
  auto address = ParseMailAddress(m.address);
  if (!address) return Fail(address.error());
  if (auto ok = CheckHost(m.internal_host, "internal host"); !ok) return Fail(ok.error());
  if (auto ok = CheckHost(m.external_host, "external host"); !ok) return Fail(ok.error());
  if (auto ok = CheckFields({{"display name", m.display_name},
                             {"organization", m.organization},
                             {"legacy DN", m.legacy_dn},
                             {"server", m.server},
                             {"cert principal", m.cert_principal},
                             {"auth package", m.auth_package},
                             {"deployment id", m.deployment_id}});
      !ok) {
    return Fail(ok.error());
  }
  if (!IsGuid(m.oab_guid)) return Fail(ErrorCode::kInvalidArgument, "OAB GUID is not a GUID");
  Resolved r;
  r.is2016 = m.version == LabExchange::k2016;
  r.domain = address->domain;
  if (r.is2016 && !IsGuid(m.mailbox_guid)) {
    return Fail(ErrorCode::kInvalidArgument, "a 2016 mailbox needs a mailbox GUID");
  }
  r.server = !m.server.empty() ? m.server : r.is2016 ? m.mailbox_guid + "@" + r.domain : "";
  if (r.server.empty()) return Fail(ErrorCode::kInvalidArgument, "a 2010 mailbox needs a server");
  std::string org = "/o=" + m.organization + std::string(kAdminGroup);
  r.legacy_dn = !m.legacy_dn.empty() ? m.legacy_dn : org + "/cn=Recipients/cn=" + address->local;
  // 2010 names the server object after the array's first label, 2013+ after guid@domain.
  std::string server_cn = r.is2016 ? r.server : r.server.substr(0, r.server.find('.'));
  r.server_dn = org + "/cn=Configuration/cn=Servers/cn=" + server_cn;
  ExchangeVersion build =
      m.build.value_or(r.is2016 ? ExchangeVersion{15, 1, 2507} : ExchangeVersion{14, 3, 123});
  auto hex = EncodeServerVersion(build.major, build.minor, build.build);
  if (!hex) return Fail(hex.error());
  r.version_hex = *hex;
  return r;
}

void AddCommonUrls(pugi::xml_node p, std::string_view host) {
  Add(p, "ASUrl", Url(host, "/EWS/Exchange.asmx"));
  Add(p, "EwsUrl", Url(host, "/EWS/Exchange.asmx"));
}

void AddExch(pugi::xml_node account, const LabMailbox& m, const Resolved& r) {
  pugi::xml_node p = account.append_child("Protocol");
  Add(p, "Type", "EXCH");
  Add(p, "Server", r.server);
  Add(p, "ServerDN", r.server_dn);
  Add(p, "ServerVersion", r.version_hex);
  Add(p, "MdbDN", r.server_dn + "/cn=Microsoft Private MDB");
  Add(p, "PublicFolderServer", m.internal_host);
  AddCommonUrls(p, m.internal_host);
  if (r.is2016) Add(p, "EmwsUrl", Url(m.internal_host, "/EWS/Exchange.asmx"));
  Add(p, "EcpUrl", Url(m.internal_host, "/ecp/"));
  Add(p, "OOFUrl", Url(m.internal_host, "/EWS/Exchange.asmx"));
  Add(p, "UMUrl", Url(m.internal_host, "/EWS/UM2007Legacy.asmx"));
  Add(p, "OABUrl", Url(m.internal_host, "/OAB/" + m.oab_guid + "/"));
  if (r.is2016) Add(p, "ServerExclusiveConnect", "off");
}

// EXPR and EXHTTP share their shape: the RPC proxy host and its authentication.
void AddProxy(pugi::xml_node account, std::string_view type, std::string_view host,
              const LabMailbox& m, const Resolved& r) {
  pugi::xml_node p = account.append_child("Protocol");
  Add(p, "Type", type);
  Add(p, "Server", host);
  Add(p, "SSL", "On");
  Add(p, "AuthPackage", m.auth_package);
  if (r.is2016) Add(p, "ServerExclusiveConnect", "on");
  if (!m.cert_principal.empty()) Add(p, "CertPrincipalName", m.cert_principal);
  AddCommonUrls(p, host);
  if (type == "EXHTTP") Add(p, "OOFUrl", Url(host, "/EWS/Exchange.asmx"));
  Add(p, "OABUrl", Url(host, "/OAB/" + m.oab_guid + "/"));
}

void AddMapiHttp(pugi::xml_node account, const LabMailbox& m, const Resolved& r) {
  pugi::xml_node p = account.append_child("Protocol");
  Attr(p, "Type", "mapiHttp");
  Attr(p, "Version", "1");
  std::string query = "/?MailboxId=" + m.mailbox_guid + "@" + r.domain;
  for (auto [name, path] :
       {std::pair{"MailStore", "/mapi/emsmdb"}, {"AddressBook", "/mapi/nspi"}}) {
    pugi::xml_node endpoint = p.append_child(name);
    Add(endpoint, "InternalUrl", Url(m.internal_host, path + query));
    Add(endpoint, "ExternalUrl", Url(m.external_host, path + query));
  }
}

void AddWeb(pugi::xml_node account, const LabMailbox& m) {
  pugi::xml_node p = account.append_child("Protocol");
  Add(p, "Type", "WEB");
  struct Side {
    const char* name;
    std::string_view host;
    const char* auth;
    const char* type;
  };
  for (const Side& s : {Side{"Internal", m.internal_host, "Basic, Fba", "EXCH"},
                        Side{"External", m.external_host, "Fba", "EXPR"}}) {
    pugi::xml_node side = p.append_child(s.name);
    Attr(Add(side, "OWAUrl", Url(s.host, "/owa/")), "AuthenticationMethod", s.auth);
    pugi::xml_node nested = side.append_child("Protocol");
    Add(nested, "Type", s.type);
    Add(nested, "ASUrl", Url(s.host, "/EWS/Exchange.asmx"));
  }
}

void AddAlternative(pugi::xml_node account, const AlternativeMailbox& a) {
  pugi::xml_node node = account.append_child("AlternativeMailbox");
  Add(node, "Type", a.type);
  Add(node, "DisplayName", a.display_name);
  Add(node, "SmtpAddress", a.smtp_address);
  if (!a.owner_smtp_address.empty()) Add(node, "OwnerSmtpAddress", a.owner_smtp_address);
  if (!a.legacy_dn.empty()) Add(node, "LegacyDN", a.legacy_dn);
  if (!a.server.empty()) Add(node, "Server", a.server);
}

Result<void> CheckAlternatives(const std::vector<AlternativeMailbox>& list) {
  for (const auto& a : list) {
    if (auto ok = CheckFields({{"alternative mailbox", a.type},
                               {"alternative mailbox", a.display_name},
                               {"alternative mailbox", a.smtp_address},
                               {"alternative mailbox", a.owner_smtp_address},
                               {"alternative mailbox", a.legacy_dn},
                               {"alternative mailbox", a.server}});
        !ok) {
      return ok;
    }
  }
  return {};
}

// <Autodiscover xmlns=responseschema/2006><Response xmlns=outlook 2006a> ... returns Response.
pugi::xml_node PoxRoot(pugi::xml_document& doc, bool provider_namespace = true) {
  pugi::xml_node root = doc.append_child("Autodiscover");
  Attr(root, "xmlns", kAutodiscoverResponseNamespace);
  pugi::xml_node response = root.append_child("Response");
  if (provider_namespace) Attr(response, "xmlns", kPoxOutlookResponseSchema);
  return response;
}

// --- EWS ------------------------------------------------------------------------------------

// s:Envelope with the ServerVersionInfo header; returns the operation element (m:<name>).
pugi::xml_node EwsEnvelope(pugi::xml_document& doc, const ServerVersionInfo& server,
                           const char* operation) {
  pugi::xml_node env = doc.append_child("s:Envelope");
  Attr(env, "xmlns:s", kSoapEnvelopeNamespace);
  pugi::xml_node info = env.append_child("s:Header").append_child("h:ServerVersionInfo");
  Attr(info, "MajorVersion", std::to_string(server.major_version));
  Attr(info, "MinorVersion", std::to_string(server.minor_version));
  Attr(info, "MajorBuildNumber", std::to_string(server.major_build));
  Attr(info, "MinorBuildNumber", std::to_string(server.minor_build));
  if (!server.version.empty()) Attr(info, "Version", server.version);
  Attr(info, "xmlns:h", kEwsTypesNamespace);
  Attr(info, "xmlns", kEwsTypesNamespace);
  Attr(info, "xmlns:xsd", kXsd);
  Attr(info, "xmlns:xsi", kXsi);
  pugi::xml_node body = env.append_child("s:Body");
  Attr(body, "xmlns:xsi", kXsi);
  Attr(body, "xmlns:xsd", kXsd);
  pugi::xml_node op = body.append_child(operation);
  Attr(op, "xmlns:m", kEwsMessagesNamespace);
  Attr(op, "xmlns:t", kEwsTypesNamespace);
  return op;
}

// ResponseClass + MessageText/ResponseCode/DescriptiveLinkKey, as EWS orders them.
void FillMessage(pugi::xml_node message, std::string_view code, std::string_view text) {
  bool ok = code == "NoError";
  Attr(message, "ResponseClass", ok ? "Success" : "Error");
  if (!ok) Add(message, "m:MessageText", text);
  Add(message, "m:ResponseCode", code);
  if (!ok) Add(message, "m:DescriptiveLinkKey", "0");
}

Result<void> CheckCode(std::string_view code) {
  if (!IsToken(code)) {
    return Fail(ErrorCode::kInvalidArgument, "EWS response code must be a token like NoError");
  }
  return {};
}

}  // namespace

Result<std::string> BuildPoxSettingsAnswer(const LabMailbox& mailbox,
                                           const LabRequestFlags& flags) {
  auto r = Resolve(mailbox);
  if (!r) return Fail(r.error());
  if (auto ok = CheckAlternatives(mailbox.alternative_mailboxes); !ok) return Fail(ok.error());
  pugi::xml_document doc;
  pugi::xml_node response = PoxRoot(doc);
  pugi::xml_node user = response.append_child("User");
  Add(user, "DisplayName", mailbox.display_name);
  Add(user, "LegacyDN", r->legacy_dn);
  if (r->is2016) Add(user, "AutoDiscoverSMTPAddress", mailbox.address);
  Add(user, "DeploymentId", mailbox.deployment_id);
  pugi::xml_node account = response.append_child("Account");
  Add(account, "AccountType", "email");
  Add(account, "Action", "settings");
  if (r->is2016) Add(account, "MicrosoftOnline", "False");
  // Exchange 2010 ignores both request headers; 2016 drops EXCH/EXPR for mapiHttp.
  bool mapi = r->is2016 && mailbox.mapi_http && flags.mapi_http_capability;
  bool exhttp = r->is2016 && flags.ex_http_info;
  if (!mapi) AddExch(account, mailbox, *r);
  if (!mapi) AddProxy(account, "EXPR", mailbox.external_host, mailbox, *r);
  if (exhttp) {
    AddProxy(account, "EXHTTP", mailbox.internal_host, mailbox, *r);
    AddProxy(account, "EXHTTP", mailbox.external_host, mailbox, *r);
  }
  if (mapi) AddMapiHttp(account, mailbox, *r);
  AddWeb(account, mailbox);
  for (const auto& a : mailbox.alternative_mailboxes) AddAlternative(account, a);
  return xml::Serialize(doc);
}

Result<std::string> BuildPoxRedirectAddrAnswer(std::string_view address) {
  if (auto ok = ParseMailAddress(address); !ok) return Fail(ok.error());
  pugi::xml_document doc;
  pugi::xml_node account = PoxRoot(doc).append_child("Account");
  Add(account, "Action", "redirectAddr");
  Add(account, "RedirectAddr", address);
  return xml::Serialize(doc);
}

Result<std::string> BuildPoxRedirectUrlAnswer(std::string_view url) {
  if (auto ok = SplitUrl(url); !ok) return Fail(ErrorCode::kInvalidArgument, ok.error().message);
  pugi::xml_document doc;
  pugi::xml_node account = PoxRoot(doc).append_child("Account");
  Add(account, "Action", "redirectUrl");
  Add(account, "RedirectUrl", url);
  return xml::Serialize(doc);
}

Result<std::string> BuildPoxErrorAnswer(const LabPoxError& error) {
  if (auto ok = CheckFields({{"error message", error.message},
                             {"error time", error.time},
                             {"error id", error.id},
                             {"debug data", error.debug_data}});
      !ok) {
    return Fail(ok.error());
  }
  pugi::xml_document doc;
  // Exchange leaves the error form's Response in the outer namespace (reference 1.9).
  pugi::xml_node e = PoxRoot(doc, /*provider_namespace=*/false).append_child("Error");
  Attr(e, "Time", error.time);
  Attr(e, "Id", error.id);
  Add(e, "ErrorCode", std::to_string(error.code));
  Add(e, "Message", error.message);
  Add(e, "DebugData", error.debug_data);
  return xml::Serialize(doc);
}

Result<std::string> BuildJsonV2Answer(std::string_view protocol, std::string_view url) {
  if (auto ok = CheckFields({{"protocol", protocol}, {"url", url}}); !ok) return Fail(ok.error());
  nlohmann::json doc = {{"Protocol", std::string(protocol)}, {"Url", std::string(url)}};
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<std::string> BuildJsonV2Error(std::string_view code, std::string_view message) {
  if (auto ok = CheckFields({{"error code", code}, {"error message", message}}); !ok) {
    return Fail(ok.error());
  }
  nlohmann::json doc = {{"ErrorCode", std::string(code)}, {"ErrorMessage", std::string(message)}};
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

ServerVersionInfo LabServerVersionInfo(LabExchange version) {
  if (version == LabExchange::k2010) return {14, 3, 123, 4, "Exchange2010_SP2"};
  return {15, 1, 2507, 6, "V2017_07_11"};
}

Result<std::string> BuildGetFolderAnswer(const ServerVersionInfo& server,
                                         const std::vector<LabFolderResult>& results) {
  if (auto ok = xml::CheckText(server.version, "server version"); !ok) return Fail(ok.error());
  pugi::xml_document doc;
  pugi::xml_node messages =
      EwsEnvelope(doc, server, "m:GetFolderResponse").append_child("m:ResponseMessages");
  for (const auto& r : results) {
    if (auto ok = CheckCode(r.response_code); !ok) return Fail(ok.error());
    if (auto ok = CheckFields({{"message text", r.message_text},
                               {"folder id", r.folder_id},
                               {"change key", r.change_key}});
        !ok) {
      return Fail(ok.error());
    }
    pugi::xml_node m = messages.append_child("m:GetFolderResponseMessage");
    FillMessage(m, r.response_code, r.message_text);
    if (r.response_code != "NoError") continue;
    pugi::xml_node id =
        m.append_child("m:Folders").append_child("t:Folder").append_child("t:FolderId");
    Attr(id, "Id", r.folder_id);
    Attr(id, "ChangeKey", r.change_key);
  }
  return xml::Serialize(doc);
}

LabFreeBusy StaleCacheFreeBusy() {
  LabFreeBusy out;
  out.response_code = "ErrorProxyRequestProcessingFailed";
  out.message_text =
      "Proxy request to the mailbox's previous server failed: the mailbox was moved and the "
      "front end still routes to its old location.";
  out.view_type = "None";
  return out;
}

Result<std::string> BuildGetUserAvailabilityAnswer(const ServerVersionInfo& server,
                                                   const std::vector<LabFreeBusy>& results) {
  if (auto ok = xml::CheckText(server.version, "server version"); !ok) return Fail(ok.error());
  pugi::xml_document doc;
  pugi::xml_node array = EwsEnvelope(doc, server, "m:GetUserAvailabilityResponse")
                             .append_child("m:FreeBusyResponseArray");
  for (const auto& r : results) {
    if (auto ok = CheckCode(r.response_code); !ok) return Fail(ok.error());
    if (auto ok = CheckFields({{"message text", r.message_text},
                               {"view type", r.view_type},
                               {"merged free/busy", r.merged_free_busy}});
        !ok) {
      return Fail(ok.error());
    }
    pugi::xml_node response = array.append_child("m:FreeBusyResponse");
    FillMessage(response.append_child("m:ResponseMessage"), r.response_code, r.message_text);
    pugi::xml_node view = response.append_child("m:FreeBusyView");
    Add(view, "t:FreeBusyViewType", r.view_type);
    if (!r.merged_free_busy.empty()) Add(view, "t:MergedFreeBusy", r.merged_free_busy);
    if (r.events.empty()) continue;
    pugi::xml_node events = view.append_child("t:CalendarEventArray");
    for (const auto& e : r.events) {
      if (auto ok =
              CheckFields({{"event", e.start_time}, {"event", e.end_time}, {"event", e.busy_type}});
          !ok) {
        return Fail(ok.error());
      }
      pugi::xml_node event = events.append_child("t:CalendarEvent");
      Add(event, "t:StartTime", e.start_time);
      Add(event, "t:EndTime", e.end_time);
      Add(event, "t:BusyType", e.busy_type);
    }
  }
  return xml::Serialize(doc);
}

Result<std::string> BuildSoapFaultAnswer(std::string_view response_code, std::string_view message) {
  if (auto ok = CheckCode(response_code); !ok) return Fail(ok.error());
  if (auto ok = xml::CheckText(message, "fault message"); !ok) return Fail(ok.error());
  pugi::xml_document doc;
  pugi::xml_node env = doc.append_child("s:Envelope");
  Attr(env, "xmlns:s", kSoapEnvelopeNamespace);
  pugi::xml_node fault = env.append_child("s:Body").append_child("s:Fault");
  pugi::xml_node code = Add(fault, "faultcode", "a:" + std::string(response_code));
  Attr(code, "xmlns:a", kEwsTypesNamespace);
  Attr(Add(fault, "faultstring", message), "xml:lang", "en-US");
  pugi::xml_node detail = fault.append_child("detail");
  Attr(Add(detail, "e:ResponseCode", response_code), "xmlns:e", kEwsErrorsNamespace);
  Attr(Add(detail, "e:Message", message), "xmlns:e", kEwsErrorsNamespace);
  return xml::Serialize(doc);
}

}  // namespace probe::exchange
