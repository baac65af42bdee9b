// `exprobe cert` reports: the JSON contract (schema "exprobe/1", "command":"cert") and the text a
// person reads.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "probe/checks/cert_check.h"
#include "probe/report/text_report.h"

namespace probe::report {

/// One certificate as the cert report shows it: subject, issuer, san, validity, key, signature,
/// sha256, plus the URLs it names.
nlohmann::json CertJson(const tls::CertificateSummary& cert);

/// The judged chain (built chain, trust, names per client, msstd:) as the cert and tls reports
/// both show it.
nlohmann::json CertAnalysisJson(const checks::CertAnalysis& analysis);
std::string CertAnalysisText(const checks::CertAnalysis& analysis);

nlohmann::json CertReportJson(const checks::CertCheckResult& result);
std::string CertReportText(const checks::CertCheckResult& result, const TextOptions& options);

}  // namespace probe::report
