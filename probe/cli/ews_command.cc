#include "probe/cli/ews_command.h"

#include <fmt/format.h>

#include <memory>

#include "probe/checks/ews_check.h"
#include "probe/cli/exchange_options.h"
#include "probe/exchange/autodiscover_policy.h"
#include "probe/report/ews_report.h"

namespace probe::cli {
namespace {

struct EwsArgs {
  std::string target;
  std::string mailbox;
  std::string free_busy;
  std::string server_version = std::string(exchange::kDefaultRequestServerVersion);
  ExchangeArgs exchange;
};

int RunEws(const EwsArgs& args) {
  bool is_url = args.target.find("://") != std::string::npos;
  std::string mailbox = is_url ? args.mailbox : args.target;
  if (!mailbox.empty()) {
    if (auto parsed = exchange::ParseMailAddress(mailbox); !parsed)
      return UsageError("ews: " + parsed.error().message);
  }
  if (!args.free_busy.empty()) {
    if (auto parsed = exchange::ParseMailAddress(args.free_busy); !parsed)
      return UsageError("ews: --free-busy: " + parsed.error().message);
  }
  StderrTrace trace;
  auto setup = SetUpExchange(args.exchange, mailbox, true, &trace);
  if (!setup) return UsageError("ews: " + setup.error().message);
  if (setup->credentials.credentials.user.empty())
    return UsageError("ews: -u DOMAIN\\user is required with a URL and no --mailbox");

  checks::CredentialLedger ledger;
  ledger.budget = setup->credentials.attempt_budget;
  checks::EwsCheckOptions o;
  o.url = is_url ? args.target : "";
  o.mailbox = mailbox;
  o.free_busy = args.free_busy;
  o.server_version = args.server_version;
  o.credentials = setup->credentials;
  o.allow_hosts = args.exchange.allow_hosts;
  o.http = setup->http;
  o.timeout = setup->timeout;
  o.step_timeout = setup->step_timeout;
  std::vector<Finding> discovery_findings;
  if (!is_url) {
    // An address: Autodiscover first, for the EWS URL and what it says about the mailbox.
    checks::AutodiscoverCheckOptions d;
    d.address = mailbox;
    d.candidates.allow_hosts = args.exchange.allow_hosts;
    d.credentials = setup->credentials;
    d.http = setup->http;
    d.timeout = setup->timeout;
    d.step_timeout = setup->step_timeout;
    d.mapi_http = false;  // the plain answer carries the EWS URLs and EXCH ServerVersion
    d.candidates.include_json_v2 = false;
    auto discovery = checks::RunAutodiscoverCheck(d, ledger);
    for (const auto& f : discovery.findings) {
      if (f.severity > Severity::kOk || f.id == "exchange.autodiscover.ok")
        discovery_findings.push_back(f);
    }
    if (discovery.answer) {
      o.url = checks::EwsUrlFromAnswer(*discovery.answer, true);
      o.autodiscover_mailbox = discovery.mailbox;
    }
    if (o.url.empty()) {
      checks::EwsCheckResult none;
      none.url = "(no EWS URL: Autodiscover gave none)";
      none.mailbox = mailbox;
      none.findings = discovery_findings;
      none.ledger = ledger;
      if (none.findings.empty() || WorstSeverity(none.findings) == Severity::kOk)
        none.error = Error{ErrorCode::kUnsupported, "Autodiscover's answer has no EwsUrl"};
      if (setup->format == Format::kJson)
        fmt::print("{}\n", report::EwsReportJson(none).dump(2));
      else
        fmt::print("{}", report::EwsReportText(none, {.verbose = args.exchange.common.verbose}));
      return static_cast<int>(report::EwsExitCode(none));
    }
  }
  checks::EwsCheckResult result = checks::RunEwsCheck(o, ledger);
  result.findings.insert(result.findings.begin(), discovery_findings.begin(),
                         discovery_findings.end());
  if (setup->format == Format::kJson) {
    fmt::print("{}\n", report::EwsReportJson(result).dump(2));
  } else {
    fmt::print("{}", report::EwsReportText(result, {.verbose = args.exchange.common.verbose}));
  }
  return static_cast<int>(report::EwsExitCode(result));
}

}  // namespace

std::function<int()> AddEwsCommand(CLI::App& app) {
  auto args = std::make_shared<EwsArgs>();
  args->exchange.common.timeout_seconds = 60;
  CLI::App* cmd = app.add_subcommand(
      "ews", "EWS GetFolder (and --free-busy) for a mailbox, with the front end's routing headers");
  cmd->add_option(
         "target", args->target,
         "https://HOST/EWS/Exchange.asmx, or a mailbox address (Autodiscover finds the URL)")
      ->required();
  cmd->add_option("--mailbox", args->mailbox,
                  "with a URL: the mailbox to open (X-AnchorMailbox); default the account's own");
  cmd->add_option("--free-busy", args->free_busy,
                  "also ask GetUserAvailability for this other mailbox")
      ->type_name("EMAIL");
  cmd->add_option("--server-version", args->server_version, "RequestServerVersion to send")
      ->capture_default_str();
  AddExchangeOptions(*cmd, args->exchange);
  return [args] { return RunEws(*args); };
}

}  // namespace probe::cli
