#include "probe/cli/autodiscover_command.h"

#include <fmt/format.h>

#include <memory>

#include "probe/checks/autodiscover_check.h"
#include "probe/cli/exchange_options.h"
#include "probe/report/autodiscover_report.h"

namespace probe::cli {
namespace {

struct AutodiscoverArgs {
  std::string address;
  std::string url;
  bool dry_run = false;
  bool no_mapi_http = false;
  bool internal = false;
  bool exclude_root = false;
  bool exclude_autodiscover = false;
  bool exclude_redirect = false;
  bool exclude_srv = false;
  bool no_json = false;
  ExchangeArgs exchange;
};

int RunAutodiscover(const AutodiscoverArgs& args) {
  StderrTrace trace;
  auto setup = SetUpExchange(args.exchange, args.address, !args.dry_run, &trace);
  if (!setup) return UsageError("autodiscover: " + setup.error().message);
  checks::AutodiscoverCheckOptions o;
  o.address = args.address;
  o.url = args.url;
  o.dry_run = args.dry_run;
  o.mapi_http = !args.no_mapi_http;
  o.external = !args.internal;
  o.candidates.exclude_https_root_domain = args.exclude_root;
  o.candidates.exclude_https_autodiscover_domain = args.exclude_autodiscover;
  o.candidates.exclude_http_redirect = args.exclude_redirect;
  o.candidates.exclude_srv_record = args.exclude_srv;
  o.candidates.include_json_v2 = !args.no_json;
  o.candidates.allow_hosts = args.exchange.allow_hosts;
  o.credentials = setup->credentials;
  o.http = setup->http;
  o.timeout = setup->timeout;
  o.step_timeout = setup->step_timeout;
  checks::AutodiscoverCheckResult result = checks::RunAutodiscoverCheck(o);
  if (result.error && result.error->code == ErrorCode::kInvalidArgument)
    return UsageError("autodiscover: " + result.error->message);
  if (setup->format == Format::kJson) {
    fmt::print("{}\n", report::AutodiscoverReportJson(result).dump(2));
  } else {
    fmt::print("{}",
               report::AutodiscoverReportText(result, {.verbose = args.exchange.common.verbose}));
  }
  return static_cast<int>(report::AutodiscoverExitCode(result));
}

}  // namespace

std::function<int()> AddAutodiscoverCommand(CLI::App& app) {
  auto args = std::make_shared<AutodiscoverArgs>();
  args->exchange.common.timeout_seconds = 60;
  CLI::App* cmd =
      app.add_subcommand("autodiscover",
                         "Autodiscover for a mailbox: every candidate Outlook tries, the answer, "
                         "the transport Outlook picks, with Outlook's credential rules");
  cmd->add_option("email", args->address, "the mailbox's SMTP address")->required();
  cmd->add_option("--url", args->url,
                  "POST to this Autodiscover URL only (its host may receive "
                  "the credentials)");
  cmd->add_flag("--dry-run", args->dry_run,
                "list the candidates and every host that would receive the credentials; send "
                "nothing");
  cmd->add_flag("--no-mapi-http", args->no_mapi_http,
                "do not send X-MapiHttpCapability (an Outlook without MAPI/HTTP)");
  cmd->add_flag("--internal", args->internal, "judge the internal URLs (an Outlook on the LAN)");
  AddDiscoveryFlags(*cmd, args->exclude_root, args->exclude_autodiscover, args->exclude_redirect,
                    args->exclude_srv);
  cmd->add_flag("--no-json", args->no_json, "skip the Autodiscover v2 (JSON) request");
  AddExchangeOptions(*cmd, args->exchange);
  return [args] { return RunAutodiscover(*args); };
}

}  // namespace probe::cli
