#include "probe/cli/cert_command.h"

#include <fmt/format.h>

#include <memory>
#include <optional>

#include "probe/checks/cert_check.h"
#include "probe/cli/common.h"
#include "probe/report/cert_report.h"

namespace probe::cli {
namespace {

struct CertArgs {
  std::string target;
  std::string sni;
  std::vector<std::string> names;
  std::string msstd;
  std::string ca_file;
  int warn_days = 30;
  int crit_days = 7;
  bool fetch_aia = false;
  bool no_revocation = false;
  CommonOptions common;
};

Result<void> CheckDays(const CertArgs& args) {
  if (args.warn_days < 0 || args.warn_days > 3650) {
    return Fail(
        ErrorCode::kInvalidArgument,
        fmt::format("--warn-days {} is not a number of days from 0 to 3650", args.warn_days));
  }
  if (args.crit_days < 0 || args.crit_days > args.warn_days) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("--crit-days {} is not a number of days from 0 to --warn-days ({})",
                            args.crit_days, args.warn_days));
  }
  return {};
}

int RunCert(const CertArgs& args) {
  auto host_port = net::ParseHostPort(args.target, 443);
  if (!host_port) return UsageError(fmt::format("cert: target {}", host_port.error().message));
  auto net_options = ParseNetOptions(args.common);
  if (!net_options) return UsageError("cert: " + net_options.error().message);
  auto format = ParseFormat(args.common);
  if (!format) return UsageError("cert: " + format.error().message);
  auto timeout = ParseTimeout(args.common);
  if (!timeout) return UsageError("cert: " + timeout.error().message);
  if (auto days = CheckDays(args); !days) return UsageError("cert: " + days.error().message);

  checks::CertCheckOptions options;
  options.host = host_port->host;
  options.port = host_port->port;
  if (!args.sni.empty()) {
    auto sni = ParseName("--sni", args.sni);
    if (!sni) return UsageError("cert: " + sni.error().message);
    options.sni = *sni;
  }
  for (const auto& text : args.names) {
    auto name = ParseName("--name", text);
    if (!name) return UsageError("cert: " + name.error().message);
    options.analysis.names.push_back(*name);
  }
  if (args.msstd == "none" || args.msstd == "None") {
    options.check_msstd = false;
  } else if (!args.msstd.empty()) {
    auto principal = tls::ParseMsstdPrincipal(args.msstd);
    if (!principal)
      return UsageError(
          fmt::format("cert: --msstd '{}': {}", args.msstd, principal.error().message));
    options.analysis.msstd = *principal;
  }
  std::optional<tls::TrustAnchors> anchors;
  if (!args.ca_file.empty()) {
    auto loaded = tls::TrustAnchors::FromFile(args.ca_file);
    if (!loaded) return UsageError("cert: --ca-file: " + loaded.error().message);
    anchors = std::move(*loaded);
    options.analysis.anchors = &*anchors;
  }
  options.analysis.warn_days = args.warn_days;
  options.analysis.crit_days = args.crit_days;
  options.fetch_aia = args.fetch_aia;
  options.check_revocation = !args.no_revocation;
  options.net = *net_options;
  options.timeout = *timeout;
  StderrTrace trace;
  options.trace = args.common.verbose ? &trace : nullptr;

  checks::CertCheckResult result = checks::RunCertCheck(options);
  if (*format == Format::kJson) {
    fmt::print("{}\n", report::CertReportJson(result).dump(2));
  } else {
    fmt::print("{}", report::CertReportText(result, {.verbose = args.common.verbose}));
  }
  return static_cast<int>(ExitCodeFor(WorstSeverity(result.findings)));
}

}  // namespace

std::function<int()> AddCertCommand(CLI::App& app) {
  auto args = std::make_shared<CertArgs>();
  CLI::App* cmd = app.add_subcommand("cert",
                                     "Certificate chain, expiry, key and signature, host names per "
                                     "client, Outlook Anywhere msstd: principal");
  cmd->add_option("target", args->target, "HOST[:PORT] (port 443 by default; [v6]:port)")
      ->required()
      ->type_name("HOST[:PORT]");
  cmd->add_option("--sni", args->sni, "server name to send (default: HOST)");
  cmd->add_option("--name", args->names,
                  "another host name clients use (repeatable: mail., autodiscover., legacy.)")
      ->type_name("NAME");
  cmd->add_option("--msstd", args->msstd,
                  "Outlook Anywhere principal to check, msstd:NAME (default msstd:<sni or host>; "
                  "'none' skips it)")
      ->type_name("msstd:NAME");
  cmd->add_option("--ca-file", args->ca_file,
                  "trust anchors (PEM bundle or DER); default: the system store")
      ->type_name("FILE");
  cmd->add_option("--warn-days", args->warn_days, "warn when a certificate expires within N days")
      ->capture_default_str();
  cmd->add_option("--crit-days", args->crit_days,
                  "critical when a certificate expires within N days")
      ->capture_default_str();
  cmd->add_flag("--fetch-aia", args->fetch_aia,
                "fetch a missing issuer from its caIssuers (AIA) URL, as Windows does");
  cmd->add_flag("--no-revocation", args->no_revocation, "do not fetch CRLs or ask OCSP responders");
  AddCommonOptions(*cmd, args->common);
  return [args] { return RunCert(*args); };
}

}  // namespace probe::cli
