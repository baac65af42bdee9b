// `exprobe tls HOST[:PORT]`.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace probe::cli {

/// Registers the `tls` subcommand; the returned function runs it and returns the exit code.
std::function<int()> AddTlsCommand(CLI::App& app);

}  // namespace probe::cli
