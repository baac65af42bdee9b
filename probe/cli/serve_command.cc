#include "probe/cli/serve_command.h"

#include <fmt/format.h>

#include <cstdio>
#include <memory>

#include "probe/cli/common.h"
#include "probe/runner/plan.h"
#include "probe/serve/exporter.h"
#include "probe/serve/http_server.h"

namespace probe::cli {
namespace {

struct ServeArgs {
  std::string config;
  std::string listen = "127.0.0.1:9339";
  int max_probes = 8;
  int queue = 64;
  double timeout_offset = 0.5;
  bool print_address = false;
};

int Serve(const ServeArgs& args) {
  auto plan = runner::LoadPlan(args.config, /*require_targets=*/false);
  if (!plan) return UsageError("serve: " + plan.error().message);
  if (args.max_probes < 1 || args.max_probes > 256) {
    return UsageError("serve: --max-probes must be from 1 to 256");
  }
  if (args.queue < 1 || args.queue > 10000)
    return UsageError("serve: --queue must be from 1 to 10000");
  if (!(args.timeout_offset >= 0 && args.timeout_offset < 60)) {
    return UsageError("serve: --timeout-offset must be from 0 to 60 seconds");
  }
  serve::Exporter exporter(std::move(*plan), {.probe_threads = args.max_probes,
                                              .probe_queue = static_cast<std::size_t>(args.queue),
                                              .timeout_offset = args.timeout_offset});
  auto server = serve::HttpServer::Start(exporter, {.listen = args.listen});
  if (!server) return UsageError("serve: " + server.error().message);
  exporter.Start();
  fmt::print(stderr,
             "exprobe serve: listening on http://{}/ (GET /probe?target=&module=, /metrics)\n",
             (*server)->address());
  if (args.print_address) {
    fmt::print("LISTEN {}\n", (*server)->address());
    std::fflush(stdout);
  }
  (*server)->WaitForSignal();
  exporter.Stop();  // before the server's io_context goes: pool answers post to it
  server->reset();
  fmt::print(stderr, "exprobe serve: stopped\n");
  return 0;
}

}  // namespace

std::function<int()> AddServeCommand(CLI::App& app) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "serve", "Prometheus multi-target exporter: GET /probe?target=...&module=..., /metrics");
  cmd->add_option("--config", args->config,
                  "modules (and, for scheduled or credentialed modules, targets) as in a plan")
      ->required()
      ->type_name("FILE");
  cmd->add_option("--listen", args->listen, "numeric ADDR:PORT to listen on (loopback by default)")
      ->capture_default_str();
  cmd->add_option("--max-probes", args->max_probes, "checks running at once for scrapes")
      ->capture_default_str();
  cmd->add_option("--queue", args->queue, "scrapes waiting for a worker before 503")
      ->capture_default_str();
  cmd->add_option("--timeout-offset", args->timeout_offset,
                  "seconds kept back from X-Prometheus-Scrape-Timeout-Seconds")
      ->capture_default_str();
  cmd->add_flag("--print-address", args->print_address,
                "print 'LISTEN ADDR:PORT' on stdout once listening (for scripts)");
  return [args] { return Serve(*args); };
}

}  // namespace probe::cli
