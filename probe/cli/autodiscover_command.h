// `exprobe autodiscover EMAIL`: the candidate chain Outlook walks, with its credential rules.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace probe::cli {

/// Registers the subcommand on `app`; the returned function runs it and gives the exit code.
std::function<int()> AddAutodiscoverCommand(CLI::App& app);

}  // namespace probe::cli
