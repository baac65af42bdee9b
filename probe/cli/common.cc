#include "probe/cli/common.h"

#include <fmt/format.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>

#include "probe/core/finding.h"

namespace probe::cli {

void AddCommonOptions(CLI::App& cmd, CommonOptions& o) {
  cmd.add_option("--resolve", o.resolve,
                 "HOST:PORT:ADDR: connect to ADDR for HOST:PORT (Host/SNI stay HOST)")
      ->type_name("HOST:PORT:ADDR");
  cmd.add_option("--connect-to", o.connect_to,
                 "HOST:PORT:CONNECT_HOST:CONNECT_PORT: connect elsewhere, keep Host/SNI")
      ->type_name("H:P:H2:P2");
  cmd.add_option("--dns-server", o.dns_server, "ask this DNS server instead of resolv.conf's")
      ->type_name("ADDR[:PORT]");
  cmd.add_option("--timeout", o.timeout_seconds, "total deadline in seconds for the whole command")
      ->capture_default_str();
  cmd.add_option("--format", o.format, "report format: text or json")->capture_default_str();
  cmd.add_flag("-v,--verbose", o.verbose, "wire trace on stderr; evidence for every finding");
}

Result<net::NetOptions> ParseNetOptions(const CommonOptions& o) {
  net::NetOptions out;
  for (const auto& text : o.resolve) {
    auto r = net::ParseResolve(text);
    if (!r) return Fail(r.error().With("--resolve"));
    out.resolve.push_back(*r);
  }
  for (const auto& text : o.connect_to) {
    auto c = net::ParseConnectTo(text);
    if (!c) return Fail(c.error().With("--connect-to"));
    out.connect_to.push_back(*c);
  }
  if (!o.dns_server.empty()) {
    auto d = net::ParseDnsServer(o.dns_server);
    if (!d) return Fail(d.error().With("--dns-server"));
    out.dns_server = *d;
  }
  return out;
}

Result<Format> ParseFormat(const CommonOptions& o) {
  if (o.format == "text") return Format::kText;
  if (o.format == "json") return Format::kJson;
  return Fail(ErrorCode::kInvalidArgument,
              fmt::format("--format '{}' is not one of: text, json", o.format));
}

Result<std::chrono::milliseconds> ParseTimeout(const CommonOptions& o) {
  if (!std::isfinite(o.timeout_seconds) || o.timeout_seconds <= 0 || o.timeout_seconds > 3600) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("--timeout {} is not a number of seconds above 0 and at most 3600",
                            o.timeout_seconds));
  }
  return std::chrono::milliseconds(static_cast<long long>(std::ceil(o.timeout_seconds * 1000)));
}

void StderrTrace::Trace(std::string_view layer, std::string_view line) {
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  fmt::print(stderr, "[{}] {}\n", layer, line);
}

int UsageError(std::string_view message) {
  fmt::print(stderr, "exprobe: {}\n", message);
  return static_cast<int>(ExitCode::kUnknown);
}

// A name as clients type it: a host name or an IP address, without a port.
Result<std::string> ParseName(std::string_view option, const std::string& text) {
  auto parsed = net::ParseHostPort(text, 0);
  if (!parsed) return Fail(parsed.error().With(std::string(option)));
  if (parsed->port != 0) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("{} '{}': give a host name without a port", option, text));
  }
  return parsed->host;
}

namespace {

// Reads a password from the terminal with echo off; the prompt goes to stderr.
Result<std::string> PromptPassword() {
  if (!isatty(STDIN_FILENO))
    return Fail(ErrorCode::kInvalidArgument,
                "no password: use --password-env VAR or --password-file FILE");
  fmt::print(stderr, "Password: ");
  termios old{};
  tcgetattr(STDIN_FILENO, &old);
  termios quiet = old;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  std::string password;
  std::getline(std::cin, password);
  tcsetattr(STDIN_FILENO, TCSANOW, &old);
  fmt::print(stderr, "\n");
  return password;
}

}  // namespace

Result<std::string> ReadPassword(const std::string& password_env,
                                 const std::string& password_file) {
  if (!password_env.empty()) {
    const char* value = std::getenv(password_env.c_str());
    if (value == nullptr)
      return Fail(ErrorCode::kInvalidArgument, "--password-env: " + password_env + " is not set");
    return std::string(value);
  }
  if (!password_file.empty()) {
    std::ifstream in(password_file);
    std::string password;
    if (!in || !std::getline(in, password))
      return Fail(ErrorCode::kInvalidArgument, "--password-file: cannot read " + password_file);
    if (!password.empty() && password.back() == '\r') password.pop_back();
    return password;
  }
  return PromptPassword();
}

}  // namespace probe::cli
