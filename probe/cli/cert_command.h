// `exprobe cert HOST[:PORT]`.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace probe::cli {

/// Registers the `cert` subcommand; the returned function runs it and returns the exit code.
std::function<int()> AddCertCommand(CLI::App& app);

}  // namespace probe::cli
