// `exprobe run PLAN.yaml`: every target x module of a plan on a bounded pool, one report.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace probe::cli {

/// Registers the `run` subcommand; the returned function runs it and returns the exit code.
std::function<int()> AddRunCommand(CLI::App& app);

}  // namespace probe::cli
