// Drives `openssl s_client` (a client nobody on the project wrote) against a lab listener, so the
// tests judge tlslab by what an independent TLS stack sees.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tests/support/process.h"
#include "tlslab/scenario.h"

namespace tlslab::labtest {

/// Runs `openssl s_client -connect HOST:PORT ARGS...` with stdin at EOF; HOST may be "::1".
testsupport::RunResult SClient(const std::string& host, std::uint16_t port,
                               const std::vector<std::string>& args);

/// True when a handshake offering only `version` completes (security level 0, so the client's
/// own policy never decides), and the server really negotiated that version.
bool HandshakeSucceeds(std::uint16_t port, TlsVersion version);

/// Sends `request` (raw HTTP bytes) through a TLS connection and returns everything s_client
/// printed (with -quiet: the server's bytes, plus errors). The request should end with a
/// `Connection: close` request so the server ends the exchange.
std::string HttpsExchange(std::uint16_t port, const std::string& request);

/// The PEM certificates in `text`, in order (e.g. the output of `s_client -showcerts`).
std::vector<std::string> PemCertificates(const std::string& text);

/// A directory under /tmp removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  /// Writes `text` to path()/name and returns the full path.
  std::string Write(const std::string& name, const std::string& text) const;

 private:
  std::string path_;
};

}  // namespace tlslab::labtest
