// Reports of `exprobe client` (list, show, decode, fix) and of the client simulation that
// `exprobe tls --client` adds: the JSON contract (schema "exprobe/1") and the text a person reads.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "probe/checks/client_check.h"
#include "probe/core/finding.h"
#include "probe/report/text_report.h"
#include "probe/tls/client_profiles.h"
#include "probe/tls/registry_values.h"

namespace probe::report {

/// The "clients" array of the tls document: profile, connects, protocol, cipher_suite, fix, ...
nlohmann::json ClientsJson(const std::vector<checks::ClientVerdict>& verdicts);
/// The "Windows clients" block of the tls text report; "" when no client was simulated.
std::string ClientsText(const std::vector<checks::ClientVerdict>& verdicts,
                        const TextOptions& options);

/// `exprobe client list`: every profile and the Outlook-to-component table.
nlohmann::json ProfileListJson();
std::string ProfileListText(const TextOptions& options);

/// `exprobe client show PROFILE`: the whole ClientHello and the facts behind it.
nlohmann::json ProfileJson(const tls::ClientProfile& profile);
std::string ProfileText(const tls::ClientProfile& profile);

/// `exprobe client decode VALUE`.
struct DecodeReport {
  tls::DecodedProtocols decoded;
  std::vector<Finding> findings;
};
nlohmann::json DecodeReportJson(const DecodeReport& report);
std::string DecodeReportText(const DecodeReport& report, const TextOptions& options);

/// `exprobe client fix`: the .reg file's values, what to install first, and the file itself.
struct FixReport {
  const tls::ClientProfile* profile = nullptr;
  std::vector<tls::TlsVersion> enable;
  tls::RegistryFix fix;
  std::string written_to;  // the file the .reg went to, "" for stdout
};
nlohmann::json FixReportJson(const FixReport& report);
/// The summary printed when the .reg file went to a file.
std::string FixReportText(const FixReport& report);

}  // namespace probe::report
