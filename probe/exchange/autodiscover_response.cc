#include "probe/exchange/autodiscover_response.h"

#include <cctype>

#include "probe/exchange/autodiscover_request.h"

namespace probe::exchange {
namespace {

constexpr std::string_view kMobileSyncNamespace =
    "http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006";
// Every element of the settings form lives in the Outlook provider namespace.
constexpr std::string_view kNs = kPoxOutlookResponseSchema;

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

// Quotes untrusted text into an error message, shortened so a hostile document cannot make
// the message huge.
std::string Quote(std::string_view text) {
  constexpr std::size_t kMax = 80;
  return "'" + std::string(text.substr(0, kMax)) + (text.size() > kMax ? "...'" : "'");
}

ProtocolType TypeFromName(std::string_view name) {
  if (EqualsIgnoreCase(name, "EXCH")) return ProtocolType::kExch;
  if (EqualsIgnoreCase(name, "EXPR")) return ProtocolType::kExpr;
  if (EqualsIgnoreCase(name, "EXHTTP")) return ProtocolType::kExhttp;
  if (EqualsIgnoreCase(name, "WEB")) return ProtocolType::kWeb;
  if (EqualsIgnoreCase(name, "mapiHttp")) return ProtocolType::kMapiHttp;
  return ProtocolType::kOther;
}

std::optional<std::string> OptionalText(pugi::xml_node parent, std::string_view local) {
  pugi::xml_node node = xml::Child(parent, kNs, local);
  if (!node) return std::nullopt;
  return xml::Text(node);
}

MapiHttpEndpoint ReadEndpoint(pugi::xml_node node) {
  return {xml::ChildText(node, kNs, "InternalUrl"), xml::ChildText(node, kNs, "ExternalUrl")};
}

std::optional<WebAccess> ReadWebSide(pugi::xml_node web, std::string_view side) {
  pugi::xml_node node = xml::Child(web, kNs, side);
  if (!node) return std::nullopt;
  WebAccess out;
  pugi::xml_node owa = xml::Child(node, kNs, "OWAUrl");
  out.owa_url = xml::Text(owa);
  out.authentication_method = owa.attribute("AuthenticationMethod").value();
  pugi::xml_node nested = xml::Child(node, kNs, "Protocol");
  out.nested_type = xml::ChildText(nested, kNs, "Type");
  out.as_url = xml::ChildText(nested, kNs, "ASUrl");
  return out;
}

int SmallInt(std::string_view text) {
  int value = 0;
  if (text.empty() || text.size() > 6) return 0;
  for (char c : text) {
    if (c < '0' || c > '9') return 0;
    value = value * 10 + (c - '0');
  }
  return value;
}

void ReadUrls(pugi::xml_node node, AutodiscoverProtocol& p) {
  p.as_url = xml::ChildText(node, kNs, "ASUrl");
  p.ews_url = xml::ChildText(node, kNs, "EwsUrl");
  p.emws_url = xml::ChildText(node, kNs, "EmwsUrl");
  p.oab_url = xml::ChildText(node, kNs, "OABUrl");
  p.ecp_url = xml::ChildText(node, kNs, "EcpUrl");
  p.oof_url = xml::ChildText(node, kNs, "OOFUrl");
  p.um_url = xml::ChildText(node, kNs, "UMUrl");
  p.sharing_url = xml::ChildText(node, kNs, "SharingUrl");
  p.ews_partner_url = xml::ChildText(node, kNs, "EwsPartnerUrl");
}

AutodiscoverProtocol ReadProtocol(pugi::xml_node node, std::vector<std::string>& notes) {
  AutodiscoverProtocol p;
  // Attribute form (mapiHttp) first; the legacy form has a <Type> child.
  if (pugi::xml_attribute type = node.attribute("Type")) {
    p.type_name = type.value();
    p.version = SmallInt(node.attribute("Version").value());
  } else {
    p.type_name = xml::ChildText(node, kNs, "Type");
  }
  p.type = TypeFromName(p.type_name);
  if (p.type == ProtocolType::kOther) {
    notes.push_back("Protocol of unknown type " + Quote(p.type_name) + " ignored by Outlook");
  }
  p.server = xml::ChildText(node, kNs, "Server");
  p.server_dn = xml::ChildText(node, kNs, "ServerDN");
  p.server_version_hex = xml::ChildText(node, kNs, "ServerVersion");
  if (!p.server_version_hex.empty()) {
    if (auto v = DecodeServerVersion(p.server_version_hex)) {
      p.server_version = *v;
    } else {
      notes.push_back(p.type_name.substr(0, 16) + " " + v.error().message);
    }
  }
  p.mdb_dn = xml::ChildText(node, kNs, "MdbDN");
  p.public_folder_server = xml::ChildText(node, kNs, "PublicFolderServer");
  p.ad = xml::ChildText(node, kNs, "AD");
  p.auth_package = xml::ChildText(node, kNs, "AuthPackage");
  p.cert_principal_name = OptionalText(node, "CertPrincipalName");
  p.ssl = OptionalText(node, "SSL");
  p.server_exclusive_connect = xml::ChildText(node, kNs, "ServerExclusiveConnect");
  ReadUrls(node, p);
  p.mail_store = ReadEndpoint(xml::Child(node, kNs, "MailStore"));
  p.address_book = ReadEndpoint(xml::Child(node, kNs, "AddressBook"));
  p.web_internal = ReadWebSide(node, "Internal");
  p.web_external = ReadWebSide(node, "External");
  return p;
}

AlternativeMailbox ReadAlternative(pugi::xml_node node) {
  return {xml::ChildText(node, kNs, "Type"),        xml::ChildText(node, kNs, "DisplayName"),
          xml::ChildText(node, kNs, "SmtpAddress"), xml::ChildText(node, kNs, "OwnerSmtpAddress"),
          xml::ChildText(node, kNs, "LegacyDN"),    xml::ChildText(node, kNs, "Server")};
}

// Error/ErrorCode are matched by local name: Exchange leaves the inner Response in the outer
// namespace, MS-ASCMD's example puts it in the provider's (reference 1.9).
AutodiscoverError ReadError(pugi::xml_node node) {
  AutodiscoverError e;
  e.time = node.attribute("Time").value();
  e.id = node.attribute("Id").value();
  e.code_text = xml::Text(xml::ChildAnyNs(node, "ErrorCode"));
  e.code = SmallInt(e.code_text);
  e.message = xml::Text(xml::ChildAnyNs(node, "Message"));
  e.debug_data = xml::Text(xml::ChildAnyNs(node, "DebugData"));
  return e;
}

Result<AutodiscoverAction> ReadAction(pugi::xml_node account) {
  pugi::xml_node action = xml::Child(account, kNs, "Action");
  if (!action) return Fail(ErrorCode::kMalformed, "Autodiscover Account has no Action");
  std::string text = xml::Text(action);
  if (EqualsIgnoreCase(text, "settings")) return AutodiscoverAction::kSettings;
  if (EqualsIgnoreCase(text, "redirectAddr")) return AutodiscoverAction::kRedirectAddr;
  if (EqualsIgnoreCase(text, "redirectUrl")) return AutodiscoverAction::kRedirectUrl;
  return Fail(ErrorCode::kMalformed, "Autodiscover Action " + Quote(text) +
                                         " is not settings, "
                                         "redirectAddr or redirectUrl");
}

void AssignExposure(std::vector<AutodiscoverProtocol>& protocols) {
  int exhttp = 0;
  for (auto& p : protocols) {
    if (p.type == ProtocolType::kExch) p.exposure = Exposure::kInternal;
    if (p.type == ProtocolType::kExpr) p.exposure = Exposure::kExternal;
    if (p.type == ProtocolType::kExhttp) {
      ++exhttp;
      if (exhttp == 1) p.exposure = Exposure::kInternal;
      if (exhttp == 2) p.exposure = Exposure::kExternal;
    }
  }
}

Result<void> ReadAccount(pugi::xml_node account, const AutodiscoverLimits& limits,
                         AutodiscoverResponse& out) {
  auto action = ReadAction(account);
  if (!action) return Fail(action.error());
  out.action = *action;
  out.account_type = xml::ChildText(account, kNs, "AccountType");
  if (auto online = OptionalText(account, "MicrosoftOnline")) {
    if (EqualsIgnoreCase(*online, "true")) out.microsoft_online = true;
    if (EqualsIgnoreCase(*online, "false")) out.microsoft_online = false;
  }
  out.redirect_addr = xml::ChildText(account, kNs, "RedirectAddr");
  out.redirect_url = xml::ChildText(account, kNs, "RedirectUrl");
  if (out.action == AutodiscoverAction::kRedirectAddr && out.redirect_addr.empty()) {
    return Fail(ErrorCode::kMalformed, "Action redirectAddr without a RedirectAddr");
  }
  if (out.action == AutodiscoverAction::kRedirectUrl && out.redirect_url.empty()) {
    return Fail(ErrorCode::kMalformed, "Action redirectUrl without a RedirectUrl");
  }
  auto protocols = xml::Children(account, kNs, "Protocol");
  if (protocols.size() > limits.max_protocols) {
    return Fail(ErrorCode::kMalformed,
                "Autodiscover answer lists " + std::to_string(protocols.size()) +
                    " protocols, more than the limit of " + std::to_string(limits.max_protocols));
  }
  for (pugi::xml_node p : protocols) out.protocols.push_back(ReadProtocol(p, out.notes));
  AssignExposure(out.protocols);
  auto alternatives = xml::Children(account, kNs, "AlternativeMailbox");
  if (alternatives.size() > limits.max_alternative_mailboxes) {
    return Fail(ErrorCode::kMalformed, "Autodiscover answer lists more than " +
                                           std::to_string(limits.max_alternative_mailboxes) +
                                           " alternative mailboxes");
  }
  for (pugi::xml_node a : alternatives) out.alternative_mailboxes.push_back(ReadAlternative(a));
  out.public_folder_smtp_address =
      xml::ChildText(xml::Child(account, kNs, "PublicFolderInformation"), kNs, "SmtpAddress");
  return {};
}

void ReadUser(pugi::xml_node user, AutodiscoverUser& out) {
  out.display_name = xml::ChildText(user, kNs, "DisplayName");
  out.legacy_dn = xml::ChildText(user, kNs, "LegacyDN");
  out.autodiscover_smtp_address = xml::ChildText(user, kNs, "AutoDiscoverSMTPAddress");
  out.deployment_id = xml::ChildText(user, kNs, "DeploymentId");
}

Result<pugi::xml_node> FindResponse(const pugi::xml_document& doc) {
  pugi::xml_node root = doc.document_element();
  if (xml::LocalName(root) != "Autodiscover") {
    return Fail(
        ErrorCode::kMalformed,
        "root element is <" + std::string(root.name()).substr(0, 40) + ">, not <Autodiscover>");
  }
  std::string_view ns = xml::NamespaceOf(root);
  if (ns != kAutodiscoverResponseNamespace) {
    return Fail(ErrorCode::kMalformed, "Autodiscover root is in namespace " + Quote(ns) +
                                           ", expected " +
                                           std::string(kAutodiscoverResponseNamespace));
  }
  pugi::xml_node response = xml::ChildAnyNs(root, "Response");
  if (!response) return Fail(ErrorCode::kMalformed, "Autodiscover answer has no Response");
  return response;
}

}  // namespace

std::string_view ProtocolTypeName(ProtocolType type) {
  switch (type) {
    case ProtocolType::kExch:
      return "EXCH";
    case ProtocolType::kExpr:
      return "EXPR";
    case ProtocolType::kExhttp:
      return "EXHTTP";
    case ProtocolType::kWeb:
      return "WEB";
    case ProtocolType::kMapiHttp:
      return "mapiHttp";
    case ProtocolType::kOther:
      break;
  }
  return "other";
}

std::string_view ExposureName(Exposure exposure) {
  switch (exposure) {
    case Exposure::kInternal:
      return "internal";
    case Exposure::kExternal:
      return "external";
    case Exposure::kUnspecified:
      break;
  }
  return "unspecified";
}

std::string_view AutodiscoverActionName(AutodiscoverAction action) {
  switch (action) {
    case AutodiscoverAction::kSettings:
      return "settings";
    case AutodiscoverAction::kRedirectAddr:
      return "redirectAddr";
    case AutodiscoverAction::kRedirectUrl:
      return "redirectUrl";
    case AutodiscoverAction::kError:
      return "error";
  }
  return "error";
}

bool AutodiscoverProtocol::SslRequired() const { return !ssl || EqualsIgnoreCase(*ssl, "On"); }

bool AutodiscoverProtocol::CertPrincipalDefaulted() const {
  return !cert_principal_name || cert_principal_name->empty() ||
         EqualsIgnoreCase(*cert_principal_name, "None");
}

std::string AutodiscoverProtocol::EffectiveCertPrincipal() const {
  if (!CertPrincipalDefaulted()) return *cert_principal_name;
  return server.empty() ? std::string() : "msstd:" + server;
}

const AutodiscoverProtocol* AutodiscoverResponse::Find(ProtocolType type) const {
  for (const auto& p : protocols) {
    if (p.type == type) return &p;
  }
  return nullptr;
}

Result<AutodiscoverResponse> ParseAutodiscoverResponse(std::string_view body,
                                                       const AutodiscoverLimits& limits) {
  pugi::xml_document doc;
  if (auto loaded = xml::Load(body, limits.xml, doc); !loaded) {
    return Fail(loaded.error().With("Autodiscover answer"));
  }
  auto response = FindResponse(doc);
  if (!response) return Fail(response.error());

  AutodiscoverResponse out;
  if (pugi::xml_node error = xml::ChildAnyNs(*response, "Error")) {
    out.action = AutodiscoverAction::kError;
    out.error = ReadError(error);
    return out;
  }
  std::string_view ns = xml::NamespaceOf(*response);
  if (ns == kMobileSyncNamespace) {
    return Fail(ErrorCode::kUnsupported,
                "Autodiscover answered with the ActiveSync (mobilesync) schema, not Outlook's");
  }
  if (ns != kNs) {
    return Fail(ErrorCode::kMalformed, "Autodiscover Response is in namespace " + Quote(ns) +
                                           ", expected " + std::string(kNs));
  }
  ReadUser(xml::Child(*response, kNs, "User"), out.user);
  pugi::xml_node account = xml::Child(*response, kNs, "Account");
  if (!account)
    return Fail(ErrorCode::kMalformed, "Autodiscover Response has neither Account nor Error");
  if (auto ok = ReadAccount(account, limits, out); !ok) return Fail(ok.error());
  return out;
}

}  // namespace probe::exchange
