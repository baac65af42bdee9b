// Host-name matching per client and the msstd: principal. The OpenSSL profile is checked against
// `openssl verify -verify_hostname/-verify_ip`, the curl profile against the curl 7.88 program,
// both on certificates made with `openssl req` for a table of presented and reference names.
#include "probe/tls/name_match.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "probe/tls/x509_verify.h"
#include "tests/probe/tls/cert_test_support.h"
#include "tests/support/process.h"

namespace probe::tls {
namespace {

using namespace std::chrono_literals;

CertificateNames Names(std::vector<std::string> cns, std::vector<std::string> dns,
                       std::vector<std::string> ips = {}) {
  CertificateNames n;
  n.common_names = std::move(cns);
  n.dns_names = std::move(dns);
  n.ip_addresses = std::move(ips);
  n.has_san_extension = !n.dns_names.empty() || !n.ip_addresses.empty();
  return n;
}

bool Match(const CertificateNames& n, std::string_view host, NameClient client) {
  return MatchHostName(n, host, client).match;
}

TEST(NameMatchTest, WildcardCoversExactlyOneLabelForEveryClient) {
  auto n = Names({"*.contoso.com"}, {"*.contoso.com"});
  for (auto client : kNameClients) {
    EXPECT_TRUE(Match(n, "mail.contoso.com", client)) << NameClientName(client);
    EXPECT_TRUE(Match(n, "MAIL.Contoso.COM", client)) << NameClientName(client);
    EXPECT_FALSE(Match(n, "contoso.com", client)) << NameClientName(client);
    EXPECT_FALSE(Match(n, "a.b.contoso.com", client)) << NameClientName(client);
  }
  auto bare = MatchHostName(n, "contoso.com", NameClient::kRfc6125);
  EXPECT_NE(bare.reason.find("does not cover the bare domain"), std::string::npos) << bare.reason;
  auto deep = MatchHostName(n, "a.b.contoso.com", NameClient::kSchannel);
  EXPECT_NE(deep.reason.find("covers exactly one label"), std::string::npos) << deep.reason;
  EXPECT_EQ(MatchHostName(n, "mail.contoso.com", NameClient::kOpenSsl).matched_by, "*.contoso.com");
}

TEST(NameMatchTest, PartialWildcardOnlyForOpenSsl) {
  auto n = Names({"partial"}, {"mail*.contoso.com"});
  EXPECT_TRUE(Match(n, "mail1.contoso.com", NameClient::kOpenSsl));
  EXPECT_FALSE(Match(n, "mail1.contoso.com", NameClient::kRfc6125));
  EXPECT_FALSE(Match(n, "mail1.contoso.com", NameClient::kSchannel));
  EXPECT_FALSE(Match(n, "mail1.contoso.com", NameClient::kCurl));
  auto why = MatchHostName(n, "mail1.contoso.com", NameClient::kCurl).reason;
  EXPECT_NE(why.find("partial wildcard mail*.contoso.com is not honoured"), std::string::npos)
      << why;
  // OpenSSL refuses a '*' inside a label ("b*z") and in IDNA labels.
  EXPECT_FALSE(Match(Names({}, {"b*z.contoso.com"}), "baz.contoso.com", NameClient::kOpenSsl));
  EXPECT_FALSE(
      Match(Names({}, {"x*.contoso.com"}), "xn--tst-bma.contoso.com", NameClient::kOpenSsl));
}

TEST(NameMatchTest, CommonNameFallbackDiffersPerClient) {
  auto cn_only = Names({"mail.contoso.com"}, {});
  EXPECT_FALSE(Match(cn_only, "mail.contoso.com", NameClient::kRfc6125));
  EXPECT_TRUE(Match(cn_only, "mail.contoso.com", NameClient::kOpenSsl));
  EXPECT_TRUE(Match(cn_only, "mail.contoso.com", NameClient::kSchannel));
  EXPECT_TRUE(Match(cn_only, "mail.contoso.com", NameClient::kCurl));

  auto cn_and_other_san = Names({"mail.contoso.com"}, {"other.contoso.com"});
  for (auto client : kNameClients)
    EXPECT_FALSE(Match(cn_and_other_san, "mail.contoso.com", client));
  auto why = MatchHostName(cn_and_other_san, "mail.contoso.com", NameClient::kOpenSsl).reason;
  EXPECT_NE(why.find("ignored because DNS SANs exist"), std::string::npos) << why;

  // An IP-only SAN: OpenSSL still falls back to the CN (no DNS SAN), curl and Windows do not.
  auto ip_only = Names({"mail.contoso.com"}, {}, {"192.0.2.1"});
  EXPECT_TRUE(Match(ip_only, "mail.contoso.com", NameClient::kOpenSsl));
  EXPECT_FALSE(Match(ip_only, "mail.contoso.com", NameClient::kCurl));
  EXPECT_FALSE(Match(ip_only, "mail.contoso.com", NameClient::kSchannel));
  EXPECT_FALSE(Match(ip_only, "mail.contoso.com", NameClient::kRfc6125));
}

TEST(NameMatchTest, IpAddressesMatchIpSansOnly) {
  auto n = Names({"192.0.2.1"}, {"192.0.2.1"}, {"192.0.2.7", "0:0:0:0:0:0:0:1"});
  for (auto client : kNameClients) {
    EXPECT_TRUE(Match(n, "192.0.2.7", client)) << NameClientName(client);
    EXPECT_TRUE(Match(n, "::1", client)) << NameClientName(client);
    EXPECT_FALSE(Match(n, "192.0.2.1", client)) << NameClientName(client);  // only as DNS/CN text
  }
  EXPECT_TRUE(IsIpLiteral("::1"));
  EXPECT_FALSE(IsIpLiteral("mail.contoso.com"));
}

TEST(NameMatchTest, MsstdParsing) {
  auto p = ParseMsstdPrincipal("MSSTD:mail.contoso.com");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->name, "mail.contoso.com");
  EXPECT_EQ(p->ToString(), "msstd:mail.contoso.com");
  EXPECT_TRUE(ParseMsstdPrincipal("msstd:*.contoso.com").has_value());
  for (const std::string& bad : std::vector<std::string>{
           "mail.contoso.com", "msstd:", "msstd:a b", std::string("msstd:a\0b", 9), "fullsic:CN=x",
           "msstd:" + std::string(300, 'a')}) {
    auto r = ParseMsstdPrincipal(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(NameMatchTest, MsstdAgainstAWildcardCertificate) {
  auto wildcard = Names({"*.contoso.com"}, {"*.contoso.com", "contoso.com"});
  auto wrong = MatchMsstd(wildcard, {"mail.contoso.com"});
  EXPECT_FALSE(wrong.match());
  EXPECT_FALSE(wrong.equals_cn);
  EXPECT_FALSE(wrong.equals_san);
  EXPECT_TRUE(wrong.wildcard_covers);
  ASSERT_EQ(wrong.clients.size(), 2u);
  EXPECT_EQ(wrong.clients[0].family, WindowsFamily::kXp);
  EXPECT_FALSE(wrong.clients[0].match);
  EXPECT_EQ(wrong.clients[0].confidence, Confidence::kDocumented);
  EXPECT_FALSE(wrong.clients[1].match);
  EXPECT_EQ(wrong.clients[1].confidence, Confidence::kUncertain);
  EXPECT_EQ(wrong.suggested, "msstd:*.contoso.com");

  auto right = MatchMsstd(wildcard, {"*.CONTOSO.com"});
  EXPECT_TRUE(right.match());
  EXPECT_TRUE(right.equals_cn);
  for (const auto& v : right.clients) EXPECT_EQ(v.confidence, Confidence::kDocumented);
}

TEST(NameMatchTest, MsstdSanOnlyMatchesFromVistaOn) {
  auto san = Names({"mail.contoso.com"}, {"mail.contoso.com", "outlook.contoso.com"});
  auto r = MatchMsstd(san, {"outlook.contoso.com"});
  EXPECT_FALSE(r.clients[0].match);  // XP: CN only
  EXPECT_TRUE(r.clients[1].match);   // Vista+: CN or SAN
  EXPECT_FALSE(r.match());
  EXPECT_EQ(r.suggested, "msstd:mail.contoso.com");
  EXPECT_TRUE(MatchMsstd(san, {"mail.contoso.com"}).match());

  CertificateNames email;
  email.emails = {"exchange@contoso.com"};
  EXPECT_TRUE(MatchMsstd(email, {"Exchange@contoso.com"}).match());
  EXPECT_FALSE(MatchMsstd(email, {"other@contoso.com"}).match());
}

// ---- differential tests against real clients on real certificates

struct CertCase {
  std::string name;
  std::string subject;
  std::string san;  // -addext value, empty for none
};

const std::vector<CertCase>& Cases() {
  static const std::vector<CertCase> cases = {
      {"wildcard", "/CN=*.example.com", "DNS:*.example.com"},
      {"wildcard_and_bare", "/CN=x", "DNS:*.example.com,DNS:example.com"},
      {"partial_prefix", "/CN=partial", "DNS:f*.example.com"},
      {"partial_suffix", "/CN=partial", "DNS:*o.example.com"},
      {"partial_middle", "/CN=partial", "DNS:b*z.example.com"},
      {"cn_only", "/CN=mail.example.com", ""},
      {"cn_other_san", "/CN=mail.example.com", "DNS:other.example.com"},
      {"cn_wildcard_only", "/CN=*.example.com", ""},
      {"ip_only_san", "/CN=mail.example.com", "IP:192.0.2.1"},
      {"two_label_wildcard", "/CN=x", "DNS:*.com"},
      {"idna_partial", "/CN=x", "DNS:x*.example.org,DNS:*.example.org"},
      {"double_wildcard", "/CN=x", "DNS:*.*.example.com"},
      {"second_label_wildcard", "/CN=x", "DNS:mail.*.example.com"},
      {"two_cns", "/CN=a.example.com/CN=b.example.com", ""},
      {"upper_case", "/CN=x", "DNS:MAIL.Example.COM"},
      {"trailing_dot", "/CN=x", "DNS:mail.example.com."},
      {"cn_ip", "/CN=192.0.2.1", ""},
  };
  return cases;
}

const std::vector<std::string>& Hosts() {
  static const std::vector<std::string> hosts = {"mail.example.com",
                                                 "MAIL.EXAMPLE.COM",
                                                 "example.com",
                                                 "a.b.example.com",
                                                 "foo.example.com",
                                                 "fo.example.com",
                                                 "bo.example.com",
                                                 "baz.example.com",
                                                 "other.example.com",
                                                 "a.example.com",
                                                 "b.example.com",
                                                 "xtest.example.org",
                                                 "xn--tst-bma.example.org",
                                                 "mail.x.example.com",
                                                 "mail.example.com.",
                                                 "www.com",
                                                 "192.0.2.1"};
  return hosts;
}

struct MadeCert {
  CertCase spec;
  std::string pem;
  CertificateNames names;
};

// Self-signed P-256 certificates (fast to make) for every case, in a temporary directory.
const std::vector<MadeCert>& MadeCerts() {
  static const std::vector<MadeCert> made = [] {
    std::vector<MadeCert> out;
    char dir_template[] = "/tmp/exprobe-name-match-XXXXXX";
    if (mkdtemp(dir_template) == nullptr) return out;
    std::string dir = dir_template;
    // Removed when the test binary exits.
    static const struct Remove {
      std::string path;
      ~Remove() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
      }
    } remove{dir};
    auto key = testsupport::RunCommand({"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt",
                                        "ec_paramgen_curve:P-256", "-out", dir + "/key.pem"},
                                       30s);
    if (key.exit_code != 0) return out;
    for (const auto& c : Cases()) {
      std::string pem = dir + "/" + c.name + ".pem";
      std::vector<std::string> argv = {"openssl",        "req",   "-x509",   "-new",  "-key",
                                       dir + "/key.pem", "-subj", c.subject, "-days", "2",
                                       "-out",           pem};
      if (!c.san.empty()) {
        argv.push_back("-addext");
        argv.push_back("subjectAltName=" + c.san);
      }
      auto r = testsupport::RunCommand(argv, 30s);
      if (r.exit_code != 0) {
        ADD_FAILURE() << c.name << ": " << r.output;
        continue;
      }
      std::ifstream in(pem);
      std::stringstream text;
      text << in.rdbuf();
      auto certs = DecodeIssuerCertificates(AsBytes(text.str()));
      auto details =
          certs ? ReadDetails(certs->front().der) : Fail(ErrorCode::kMalformed, "no PEM");
      if (!details) {
        ADD_FAILURE() << c.name << ": cannot read " << pem;
        continue;
      }
      out.push_back({c, pem, details->names});
    }
    out.push_back({{"key", "", ""}, dir + "/key.pem", {}});  // keeps the key path at the end
    return out;
  }();
  return made;
}

TEST(NameMatchTest, OpenSslProfileAgreesWithOpensslVerify) {
  const auto& made = MadeCerts();
  ASSERT_EQ(made.size(), Cases().size() + 1);
  int compared = 0;
  for (std::size_t i = 0; i + 1 < made.size(); ++i) {
    const auto& cert = made[i];
    for (const auto& host : Hosts()) {
      bool ip = IsIpLiteral(host);
      auto r = testsupport::RunCommand({"openssl", "verify", "-CAfile", cert.pem,
                                        ip ? "-verify_ip" : "-verify_hostname", host, cert.pem},
                                       30s);
      bool openssl_says = r.exit_code == 0;
      auto ours = MatchHostName(cert.names, host, NameClient::kOpenSsl);
      EXPECT_EQ(ours.match, openssl_says)
          << cert.spec.name << " (" << cert.spec.subject << " " << cert.spec.san << ") vs " << host
          << ": " << ours.reason << "\nopenssl: " << r.output;
      ++compared;
    }
  }
  EXPECT_EQ(compared, static_cast<int>(Cases().size() * Hosts().size()));
}

TEST(NameMatchTest, CurlProfileAgreesWithCurl) {
  if (!testsupport::HaveProgram("curl")) GTEST_SKIP() << "curl is not installed";
  const auto& made = MadeCerts();
  ASSERT_EQ(made.size(), Cases().size() + 1);
  const std::string key = made.back().pem;
  for (std::size_t i = 0; i + 1 < made.size(); ++i) {
    const auto& cert = made[i];
    std::string error;
    auto server = testsupport::ChildProcess::Start(
        {"openssl", "s_server", "-accept", "127.0.0.1:0", "-www", "-cert", cert.pem, "-key", key},
        &error);
    ASSERT_TRUE(server.has_value()) << error;
    auto line = server->WaitFor("ACCEPT", 20s);
    auto port = line ? testsupport::PortAfterColon(*line) : std::nullopt;
    ASSERT_TRUE(port.has_value()) << server->output();
    std::string p = std::to_string(*port);
    for (const auto& host : Hosts()) {
      bool ip = IsIpLiteral(host);
      std::vector<std::string> argv = {"curl",       "-s", "-o",       "/dev/null",
                                       "--max-time", "10", "--cacert", cert.pem};
      if (ip) {
        // An IP target needs the connection to go there: map it through --connect-to.
        argv.insert(argv.end(), {"--connect-to", host + ":" + p + ":127.0.0.1:" + p,
                                 "https://" + host + ":" + p + "/"});
      } else {
        argv.insert(argv.end(), {"--resolve", host + ":" + p + ":127.0.0.1",
                                 "https://" + host + ":" + p + "/"});
      }
      auto r = testsupport::RunCommand(argv, 30s);
      ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 60)
          << host << ": curl exit " << r.exit_code << " " << r.output;
      auto ours = MatchHostName(cert.names, host, NameClient::kCurl);
      EXPECT_EQ(ours.match, r.exit_code == 0)
          << cert.spec.name << " (" << cert.spec.subject << " " << cert.spec.san << ") vs " << host
          << ": " << ours.reason;
    }
  }
}

}  // namespace
}  // namespace probe::tls
