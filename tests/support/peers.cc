#include "tests/support/peers.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <thread>

namespace testsupport {
namespace {

int BoundLoopbackSocket(int* port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (fd >= 0) close(fd);
    return -1;
  }
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  *port = ntohs(addr.sin_port);
  return fd;
}

}  // namespace

const TestCertificate& SharedTestCertificate() {
  static const TestCertificate cert = [] {
    TestCertificate c;
    char dir_template[] = "/tmp/exprobe-test-cert-XXXXXX";
    const char* dir = mkdtemp(dir_template);
    if (dir == nullptr) return c;
    std::string cert_path = std::string(dir) + "/cert.pem";
    std::string key_path = std::string(dir) + "/key.pem";
    auto made = RunCommand({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                            key_path, "-out", cert_path, "-subj", "/CN=localhost", "-days", "2",
                            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"},
                           std::chrono::seconds(30));
    if (made.exit_code == 0) {
      c.cert_pem = cert_path;
      c.key_pem = key_path;
    }
    return c;
  }();
  return cert;
}

std::optional<OpensslServer> OpensslServer::Start(const std::vector<std::string>& extra_args,
                                                  std::string* error) {
  const TestCertificate& cert = SharedTestCertificate();
  if (cert.cert_pem.empty()) {
    if (error) *error = "could not create a test certificate with openssl req";
    return std::nullopt;
  }
  std::vector<std::string> argv = {"openssl",     "s_server", "-accept",    "127.0.0.1:0", "-cert",
                                   cert.cert_pem, "-key",     cert.key_pem, "-www"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  auto process = ChildProcess::Start(argv, error);
  if (!process) return std::nullopt;
  // s_server prints "ACCEPT 127.0.0.1:PORT" once it listens (not with -quiet).
  auto line = process->WaitFor("ACCEPT", std::chrono::seconds(10));
  auto port = line ? PortAfterColon(*line) : std::nullopt;
  if (!port) {
    if (error) *error = "openssl s_server did not report its port: " + process->output();
    return std::nullopt;
  }
  return OpensslServer(std::move(*process), *port);
}

SilentListener::SilentListener() {
  fd_ = BoundLoopbackSocket(&port_);
  if (fd_ >= 0) listen(fd_, 16);
}

SilentListener::~SilentListener() {
  if (fd_ >= 0) close(fd_);
}

int ClosedPort() {
  int port = 0;
  int fd = BoundLoopbackSocket(&port);
  if (fd >= 0) close(fd);
  return port;
}

bool Accepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

std::optional<Kdc> StartKdc(const std::string& dir, std::string* error) {
  auto process = ChildProcess::Start(
      {"bash", std::string(EXPROBE_SOURCE_DIR) + "/tests/peers/kdc.sh", "run", dir}, error);
  if (!process) return std::nullopt;
  Kdc kdc{std::move(*process), {}};
  if (!kdc.process.WaitFor("READY", std::chrono::seconds(20))) {
    *error = "kdc.sh never printed READY: " + kdc.process.output();
    return std::nullopt;
  }
  std::istringstream lines(kdc.process.output());
  for (std::string line; std::getline(lines, line);) {
    auto eq = line.find('=');
    if (eq != std::string::npos && line.rfind("READY", 0) != 0)
      kdc.env[line.substr(0, eq)] = line.substr(eq + 1);
  }
  int port = std::atoi(kdc.env["KDC_PORT"].c_str());
  for (int i = 0; i < 200 && !Accepts(port); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  if (!Accepts(port)) {
    *error = "the KDC does not accept on port " + kdc.env["KDC_PORT"] + ": " + kdc.process.output();
    return std::nullopt;
  }
  return kdc;
}

}  // namespace testsupport
