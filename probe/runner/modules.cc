// The registry of check kinds: adding one is its file pair plus one line here.
#include "probe/runner/auth_module.h"
#include "probe/runner/cert_module.h"
#include "probe/runner/module.h"
#include "probe/runner/tls_module.h"

namespace probe::runner {

std::span<const ModuleKind* const> ModuleKinds() {
  static const ModuleKind* const kKinds[] = {
      &TlsModuleKind(),
      &CertModuleKind(),
      &AuthModuleKind(),
  };
  return kKinds;
}

}  // namespace probe::runner
