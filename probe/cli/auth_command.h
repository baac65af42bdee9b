// `exprobe auth URL`.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace probe::cli {

/// Registers the `auth` subcommand; the returned function runs it and returns the exit code.
std::function<int()> AddAuthCommand(CLI::App& app);

}  // namespace probe::cli
