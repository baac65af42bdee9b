// `exprobe ntlm decode TOKEN`: every field of an NTLM, SPNEGO or Kerberos token pasted from a
// capture or a log, secrets masked unless --show-secrets.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace probe::cli {

std::function<int()> AddNtlmCommand(CLI::App& app);

}  // namespace probe::cli
