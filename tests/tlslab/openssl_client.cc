#include "tests/tlslab/openssl_client.h"

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace tlslab::labtest {
namespace {

constexpr std::chrono::seconds kClientTimeout{10};

std::string VersionFlag(TlsVersion version) {
  switch (version) {
    case TlsVersion::kTls10:
      return "-tls1";
    case TlsVersion::kTls11:
      return "-tls1_1";
    case TlsVersion::kTls12:
      return "-tls1_2";
    case TlsVersion::kTls13:
      return "-tls1_3";
  }
  return "";
}

// How `s_client -brief` names a negotiated version.
std::string VersionLine(TlsVersion version) {
  switch (version) {
    case TlsVersion::kTls10:
      return "Protocol version: TLSv1";
    case TlsVersion::kTls11:
      return "Protocol version: TLSv1.1";
    case TlsVersion::kTls12:
      return "Protocol version: TLSv1.2";
    case TlsVersion::kTls13:
      return "Protocol version: TLSv1.3";
  }
  return "";
}

bool HasLine(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  std::string l;
  while (std::getline(in, l)) {
    if (!l.empty() && l.back() == '\r') l.pop_back();
    if (l == line) return true;
  }
  return false;
}

}  // namespace

testsupport::RunResult SClient(const std::string& host, std::uint16_t port,
                               const std::vector<std::string>& args) {
  std::string target = host.find(':') != std::string::npos
                           ? "[" + host + "]:" + std::to_string(port)
                           : host + ":" + std::to_string(port);
  std::vector<std::string> argv{"openssl", "s_client", "-connect", target};
  argv.insert(argv.end(), args.begin(), args.end());
  return testsupport::RunCommand(argv, kClientTimeout);
}

bool HandshakeSucceeds(std::uint16_t port, TlsVersion version) {
  auto result = SClient("127.0.0.1", port,
                        {VersionFlag(version), "-cipher", "DEFAULT:@SECLEVEL=0", "-brief"});
  return result.exit_code == 0 && HasLine(result.output, VersionLine(version));
}

std::string HttpsExchange(std::uint16_t port, const std::string& request) {
  TempDir dir;
  std::string request_file = dir.Write("request", request);
  // -quiet implies -ign_eof: s_client keeps reading until the server closes.
  std::string command = "exec openssl s_client -quiet -connect 127.0.0.1:" + std::to_string(port) +
                        " < " + request_file;
  return testsupport::RunCommand({"sh", "-c", command}, kClientTimeout).output;
}

std::vector<std::string> PemCertificates(const std::string& text) {
  static const std::string kBegin = "-----BEGIN CERTIFICATE-----";
  static const std::string kEnd = "-----END CERTIFICATE-----";
  std::vector<std::string> pems;
  std::size_t at = 0;
  while ((at = text.find(kBegin, at)) != std::string::npos) {
    std::size_t end = text.find(kEnd, at);
    if (end == std::string::npos) break;
    pems.push_back(text.substr(at, end + kEnd.size() - at) + "\n");
    at = end + kEnd.size();
  }
  return pems;
}

TempDir::TempDir() {
  std::string templ = "/tmp/tlslab-test-XXXXXX";
  if (mkdtemp(templ.data())) path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty()) std::filesystem::remove_all(path_, ec);
}

std::string TempDir::Write(const std::string& name, const std::string& text) const {
  std::string path = path_ + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

}  // namespace tlslab::labtest
