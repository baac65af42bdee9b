#include "tests/probe/tls/cert_test_support.h"

#include <net/if.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "tests/support/peers.h"

namespace certtest {
namespace {

using namespace std::chrono_literals;
using testsupport::ChildProcess;

bool g_private_network = false;

bool BringLoopbackUp(std::string* why) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *why = std::string("socket: ") + std::strerror(errno);
    return false;
  }
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
  bool ok = ioctl(fd, SIOCGIFFLAGS, &ifr) == 0;
  ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP | IFF_RUNNING);
  ok = ok && ioctl(fd, SIOCSIFFLAGS, &ifr) == 0;
  if (!ok) *why = std::string("bringing lo up: ") + std::strerror(errno);
  close(fd);
  return ok;
}

// The port number after "port " in python's "Serving HTTP on 127.0.0.1 port 43567 (...)".
std::optional<int> PythonPort(const std::string& line) {
  auto at = line.find(" port ");
  if (at == std::string::npos) return std::nullopt;
  return std::atoi(line.c_str() + at + 6);
}

// Removes a temporary directory when the test binary exits.
struct RemoveAtExit {
  std::string dir;
  ~RemoveAtExit() {
    std::error_code ignored;
    if (!dir.empty()) std::filesystem::remove_all(dir, ignored);
  }
};

// Children that live as long as the test binary.
struct Peers {
  std::optional<ChildProcess> http;
  std::optional<ChildProcess> ocsp;
};
Peers& SharedPeers() {
  static Peers peers;
  return peers;
}

Fixtures MakeFixtures() {
  Fixtures f;
  char dir_template[] = "/tmp/exprobe-cert-fixtures-XXXXXX";
  if (mkdtemp(dir_template) == nullptr) {
    f.error = "mkdtemp failed";
    return f;
  }
  f.dir = dir_template;
  std::string error;
  // The HTTP server serves dir/www, which gen.sh fills after the server has told its port.
  std::string www = f.dir + "/www";
  mkdir(www.c_str(), 0755);
  auto& peers = SharedPeers();
  peers.http = ChildProcess::Start(
      {"sh", "-c",
       "exec /usr/bin/python3 -u -m http.server --bind 127.0.0.1 0 --directory '" + www +
           "' 2>/dev/null"},
      &error);
  auto line = peers.http ? peers.http->WaitFor("Serving HTTP", 20s) : std::nullopt;
  auto port = line ? PythonPort(*line) : std::nullopt;
  if (!port) {
    f.error =
        "python3 -m http.server did not start: " + error + (peers.http ? peers.http->output() : "");
    return f;
  }
  f.http_port = *port;
  f.http_base = "http://127.0.0.1:" + std::to_string(*port);
  f.dead_base = "http://127.0.0.1:" + std::to_string(testsupport::ClosedPort());
  // The OCSP URL goes into the certificates before the responder can start (it needs the CA
  // gen.sh makes), so its port is reserved by bind-and-close: safe only in a private network.
  if (g_private_network) f.ocsp_port = testsupport::ClosedPort();
  std::vector<std::string> argv = {std::string(EXPROBE_SOURCE_DIR) + "/fixtures/certs/gen.sh",
                                   "--http-base", f.http_base, "--dead-url", f.dead_base};
  if (f.ocsp_port != 0) {
    argv.push_back("--ocsp-url");
    argv.push_back("http://127.0.0.1:" + std::to_string(f.ocsp_port));
  }
  argv.push_back(f.dir);
  auto made = testsupport::RunCommand(argv, 60s);
  if (made.exit_code != 0) {
    f.error = "gen.sh failed: " + made.output;
    return f;
  }
  if (f.ocsp_port != 0) {
    peers.ocsp =
        ChildProcess::Start({"openssl", "ocsp", "-port", std::to_string(f.ocsp_port), "-index",
                             f.Path("int/index.txt"), "-CA", f.Path("int.pem"), "-rsigner",
                             f.Path("int.pem"), "-rkey", f.Path("int.key"), "-nmin", "60"},
                            &error);
    if (!peers.ocsp || !peers.ocsp->WaitFor("ACCEPT", 20s)) {
      f.error = "openssl ocsp did not start: " + error + (peers.ocsp ? peers.ocsp->output() : "");
    }
  }
  return f;
}

}  // namespace

