#include "probe/checks/ews_check.h"

#include <ctime>

#include "probe/diagnosis/catalogue.h"

namespace probe::checks {

using diagnosis::MakeFinding;

namespace {

// Today 00:00 to tomorrow 00:00 UTC: a window every server accepts.
std::pair<std::string, std::string> TodayUtc() {
  std::time_t now = std::time(nullptr);
  std::tm day{};
  gmtime_r(&now, &day);
  std::tm next = day;
  next.tm_mday += 1;
  std::time_t later = timegm(&next);
  gmtime_r(&later, &next);
  char a[32], b[32];
  std::strftime(a, sizeof a, "%Y-%m-%dT00:00:00", &day);
  std::strftime(b, sizeof b, "%Y-%m-%dT00:00:00", &next);
  return {a, b};
}

EwsCall Call(const std::string& operation, const std::string& url, const std::string& body,
             const std::string& anchor, const EwsCheckOptions& options, const Deadline& deadline,
             CredentialLedger& ledger) {
  EwsCall call;
  call.operation = operation;
  std::vector<std::string> headers;
  for (const auto& h : exchange::EwsRequestHeaders(anchor)) headers.push_back(h.Line());
  AuthCheckResult r = AuthenticatedRequest(url, "POST", body, headers, options.credentials,
                                           options.http, deadline, options.step_timeout, ledger);
  call.attempts = r.attempts;
  call.scheme = r.scheme;
  for (const auto& f : r.findings) {
    if (f.id == "auth.credentials_rejected") call.rejection = f;
  }
  for (const auto& leg : r.legs) {
    for (const auto& s : leg.offered) {
      if ((s == "Bearer" || s == "bearer") && call.auth_findings.empty())
        call.auth_findings.push_back(MakeFinding(
            "auth.bearer_offered", url + " offers Bearer (OAuth) beside the Windows schemes",
            {"leg " + std::to_string(leg.n) + ": WWW-Authenticate: Bearer"}));
    }
  }
  if (ledger.rejected) {
    call.error = call.rejection ? "the credentials were rejected (auth.credentials_rejected)"
                 : r.error      ? r.error->message
                                : "not sent";
    return call;
  }
  if (!r.final_response) {
    call.error = r.error ? r.error->message : "no response";
    return call;
  }
  const http::HttpResponse& response = *r.final_response;
  call.http_status = response.status;
  call.routing = exchange::PickRoutingHeaders(response.headers);
  if (response.status == 401) {
    call.error = r.error ? r.error->message : "HTTP 401: not authenticated";
    return call;
  }
  auto parsed = exchange::ParseEwsResponse(response.body);
  if (!parsed) {
    call.error = "HTTP " + std::to_string(response.status) + ": " + parsed.error().message;
    return call;
  }
  call.response = std::move(*parsed);
  return call;
}

std::vector<std::string> RoutingEvidence(const EwsCall& call) {
  std::vector<std::string> out;
  const auto& h = call.routing;
  auto add = [&](const char* name, const std::string& value) {
    if (!value.empty()) out.push_back(std::string(name) + ": " + value);
  };
  out.push_back(call.operation + ": HTTP " + std::to_string(call.http_status));
  add("X-FEServer", h.fe_server);
  add("X-BEServer", h.be_server);
  add("X-CalculatedBETarget", h.calculated_be_target);
  add("X-BackEndHttpStatus", h.backend_http_status);
  add("request-id", h.request_id);
  add("X-DiagInfo", h.diag_info);
  if (call.response && call.response->server_version) {
    const auto& v = *call.response->server_version;
    out.push_back("ServerVersionInfo " + v.AsVersion().Dotted() + " (" + v.version + ")");
  }
  return out;
}

std::string Failure(const EwsCall& call) {
  if (!call.error.empty()) return call.error;
  const auto& r = *call.response;
  if (r.fault) {
    return "SOAP fault " + r.fault->fault_code +
           (r.fault->response_code.empty() ? "" : " (" + r.fault->response_code + ")") + ": " +
           r.fault->fault_string;
  }
  if (const auto* m = r.FirstFailure()) {
    return m->element + " " + m->response_class_text + " " + m->response_code +
           (m->message_text.empty() ? "" : ": " + m->message_text);
  }
  return "";
}

// Where EWS really served the mailbox disagrees with Autodiscover's version: the front end's
// Autodiscover cache still has the location from before a move.
std::optional<Finding> StaleVersion(const EwsCall& call,
                                    const std::optional<exchange::MailboxVersion>& autodiscover) {
  if (!autodiscover || autodiscover->major == 0 || !call.response || !call.response->server_version)
    return std::nullopt;
  const auto& served = *call.response->server_version;
  if (served.major_version == 0 || served.major_version == autodiscover->major) return std::nullopt;
  std::vector<std::string> evidence = RoutingEvidence(call);
  evidence.push_back("Autodiscover: " + autodiscover->evidence);
  return MakeFinding("exchange.autodiscover.stale",
                     "Autodiscover describes an Exchange " + std::to_string(autodiscover->major) +
                         ".x mailbox, but EWS serves it from " + served.AsVersion().Dotted() +
                         (call.routing.calculated_be_target.empty()
                              ? std::string()
                              : " (" + call.routing.calculated_be_target + ")"),
                     evidence);
}

}  // namespace

std::vector<Finding> JudgeEws(const std::string& url, const EwsCall& get_folder,
                              const EwsCall* free_busy,
                              const std::optional<exchange::MailboxVersion>& autodiscover) {
  std::vector<Finding> out;
  std::string failure = Failure(get_folder);
  if (!failure.empty()) {
    out.push_back(MakeFinding("exchange.ews.error", url + " GetFolder failed: " + failure,
                              RoutingEvidence(get_folder)));
  } else {
    std::vector<std::string> evidence = RoutingEvidence(get_folder);
    out.push_back(MakeFinding("exchange.ews.ok",
                              "GetFolder succeeded at " + url +
                                  (get_folder.routing.calculated_be_target.empty()
                                       ? std::string()
                                       : ", routed to " + get_folder.routing.calculated_be_target),
                              evidence));
  }
  auto stale = StaleVersion(get_folder, autodiscover);
  if (free_busy) {
    std::string fb_failure = Failure(*free_busy);
    exchange::FreeBusyFailure kind = exchange::FreeBusyFailure::kOther;
    if (free_busy->response) {
      if (const auto* m = free_busy->response->FirstFailure())
        kind = exchange::ClassifyFreeBusyCode(m->response_code);
    }
    bool stale_signature = kind == exchange::FreeBusyFailure::kProxyFailed ||
                           kind == exchange::FreeBusyFailure::kRecipientNotFound;
    if (!fb_failure.empty() && stale_signature && !stale) {
      std::vector<std::string> evidence = RoutingEvidence(*free_busy);
      evidence.push_back(std::string("free/busy failure: ") +
                         std::string(exchange::FreeBusyFailureName(kind)));
      stale =
          MakeFinding("exchange.autodiscover.stale",
                      "Free/busy fails with the errors of a stale cache: " + fb_failure, evidence);
    } else if (!fb_failure.empty() && !stale_signature) {
      out.push_back(MakeFinding("exchange.ews.error",
                                url + " GetUserAvailability failed: " + fb_failure,
                                RoutingEvidence(*free_busy)));
    }
  }
  if (stale) out.push_back(*stale);
  return out;
}

std::string EwsUrlFromAnswer(const exchange::AutodiscoverResponse& answer, bool external) {
  const auto* expr = answer.Find(exchange::ProtocolType::kExpr);
  const auto* exch = answer.Find(exchange::ProtocolType::kExch);
  const auto* first = external ? expr : exch;
  const auto* second = external ? exch : expr;
  if (first && !first->ews_url.empty()) return first->ews_url;
  if (second && !second->ews_url.empty()) return second->ews_url;
  for (const auto& p : answer.protocols) {
    if (!p.ews_url.empty()) return p.ews_url;
  }
  return "";
}

EwsCheckResult RunEwsCheck(const EwsCheckOptions& options, CredentialLedger& ledger) {
  auto start = Clock::now();
  EwsCheckResult result;
  result.url = options.url;
  result.mailbox = options.mailbox;
  Deadline deadline = Deadline::After(options.timeout);
  auto verdict = CredentialRule(options.url, options.mailbox, options.allow_hosts);
  if (!verdict.allowed) {
    result.findings.push_back(
        MakeFinding("exchange.credentials_refused",
                    "Credentials for " +
                        (options.mailbox.empty() ? std::string("the account") : options.mailbox) +
                        " refused to " + options.url,
                    {verdict.reason}));
    result.ledger = ledger;
    return result;
  }
  exchange::GetFolderRequest request;
  request.folders = options.folders;
  request.server_version = options.server_version;
  auto body = exchange::BuildGetFolderRequest(request);
  if (!body) {
    result.error = body.error();
    return result;
  }
  result.get_folder =
      Call("GetFolder", options.url, *body, options.mailbox, options, deadline, ledger);
  if (!options.free_busy.empty() && !ledger.rejected) {
    exchange::AvailabilityRequest fb;
    fb.mailboxes = {options.free_busy};
    std::tie(fb.start_time, fb.end_time) = TodayUtc();
    fb.server_version = options.server_version;
    auto fb_body = exchange::BuildGetUserAvailabilityRequest(fb);
    if (!fb_body) {
      result.error = fb_body.error().With("--free-busy");
    } else {
      result.free_busy = Call("GetUserAvailability", options.url, *fb_body, options.mailbox,
                              options, deadline, ledger);
    }
  }
  const EwsCall* rejected = result.get_folder->rejection                      ? &*result.get_folder
                            : result.free_busy && result.free_busy->rejection ? &*result.free_busy
                                                                              : nullptr;
  if (rejected) {
    result.findings.push_back(*rejected->rejection);
  } else if (ledger.rejected) {
    result.error = Error{ErrorCode::kUnsupported, result.get_folder->error};
  } else {
    result.findings =
        JudgeEws(options.url, *result.get_folder, result.free_busy ? &*result.free_busy : nullptr,
                 options.autodiscover_mailbox);
    const auto& extra = result.get_folder->auth_findings;
    result.findings.insert(result.findings.end(), extra.begin(), extra.end());
  }
  result.ledger = ledger;
  result.duration_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  return result;
}

EwsCheckResult RunEwsCheck(const EwsCheckOptions& options) {
  CredentialLedger ledger;
  ledger.budget = options.credentials.attempt_budget;
  return RunEwsCheck(options, ledger);
}

}  // namespace probe::checks
