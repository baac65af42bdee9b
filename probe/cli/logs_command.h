// `exprobe logs PATH...`.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace probe::cli {

/// Registers the `logs` subcommand; the returned function runs it and returns the exit code.
std::function<int()> AddLogsCommand(CLI::App& app);

}  // namespace probe::cli
