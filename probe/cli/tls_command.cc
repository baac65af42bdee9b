#include "probe/cli/tls_command.h"

#include <fmt/format.h>

#include <memory>

#include "probe/checks/tls_check.h"
#include "probe/cli/common.h"
#include "probe/report/json_report.h"
#include "probe/report/text_report.h"
#include "probe/tls/client_profiles.h"

namespace probe::cli {
namespace {

struct TlsArgs {
  std::string target;
  std::string sni;
  std::vector<std::string> clients;
  std::vector<std::string> names;
  std::string ca_file;
  CommonOptions common;
};

int RunTls(const TlsArgs& args) {
  auto host_port = net::ParseHostPort(args.target, 443);
  if (!host_port) return UsageError(fmt::format("tls: target {}", host_port.error().message));
  auto net_options = ParseNetOptions(args.common);
  if (!net_options) return UsageError("tls: " + net_options.error().message);
  auto format = ParseFormat(args.common);
  if (!format) return UsageError("tls: " + format.error().message);
  auto timeout = ParseTimeout(args.common);
  if (!timeout) return UsageError("tls: " + timeout.error().message);
  auto clients = tls::ResolveClientProfiles(args.clients);
  if (!clients) return UsageError("tls: " + clients.error().message);

  std::vector<std::string> names;
  for (const auto& text : args.names) {
    auto name = ParseName("--name", text);
    if (!name) return UsageError("tls: " + name.error().message);
    names.push_back(*name);
  }
  std::optional<tls::TrustAnchors> anchors;
  if (!args.ca_file.empty()) {
    auto loaded = tls::TrustAnchors::FromFile(args.ca_file);
    if (!loaded) return UsageError("tls: --ca-file: " + loaded.error().message);
    anchors = std::move(*loaded);
  }

  StderrTrace trace;
  checks::TlsCheckOptions options;
  options.cert.names = names;
  options.cert.anchors = anchors ? &*anchors : nullptr;
  options.host = host_port->host;
  options.port = host_port->port;
  options.sni = args.sni;
  options.clients = *clients;
  options.net = *net_options;
  options.timeout = *timeout;
  options.trace = args.common.verbose ? &trace : nullptr;
  checks::TlsCheckResult result = checks::RunTlsCheck(options);

  if (*format == Format::kJson) {
    fmt::print("{}\n", report::TlsReportJson(result).dump(2));
  } else {
    fmt::print("{}", report::TlsReportText(result, {.verbose = args.common.verbose}));
  }
  return static_cast<int>(ExitCodeFor(WorstSeverity(result.findings)));
}

}  // namespace

std::function<int()> AddTlsCommand(CLI::App& app) {
  auto args = std::make_shared<TlsArgs>();
  CLI::App* cmd = app.add_subcommand(
      "tls",
      "Protocol versions a real client completes, the suite each negotiates, the chain as sent");
  cmd->add_option("target", args->target, "HOST[:PORT] (port 443 by default; [v6]:port)")
      ->required()
      ->type_name("HOST[:PORT]");
  cmd->add_option("--sni", args->sni, "server name to send (default: HOST)");
  cmd->add_option("--client", args->clients,
                  "simulate a Windows client's own ClientHello (repeatable; 'all'; see "
                  "exprobe client list)")
      ->type_name("PROFILE");
  cmd->add_option("--name", args->names,
                  "another host name clients use, checked against the certificate (repeatable)")
      ->type_name("NAME");
  cmd->add_option("--ca-file", args->ca_file,
                  "trust anchors (PEM bundle or DER); default: the system store")
      ->type_name("FILE");
  AddCommonOptions(*cmd, args->common);
  return [args] { return RunTls(*args); };
}

}  // namespace probe::cli
