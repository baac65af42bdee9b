// Text reports: what a person reads in a terminal.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "probe/checks/tls_check.h"
#include "probe/core/finding.h"
#include "probe/diagnosis/catalogue.h"

namespace probe::report {

struct TextOptions {
  bool verbose = false;       // also print cause and remediation of ok/info findings
  bool show_secrets = false;  // --show-secrets: decoded tokens with responses and keys in hex
};

std::string TlsReportText(const checks::TlsCheckResult& result, const TextOptions& options);
/// The findings block shared by every command's text report. Its "Result:" line names
/// `exit_code` when the command decides it otherwise (an error exits 3 whatever was found).
std::string FindingsText(const std::vector<Finding>& findings, const TextOptions& options,
                         std::optional<ExitCode> exit_code = std::nullopt);
/// `exprobe findings`: the catalogue as a list.
std::string CatalogueText(std::span<const diagnosis::CatalogueEntry> entries);

}  // namespace probe::report
