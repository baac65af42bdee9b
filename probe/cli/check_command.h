// `exprobe check EMAIL`: Autodiscover, TLS and certificates of every endpoint, health pages,
// authentication on Outlook's transport, EWS; one report.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace probe::cli {

std::function<int()> AddCheckCommand(CLI::App& app);

}  // namespace probe::cli
