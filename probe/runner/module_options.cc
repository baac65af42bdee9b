#include "probe/runner/module_options.h"

#include <fmt/format.h>

namespace probe::runner {

Result<std::optional<tls::TrustAnchors>> LoadAnchors(const ModuleContext& c,
                                                     const std::string& where) {
  auto file = c.reader.Text(c.options, "ca_file", where);
  if (!file) return Fail(file.error());
  if (file->empty()) return std::optional<tls::TrustAnchors>();
  auto anchors = tls::TrustAnchors::FromFile(c.Path(*file));
  if (!anchors) {
    return c.reader.Invalid(c.reader.At(c.options, "ca_file"),
                            fmt::format("{}: ca_file: {}", where, anchors.error().message));
  }
  return std::optional(std::move(*anchors));
}

Result<void> ParseDays(const ModuleContext& c, const std::string& where,
                       checks::CertAnalysisOptions& analysis) {
  auto warn = c.reader.Integer(c.options, "warn_days", where, 0, 3650);
  if (!warn) return Fail(warn.error());
  if (*warn) analysis.warn_days = static_cast<int>(**warn);
  auto crit = c.reader.Integer(c.options, "crit_days", where, 0, 3650);
  if (!crit) return Fail(crit.error());
  if (*crit) analysis.crit_days = static_cast<int>(**crit);
  if (analysis.crit_days > analysis.warn_days) {
    return c.reader.Invalid(c.reader.At(c.options, "crit_days"),
                            fmt::format("{}: crit_days {} is above warn_days {}", where,
                                        analysis.crit_days, analysis.warn_days));
  }
  return {};
}

}  // namespace probe::runner
