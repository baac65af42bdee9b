#include "probe/exchange/outlook_choice.h"

namespace probe::exchange {
namespace {

// "5f76be3c-9138-4f66-85e0-21bc23ca35f0@contoso.com": the 2013+ EXCH Server form.
bool IsMailboxGuidAtDomain(std::string_view server) {
  auto at = server.find('@');
  if (at != 36) return false;
  for (std::size_t i = 0; i < at; ++i) {
    char c = server[i];
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (dash ? c != '-' : !hex) return false;
  }
  return at + 1 < server.size();
}

const std::string& Pick(const std::string& preferred, const std::string& fallback) {
  return preferred.empty() ? fallback : preferred;
}

// The RPC proxy block. External: EXPR, else the external (second) EXHTTP. Internal: the
// internal (first) EXHTTP, else EXPR. Either way any EXHTTP is better than none.
const AutodiscoverProtocol* ProxyBlock(const AutodiscoverResponse& answer, bool external) {
  const AutodiscoverProtocol* expr = answer.Find(ProtocolType::kExpr);
  const AutodiscoverProtocol* any_exhttp = answer.Find(ProtocolType::kExhttp);
  const AutodiscoverProtocol* side_exhttp = nullptr;
  Exposure side = external ? Exposure::kExternal : Exposure::kInternal;
  for (const auto& p : answer.protocols) {
    if (p.type == ProtocolType::kExhttp && p.exposure == side) side_exhttp = &p;
  }
  const AutodiscoverProtocol* first = external ? expr : side_exhttp;
  const AutodiscoverProtocol* second = external ? side_exhttp : expr;
  if (first) return first;
  if (second) return second;
  return any_exhttp;
}

}  // namespace

MailboxVersion DetectMailboxVersion(const AutodiscoverResponse& answer) {
  MailboxVersion out;
  if (const auto* exch = answer.Find(ProtocolType::kExch)) {
    if (exch->server_version) {
      out.version = exch->server_version;
      out.major = exch->server_version->major;
      out.evidence = "EXCH ServerVersion " + exch->server_version_hex + " = " +
                     exch->server_version->Dotted() + " (" + exch->server_version->ProductName() +
                     ")";
      return out;
    }
    if (IsMailboxGuidAtDomain(exch->server)) {
      out.major = 15;
      out.evidence = "EXCH Server " + exch->server + " has the 2013+ mailbox-GUID@domain form";
      return out;
    }
    if (!exch->server.empty()) {
      out.major = 14;
      out.evidence = "EXCH Server " + exch->server + " is a host name (2010 RPC Client Access)";
      return out;
    }
  }
  if (answer.Find(ProtocolType::kMapiHttp)) {
    out.major = 15;
    out.evidence = "the answer offers mapiHttp, which only 2013 SP1 and later mailboxes have";
    return out;
  }
  out.evidence = "the answer carries no EXCH ServerVersion, EXCH Server or mapiHttp";
  return out;
}

std::string_view OutlookTransportName(OutlookTransport transport) {
  switch (transport) {
    case OutlookTransport::kMapiHttp:
      return "mapi_http";
    case OutlookTransport::kRpcHttp:
      return "rpc_http";
    case OutlookTransport::kNone:
      break;
  }
  return "none";
}

OutlookChoice ChooseOutlookTransport(const AutodiscoverResponse& answer,
                                     const ChoiceOptions& options) {
  OutlookChoice out;
  if (answer.action != AutodiscoverAction::kSettings) {
    out.reason =
        "the answer is " + std::string(AutodiscoverActionName(answer.action)) + ", not settings";
    return out;
  }
  const auto* mapi = answer.Find(ProtocolType::kMapiHttp);
  if (mapi && options.client_asked_mapi_http) {
    const auto& ms = mapi->mail_store;
    const auto& ab = mapi->address_book;
    out.mail_store_url = options.external ? Pick(ms.external_url, ms.internal_url)
                                          : Pick(ms.internal_url, ms.external_url);
    out.address_book_url = options.external ? Pick(ab.external_url, ab.internal_url)
                                            : Pick(ab.internal_url, ab.external_url);
    if (!out.mail_store_url.empty()) {
      out.transport = OutlookTransport::kMapiHttp;
      out.reason = "the client asked for MAPI/HTTP and the answer offers mapiHttp";
      return out;
    }
  }
  const AutodiscoverProtocol* proxy = ProxyBlock(answer, options.external);
  if (!proxy) {
    out.reason = mapi && !options.client_asked_mapi_http
                     ? "only mapiHttp is offered, but the client did not ask for MAPI/HTTP"
                     : "the answer offers neither a usable mapiHttp nor EXPR/EXHTTP";
    return out;
  }
  out.transport = OutlookTransport::kRpcHttp;
  out.proxy_protocol = proxy->type;
  out.proxy_server = proxy->server;
  if (const auto* exch = answer.Find(ProtocolType::kExch)) out.rpc_server = exch->server;
  out.auth_package = proxy->auth_package;
  out.ssl = proxy->SslRequired();
  out.cert_principal = proxy->EffectiveCertPrincipal();
  out.cert_principal_defaulted = proxy->CertPrincipalDefaulted();
  std::string why_not_mapi = !mapi ? "no mapiHttp in the answer"
                             : !options.client_asked_mapi_http
                                 ? "the client did not ask for MAPI/HTTP"
                                 : "mapiHttp has no MailStore URL";
  out.reason = why_not_mapi + ", so Outlook Anywhere (RPC/HTTP) through " +
               std::string(ProtocolTypeName(proxy->type)) + " " + proxy->server;
  return out;
}

}  // namespace probe::exchange
