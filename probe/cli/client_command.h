// `exprobe client list|show|decode|fix`: Windows client profiles and their registry values.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace probe::cli {

/// Registers the `client` subcommand; the returned function runs it and returns the exit code.
std::function<int()> AddClientCommand(CLI::App& app);

}  // namespace probe::cli
