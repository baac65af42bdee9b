// The `cert` check: the chain as sent and as built to a trust anchor, validity, key and signature
// strength, host names per client, Outlook Anywhere's msstd: principal, SNI versus no SNI, and
// revocation reachability. AnalyzeChain is the offline part, shared with the `tls` check.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "probe/core/finding.h"
#include "probe/core/trace.h"
#include "probe/net/address.h"
#include "probe/tls/certificate.h"
#include "probe/tls/name_match.h"
#include "probe/tls/revocation.h"
#include "probe/tls/version.h"
#include "probe/tls/x509_verify.h"

namespace probe::checks {

/// What the offline analysis judges against.
struct CertAnalysisOptions {
  std::vector<std::string> names;              // names clients use (the SNI/host name first)
  std::optional<tls::MsstdPrincipal> msstd;    // none: no msstd: check
  const tls::TrustAnchors* anchors = nullptr;  // null: the system store
  int warn_days = 30;
  int crit_days = 7;
  std::optional<std::int64_t> now;  // Unix time; the clock when unset (tests pin it)
};

/// One caIssuers URL fetched with --fetch-aia.
struct AiaFetch {
  std::string url;
  bool ok = false;
  std::string detail;                          // what came back, or why nothing did
  std::vector<tls::CertificateSummary> certs;  // the certificates it held
};

/// Every client's verdict on one name.
struct NameVerdict {
  std::string name;
  std::vector<tls::NameMatch> clients;  // in kNameClients order
  bool AllMatch() const;
};

/// The offline analysis of one chain: data plus findings (never fails).
struct CertAnalysis {
  std::vector<tls::CertificateSummary> sent;
  std::string trust_store;  // description of the anchors used
  tls::ChainVerification verification;
  std::vector<std::string> aia_urls;  // caIssuers URLs of the certificate whose issuer is missing
  std::vector<AiaFetch> aia;          // what --fetch-aia fetched
  std::vector<NameVerdict> names;
  std::optional<tls::MsstdResult> msstd;
  std::vector<Finding> findings;
};

/// Judges a chain as sent (leaf first): trust and completeness, validity, key and signature
/// strength, names per client, wildcard, msstd:. No network: `aia` carries certificates fetched
/// beforehand (see RunCertCheck). This is the one code path `exprobe tls` uses for its
/// certificate findings.
CertAnalysis AnalyzeChain(const std::vector<tls::CertificateSummary>& as_sent,
                          const CertAnalysisOptions& options,
                          const std::vector<AiaFetch>& aia = {});

struct CertCheckOptions {
  std::string host;
  std::uint16_t port = 443;
  std::string sni;  // defaults to host (no SNI for an IP literal)
  net::NetOptions net;
  std::chrono::milliseconds timeout{10000};  // total: resolution, handshakes, AIA, revocation
  /// names: the SNI/host is added first; msstd: defaults to msstd:<sni or host> unless
  /// `check_msstd` is false.
  CertAnalysisOptions analysis;
  bool check_msstd = true;
  bool fetch_aia = false;
  bool check_revocation = true;
  TraceSink* trace = nullptr;
};

/// The same endpoint asked without SNI.
struct SniComparison {
  bool completed = false;  // the handshake without SNI completed
  bool same = false;       // ... and gave the same leaf
  std::optional<tls::CertificateSummary> leaf;
  std::string detail;
};

struct CertCheckResult {
  std::string host;
  std::uint16_t port = 0;
  std::string sni;
  std::string address;
  std::string resolved_via;
  std::optional<tls::TlsVersion> version;  // of the handshake that gave the chain
  std::string handshake_detail;
  CertAnalysis analysis;
  std::optional<SniComparison> without_sni;  // unset when no SNI is sent (IP target)
  std::vector<tls::RevocationCheck> revocation;
  std::vector<Finding> findings;  // analysis, SNI and revocation findings, or why none could run
  double duration_ms = 0;
};

/// Runs the check. Never fails: an endpoint that cannot be reached is a critical finding.
CertCheckResult RunCertCheck(const CertCheckOptions& options);

}  // namespace probe::checks
