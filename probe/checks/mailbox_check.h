// The `check EMAIL` flow: Autodiscover, then TLS and the certificate of every endpoint the
// answer names (namespace coverage; the msstd: principal where Outlook uses RPC/HTTP), the
// managed-availability health pages, authentication on the transport Outlook picks, and EWS.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "probe/checks/auth_check.h"
#include "probe/checks/autodiscover_check.h"
#include "probe/checks/cert_check.h"
#include "probe/checks/ews_check.h"
#include "probe/core/finding.h"
#include "probe/tls/x509_verify.h"

namespace probe::checks {

struct MailboxCheckOptions {
  /// The discovery (address, credentials, network, --dry-run); its timeout is the whole run's.
  AutodiscoverCheckOptions autodiscover;
  const tls::TrustAnchors* anchors = nullptr;  // --ca-file for the certificate checks
  bool health = true;                          // the /<vdir>/healthcheck.htm pages
  std::string free_busy;                       // --free-busy OTHER for the EWS step
};

/// A managed-availability page, fetched without credentials.
struct HealthPage {
  std::string url;
  int status = 0;
  std::string detail;  // the first line of the body, or why nothing came back
};

/// One host:port the answer names, with every use of it, its certificate and its health pages.
struct Endpoint {
  std::string host;
  std::uint16_t port = 443;
  std::vector<std::string> uses;   // "Autodiscover", "EWS https://...", "RPC proxy (EXPR)", ...
  std::vector<std::string> vdirs;  // health pages to fetch: "ews", "mapi", "rpc", ...
  bool rpc_proxy = false;          // Outlook Anywhere goes through here: msstd: is checked
  std::string cert_principal;      // the msstd: principal checked, when rpc_proxy
  std::optional<CertCheckResult> cert;
  std::vector<HealthPage> health;

  bool NameCovered() const;  // the certificate covers `host` for every client
};

struct MailboxCheckResult {
  std::string address;
  AutodiscoverCheckResult autodiscover;
  std::vector<Endpoint> endpoints;
  std::string transport_url;  // the URL the transport's authentication was proven on
  std::optional<AuthCheckResult> transport_auth;
  std::optional<EwsCheckResult> ews;
  std::vector<Finding> findings;  // every step's, worst first
  CredentialLedger ledger;
  double duration_ms = 0;
};

/// Runs the chain. Never fails: what could not be found out is a finding or an error in the
/// step's result; credentials stop at the first rejection.
MailboxCheckResult RunMailboxCheck(const MailboxCheckOptions& options);

/// The endpoints an answer names, on the side Outlook uses (external by default): the
/// Autodiscover host, the RPC proxy when Outlook uses RPC/HTTP, and the hosts of the EWS, OAB,
/// OWA and MAPI/HTTP URLs. Pure.
std::vector<Endpoint> EndpointsOf(const AutodiscoverCheckResult& discovery, bool external);

/// Sorts worst first, keeping the order of equal severities.
void SortWorstFirst(std::vector<Finding>& findings);

}  // namespace probe::checks
