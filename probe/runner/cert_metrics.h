// Samples and measures both the tls and the cert module derive from a certificate chain, under
// blackbox_exporter's names where it has one (probe_ssl_*), exprobe_cert_* otherwise.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "probe/checks/cert_check.h"
#include "probe/runner/module.h"
#include "probe/tls/version.h"

namespace probe::runner {

/// The families AddChainMetrics and AddTlsVersionInfo emit.
extern const MetricFamily kChainFamilies[6];

/// probe_ssl_earliest_cert_expiry, probe_ssl_last_chain_expiry_timestamp_seconds (trusted chains
/// only), probe_ssl_last_chain_info, exprobe_cert_not_after_timestamp_seconds,
/// exprobe_cert_trusted, and the `cert_days` measure (days until the earliest expiry).
void AddChainMetrics(const checks::CertAnalysis& analysis, std::optional<std::int64_t> now,
                     CheckOutcome& out);

/// probe_tls_version_info{version="TLS 1.3"}: the version a default client negotiates.
void AddTlsVersionInfo(std::optional<tls::TlsVersion> version, CheckOutcome& out);

}  // namespace probe::runner
