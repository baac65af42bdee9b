#include "probe/checks/mailbox_check.h"

#include <algorithm>

#include "probe/diagnosis/catalogue.h"
#include "probe/exchange/autodiscover_policy.h"

namespace probe::checks {

using diagnosis::MakeFinding;
using exchange::ProtocolType;

namespace {

Endpoint& EndpointFor(std::vector<Endpoint>& list, const std::string& host, std::uint16_t port) {
  for (auto& e : list) {
    if (e.host == host && e.port == port) return e;
  }
  Endpoint e;
  e.host = host;
  e.port = port;
  list.push_back(std::move(e));
  return list.back();
}

void AddVdir(Endpoint& e, std::string vdir) {
  if (std::find(e.vdirs.begin(), e.vdirs.end(), vdir) == e.vdirs.end())
    e.vdirs.push_back(std::move(vdir));
}

// Records `url` (https only: an http URL is Outlook's problem, not a certificate's) as a use.
void AddUrl(std::vector<Endpoint>& list, const std::string& what, const std::string& url,
            const std::string& vdir) {
  if (url.empty()) return;
  auto parts = exchange::SplitUrl(url);
  if (!parts || parts->scheme != "https") return;
  Endpoint& e = EndpointFor(list, parts->host, parts->port);
  std::string use = what + " " + url;
  if (std::find(e.uses.begin(), e.uses.end(), use) == e.uses.end()) e.uses.push_back(use);
  if (!vdir.empty()) AddVdir(e, vdir);
}

const std::string& Side(const std::string& external, const std::string& internal, bool ext) {
  return ext ? (external.empty() ? internal : external) : (internal.empty() ? external : internal);
}

void AddAnswer(std::vector<Endpoint>& list, const exchange::AutodiscoverResponse& answer,
               bool external) {
  // EXPR carries the external URLs, EXCH the internal ones (reference 1.4).
  const auto* block = answer.Find(external ? ProtocolType::kExpr : ProtocolType::kExch);
  if (!block) block = answer.Find(external ? ProtocolType::kExch : ProtocolType::kExpr);
  if (block) {
    AddUrl(list, "EWS", block->ews_url, "ews");
    AddUrl(list, "OAB", block->oab_url, "oab");
    AddUrl(list, "Availability", block->as_url, "ews");
  }
  for (const auto& p : answer.protocols) {
    if (p.type == ProtocolType::kMapiHttp) {
      AddUrl(list, "MAPI/HTTP MailStore",
             Side(p.mail_store.external_url, p.mail_store.internal_url, external), "mapi");
      AddUrl(list, "MAPI/HTTP AddressBook",
             Side(p.address_book.external_url, p.address_book.internal_url, external), "mapi");
    }
    if (p.type == ProtocolType::kWeb) {
      const auto& side = external ? p.web_external : p.web_internal;
      if (side) AddUrl(list, "OWA", side->owa_url, "owa");
    }
  }
}

std::string HealthUrl(const Endpoint& e, const std::string& vdir) {
  std::string port = e.port == 443 ? "" : ":" + std::to_string(e.port);
  return "https://" + e.host + port + "/" + vdir + "/healthcheck.htm";
}

std::string FirstLine(const std::string& body) {
  std::string line = body.substr(0, std::min(body.find('\n'), std::size_t{120}));
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::string Prefixed(const Endpoint& e, const std::string& summary) {
  return e.host + (e.port == 443 ? "" : ":" + std::to_string(e.port)) + ": " + summary;
}

// The certificate check's findings for one endpoint, as the mailbox report needs them: a name
// the certificate does not cover becomes cert.namespace_not_covered (naming what uses it);
// ok findings are summed up once for all endpoints (cert.namespace_ok), msstd: kept.
void CertFindings(const Endpoint& e, std::vector<Finding>& out) {
  for (const auto& f : e.cert->findings) {
    if (f.id == "cert.name_mismatch") {
      std::vector<std::string> evidence = e.uses;
      evidence.insert(evidence.end(), f.evidence.begin(), f.evidence.end());
      out.push_back(MakeFinding(
          "cert.namespace_not_covered",
          Prefixed(e, "the certificate does not cover " + e.host + ", which the answer names for " +
                          std::to_string(e.uses.size()) + " use(s)"),
          evidence));
      continue;
    }
    if (f.severity == Severity::kOk && f.id != "cert.msstd_ok") continue;
    Finding copy = f;
    copy.summary = Prefixed(e, f.summary);
    out.push_back(std::move(copy));
  }
}

void CheckEndpoint(Endpoint& e, const MailboxCheckOptions& options, const Deadline& deadline) {
  CertCheckOptions c;
  c.host = e.host;
  c.port = e.port;
  c.net = options.autodiscover.http.net;
  c.timeout = std::min(options.autodiscover.step_timeout,
                       std::chrono::milliseconds(deadline.RemainingMs()));
  c.analysis.anchors = options.anchors;
  c.check_revocation = false;  // `exprobe cert` does it; here it would slow every endpoint
  c.check_msstd = e.rpc_proxy;
  if (e.rpc_proxy) {
    if (auto principal = tls::ParseMsstdPrincipal(e.cert_principal)) c.analysis.msstd = *principal;
  }
  c.trace = options.autodiscover.http.trace;
  e.cert = RunCertCheck(c);
}

void FetchHealth(Endpoint& e, const MailboxCheckOptions& options, const Deadline& deadline) {
  for (const auto& vdir : e.vdirs) {
    HealthPage page;
    page.url = HealthUrl(e, vdir);
    auto response = AnonymousRequest(page.url, "GET", {}, options.autodiscover.http,
                                     deadline.Capped(options.autodiscover.step_timeout));
    if (!response) {
      page.detail = response.error().message;
    } else {
      page.status = response->status;
      page.detail = FirstLine(response->body);
    }
    e.health.push_back(std::move(page));
  }
}

void HealthFindings(const std::vector<Endpoint>& endpoints, std::vector<Finding>& out) {
  std::vector<std::string> failed, all;
  for (const auto& e : endpoints) {
    for (const auto& p : e.health) {
      std::string line =
          p.url + ": " +
          (p.status ? "HTTP " + std::to_string(p.status) : std::string("no answer")) +
          (p.detail.empty() ? "" : " " + p.detail);
      all.push_back(line);
      if (p.status != 200) failed.push_back(line);
    }
  }
  if (all.empty()) return;
  if (!failed.empty()) {
    out.push_back(MakeFinding("exchange.health.failed",
                              std::to_string(failed.size()) + " of " + std::to_string(all.size()) +
                                  " health page(s) do not answer 200: " + failed.front(),
                              failed));
  } else {
    out.push_back(MakeFinding("exchange.health.ok",
                              "All " + std::to_string(all.size()) + " health page(s) answer 200",
                              all));
  }
}

// The URL whose authentication Outlook depends on: the MAPI/HTTP mailbox endpoint, or the RPC
// proxy with the RPC server and the mailbox store's port (reference 4.1).
std::string TransportUrl(const exchange::OutlookChoice& choice) {
  if (choice.transport == exchange::OutlookTransport::kMapiHttp) return choice.mail_store_url;
  if (choice.transport == exchange::OutlookTransport::kRpcHttp && !choice.proxy_server.empty()) {
    return "https://" + choice.proxy_server + "/rpc/rpcproxy.dll?" + choice.rpc_server + ":6001";
  }
  return "";
}

}  // namespace

bool Endpoint::NameCovered() const {
  if (!cert) return false;
  for (const auto& n : cert->analysis.names) {
    if (n.name == host) return n.AllMatch();
  }
  return false;
}

void SortWorstFirst(std::vector<Finding>& findings) {
  std::stable_sort(findings.begin(), findings.end(),
                   [](const Finding& a, const Finding& b) { return a.severity > b.severity; });
}

std::vector<Endpoint> EndpointsOf(const AutodiscoverCheckResult& d, bool external) {
  std::vector<Endpoint> list;
  if (!d.answered_by.empty()) AddUrl(list, "Autodiscover", d.answered_by, "autodiscover");
  const auto& choice = d.choice;
  if (choice.transport == exchange::OutlookTransport::kRpcHttp && !choice.proxy_server.empty()) {
    Endpoint& e = EndpointFor(list, choice.proxy_server, 443);
    e.uses.push_back("RPC proxy (" +
                     std::string(exchange::ProtocolTypeName(choice.proxy_protocol)) +
                     " Server, Outlook Anywhere)");
    e.rpc_proxy = true;
    e.cert_principal = choice.cert_principal;
    AddVdir(e, "rpc");
  }
  if (d.mapi_answer) AddAnswer(list, *d.mapi_answer, external);
  if (d.answer) AddAnswer(list, *d.answer, external);
  return list;
}

MailboxCheckResult RunMailboxCheck(const MailboxCheckOptions& options) {
  auto start = Clock::now();
  MailboxCheckResult result;
  result.address = options.autodiscover.address;
  Deadline deadline = Deadline::After(options.autodiscover.timeout);
  CredentialLedger ledger;
  ledger.budget = options.autodiscover.credentials.attempt_budget;

  result.autodiscover = RunAutodiscoverCheck(options.autodiscover, ledger);
  std::vector<Finding>& out = result.findings;
  out = result.autodiscover.findings;
  const auto& d = result.autodiscover;
  bool found = d.answer || d.mapi_answer;
  if (found) {
    result.endpoints = EndpointsOf(d, options.autodiscover.external);
    std::size_t covered = 0;
    for (auto& e : result.endpoints) {
      CheckEndpoint(e, options, deadline);
      if (options.health) FetchHealth(e, options, deadline);
      CertFindings(e, out);
      if (e.NameCovered()) ++covered;
    }
    if (!result.endpoints.empty() && covered == result.endpoints.size()) {
      std::vector<std::string> hosts;
      for (const auto& e : result.endpoints) {
        if (e.cert && !e.cert->analysis.sent.empty())
          hosts.push_back(e.host + ": " + e.cert->analysis.sent.front().subject);
      }
      out.push_back(MakeFinding(
          "cert.namespace_ok",
          "The certificates cover all " + std::to_string(covered) + " host(s) the answer names",
          hosts));
    }
    HealthFindings(result.endpoints, out);

    result.transport_url = TransportUrl(d.choice);
    auto transport_rule = CredentialRule(result.transport_url, d.address,
                                         options.autodiscover.candidates.allow_hosts);
    if (!result.transport_url.empty() && !transport_rule.allowed) {
      out.push_back(
          MakeFinding("exchange.credentials_refused",
                      "Credentials for " + d.final_address + " refused to " + result.transport_url,
                      {transport_rule.reason}));
    } else if (!result.transport_url.empty() && !ledger.rejected) {
      AuthCheckResult auth = AuthenticatedRequest(
          result.transport_url, "GET", std::nullopt, {}, options.autodiscover.credentials,
          options.autodiscover.http, deadline, options.autodiscover.step_timeout, ledger);
      for (auto f : auth.findings) {
        f.summary = std::string(exchange::OutlookTransportName(d.choice.transport)) + " " +
                    result.transport_url + ": " + f.summary;
        out.push_back(std::move(f));
      }
      result.transport_auth = std::move(auth);
    }

    std::string ews_url =
        EwsUrlFromAnswer(d.answer ? *d.answer : *d.mapi_answer, options.autodiscover.external);
    if (!ews_url.empty() && !ledger.rejected) {
      EwsCheckOptions ews;
      ews.url = ews_url;
      ews.mailbox = d.final_address;
      ews.free_busy = options.free_busy;
      ews.credentials = options.autodiscover.credentials;
      ews.allow_hosts = options.autodiscover.candidates.allow_hosts;
      ews.http = options.autodiscover.http;
      ews.timeout = std::chrono::milliseconds(std::max(1, deadline.RemainingMs()));
      ews.step_timeout = options.autodiscover.step_timeout;
      ews.autodiscover_mailbox = d.mailbox;
      result.ews = RunEwsCheck(ews, ledger);
      out.insert(out.end(), result.ews->findings.begin(), result.ews->findings.end());
    }
  }
  SortWorstFirst(out);
  result.ledger = ledger;
  result.duration_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  return result;
}

}  // namespace probe::checks
