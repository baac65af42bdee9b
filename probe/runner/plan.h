// Plan: the YAML file `exprobe run` executes and `exprobe serve` takes its modules from.
//
//   run:      {jobs: 8, per_host_connections: 6, timeout: 10m}        # all optional
//   modules:
//     tls_quick: {check: tls, timeout: 10s, tls: {enumerate: false, ca_file: lab-ca.pem}}
//     owa_auth:  {check: auth, auth: {user: 'CONTOSO\probe', password_env: EXPROBE_PASSWORD}}
//     tls_full:  {check: tls, schedule: 1h}                           # serve: cached, on a timer
//   targets:
//     - {target: 'mail.contoso.com:443', modules: [tls_quick], name: frontend,
//        sni: mail.contoso.com, connect_to: ['mail.contoso.com:443:10.0.0.5:443'], resolve: []}
//
// Credentials are named by reference only (an environment variable or a file): a plan holding a
// password is rejected.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "probe/core/result.h"
#include "probe/runner/module.h"

namespace probe::runner {

struct PlanModule {
  std::string name;
  const ModuleKind* kind = nullptr;
  std::chrono::milliseconds timeout{10000};
  std::optional<std::chrono::milliseconds>
      schedule;  // serve: run on a timer, scrapes read the cache
  std::shared_ptr<const Module> module;
};

struct PlanTarget {
  std::string name;  // the label reports use; the target itself unless given
  ModuleTarget target;
  std::vector<std::string> modules;
  int line = 0;
};

struct Plan {
  std::string source;
  int jobs = 8;
  int per_host_connections = 6;
  std::chrono::milliseconds timeout{std::chrono::minutes(30)};  // the whole run
  std::vector<PlanModule> modules;
  std::vector<PlanTarget> targets;

  const PlanModule* FindModule(std::string_view name) const;
  /// True when `target` (as a scrape names it) is listed with `module` in `targets`.
  bool Lists(std::string_view module, std::string_view target) const;
};

/// Parses a plan. `source` names the text in messages ("<source>:<line>: <what>"); relative file
/// names inside are taken from `base_dir`. `require_targets` is false for `serve`.
Result<Plan> ParsePlan(std::string_view yaml, std::string_view source, const std::string& base_dir,
                       bool require_targets = true);
/// Reads and parses a plan file.
Result<Plan> LoadPlan(const std::string& path, bool require_targets = true);

}  // namespace probe::runner
