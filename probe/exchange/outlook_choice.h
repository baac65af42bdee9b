// What Outlook does with an Autodiscover answer: which transport it uses (MAPI/HTTP or RPC/HTTP,
// reference section 6.2) and which Exchange version the mailbox is on (section 6.3).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "probe/exchange/autodiscover_response.h"
#include "probe/exchange/exchange_version.h"

namespace probe::exchange {

/// The mailbox's Exchange generation, with the evidence it was read from. Decided from EXCH
/// ServerVersion, else the form of EXCH Server (guid@domain is 2013+, a host name 2010), else
/// the presence of mapiHttp (2013 SP1+) — never from a URL host, which coexistence shares.
struct MailboxVersion {
  std::optional<ExchangeVersion> version;  // only when ServerVersion decoded
  int major = 0;                           // 14 or 15; 0 when the answer does not tell
  std::string evidence;
};
MailboxVersion DetectMailboxVersion(const AutodiscoverResponse& answer);

enum class OutlookTransport { kNone, kMapiHttp, kRpcHttp };
std::string_view OutlookTransportName(
    OutlookTransport transport);  // "none", "mapi_http", "rpc_http"

struct ChoiceOptions {
  bool client_asked_mapi_http = true;  // the request carried X-MapiHttpCapability: 1
  bool external = true;                // an Outlook outside the network (internal: LAN URLs)
};

/// The transport and the endpoints Outlook would use.
struct OutlookChoice {
  OutlookTransport transport = OutlookTransport::kNone;
  std::string reason;

  std::string mail_store_url;    // MAPI/HTTP
  std::string address_book_url;  // MAPI/HTTP

  ProtocolType proxy_protocol = ProtocolType::kOther;  // RPC/HTTP: EXPR or EXHTTP
  std::string proxy_server;  // RPC/HTTP: the RPC proxy host (EXPR/EXHTTP Server)
  std::string rpc_server;    // RPC/HTTP: the EXCH Server, put in rpcproxy.dll?<name>:6001
  std::string auth_package;
  bool ssl = true;
  std::string cert_principal;  // the msstd: name the proxy certificate must carry
  bool cert_principal_defaulted = false;
};

/// MAPI/HTTP when the client asked for it and the answer has mapiHttp with a URL; otherwise
/// RPC/HTTP through EXPR (external) or EXHTTP; kNone when the answer offers neither (a redirect
/// or error answer always gives kNone).
OutlookChoice ChooseOutlookTransport(const AutodiscoverResponse& answer,
                                     const ChoiceOptions& options = {});

}  // namespace probe::exchange
