#include "probe/checks/autodiscover_check.h"

#include <algorithm>
#include <deque>

#include "probe/diagnosis/catalogue.h"
#include "probe/exchange/autodiscover_policy.h"
#include "probe/net/resolver.h"

namespace probe::checks {

using diagnosis::MakeFinding;
using exchange::Candidate;
using exchange::CandidateKind;
using exchange::CandidateMethod;

namespace {

std::chrono::milliseconds StepBudget(const Deadline& deadline, std::chrono::milliseconds step) {
  return std::min(step, std::chrono::milliseconds(deadline.RemainingMs()));
}

std::string HostOf(std::string_view url) {
  auto parts = exchange::SplitUrl(url);
  return parts ? parts->host : std::string();
}

void AddUnique(std::vector<std::string>& list, const std::string& value) {
  if (!value.empty() && std::find(list.begin(), list.end(), value) == list.end())
    list.push_back(value);
}

CandidateResult Row(Candidate candidate, std::string address) {
  CandidateResult row;
  row.candidate = std::move(candidate);
  row.address = std::move(address);
  return row;
}

Candidate MakeCandidate(CandidateKind kind, CandidateMethod method, std::string target,
                        bool send_credentials, std::string why) {
  Candidate c;
  c.kind = kind;
  c.method = method;
  c.target = std::move(target);
  c.send_credentials = send_credentials;
  c.why = std::move(why);
  return c;
}

bool IsRedirectStatus(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

std::string FirstHeader(const http::HttpResponse& response, std::string_view name) {
  auto values = response.HeaderValues(name);
  return values.empty() ? std::string() : values.front();
}

}  // namespace

exchange::CredentialVerdict CredentialRule(const std::string& url, const std::string& address,
                                           const std::vector<std::string>& allow_hosts) {
  auto mail = exchange::ParseMailAddress(address);
  if (!mail) {
    auto parts = exchange::SplitUrl(url);
    if (!parts) return {false, "not a valid URL: " + parts.error().message};
    if (parts->scheme != "https") return {false, "credentials are sent only over https"};
    return {true, parts->host + " was named by the user"};
  }
  return exchange::MaySendCredentials(url, {mail->domain, allow_hosts});
}

// --dns-server concerns libcurl's connections too: the name is resolved with c-ares at the
// chosen server and pinned with a --resolve entry, unless the user already pinned it.
http::HttpOptions PinToDnsServer(const std::string& url, http::HttpOptions http,
                                 const Deadline& deadline) {
  if (!http.net.dns_server) return http;
  auto parts = exchange::SplitUrl(url);
  if (!parts) return http;
  for (const auto& c : http.net.connect_to) {
    if (c.host.empty() || c.host == parts->host) return http;
  }
  for (const auto& r : http.net.resolve) {
    if (r.host == parts->host && r.port == parts->port) return http;
  }
  auto addresses = net::Resolve(parts->host, parts->port, http.net, deadline, http.trace);
  if (!addresses || addresses->empty()) return http;  // libcurl then reports the failure
  http.net.resolve.push_back({parts->host, parts->port, addresses->front().Ip()});
  return http;
}

Result<http::HttpResponse> AnonymousRequest(const std::string& url, const std::string& method,
                                            std::vector<std::string> headers,
                                            const http::HttpOptions& http,
                                            const Deadline& deadline) {
  auto connection = http::HttpConnection::Create(PinToDnsServer(url, http, deadline));
  if (!connection) return Fail(connection.error());
  http::HttpRequest request;
  request.method = method;
  request.url = url;
  request.headers = std::move(headers);
  request.fresh_connection = true;
  return connection->Perform(request, deadline);
}

AuthCheckResult AuthenticatedRequest(const std::string& url, const std::string& method,
                                     std::optional<std::string> body,
                                     std::vector<std::string> headers,
                                     const CredentialOptions& credentials,
                                     const http::HttpOptions& http, const Deadline& deadline,
                                     std::chrono::milliseconds step, CredentialLedger& ledger) {
  if (!ledger.CanSpend()) {
    AuthCheckResult r;
    r.url = url;
    r.error = Error{ErrorCode::kUnsupported,
                    ledger.rejected ? "the credentials were rejected earlier: nothing more is sent"
                                    : "the credential attempt budget (" +
                                          std::to_string(ledger.budget) + ") is spent"};
    return r;
  }
  AuthCheckOptions o;
  o.url = url;
  o.credentials = credentials.credentials;
  o.scheme = credentials.scheme;
  o.attempt_budget = 1;
  o.allow_anonymous = true;
  o.method = method;
  o.body = std::move(body);
  o.headers = std::move(headers);
  o.http = PinToDnsServer(url, http, deadline);
  o.timeout = StepBudget(deadline, step);
  AuthCheckResult r = RunAuthCheck(o);
  ledger.attempts += r.attempts;
  for (const auto& f : r.findings) {
    if (f.id == "auth.credentials_rejected") ledger.rejected = true;
  }
  return r;
}

std::vector<Finding> JudgeProvider(const exchange::MailboxVersion& mailbox,
                                   const exchange::OutlookChoice& choice) {
  using exchange::OutlookTransport;
  std::string version = mailbox.version       ? mailbox.version->ProductName()
                        : mailbox.major == 15 ? "Exchange 2013 or later"
                        : mailbox.major == 14 ? "Exchange 2010"
                                              : "an unknown version";
  std::string transport(exchange::OutlookTransportName(choice.transport));
  std::vector<std::string> evidence = {"mailbox: " + mailbox.evidence,
                                       "transport: " + choice.reason};
  if (choice.transport == OutlookTransport::kNone) {
    return {MakeFinding("exchange.provider.mismatch",
                        "The answer offers Outlook no transport for this " + version + " mailbox",
                        evidence)};
  }
  if (mailbox.major == 15 && choice.transport == OutlookTransport::kRpcHttp) {
    return {MakeFinding("exchange.provider.mismatch",
                        "This " + version +
                            " mailbox gets no mapiHttp: Outlook stays on Outlook Anywhere "
                            "(RPC/HTTP) through " +
                            choice.proxy_server,
                        evidence)};
  }
  if (mailbox.major == 14 && choice.transport == OutlookTransport::kMapiHttp) {
    return {MakeFinding("exchange.provider.mismatch",
                        "This Exchange 2010 mailbox is offered MAPI/HTTP, which 2010 cannot serve",
                        evidence)};
  }
  std::string how = choice.transport == OutlookTransport::kMapiHttp
                        ? "MAPI/HTTP (" + choice.mail_store_url + ")"
                        : "Outlook Anywhere (RPC/HTTP via " +
                              std::string(exchange::ProtocolTypeName(choice.proxy_protocol)) + " " +
                              choice.proxy_server + ", RPC server " + choice.rpc_server + ")";
  return {MakeFinding("exchange.provider.ok", version + " mailbox: Outlook uses " + how, evidence)};
}

namespace {

enum class Step { kNext, kFound, kStop };

// One discovery: the queue of candidates, the address asked for, the redirect bookkeeping.
class Discovery {
 public:
  Discovery(const AutodiscoverCheckOptions& options, AutodiscoverCheckResult& result,
            CredentialLedger& ledger)
      : options_(options),
        result_(result),
        ledger_(ledger),
        deadline_(Deadline::After(options.timeout)),
        tracker_(options.address) {}

