// Options the Exchange commands (autodiscover, ews, check) share: the account and how its
// password is read, TLS trust, --allow-host, and the lockout budget.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "probe/checks/autodiscover_check.h"
#include "probe/cli/common.h"
#include "probe/tls/x509_verify.h"

namespace probe::cli {

struct ExchangeArgs {
  std::string user;  // DOMAIN\user; default: the address (user@domain)
  std::string password_env;
  std::string password_file;
  std::string scheme = "auto";
  std::string ca_file;
  bool insecure = false;
  std::vector<std::string> allow_hosts;
  int attempt_budget = 6;
  double step_timeout_seconds = 10.0;
  CommonOptions common;
};

/// Registers -u, --password-env, --password-file, --scheme, --ca-file, -k, --allow-host,
/// --attempt-budget, --step-timeout and the common options.
void AddExchangeOptions(CLI::App& cmd, ExchangeArgs& args);

/// Outlook's Autodiscover registry switches as flags (autodiscover and check share them).
void AddDiscoveryFlags(CLI::App& cmd, bool& exclude_root, bool& exclude_autodiscover,
                       bool& exclude_redirect, bool& exclude_srv);

/// What the options make of themselves, validated. `command` prefixes messages.
struct ExchangeSetup {
  checks::CredentialOptions credentials;
  http::HttpOptions http;
  std::chrono::milliseconds timeout{60000};
  std::chrono::milliseconds step_timeout{10000};
  Format format = Format::kText;
  std::optional<tls::TrustAnchors> anchors;
};
/// `need_password`: false for --dry-run, which sends nothing. `default_user` is used when -u is
/// absent (the mailbox address). The password comes from --password-env, --password-file or a
/// prompt on a terminal; never from the command line.
Result<ExchangeSetup> SetUpExchange(const ExchangeArgs& args, const std::string& default_user,
                                    bool need_password, TraceSink* trace);

}  // namespace probe::cli
