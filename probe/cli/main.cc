// exprobe: Exchange client connectivity prober. This file only wires CLI11 to the commands.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <exception>
#include <functional>
#include <map>
#include <string>

#include "probe/cli/auth_command.h"
#include "probe/cli/autodiscover_command.h"
#include "probe/cli/cert_command.h"
#include "probe/cli/check_command.h"
#include "probe/cli/client_command.h"
#include "probe/cli/common.h"
#include "probe/cli/ews_command.h"
#include "probe/cli/findings_command.h"
#include "probe/cli/logs_command.h"
#include "probe/cli/ntlm_command.h"
#include "probe/cli/run_command.h"
#include "probe/cli/serve_command.h"
#include "probe/cli/tls_command.h"
#include "probe/core/finding.h"

int main(int argc, char** argv) {
  CLI::App app{
      "exprobe: probe Microsoft Exchange client connectivity (TLS, certificates, "
      "authentication, Autodiscover, MAPI/HTTP, RPC/HTTP) and name the cause of failures"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "exprobe 0.1.0");
  const std::map<std::string, std::function<int()>> commands = {
      {"tls", probe::cli::AddTlsCommand(app)},
      {"cert", probe::cli::AddCertCommand(app)},
      {"findings", probe::cli::AddFindingsCommand(app)},
      {"client", probe::cli::AddClientCommand(app)},
      {"ntlm", probe::cli::AddNtlmCommand(app)},
      {"auth", probe::cli::AddAuthCommand(app)},
      {"logs", probe::cli::AddLogsCommand(app)},
      {"autodiscover", probe::cli::AddAutodiscoverCommand(app)},
      {"ews", probe::cli::AddEwsCommand(app)},
      {"check", probe::cli::AddCheckCommand(app)},
      {"run", probe::cli::AddRunCommand(app)},
      {"serve", probe::cli::AddServeCommand(app)},
  };

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // Every other parse error is "could not run the check": UNKNOWN, one sentence.
    return probe::cli::UsageError(fmt::format("{} (see 'exprobe --help')", e.what()));
  }
  try {
    for (const auto& [name, run] : commands) {
      if (app.got_subcommand(name)) return run();
    }
  } catch (const std::exception& e) {
    return probe::cli::UsageError(fmt::format("internal error: {}", e.what()));
  }
  return static_cast<int>(probe::ExitCode::kUnknown);
}
