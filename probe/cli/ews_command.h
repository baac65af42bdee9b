// `exprobe ews URL|EMAIL`: an authenticated GetFolder (and --free-busy) with the routing headers.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace probe::cli {

std::function<int()> AddEwsCommand(CLI::App& app);

}  // namespace probe::cli
