#include "probe/runner/tls_module.h"

#include <fmt/format.h>

#include "probe/checks/tls_check.h"
#include "probe/report/json_report.h"
#include "probe/runner/cert_metrics.h"
#include "probe/runner/module_options.h"
#include "probe/tls/client_profiles.h"

namespace probe::runner {
namespace {

const MetricFamily kFamilies[] = {
    kChainFamilies[0],
    kChainFamilies[1],
    kChainFamilies[2],
    kChainFamilies[3],
    kChainFamilies[4],
    kChainFamilies[5],
    {"exprobe_tls_protocol_accepted",
     "Whether the server accepts the protocol version (1) or not (0)."},
    {"exprobe_tls_handshake_completed",
     "Whether a full OpenSSL handshake completes at the protocol version (1) or not (0)."},
    {"exprobe_tls_handshake_seconds",
     "How long the full handshake at the version took, in seconds."},
    {"exprobe_tls_cipher_suites_accepted",
     "How many cipher suites the server accepts at the version (enumerate: true only)."},
};

constexpr std::string_view kMeasures[] = {"handshake_time", "cert_days"};

class TlsModule : public Module {
 public:
  TlsModule(checks::TlsCheckOptions base, std::optional<tls::TrustAnchors> anchors)
      : base_(std::move(base)), anchors_(std::move(anchors)) {}

  int connections() const override { return base_.enumerate ? 6 : 4; }

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
    checks::TlsCheckOptions options = base_;
    options.host = host_port->host;
    options.port = host_port->port;
    options.sni = t.sni;
    options.net = t.net;
    options.timeout = timeout;
    options.cert.anchors = anchors_ ? &*anchors_ : nullptr;
    checks::TlsCheckResult r = checks::RunTlsCheck(options);
    out.duration_ms = r.duration_ms;
    out.findings = r.findings;
    out.report = report::TlsReportJson(r);
    AddSamples(r, out);
    return out;
  }

 private:
  static void AddSamples(const checks::TlsCheckResult& r, CheckOutcome& out) {
    const checks::ProtocolProbe* newest = nullptr;
    for (const auto& p : r.protocols) {
      std::string version(tls::VersionDisplay(p.version));
      bool known = (p.scan && !p.scan->error) || p.handshake;
      if (known) {
        out.samples.push_back(
            {"exprobe_tls_protocol_accepted", {{"version", version}}, p.accepted() ? 1.0 : 0.0});
      }
      if (p.scan && !p.scan->error && p.scan->accepted) {
        out.samples.push_back({"exprobe_tls_cipher_suites_accepted",
                               {{"version", version}},
                               static_cast<double>(p.scan->suites.size())});
      }
      if (!p.handshake) continue;
      out.samples.push_back(
          {"exprobe_tls_handshake_completed", {{"version", version}}, p.completed() ? 1.0 : 0.0});
      if (p.completed()) {
        out.samples.push_back({"exprobe_tls_handshake_seconds",
                               {{"version", version}},
                               p.handshake->elapsed_ms / 1000.0});
        newest = &p;
      }
    }
    if (newest) {
      AddTlsVersionInfo(newest->version, out);
      out.measures.push_back({"handshake_time", newest->handshake->elapsed_ms / 1000.0, "s"});
    }
    if (r.certificate) AddChainMetrics(*r.certificate, std::nullopt, out);
  }

  checks::TlsCheckOptions base_;
  std::optional<tls::TrustAnchors> anchors_;
};

Result<std::unique_ptr<Module>> Parse(const ModuleContext& c) {
  checks::TlsCheckOptions options;
  std::optional<tls::TrustAnchors> anchors;
  if (c.options.IsDefined()) {
    const auto& r = c.reader;
    const std::string where = c.where + ": tls";
    if (auto keys = r.Keys(c.options, where,
                           {"enumerate", "ca_file", "names", "warn_days", "crit_days", "clients"});
        !keys) {
      return Fail(keys.error());
    }
    auto enumerate = r.Flag(c.options, "enumerate", where);
    if (!enumerate) return Fail(enumerate.error());
    options.enumerate = enumerate->value_or(true);
    auto loaded = LoadAnchors(c, where);
    if (!loaded) return Fail(loaded.error());
    anchors = std::move(*loaded);
    auto names = r.TextList(c.options, "names", where);
    if (!names) return Fail(names.error());
    options.cert.names = *names;
    if (auto days = ParseDays(c, where, options.cert); !days) return Fail(days.error());
    auto clients = r.TextList(c.options, "clients", where);
    if (!clients) return Fail(clients.error());
    auto profiles = tls::ResolveClientProfiles(*clients);
    if (!profiles)
      return r.Invalid(r.At(c.options, "clients"), where + ": " + profiles.error().message);
    options.clients = *profiles;
  }
  return std::make_unique<TlsModule>(std::move(options), std::move(anchors));
}

}  // namespace

const ModuleKind& TlsModuleKind() {
  static const ModuleKind kind{
      "tls",
      "protocol versions SSL 2.0-TLS 1.3, suites, a real handshake per version, the chain judged",
      kFamilies, kMeasures, Parse};
  return kind;
}

}  // namespace probe::runner
