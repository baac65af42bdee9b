// `exprobe serve`: a Prometheus multi-target exporter (/probe?target=...&module=...).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace probe::cli {

/// Registers the `serve` subcommand; the returned function runs it and returns the exit code.
std::function<int()> AddServeCommand(CLI::App& app);

}  // namespace probe::cli
