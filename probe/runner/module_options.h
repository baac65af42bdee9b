// Option readers the check modules share (trust anchors, certificate expiry days).
#pragma once

#include <optional>
#include <string>

#include "probe/checks/cert_check.h"
#include "probe/runner/module.h"
#include "probe/tls/x509_verify.h"

namespace probe::runner {

/// `ca_file:` loaded once for the module's lifetime; nullopt when absent (the system store).
Result<std::optional<tls::TrustAnchors>> LoadAnchors(const ModuleContext& context,
                                                     const std::string& where);
/// `warn_days:` and `crit_days:` (0-3650, crit at most warn) into `analysis`.
Result<void> ParseDays(const ModuleContext& context, const std::string& where,
                       checks::CertAnalysisOptions& analysis);

}  // namespace probe::runner
