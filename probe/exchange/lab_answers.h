// Answer builders for the lab (tlslab): POX Autodiscover, Autodiscover v2 JSON and EWS answers
// in the real schema and namespaces, shaped as Exchange 2010 and 2016 write them (reference
// sections 1.6-1.10, 2.2). The parsers in this directory read back what these write.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probe/core/result.h"
#include "probe/exchange/autodiscover_response.h"
#include "probe/exchange/ews_request.h"
#include "probe/exchange/ews_response.h"

namespace probe::exchange {

enum class LabExchange { k2010, k2016 };

/// A scenario mailbox, as tlslab's YAML describes it.
struct LabMailbox {
  std::string address;
  std::string display_name;
  LabExchange version = LabExchange::k2016;
  std::string organization = "Contoso";  // the /o= of the DNs
  std::string legacy_dn;                 // "" = /o=ORG/ou=.../cn=Recipients/cn=<local part>
  /// EXCH Server: 2010 the CAS array FQDN; 2016 "" = <mailbox_guid>@<domain>.
  std::string server;
  std::string mailbox_guid;    // 2016: MailboxId of the MAPI/HTTP URLs and the EXCH Server
  std::string internal_host;   // host of the internal (EXCH, first EXHTTP) URLs
  std::string external_host;   // EXPR Server and the external URLs
  std::string cert_principal;  // EXPR/EXHTTP CertPrincipalName; "" = element absent
  std::string auth_package = "Ntlm";
  bool mapi_http = true;  // 2016: MAPI/HTTP enabled for the mailbox
  std::string deployment_id = "50817eff-b925-4578-a0db-13bfc635e7a5";
  std::string oab_guid = "c21c7bc2-53b3-4ddc-ad89-1219b486c37c";
  /// "" = 14.3.123 (2010 SP3) or 15.1.2507 (2016 CU23).
  std::optional<ExchangeVersion> build;
  std::vector<AlternativeMailbox> alternative_mailboxes;
};

/// The request headers that change the answer (reference 1.3); Exchange 2010 ignores both.
struct LabRequestFlags {
  bool mapi_http_capability = false;  // X-MapiHttpCapability: 1 (or more)
  bool ex_http_info = false;          // X-ClientCanHandle contains ExHttpInfo
};

/// The settings answer: 2010 (1.8) EXCH + EXPR + WEB; 2016 (1.6) EXCH + EXPR + WEB, or with
/// X-MapiHttpCapability and MAPI/HTTP enabled (1.7) mapiHttp instead of EXCH/EXPR; two EXHTTP
/// (internal, external) on 2016 when ExHttpInfo was sent. kInvalidArgument for a bad address,
/// host or GUID, or text XML cannot carry.
Result<std::string> BuildPoxSettingsAnswer(const LabMailbox& mailbox, const LabRequestFlags& flags);
Result<std::string> BuildPoxRedirectAddrAnswer(std::string_view address);
Result<std::string> BuildPoxRedirectUrlAnswer(std::string_view url);

/// The error form, sent with HTTP 200 (reference 1.9); the defaults are the classic answer to
/// a browser's GET.
struct LabPoxError {
  int code = 600;
  std::string message = "Invalid Request";
  std::string time = "16:56:32.6164027";
  std::string id = "1054084152";
  std::string debug_data;
};
Result<std::string> BuildPoxErrorAnswer(const LabPoxError& error);

/// Autodiscover v2: {"Protocol":..,"Url":..} and {"ErrorCode":..,"ErrorMessage":..}.
Result<std::string> BuildJsonV2Answer(std::string_view protocol, std::string_view url);
Result<std::string> BuildJsonV2Error(std::string_view code, std::string_view message);

/// The ServerVersionInfo a 2010 SP3 (14.3.123.4, Exchange2010_SP2) or a 2016 CU23
/// (15.1.2507.6, V2017_07_11) server writes.
ServerVersionInfo LabServerVersionInfo(LabExchange version);

/// One GetFolderResponseMessage: Success with a FolderId for "NoError", else Error with text.
struct LabFolderResult {
  std::string response_code = "NoError";
  std::string message_text;  // for errors
  std::string folder_id = "AAMkADAwATM0MDAAMS1iNjFiLWQ5ZTEtMDACLTAwCgAuAAAAAAA=";
  std::string change_key = "AQAAABYAAAB3QwAAAAA=";
};
Result<std::string> BuildGetFolderAnswer(const ServerVersionInfo& server,
                                         const std::vector<LabFolderResult>& results);

/// One FreeBusyResponse: Success with a view for "NoError", else Error with text.
struct LabFreeBusy {
  std::string response_code = "NoError";
  std::string message_text;
  std::string view_type = "FreeBusy";
  std::string merged_free_busy;
  std::vector<CalendarEvent> events;
};
/// The failure a front end with a stale mailbox-location cache returns for a mailbox moved to
/// another server: the availability proxy to the old location fails (lab wording).
LabFreeBusy StaleCacheFreeBusy();
Result<std::string> BuildGetUserAvailabilityAnswer(const ServerVersionInfo& server,
                                                   const std::vector<LabFreeBusy>& results);

/// A SOAP Fault as EWS sends it with HTTP 500 (faultcode a:<code>, detail ResponseCode/Message).
Result<std::string> BuildSoapFaultAnswer(std::string_view response_code, std::string_view message);

}  // namespace probe::exchange