  void Run();

 private:
  Result<void> Start();
  void DryRun();
  Step Try(const Candidate& candidate);
  Step TryPost(const Candidate& candidate, CandidateResult& row);
  Step TryRedirectGet(const Candidate& candidate, CandidateResult& row);
  Step TrySrv(const Candidate& candidate, CandidateResult& row);
  Step FollowUrl(exchange::RedirectKind kind, const std::string& url, CandidateResult& row);
  Step FollowAddress(const std::string& address, CandidateResult& row);
  Step Answer(const std::string& url, const exchange::AutodiscoverResponse& answer,
              CandidateResult& row);
  void SecondRequest();
  void JsonV2();
  void NoteBearer(const AuthCheckResult& r);
  exchange::CredentialVerdict Verdict(const std::string& url) const {
    return exchange::MaySendCredentials(url, policy_);
  }
  Result<exchange::PoxRequest> Pox(bool mapi) const;

  const AutodiscoverCheckOptions& options_;
  AutodiscoverCheckResult& result_;
  CredentialLedger& ledger_;
  Deadline deadline_;
  exchange::RedirectTracker tracker_;
  exchange::CredentialPolicy policy_;
  exchange::CandidateOptions candidate_options_;
  std::deque<Candidate> queue_;
  std::string address_;
  std::optional<exchange::AutodiscoverResponse> first_answer_;
  bool bearer_noted_ = false;
};

Result<exchange::PoxRequest> Discovery::Pox(bool mapi) const {
  exchange::PoxRequestOptions o;
  o.mapi_http_capability = mapi;
  return exchange::BuildPoxRequest(address_, o);
}

Result<void> Discovery::Start() {
  auto mail = exchange::ParseMailAddress(options_.address);
  if (!mail) return Fail(mail.error());
  address_ = mail->Full();
  result_.address = options_.address;
  candidate_options_ = options_.candidates;
  if (!options_.url.empty()) {
    // --url is checked like any candidate: a host outside the domain needs --allow-host too.
    auto parts = exchange::SplitUrl(options_.url);
    if (!parts) return Fail(parts.error().With("--url"));
  }
  policy_ = {mail->domain, candidate_options_.allow_hosts};
  if (!options_.url.empty()) {
    Candidate c;
    c.kind = CandidateKind::kUserUrl;
    c.method = CandidateMethod::kPost;
    c.target = options_.url;
    c.why = "named with --url";
    queue_.push_back(c);
    return {};
  }
  auto candidates = exchange::AutodiscoverCandidates(address_, candidate_options_);
  if (!candidates) return Fail(candidates.error());
  queue_.assign(candidates->begin(), candidates->end());
  return {};
}

void Discovery::DryRun() {
  std::vector<std::string> evidence;
  for (const auto& c : queue_) {
    CandidateResult row = Row(c, address_);
    if (c.method == CandidateMethod::kPost) {
      auto verdict = Verdict(c.target);
      row.result = verdict.allowed ? "would_send" : "refused";
      row.credential_rule = verdict.reason;
      if (verdict.allowed) AddUnique(result_.credential_hosts, HostOf(c.target));
    } else {
      row.result = "not_sent";
      row.detail = c.method == CandidateMethod::kSrvLookup
                       ? "dry run: not resolved; each SRV target passes the same rule"
                       : "dry run: anonymous request not sent";
    }
    result_.candidates.push_back(row);
  }
  for (const auto& host : result_.credential_hosts) evidence.push_back("would receive: " + host);
  evidence.push_back("redirect and SRV targets: https, inside " + policy_.domain +
                     " or --allow-host, never autodiscover.<tld>");
  result_.findings.push_back(MakeFinding("exchange.autodiscover.dry_run",
                                         std::to_string(result_.credential_hosts.size()) +
                                             " host(s) would receive the credentials for " +
                                             address_ + "; nothing was sent",
                                         evidence));
}

void Discovery::NoteBearer(const AuthCheckResult& r) {
  if (bearer_noted_) return;
  for (const auto& leg : r.legs) {
    for (const auto& s : leg.offered) {
      if (s == "Bearer" || s == "bearer") {
        bearer_noted_ = true;
        result_.findings.push_back(MakeFinding(
            "auth.bearer_offered", r.url + " offers Bearer (OAuth) beside the Windows schemes",
            {"leg " + std::to_string(leg.n) + ": WWW-Authenticate: Bearer"}));
        return;
      }
    }
  }
}

Step Discovery::FollowUrl(exchange::RedirectKind kind, const std::string& url,
                          CandidateResult& row) {
  if (exchange::IsOffice365Target(url) && !Verdict(url).allowed) {
    result_.findings.push_back(
        MakeFinding("exchange.autodiscover.o365_redirect",
                    row.candidate.target + " redirects " + address_ + " to Exchange Online: " + url,
                    {"redirect to " + url, "add --allow-host " + HostOf(url) + " to follow it"}));
    return Step::kStop;
  }
  auto decision = tracker_.Follow(kind, url);
  using exchange::RedirectVerdict;
  if (decision.verdict == RedirectVerdict::kLoop || decision.verdict == RedirectVerdict::kTooMany) {
    result_.findings.push_back(
        MakeFinding("exchange.autodiscover.redirect_loop",
                    row.candidate.target + " redirects to " + url + ": " + decision.reason,
                    {"hops so far: " + std::to_string(tracker_.hops())}));
    return Step::kStop;
  }
  if (decision.verdict == RedirectVerdict::kUnsafe) {
    result_.findings.push_back(MakeFinding(
        "exchange.autodiscover.unsafe_redirect",
        "Not followed: " + row.candidate.target + " redirects to " + url, {decision.reason}));
    row.detail += " (not followed: " + decision.reason + ")";
    return Step::kNext;
  }
  auto next = exchange::CandidateFromRedirect(url, address_, candidate_options_);
  if (!next) {
    row.detail += " (not followed: " + next.error().message + ")";
    return Step::kNext;
  }
  queue_.push_front(*next);
  return Step::kNext;
}

Step Discovery::FollowAddress(const std::string& address, CandidateResult& row) {
  if (exchange::IsOffice365Target(address)) {
    result_.findings.push_back(MakeFinding(
        "exchange.autodiscover.o365_redirect",
        row.candidate.target + " redirects " + address_ + " to Exchange Online: " + address,
        {"redirectAddr " + address}));
    return Step::kStop;
  }
  auto decision = tracker_.Follow(exchange::RedirectKind::kRedirectAddr, address);
  using exchange::RedirectVerdict;
  if (decision.verdict != RedirectVerdict::kFollow) {
    bool loop =
        decision.verdict == RedirectVerdict::kLoop || decision.verdict == RedirectVerdict::kTooMany;
    result_.findings.push_back(MakeFinding(
        loop ? "exchange.autodiscover.redirect_loop" : "exchange.autodiscover.unsafe_redirect",
        row.candidate.target + " redirects " + address_ + " to " + address + ": " + decision.reason,
        {"hops so far: " + std::to_string(tracker_.hops())}));
    return loop ? Step::kStop : Step::kNext;
  }
  auto candidates = exchange::AutodiscoverCandidates(address, candidate_options_);
  if (!candidates) {
    row.detail += " (not followed: " + candidates.error().message + ")";
    return Step::kNext;
  }
  // Outlook restarts the whole discovery with the new address (reference 1.4).
  address_ = exchange::ParseMailAddress(address)->Full();
  queue_.assign(candidates->begin(), candidates->end());
  return Step::kNext;
}

Step Discovery::Answer(const std::string& url, const exchange::AutodiscoverResponse& answer,
                       CandidateResult& row) {
  using exchange::AutodiscoverAction;
  switch (answer.action) {
    case AutodiscoverAction::kSettings:
      row.result = "settings";
      result_.answered_by = url;
      first_answer_ = answer;
      return Step::kFound;
    case AutodiscoverAction::kRedirectUrl:
      row.result = "redirect_url";
      row.detail = "redirectUrl " + answer.redirect_url;
      return FollowUrl(exchange::RedirectKind::kRedirectUrl, answer.redirect_url, row);
    case AutodiscoverAction::kRedirectAddr:
      row.result = "redirect_addr";
      row.detail = "redirectAddr " + answer.redirect_addr;
      return FollowAddress(answer.redirect_addr, row);
    case AutodiscoverAction::kError:
      break;
  }
  const auto& e = *answer.error;
  row.result = "error " + (e.code_text.empty() ? std::string("?") : e.code_text);
  row.detail = e.message;
  result_.findings.push_back(MakeFinding(
      "exchange.autodiscover.error",
      url + " answered " + address_ + " with ErrorCode " + e.code_text + " \"" + e.message + "\"",
      {"Error Time=" + e.time + " Id=" + e.id, "DebugData: " + e.debug_data}));
  return Step::kStop;
}

Step Discovery::TryPost(const Candidate& candidate, CandidateResult& row) {
  auto verdict = Verdict(candidate.target);
  row.credential_rule = verdict.reason;
  if (!verdict.allowed) {
    row.result = "refused";
    row.detail = verdict.reason;
    bool redirected = candidate.kind == CandidateKind::kRedirectTarget ||
                      candidate.kind == CandidateKind::kSrvTarget;
    result_.findings.push_back(MakeFinding(
        redirected ? "exchange.autodiscover.unsafe_redirect" : "exchange.credentials_refused",
        "Credentials for " + address_ + " refused to " + candidate.target, {verdict.reason}));
    return Step::kNext;
  }
  tracker_.Visit(candidate.target);
  auto pox = Pox(options_.mapi_http);
  if (!pox) {
    row.result = "not_tried";
    row.detail = pox.error().message;
    return Step::kNext;
  }
  std::vector<std::string> headers;
  for (const auto& h : pox->headers) headers.push_back(h.Line());
  AuthCheckResult r =
      AuthenticatedRequest(candidate.target, "POST", pox->body, headers, options_.credentials,
                           options_.http, deadline_, options_.step_timeout, ledger_);
  NoteBearer(r);
  row.credentials_sent = r.attempts > 0;
  if (row.credentials_sent) AddUnique(result_.credential_hosts, HostOf(candidate.target));
  result_.last_auth_legs = r.legs;
  if (ledger_.rejected) {
    row.result = "rejected";
    row.detail = "the credentials were rejected; discovery stops (lockout safety)";
    for (const auto& f : r.findings) {
      if (f.id == "auth.credentials_rejected") result_.findings.push_back(f);
    }
    return Step::kStop;
  }
  if (!r.final_response) {
    row.result = r.error ? "unreachable" : "no_answer";
    row.detail = r.error ? r.error->message : "no response";
    return Step::kNext;
  }
  const http::HttpResponse& response = *r.final_response;
  row.http_status = response.status;
  if (IsRedirectStatus(response.status)) {
    std::string location = FirstHeader(response, "Location");
    row.result = "http " + std::to_string(response.status);
    row.detail = "Location " + location;
    if (location.empty()) return Step::kNext;
    return FollowUrl(exchange::RedirectKind::kHttpLocation, location, row);
  }
  if (response.status != 200) {
    row.result = "http " + std::to_string(response.status);
    row.detail = r.error ? r.error->message : "not an Autodiscover answer";
    return Step::kNext;
  }
  auto answer = exchange::ParseAutodiscoverResponse(response.body);
  if (!answer) {
    row.result = "invalid";
    row.detail = answer.error().message;
    return Step::kNext;
  }
  return Answer(candidate.target, *answer, row);
}

Step Discovery::TryRedirectGet(const Candidate& candidate, CandidateResult& row) {
  auto response = AnonymousRequest(candidate.target, "GET", {}, options_.http,
                                   deadline_.Capped(options_.step_timeout));
  if (!response) {
    row.result = "unreachable";
    row.detail = response.error().message;
    return Step::kNext;
  }
  row.http_status = response->status;
  row.result = "http " + std::to_string(response->status);
  std::string location = FirstHeader(*response, "Location");
  if (!IsRedirectStatus(response->status) || location.empty()) {
    row.detail = "only a 302 with a Location counts";
    return Step::kNext;
  }
  row.detail = "Location " + location;
  return FollowUrl(exchange::RedirectKind::kHttpLocation, location, row);
}

Step Discovery::TrySrv(const Candidate& candidate, CandidateResult& row) {
  auto records = net::ResolveSrv(candidate.target, options_.http.net,
                                 deadline_.Capped(options_.step_timeout), options_.http.trace);
  if (!records) {
    row.result = "no_srv";
    row.detail = records.error().message;
    return Step::kNext;
  }
  std::vector<exchange::SrvRecord> converted;
  for (const auto& r : *records) converted.push_back({r.priority, r.weight, r.port, r.target});
  auto targets = exchange::CandidatesFromSrv(converted, address_, candidate_options_);
  row.result = "srv";
  for (const auto& r : *records) {
    row.detail += (row.detail.empty() ? "" : ", ") + std::to_string(r.priority) + " " +
                  std::to_string(r.weight) + " " + std::to_string(r.port) + " " + r.target;
  }
  // SRV targets come right after the lookup, in priority/weight order.
  for (auto it = targets.rbegin(); it != targets.rend(); ++it) queue_.push_front(*it);
  return Step::kNext;
}

Step Discovery::Try(const Candidate& candidate) {
  CandidateResult row = Row(candidate, address_);
  Step step = Step::kNext;
  if (deadline_.Expired()) {
    row.result = "not_tried";
    row.detail = "the deadline passed";
    step = Step::kStop;
  } else if (candidate.method == CandidateMethod::kPost) {
    step = TryPost(candidate, row);
  } else if (candidate.method == CandidateMethod::kSrvLookup) {
    step = TrySrv(candidate, row);
  } else {
    step = TryRedirectGet(candidate, row);
  }
  result_.candidates.push_back(std::move(row));
  return step;
}

// The settings were found with one request; the other (with or without X-MapiHttpCapability)
// goes to the same URL, since their answers differ in exactly the transport.
void Discovery::SecondRequest() {
  const bool first_was_mapi = options_.mapi_http;
  if (first_was_mapi) {
    result_.mapi_answer = first_answer_;
  } else {
    result_.answer = first_answer_;
    return;
  }
  auto pox = Pox(false);
  if (!pox) return;
  std::vector<std::string> headers;
  for (const auto& h : pox->headers) headers.push_back(h.Line());
  AuthCheckResult r =
      AuthenticatedRequest(result_.answered_by, "POST", pox->body, headers, options_.credentials,
                           options_.http, deadline_, options_.step_timeout, ledger_);
  CandidateResult row =
      Row(MakeCandidate(CandidateKind::kRedirectTarget, CandidateMethod::kPost, result_.answered_by,
                        true, "the same URL without X-MapiHttpCapability (EXCH/EXPR for RPC/HTTP)"),
          address_);
  row.credentials_sent = r.attempts > 0;
  if (r.final_response) row.http_status = r.final_response->status;
  if (ledger_.rejected) {
    row.result = "rejected";
    for (const auto& f : r.findings) {
      if (f.id == "auth.credentials_rejected") result_.findings.push_back(f);
    }
  } else if (!r.final_response || r.final_response->status != 200) {
    row.result =
        r.final_response ? "http " + std::to_string(r.final_response->status) : "unreachable";
    row.detail = r.error ? r.error->message : "";
  } else if (auto answer = exchange::ParseAutodiscoverResponse(r.final_response->body); !answer) {
    row.result = "invalid";
    row.detail = answer.error().message;
  } else {
    row.result = std::string(exchange::AutodiscoverActionName(answer->action));
    if (answer->action == exchange::AutodiscoverAction::kSettings) result_.answer = *answer;
  }
  row.candidate.kind = CandidateKind::kRedirectTarget;
  row.detail = row.detail.empty() ? "without X-MapiHttpCapability" : row.detail;
  result_.candidates.push_back(std::move(row));
}

void Discovery::JsonV2() {
  std::string host =
      result_.answered_by.empty() ? "autodiscover." + policy_.domain : HostOf(result_.answered_by);
  std::string url = exchange::JsonV2Url(host, address_, candidate_options_.json_v2_protocol);
  result_.json_v2_url = url;
  CandidateResult row = Row(MakeCandidate(CandidateKind::kJsonV2, CandidateMethod::kGet, url, false,
                                          "Autodiscover v2 JSON, informational"),
                            address_);
  std::vector<std::string> headers;
  for (const auto& h : exchange::JsonV2Headers()) headers.push_back(h.Line());
  auto response =
      AnonymousRequest(url, "GET", headers, options_.http, deadline_.Capped(options_.step_timeout));
  if (!response) {
    row.result = "unreachable";
    row.detail = response.error().message;
  } else {
    row.http_status = response->status;
    auto answer = exchange::ParseAutodiscoverJson(response->body);
    if (response->status == 200 && answer && !answer->IsError()) {
      row.result = "json";
      row.detail = answer->protocol + " " + answer->url;
      result_.json_v2 = *answer;
    } else {
      row.result = "http " + std::to_string(response->status);
      row.detail =
          answer ? answer->error_code + " " + answer->error_message : answer.error().message;
    }
  }
  result_.candidates.push_back(std::move(row));
}

void Discovery::Run() {
  if (auto started = Start(); !started) {
    result_.error = started.error();
    return;
  }
  if (options_.dry_run) {
    result_.dry_run = true;
    DryRun();
    return;
  }
  bool stopped = false;
  std::size_t budget = 64;  // candidates in all, whatever the SRV records and redirects add
  while (!queue_.empty() && budget-- > 0) {
    Candidate c = queue_.front();
    queue_.pop_front();
    if (c.kind == CandidateKind::kJsonV2) continue;  // run last, against the answering host
    Step step = Try(c);
    if (step == Step::kFound) break;
    if (step == Step::kStop) {
      stopped = true;
      break;
    }
  }
  result_.final_address = address_;
  if (first_answer_) {
    SecondRequest();
    const auto& any = result_.answer ? *result_.answer : *result_.mapi_answer;
    result_.mailbox = exchange::DetectMailboxVersion(any);
    result_.choice = exchange::ChooseOutlookTransport(
        result_.mapi_answer ? *result_.mapi_answer : any,
        {.client_asked_mapi_http = options_.mapi_http, .external = options_.external});
    result_.findings.push_back(MakeFinding(
        "exchange.autodiscover.ok",
        result_.answered_by + " answered " + address_ + " with settings",
        {"display name: " + any.user.display_name, "legacy DN: " + any.user.legacy_dn}));
    auto provider = JudgeProvider(result_.mailbox, result_.choice);
    result_.findings.insert(result_.findings.end(), provider.begin(), provider.end());
  } else if (!stopped) {
    std::vector<std::string> evidence;
    for (const auto& row : result_.candidates)
      evidence.push_back(row.candidate.target + ": " + row.result + " " + row.detail);
    result_.findings.push_back(MakeFinding("exchange.autodiscover.not_found",
                                           "No candidate answered with settings for " + address_ +
                                               " (" + std::to_string(result_.candidates.size()) +
                                               " tried)",
                                           evidence));
  }
  if (candidate_options_.include_json_v2 && !ledger_.rejected && !deadline_.Expired()) JsonV2();
}

}  // namespace

AutodiscoverCheckResult RunAutodiscoverCheck(const AutodiscoverCheckOptions& options,
                                             CredentialLedger& ledger) {
  auto start = Clock::now();
  AutodiscoverCheckResult result;
  result.address = options.address;
  Discovery(options, result, ledger).Run();
  result.ledger = ledger;
  result.duration_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  return result;
}

AutodiscoverCheckResult RunAutodiscoverCheck(const AutodiscoverCheckOptions& options) {
  CredentialLedger ledger;
  ledger.budget = options.credentials.attempt_budget;
  return RunAutodiscoverCheck(options, ledger);
}

}  // namespace probe::checks
