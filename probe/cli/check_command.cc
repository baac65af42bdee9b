#include "probe/cli/check_command.h"

#include <fmt/format.h>

#include <memory>

#include "probe/checks/mailbox_check.h"
#include "probe/cli/exchange_options.h"
#include "probe/report/check_report.h"

namespace probe::cli {
namespace {

struct CheckArgs {
  std::string address;
  std::string url;
  std::string free_busy;
  bool dry_run = false;
  bool no_health = false;
  bool no_mapi_http = false;
  bool internal = false;
  bool exclude_root = false;
  bool exclude_autodiscover = false;
  bool exclude_redirect = false;
  bool exclude_srv = false;
  ExchangeArgs exchange;
};

int RunCheck(const CheckArgs& args) {
  if (args.address.find('@') == std::string::npos)
    return UsageError("check: give a mailbox address (checking a server by name is not done yet)");
  StderrTrace trace;
  auto setup = SetUpExchange(args.exchange, args.address, !args.dry_run, &trace);
  if (!setup) return UsageError("check: " + setup.error().message);
  checks::MailboxCheckOptions o;
  auto& d = o.autodiscover;
  d.address = args.address;
  d.url = args.url;
  d.dry_run = args.dry_run;
  d.mapi_http = !args.no_mapi_http;
  d.external = !args.internal;
  d.candidates.exclude_https_root_domain = args.exclude_root;
  d.candidates.exclude_https_autodiscover_domain = args.exclude_autodiscover;
  d.candidates.exclude_http_redirect = args.exclude_redirect;
  d.candidates.exclude_srv_record = args.exclude_srv;
  d.candidates.allow_hosts = args.exchange.allow_hosts;
  d.credentials = setup->credentials;
  d.http = setup->http;
  d.timeout = setup->timeout;
  d.step_timeout = setup->step_timeout;
  o.anchors = setup->anchors ? &*setup->anchors : nullptr;
  o.health = !args.no_health;
  o.free_busy = args.free_busy;
  checks::MailboxCheckResult result = checks::RunMailboxCheck(o);
  if (result.autodiscover.error && result.autodiscover.error->code == ErrorCode::kInvalidArgument)
    return UsageError("check: " + result.autodiscover.error->message);
  if (setup->format == Format::kJson) {
    fmt::print("{}\n", report::CheckReportJson(result).dump(2));
  } else {
    fmt::print("{}", report::CheckReportText(result, {.verbose = args.exchange.common.verbose}));
  }
  return static_cast<int>(report::CheckExitCode(result));
}

}  // namespace

std::function<int()> AddCheckCommand(CLI::App& app) {
  auto args = std::make_shared<CheckArgs>();
  args->exchange.common.timeout_seconds = 120;
  CLI::App* cmd = app.add_subcommand(
      "check",
      "the whole chain for a mailbox: Autodiscover, TLS and certificates of every "
      "endpoint, health pages, authentication, EWS; one diagnosis");
  cmd->add_option("email", args->address, "the mailbox's SMTP address")->required();
  cmd->add_option("--url", args->url, "start Autodiscover at this URL only");
  cmd->add_option("--free-busy", args->free_busy, "also ask free/busy for this other mailbox")
      ->type_name("EMAIL");
  cmd->add_flag("--dry-run", args->dry_run,
                "list the candidates and every host that would receive the credentials; send "
                "nothing");
  cmd->add_flag("--no-health", args->no_health, "skip the /<vdir>/healthcheck.htm pages");
  cmd->add_flag("--no-mapi-http", args->no_mapi_http,
                "do not send X-MapiHttpCapability (an Outlook without MAPI/HTTP)");
  cmd->add_flag("--internal", args->internal, "judge the internal URLs (an Outlook on the LAN)");
  AddDiscoveryFlags(*cmd, args->exclude_root, args->exclude_autodiscover, args->exclude_redirect,
                    args->exclude_srv);
  AddExchangeOptions(*cmd, args->exchange);
  return [args] { return RunCheck(*args); };
}

}  // namespace probe::cli
