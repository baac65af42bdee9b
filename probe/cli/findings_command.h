// `exprobe findings`: the catalogue of everything exprobe can report, with causes and fixes.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace probe::cli {

std::function<int()> AddFindingsCommand(CLI::App& app);

}  // namespace probe::cli
