// `exprobe check EMAIL` reports: one document for the whole chain. Text: the discovery, a table
// of protocols and one of endpoints (TLS, certificate, msstd:, health), authentication and EWS,
// then every finding worst first. JSON: schema "exprobe/1", "command":"check".
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "probe/checks/mailbox_check.h"
#include "probe/report/text_report.h"

namespace probe::report {

ExitCode CheckExitCode(const checks::MailboxCheckResult& result);

nlohmann::json CheckReportJson(const checks::MailboxCheckResult& result);
std::string CheckReportText(const checks::MailboxCheckResult& result, const TextOptions& options);

}  // namespace probe::report
