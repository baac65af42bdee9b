// tlslab: serves a scenario's listeners on loopback until SIGINT/SIGTERM.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <exception>
#include <fstream>
#include <string>

#include "tlslab/lab_server.h"
#include "tlslab/scenario_catalog.h"

namespace {

struct Options {
  std::string scenario{tlslab::kDefaultScenario};
  std::string listen;
  bool print_ports = false;
  std::string export_ca;
  std::string proxy_log;
};

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  return static_cast<bool>(out);
}

std::string VersionRange(const tlslab::TlsSettings& tls) {
  if (tls.min_version == tls.max_version) return std::string(TlsVersionLabel(tls.min_version));
  return fmt::format("{}-{}", TlsVersionLabel(tls.min_version),
                     TlsVersionLabel(tls.max_version).substr(4));
}

// The machine-readable form tests and scripts wait for; flushed, since stdout is a pipe there.
void PrintPorts(const tlslab::LabServer& server) {
  for (const auto& l : server.listeners())
    std::printf("LISTEN %s %s\n", l.name.c_str(), l.HostPort().c_str());
  std::printf("READY\n");
  std::fflush(stdout);
}

void PrintSummary(const tlslab::Scenario& scenario, const tlslab::LabServer& server) {
  fmt::print(stderr, "tlslab: scenario '{}' ({})\n", scenario.name, scenario.source);
  std::size_t width = 0;
  for (const auto& l : server.listeners()) width = std::max(width, l.name.size());
  for (const auto& l : server.listeners()) {
    const auto* spec = scenario.FindListener(l.name);
    if (spec && spec->plain) {
      fmt::print(stderr, "  {:<{}}  http://{}/  302 to {}\n", l.name, width, l.HostPort(),
                 spec->redirect_to);
      continue;
    }
    const auto* cert = spec ? scenario.FindCertificate(spec->certificate) : nullptr;
    if (!spec || !cert) continue;
    fmt::print(stderr, "  {:<{}}  https://{}/  {}  certificate '{}' ({}, CN {})\n", l.name, width,
               l.HostPort(), VersionRange(spec->tls), cert->name, CertificateKindName(cert->kind),
               cert->cn);
  }
  fmt::print(stderr, "tlslab: trust the lab CA with --export-ca FILE; Ctrl-C stops\n");
}

int Run(const Options& options) {
  auto scenario = tlslab::LoadScenario(options.scenario);
  if (!scenario) {
    fmt::print(stderr, "tlslab: {}\n", scenario.error().message);
    return 1;
  }
  tlslab::StartOptions start;
  start.handle_signals = true;
  if (!options.listen.empty()) start.listen_address = options.listen;
  start.proxy_log_dir = options.proxy_log;
  auto server = tlslab::LabServer::Start(*scenario, start);
  if (!server) {
    fmt::print(stderr, "tlslab: {}\n", server.error().message);
    return 1;
  }
  // Written before READY, so a client that waits for READY finds the file.
  if (!options.export_ca.empty() && !WriteFile(options.export_ca, (*server)->ExportCaPem())) {
    fmt::print(stderr, "tlslab: cannot write the CA to {}\n", options.export_ca);
    return 1;
  }
  if (options.print_ports) {
    PrintPorts(**server);
  } else {
    PrintSummary(*scenario, **server);
  }
  (*server)->Wait();
  (*server)->Stop();
  fmt::print(stderr, "tlslab: stopped\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tlslab: a loopback HTTPS lab that emulates Exchange front ends"};
  Options options;
  app.add_option("--scenario", options.scenario,
                 fmt::format("a built-in scenario ({}) or a YAML file",
                             fmt::join(tlslab::EmbeddedScenarioNames(), ", ")))
      ->capture_default_str();
  app.add_option("--listen", options.listen, "address for every listener (default 127.0.0.1)");
  app.add_flag("--print-ports", options.print_ports,
               "print 'LISTEN <name> <address>:<port>' per listener, then 'READY'");
  app.add_option("--export-ca", options.export_ca, "write the lab's CA certificate (PEM) here");
  app.add_option("--proxy-log", options.proxy_log,
                 "write an Exchange HttpProxy-format request log under DIR/<Protocol>/");
  CLI11_PARSE(app, argc, argv);
  try {
    return Run(options);
  } catch (const std::exception& e) {
    fmt::print(stderr, "tlslab: internal error: {}\n", e.what());
    return 1;
  }
}
