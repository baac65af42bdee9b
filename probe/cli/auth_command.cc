#include "probe/cli/auth_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <memory>

#include "probe/checks/auth_check.h"
#include "probe/cli/common.h"
#include "probe/report/auth_report.h"

namespace probe::cli {
namespace {

struct AuthArgs {
  std::string url;
  std::string user;
  std::string password_env;
  std::string password_file;
  std::string scheme = "auto";
  std::string cbt = "correct";
  bool new_connection_per_leg = false;
  int max_legs = 4;
  std::string ca_file;
  bool insecure = false;
  bool allow_plain_http = false;
  bool check_sharing = false;
  bool probe_epa = false;
  std::string spn;
  std::string ccache;
  int attempt_budget = 3;
  bool show_secrets = false;
  std::string method = "GET";
  std::string body;
  std::vector<std::string> headers;
  CommonOptions common;
};

// --body TEXT, or --body @FILE for a file's contents.
Result<std::optional<std::string>> ReadBody(const std::string& body) {
  if (body.empty()) return std::optional<std::string>();
  if (body.front() != '@') return std::optional<std::string>(body);
  std::ifstream in(body.substr(1), std::ios::binary);
  if (!in) return Fail(ErrorCode::kInvalidArgument, "--body: cannot read " + body.substr(1));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return std::optional<std::string>(std::move(text));
}

// "Name: value", with a token for a name; Authorization and the framing headers are exprobe's.
Result<void> CheckHeader(const std::string& header) {
  auto colon = header.find(':');
  std::string name = header.substr(0, colon);
  bool token = !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) ||
           std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
  });
  if (colon == std::string::npos || !token)
    return Fail(ErrorCode::kInvalidArgument, "--header '" + header + "': give it as 'Name: value'");
  if (header.find_first_of("\r\n") != std::string::npos)
    return Fail(ErrorCode::kInvalidArgument, "--header: line breaks are not allowed");
  for (std::string_view own : {"authorization", "content-length", "transfer-encoding", "host"}) {
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == own)
      return Fail(ErrorCode::kInvalidArgument, "--header: " + name + " is set by exprobe itself");
  }
  return {};
}

// "DOMAIN\user", "DOMAIN/user" or "user@domain"; a bare user has no domain.
auth::NtlmCredentials SplitUser(const std::string& text) {
  auth::NtlmCredentials c;
  if (auto sep = text.find_first_of("\\/"); sep != std::string::npos) {
    c.domain = text.substr(0, sep);
    c.user = text.substr(sep + 1);
  } else if (auto at = text.find('@'); at != std::string::npos) {
    c.user = text.substr(0, at);
    c.domain = text.substr(at + 1);
  } else {
    c.user = text;
  }
  return c;
}

int RunAuth(const AuthArgs& args) {
  auto net_options = ParseNetOptions(args.common);
  if (!net_options) return UsageError("auth: " + net_options.error().message);
  auto format = ParseFormat(args.common);
  if (!format) return UsageError("auth: " + format.error().message);
  auto timeout = ParseTimeout(args.common);
  if (!timeout) return UsageError("auth: " + timeout.error().message);
  auto scheme = checks::ParseAuthScheme(args.scheme);
  if (!scheme) return UsageError("auth: --scheme must be auto, ntlm, negotiate, kerberos or basic");
  if (args.user.empty() && *scheme != checks::AuthScheme::kKerberos)
    return UsageError("auth: -u DOMAIN\\user is required (only --scheme kerberos can do without)");
  auto cbt = auth::ParseChannelBindingMode(args.cbt);
  if (!cbt) return UsageError("auth: --cbt must be omit, zero, correct or wrong");
  if (args.max_legs < 1) return UsageError("auth: --max-legs must be at least 1");
  if (args.attempt_budget < 1 || args.attempt_budget > 10)
    return UsageError("auth: --attempt-budget must be between 1 and 10");
  for (const auto& h : args.headers) {
    if (auto ok = CheckHeader(h); !ok) return UsageError("auth: " + ok.error().message);
  }
  auto body = ReadBody(args.body);
  if (!body) return UsageError("auth: " + body.error().message);
  if (args.method.empty() || args.method.find_first_of(" \t\r\n") != std::string::npos)
    return UsageError("auth: --method must be one HTTP method name, e.g. POST");
  Result<std::string> password = std::string();
  if (!args.user.empty()) password = ReadPassword(args.password_env, args.password_file);
  if (!password) return UsageError("auth: " + password.error().message);

  StderrTrace trace;
  checks::AuthCheckOptions options;
  options.url = args.url;
  options.credentials = SplitUser(args.user);
  options.credentials.password = std::move(*password);
  options.scheme = *scheme;
  options.kerberos_spn = args.spn;
  options.kerberos_ccache = args.ccache;
  options.cbt = *cbt;
  options.new_connection_per_leg = args.new_connection_per_leg;
  options.max_legs = args.max_legs;
  options.allow_plain_http = args.allow_plain_http;
  options.check_sharing = args.check_sharing;
  options.probe_epa = args.probe_epa;
  options.attempt_budget = args.attempt_budget;
  options.method = args.method;
  options.body = *body;
  options.headers = args.headers;
  options.http.net = *net_options;
  options.http.ca_file = args.ca_file;
  options.http.insecure = args.insecure;
  options.http.trace = args.common.verbose ? &trace : nullptr;
  options.timeout = *timeout;
  checks::AuthCheckResult result = checks::RunAuthCheck(options);

  if (*format == Format::kJson) {
    fmt::print("{}\n", report::AuthReportJson(result, args.show_secrets).dump(2));
  } else {
    fmt::print("{}", report::AuthReportText(result, {.verbose = args.common.verbose,
                                                     .show_secrets = args.show_secrets}));
  }
  return static_cast<int>(report::AuthExitCode(result));
}

}  // namespace

