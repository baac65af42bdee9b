// Real peer servers for tests: `openssl s_server` on 127.0.0.1, and a TCP listener that accepts
// connections (kernel backlog) but never answers.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace testsupport {

/// A self-signed RSA-2048 certificate for "localhost" / 127.0.0.1, made once per test binary
/// with the openssl command in a temporary directory. Empty paths if openssl failed.
struct TestCertificate {
  std::string cert_pem;
  std::string key_pem;
};
const TestCertificate& SharedTestCertificate();

/// `openssl s_server -accept 127.0.0.1:0 -www` plus `extra_args`; port() is the one it bound.
class OpensslServer {
 public:
  static std::optional<OpensslServer> Start(const std::vector<std::string>& extra_args,
                                            std::string* error);
  int port() const { return port_; }
  ChildProcess& process() { return process_; }

 private:
  OpensslServer(ChildProcess process, int port) : process_(std::move(process)), port_(port) {}
  ChildProcess process_;
  int port_;
};

/// A loopback TCP socket that listens but never accepts: connects succeed, nothing is answered.
class SilentListener {
 public:
  SilentListener();
  ~SilentListener();
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

/// A loopback port with nothing listening (bound once, then closed): connects are refused.
int ClosedPort();

/// True when something accepts TCP connections on 127.0.0.1:`port` right now.
bool Accepts(int port);

/// A private MIT KDC on 127.0.0.1 (tests/peers/kdc.sh run DIR, realm LAB.TEST), accepting
/// connections, with the environment the script printed (KRB5_CONFIG, KRB5_KDC_PROFILE,
/// KRB5_KTNAME, KDC_PORT, KRB5_ALICE_PASSWORD_FILE, ...). Stopped by its PID on destruction.
struct Kdc {
  ChildProcess process;
  std::map<std::string, std::string> env;
};
std::optional<Kdc> StartKdc(const std::string& dir, std::string* error);

}  // namespace testsupport
