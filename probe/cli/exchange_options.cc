#include "probe/cli/exchange_options.h"

#include <fmt/format.h>

#include <cmath>

namespace probe::cli {
namespace {

// "DOMAIN\user", "DOMAIN/user" or "user@domain" (the UPN form goes out as is, domain empty,
// which NTLM servers accept).
auth::NtlmCredentials SplitAccount(const std::string& text) {
  auth::NtlmCredentials c;
  if (auto sep = text.find_first_of("\\/"); sep != std::string::npos) {
    c.domain = text.substr(0, sep);
    c.user = text.substr(sep + 1);
  } else {
    c.user = text;
  }
  return c;
}

}  // namespace

void AddExchangeOptions(CLI::App& cmd, ExchangeArgs& a) {
  cmd.add_option("-u,--user", a.user, "DOMAIN\\user (default: the mailbox address as a UPN)");
  auto* env = cmd.add_option("--password-env", a.password_env,
                             "read the password from this environment variable");
  cmd.add_option("--password-file", a.password_file, "read the password from this file")
      ->excludes(env);
  cmd.add_option("--scheme", a.scheme, "auto, ntlm, negotiate, kerberos or basic")
      ->capture_default_str();
  cmd.add_option("--ca-file", a.ca_file, "PEM trust anchors for the servers' certificates");
  cmd.add_flag("-k,--insecure", a.insecure, "do not verify certificates (shown in the report)");
  cmd.add_option("--allow-host", a.allow_hosts,
                 "also send credentials to this host (outside the mailbox's domain; repeatable)")
      ->type_name("HOST");
  cmd.add_option("--attempt-budget", a.attempt_budget,
                 "credential attempts allowed for the account in the run (lockout safety)")
      ->capture_default_str();
  cmd.add_option("--step-timeout", a.step_timeout_seconds,
                 "seconds for one candidate or request, within --timeout")
      ->capture_default_str();
  AddCommonOptions(cmd, a.common);
}

void AddDiscoveryFlags(CLI::App& cmd, bool& exclude_root, bool& exclude_autodiscover,
                       bool& exclude_redirect, bool& exclude_srv) {
  cmd.add_flag("--exclude-root-domain", exclude_root,
               "skip https://DOMAIN (Outlook's ExcludeHttpsRootDomain)");
  cmd.add_flag("--exclude-autodiscover-domain", exclude_autodiscover,
               "skip https://autodiscover.DOMAIN (ExcludeHttpsAutodiscoverDomain)");
  cmd.add_flag("--exclude-http-redirect", exclude_redirect,
               "skip the http://autodiscover.DOMAIN redirect (ExcludeHttpRedirect)");
  cmd.add_flag("--exclude-srv", exclude_srv,
               "skip the _autodiscover._tcp SRV record (ExcludeSrvRecord)");
}

Result<ExchangeSetup> SetUpExchange(const ExchangeArgs& a, const std::string& default_user,
                                    bool need_password, TraceSink* trace) {
  ExchangeSetup s;
  auto net = ParseNetOptions(a.common);
  if (!net) return Fail(net.error());
  auto format = ParseFormat(a.common);
  if (!format) return Fail(format.error());
  auto timeout = ParseTimeout(a.common);
  if (!timeout) return Fail(timeout.error());
  auto scheme = checks::ParseAuthScheme(a.scheme);
  if (!scheme)
    return Fail(ErrorCode::kInvalidArgument,
                "--scheme must be auto, ntlm, negotiate, kerberos or basic");
  if (a.attempt_budget < 1 || a.attempt_budget > 20)
    return Fail(ErrorCode::kInvalidArgument, "--attempt-budget must be between 1 and 20");
  if (!std::isfinite(a.step_timeout_seconds) || a.step_timeout_seconds <= 0 ||
      a.step_timeout_seconds > 600)
    return Fail(ErrorCode::kInvalidArgument, "--step-timeout must be above 0 and at most 600");
  for (const auto& host : a.allow_hosts) {
    auto name = ParseName("--allow-host", host);
    if (!name) return Fail(name.error());
  }
  if (!a.ca_file.empty()) {
    auto anchors = tls::TrustAnchors::FromFile(a.ca_file);
    if (!anchors) return Fail(anchors.error().With("--ca-file"));
    s.anchors = std::move(*anchors);
  }
  s.credentials.credentials = SplitAccount(a.user.empty() ? default_user : a.user);
  s.credentials.scheme = *scheme;
  s.credentials.attempt_budget = a.attempt_budget;
  if (need_password) {
    auto password = ReadPassword(a.password_env, a.password_file);
    if (!password) return Fail(password.error());
    s.credentials.credentials.password = std::move(*password);
  }
  s.http.net = *net;
  s.http.ca_file = a.ca_file;
  s.http.insecure = a.insecure;
  s.http.trace = a.common.verbose ? trace : nullptr;
  s.timeout = *timeout;
  s.step_timeout = std::chrono::milliseconds(static_cast<long long>(
      std::ceil(std::min(a.step_timeout_seconds * 1000, double(timeout->count())))));
  s.format = *format;
  return s;
}

}  // namespace probe::cli