std::function<int()> AddAuthCommand(CLI::App& app) {
  auto args = std::make_shared<AuthArgs>();
  CLI::App* cmd = app.add_subcommand(
      "auth", "NTLM / Negotiate / Basic handshake leg by leg; classifies a 401 loop");
  cmd->add_option("url", args->url, "https URL that asks for authentication")->required();
  cmd->add_option("-u,--user", args->user,
                  "DOMAIN\\user (or user@domain); with --scheme kerberos, for the NTLM fallback");
  auto* env = cmd->add_option("--password-env", args->password_env,
                              "read the password from this environment variable");
  cmd->add_option("--password-file", args->password_file, "read the password from this file")
      ->excludes(env);
  cmd->add_option("--spn", args->spn, "Kerberos service principal (default HTTP@<url host>)");
  cmd->add_option("--ccache", args->ccache,
                  "Kerberos credentials cache, e.g. FILE:/tmp/krb5cc (default: KRB5CCNAME)");
  cmd->add_option("--scheme", args->scheme, "auto, ntlm, negotiate, kerberos or basic")
      ->capture_default_str();
  cmd->add_option("--cbt", args->cbt, "channel binding: omit, zero, correct or wrong")
      ->capture_default_str();
  cmd->add_flag("--new-connection-per-leg", args->new_connection_per_leg,
                "open a new TCP connection for every leg (a balancer without affinity)");
  cmd->add_option("--max-legs", args->max_legs, "stop after this many requests")
      ->capture_default_str();
  cmd->add_option("--ca-file", args->ca_file, "PEM trust anchors for the server certificate");
  cmd->add_flag("-k,--insecure", args->insecure,
                "do not verify the server certificate (shown in the report)");
  cmd->add_flag("--allow-plain-http", args->allow_plain_http,
                "allow credentials over plain http (a lab only)");
  cmd->add_flag("--check-sharing", args->check_sharing,
                "after success, send a request without credentials on a new connection: a "
                "200 means authenticated connections are shared");
  cmd->add_flag("--probe-epa", args->probe_epa,
                "also try the other channel-binding modes (each a handshake, within the attempt "
                "budget) to prove whether Extended Protection is enforced");
  cmd->add_option("--attempt-budget", args->attempt_budget,
                  "credential attempts allowed for the account in one run (lockout safety)")
      ->capture_default_str();
  cmd->add_option("--method", args->method, "HTTP method of every leg")->capture_default_str();
  cmd->add_option("--body", args->body, "request body of every leg (TEXT or @FILE)");
  cmd->add_option("--header", args->headers, "extra request header 'Name: value' (repeatable)")
      ->type_name("HEADER");
  cmd->add_flag("--show-secrets", args->show_secrets,
                "with -v or JSON, print NTLM responses, session keys and MICs in hex (a lab only; "
                "the password and Basic credentials are never printed)");
  AddCommonOptions(*cmd, args->common);
  return [args] { return RunAuth(*args); };
}

}  // namespace probe::cli
