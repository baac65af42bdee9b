#include "probe/runner/cert_module.h"

#include "probe/checks/cert_check.h"
#include "probe/report/cert_report.h"
#include "probe/runner/cert_metrics.h"
#include "probe/runner/module_options.h"

namespace probe::runner {
namespace {

constexpr std::string_view kMeasures[] = {"cert_days"};

class CertModule : public Module {
 public:
  CertModule(checks::CertCheckOptions base, std::optional<tls::TrustAnchors> anchors)
      : base_(std::move(base)), anchors_(std::move(anchors)) {}

  int connections() const override { return 1; }  // one handshake at a time

  Result<void> ValidateTarget(const ModuleTarget& t) const override {
    return net::ParseHostPort(t.target, 443).map([](auto&&) {});
  }

  CheckOutcome Run(const ModuleTarget& t, std::chrono::milliseconds timeout) const override {
    CheckOutcome out;
    auto host_port = net::ParseHostPort(t.target, 443);
    if (!host_port) {
      out.error = host_port.error().With("target");
      return out;
    }
    checks::CertCheckOptions options = base_;
    options.host = host_port->host;
    options.port = host_port->port;
    options.sni = t.sni;
    options.net = t.net;
    options.timeout = timeout;
    options.analysis.anchors = anchors_ ? &*anchors_ : nullptr;
    checks::CertCheckResult r = checks::RunCertCheck(options);
    out.duration_ms = r.duration_ms;
    out.findings = r.findings;
    out.report = report::CertReportJson(r);
    AddChainMetrics(r.analysis, std::nullopt, out);
    AddTlsVersionInfo(r.version, out);
    return out;
  }

 private:
  checks::CertCheckOptions base_;
  std::optional<tls::TrustAnchors> anchors_;
};

Result<std::unique_ptr<Module>> Parse(const ModuleContext& c) {
  checks::CertCheckOptions options;
  std::optional<tls::TrustAnchors> anchors;
  if (c.options.IsDefined()) {
    const auto& r = c.reader;
    const std::string where = c.where + ": cert";
    if (auto keys = r.Keys(
            c.options, where,
            {"ca_file", "names", "msstd", "warn_days", "crit_days", "revocation", "fetch_aia"});
        !keys) {
      return Fail(keys.error());
    }
    auto loaded = LoadAnchors(c, where);
    if (!loaded) return Fail(loaded.error());
    anchors = std::move(*loaded);
    auto names = r.TextList(c.options, "names", where);
    if (!names) return Fail(names.error());
    options.analysis.names = *names;
    if (auto days = ParseDays(c, where, options.analysis); !days) return Fail(days.error());
    auto msstd = r.Text(c.options, "msstd", where);
    if (!msstd) return Fail(msstd.error());
    if (*msstd == "none") {
      options.check_msstd = false;
    } else if (!msstd->empty()) {
      auto principal = tls::ParseMsstdPrincipal(*msstd);
      if (!principal) {
        return r.Invalid(r.At(c.options, "msstd"), where + ": msstd: " + principal.error().message);
      }
      options.analysis.msstd = *principal;
    }
    auto revocation = r.Flag(c.options, "revocation", where);
    if (!revocation) return Fail(revocation.error());
    options.check_revocation = revocation->value_or(true);
    auto aia = r.Flag(c.options, "fetch_aia", where);
    if (!aia) return Fail(aia.error());
    options.fetch_aia = aia->value_or(false);
  }
  return std::make_unique<CertModule>(std::move(options), std::move(anchors));
}

}  // namespace

const ModuleKind& CertModuleKind() {
  static const ModuleKind kind{
      "cert", "chain, trust, expiry, key and signature, names per client, msstd:, revocation",
      std::span<const MetricFamily>(kChainFamilies), kMeasures, Parse};
  return kind;
}

}  // namespace probe::runner
