// JSON reports (schema "exprobe/1"): the machine contract of every command.
#pragma once

#include <nlohmann/json.hpp>

#include "probe/checks/tls_check.h"
#include "probe/core/finding.h"
#include "probe/diagnosis/catalogue.h"
#include "probe/tls/certificate.h"

namespace probe::report {

nlohmann::json ToJson(const Finding& finding);
nlohmann::json ToJson(const tls::CertificateSummary& cert);
nlohmann::json ToJson(const diagnosis::CatalogueEntry& entry);
/// The whole `exprobe tls` document, with status and exit code derived from the findings.
nlohmann::json TlsReportJson(const checks::TlsCheckResult& result);
/// "0xC02F": suite ids as JSON and text spell them.
std::string SuiteId(std::uint16_t id);

}  // namespace probe::report
