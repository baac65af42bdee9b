// `exprobe autodiscover` reports: the JSON contract (schema "exprobe/1", "command":"autodiscover":
// candidates, mailbox, transport, protocols, findings) and the text a person reads. The parts
// are public because `exprobe check` shows the same discovery.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "probe/checks/autodiscover_check.h"
#include "probe/report/text_report.h"

namespace probe::report {

/// UNKNOWN when the discovery could not run (bad address), else the worst finding.
ExitCode AutodiscoverExitCode(const checks::AutodiscoverCheckResult& result);

/// [{"url","result","kind","method","address","detail","http_status","credentials_sent",...}]
nlohmann::json CandidatesJson(const checks::AutodiscoverCheckResult& result);
/// {"version","product","major","legacy_dn","display_name","smtp_address","evidence"}
nlohmann::json MailboxJson(const checks::AutodiscoverCheckResult& result);
/// {"type":"mapi_http|rpc_http|none","reason",...}: what Outlook would use.
nlohmann::json TransportJson(const exchange::OutlookChoice& choice);
/// [{"type","server","cert_principal","urls":{...}}]: the plain answer's protocols, then the
/// mapiHttp protocol of the answer to X-MapiHttpCapability.
nlohmann::json ProtocolsJson(const checks::AutodiscoverCheckResult& result);
/// Findings worst first.
nlohmann::json FindingsJson(std::vector<Finding> findings);

nlohmann::json AutodiscoverReportJson(const checks::AutodiscoverCheckResult& result);
std::string AutodiscoverReportText(const checks::AutodiscoverCheckResult& result,
                                   const TextOptions& options);

/// The candidate table, the mailbox and transport lines, and the protocol table.
std::string CandidatesText(const checks::AutodiscoverCheckResult& result);
std::string AnswerText(const checks::AutodiscoverCheckResult& result);

}  // namespace probe::report
