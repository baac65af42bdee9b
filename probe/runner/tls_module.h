// The `tls` module: RunTlsCheck against HOST[:PORT]. Options (under `tls:`): enumerate (default
// true: raw suite enumeration, ~60 ClientHellos; false: one OpenSSL handshake per version),
// ca_file, names, warn_days, crit_days, clients.
#pragma once

#include "probe/runner/module.h"

namespace probe::runner {

const ModuleKind& TlsModuleKind();

}  // namespace probe::runner
