// The POX Autodiscover answer (MS-OXDSCLI 2.2.4; reference section 1.4-1.9), parsed with bounds
// and real namespaces into typed data: settings, redirectAddr / redirectUrl, or an error.
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

/// Protocol/Type values. kExhttp is RPC/HTTP on 2013+; kMapiHttp is the attribute form
/// `<Protocol Type="mapiHttp" Version="1">`.
enum class ProtocolType { kExch, kExpr, kExhttp, kWeb, kMapiHttp, kOther };
std::string_view ProtocolTypeName(
    ProtocolType type);  // "EXCH", "EXPR", "EXHTTP", "WEB", "mapiHttp"

/// Whether a Protocol block holds the settings for clients inside or outside the network.
/// EXCH is internal, EXPR external; of two EXHTTP blocks the first is read as internal and the
/// second as external (ruler's reading; Microsoft does not document it).
enum class Exposure { kUnspecified, kInternal, kExternal };
std::string_view ExposureName(Exposure exposure);  // "unspecified", "internal", "external"

/// A MAPI/HTTP endpoint (MailStore or AddressBook): at least one URL in a valid answer.
struct MapiHttpEndpoint {
  std::string internal_url;
  std::string external_url;
};

/// One side (Internal/External) of the WEB protocol: OWA and the nested availability URL.
struct WebAccess {
  std::string owa_url;
  std::string authentication_method;  // the OWAUrl attribute, e.g. "Basic, Fba"
  std::string nested_type;            // the nested Protocol/Type (EXCH or EXPR)
  std::string as_url;                 // the nested Protocol/ASUrl
};

/// One <Protocol> element. Absent elements are empty strings (or nullopt where absence itself
/// means something: SSL, CertPrincipalName).
struct AutodiscoverProtocol {
  ProtocolType type = ProtocolType::kOther;
  std::string type_name;  // as written (Type element or attribute)
  Exposure exposure = Exposure::kUnspecified;
  int version = 0;  // the mapiHttp Version attribute

  std::string server;
  std::string server_dn;
  std::string server_version_hex;
  std::optional<ExchangeVersion> server_version;  // decoded; nullopt if absent or malformed
  std::string mdb_dn;
  std::string public_folder_server;
  std::string ad;
  std::string auth_package;
  std::optional<std::string> cert_principal_name;
  std::optional<std::string> ssl;  // raw "On"/"Off"; absent means On
  std::string server_exclusive_connect;

  std::string as_url;
  std::string ews_url;
  std::string emws_url;
  std::string oab_url;
  std::string ecp_url;
  std::string oof_url;
  std::string um_url;
  std::string sharing_url;
  std::string ews_partner_url;

  MapiHttpEndpoint mail_store;            // mapiHttp
  MapiHttpEndpoint address_book;          // mapiHttp
  std::optional<WebAccess> web_internal;  // WEB
  std::optional<WebAccess> web_external;  // WEB

  /// SSL absent or "On" (case-insensitive).
  bool SslRequired() const;
  /// True when Outlook fills in `msstd:<Server>` itself: CertPrincipalName absent, blank, or
  /// "None" with SSL on (reference 1.4, 5.4; "None" is the [unverified] 2013+ placeholder).
  bool CertPrincipalDefaulted() const;
  /// The msstd: principal Outlook compares with the RPC proxy's certificate.
  std::string EffectiveCertPrincipal() const;
};

/// <User>.
struct AutodiscoverUser {
  std::string display_name;
  std::string legacy_dn;
  std::string autodiscover_smtp_address;
  std::string deployment_id;
};

/// <AlternativeMailbox>: delegate, archive or team mailboxes Outlook opens too.
struct AlternativeMailbox {
  std::string type;
  std::string display_name;
  std::string smtp_address;
  std::string owner_smtp_address;
  std::string legacy_dn;
  std::string server;
};

/// The error form (MS-OXDSCLI 2.2.4.1.1.3), which Exchange sends with HTTP 200.
struct AutodiscoverError {
  std::string time;
  std::string id;
  int code = 0;  // 500..603; 0 if ErrorCode is not a number
  std::string code_text;
  std::string message;
  std::string debug_data;
};

enum class AutodiscoverAction { kSettings, kRedirectAddr, kRedirectUrl, kError };
std::string_view AutodiscoverActionName(AutodiscoverAction action);  // "settings", ..., "error"

struct AutodiscoverResponse {
  AutodiscoverAction action = AutodiscoverAction::kSettings;
  AutodiscoverUser user;
  std::string account_type;
  std::optional<bool> microsoft_online;
  std::string redirect_addr;                    // action kRedirectAddr
  std::string redirect_url;                     // action kRedirectUrl
  std::vector<AutodiscoverProtocol> protocols;  // document order
  std::vector<AlternativeMailbox> alternative_mailboxes;
  std::string public_folder_smtp_address;
  std::optional<AutodiscoverError> error;  // action kError
  /// Tolerated oddities worth showing (an unknown Protocol Type, an undecodable ServerVersion).
  std::vector<std::string> notes;

  /// The first protocol of `type`, or nullptr.
  const AutodiscoverProtocol* Find(ProtocolType type) const;
};

struct AutodiscoverLimits {
  xml::Limits xml;  // 1 MiB, depth 32, 20000 elements
  std::size_t max_protocols = 16;
  std::size_t max_alternative_mailboxes = 500;
};

/// Parses a POX answer. kMalformed (message says what and where) for: not XML, over a limit, a
/// root other than Autodiscover in the responseschema/2006 namespace, a Response in no known
/// provider namespace, an Account without a known Action, a redirect without its target, more
/// protocols than max_protocols. kUnsupported for the ActiveSync (mobilesync) response schema.
Result<AutodiscoverResponse> ParseAutodiscoverResponse(std::string_view body,
                                                       const AutodiscoverLimits& limits = {});

}  // namespace probe::exchange
