// Options every network command shares, and the plumbing from CLI11 to exit codes.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "probe/core/result.h"
#include "probe/core/trace.h"
#include "probe/net/address.h"

namespace probe::cli {

enum class Format { kText, kJson };

/// The raw strings of the shared options, as CLI11 fills them.
struct CommonOptions {
  std::vector<std::string> resolve;
  std::vector<std::string> connect_to;
  std::string dns_server;
  double timeout_seconds = 10.0;
  std::string format = "text";
  bool verbose = false;
};

/// Registers --resolve, --connect-to, --dns-server, --timeout, --format and -v on `cmd`.
void AddCommonOptions(CLI::App& cmd, CommonOptions& options);

/// Validates the shared options into typed ones; kInvalidArgument names the bad option.
Result<net::NetOptions> ParseNetOptions(const CommonOptions& options);
Result<Format> ParseFormat(const CommonOptions& options);
Result<std::chrono::milliseconds> ParseTimeout(const CommonOptions& options);
/// The account's password from the environment variable, else the file's first line, else a
/// prompt on the terminal (echo off). Never from the command line.
Result<std::string> ReadPassword(const std::string& password_env, const std::string& password_file);
/// A name as clients type it (--sni, --name): a host name or an IP address, without a port.
Result<std::string> ParseName(std::string_view option, const std::string& text);

/// Writes wire traces to stderr, one line at a time from any thread.
class StderrTrace : public TraceSink {
 public:
  void Trace(std::string_view layer, std::string_view line) override;
};

/// Prints "exprobe: <message>" to stderr and returns the UNKNOWN exit code (3).
int UsageError(std::string_view message);

}  // namespace probe::cli
