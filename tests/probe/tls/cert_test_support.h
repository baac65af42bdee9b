// Real peers for the certificate tests: fixtures/certs/gen.sh certificates, `openssl s_server`
// serving them, the CRLs and issuer over HTTP (python3 -m http.server), an `openssl ocsp`
// responder, and tlslab's `certs` scenario. Shared by the tls, checks and integration tests.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace certtest {

/// Moves this process into a private network namespace that has only loopback, so the OCSP
/// responder (which binds every interface) and fixed port numbers touch nothing outside.
/// Needs root; returns false with the reason otherwise.
bool EnterPrivateNetwork(std::string* why);

/// A gtest environment that enters the private network before the first test. Tests that need
/// it (OCSP) check PrivateNetworkReady() and skip otherwise.
class PrivateNetworkEnvironment : public ::testing::Environment {
 public:
  void SetUp() override;
};
bool PrivateNetworkReady();

/// Certificates made once per test binary by fixtures/certs/gen.sh, with their CRL distribution
/// point, caIssuers and OCSP URLs pointing at servers this process runs until it exits.
struct Fixtures {
  std::string dir;
  std::string http_base;  // "http://127.0.0.1:PORT", serving dir/www
  int http_port = 0;
  int ocsp_port = 0;      // 0 when no OCSP responder runs (no private network)
  std::string dead_base;  // where nothing listens
  std::string error;      // why the fixtures are missing, if they are

  std::string Path(const std::string& file) const { return dir + "/" + file; }
  std::string RootCa() const { return Path("root.pem"); }
  bool ok() const { return error.empty(); }
};
const Fixtures& SharedFixtures();

/// `openssl s_server -www` on 127.0.0.1:0 serving fixture certificate NAME (NAME.pem, NAME.key)
/// with the chain file given (default: the intermediate), plus `extra` arguments.
struct Server {
  testsupport::ChildProcess process;
  int port = 0;
};
std::optional<Server> StartServer(const std::string& name, const std::vector<std::string>& extra,
                                  std::string* error, const std::string& chain = "int.pem");

/// tlslab --scenario certs on loopback: listener name -> port, and the exported CA file.
struct Lab {
  testsupport::ChildProcess process;
  std::map<std::string, int> ports;
  std::string ca_file;
};
/// One tlslab per test binary, started on first use (nullptr with *error set when it cannot run).
Lab* SharedLab(std::string* error);

/// The path of a program built next to exprobe (bin/exprobe, bin/tlslab).
std::string Program(const std::string& name);

}  // namespace certtest