bool EnterPrivateNetwork(std::string* why) {
  if (unshare(CLONE_NEWNET) != 0) {
    *why = std::string("unshare(CLONE_NEWNET): ") + std::strerror(errno) + " (needs root)";
    return false;
  }
  return BringLoopbackUp(why);
}

void PrivateNetworkEnvironment::SetUp() {
  std::string why;
  g_private_network = EnterPrivateNetwork(&why);
  if (!g_private_network)
    std::fprintf(stderr, "certtest: no private network namespace: %s\n", why.c_str());
}

bool PrivateNetworkReady() { return g_private_network; }

const Fixtures& SharedFixtures() {
  static const Fixtures fixtures = MakeFixtures();
  static const RemoveAtExit cleanup{fixtures.dir};
  return fixtures;
}

std::optional<Server> StartServer(const std::string& name, const std::vector<std::string>& extra,
                                  std::string* error, const std::string& chain) {
  const Fixtures& f = SharedFixtures();
  if (!f.ok()) {
    *error = f.error;
    return std::nullopt;
  }
  std::vector<std::string> argv = {"openssl",
                                   "s_server",
                                   "-accept",
                                   "127.0.0.1:0",
                                   "-www",
                                   "-cert",
                                   f.Path(name + ".pem"),
                                   "-key",
                                   f.Path(name + ".key")};
  if (!chain.empty()) {
    argv.push_back("-cert_chain");
    argv.push_back(f.Path(chain));
  }
  argv.insert(argv.end(), extra.begin(), extra.end());
  auto process = ChildProcess::Start(argv, error);
  if (!process) return std::nullopt;
  auto line = process->WaitFor("ACCEPT", 20s);
  auto port = line ? testsupport::PortAfterColon(*line) : std::nullopt;
  if (!port) {
    *error = "openssl s_server did not report its port: " + process->output();
    return std::nullopt;
  }
  return Server{std::move(*process), *port};
}

std::string Program(const std::string& name) { return std::string(EXPROBE_BIN_DIR) + "/" + name; }

Lab* SharedLab(std::string* error) {
  static std::optional<Lab> lab;
  static RemoveAtExit cleanup;
  static std::string lab_error;
  static bool started = false;
  if (!started) {
    started = true;
    char dir_template[] = "/tmp/exprobe-cert-lab-XXXXXX";
    if (mkdtemp(dir_template) != nullptr) cleanup.dir = dir_template;
    std::string ca =
        !cleanup.dir.empty() ? cleanup.dir + "/ca.pem" : "/tmp/exprobe-cert-lab-ca.pem";
    // Its connection log goes to /dev/null: nobody reads it, and a full pipe would stall it.
    auto process = ChildProcess::Start(
        {"sh", "-c",
         "exec '" + Program("tlslab") + "' --scenario certs --print-ports --export-ca '" + ca +
             "' 2>/dev/null"},
        &lab_error);
    if (process) {
      std::map<std::string, int> ports;
      bool ready = false;
      while (auto line = process->ReadLine(30s)) {
        if (*line == "READY") {
          ready = true;
          break;
        }
        std::istringstream words(*line);
        std::string tag, name, address;
        if (words >> tag >> name >> address && tag == "LISTEN") {
          if (auto port = testsupport::PortAfterColon(address)) ports[name] = *port;
        }
      }
      if (ready) {
        lab = Lab{std::move(*process), std::move(ports), ca};
      } else {
        lab_error = "tlslab never printed READY: " + process->output();
      }
    }
  }
  if (!lab) *error = lab_error;
  return lab ? &*lab : nullptr;
}

}  // namespace certtest
