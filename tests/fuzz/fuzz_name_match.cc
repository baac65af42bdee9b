// Name matching and msstd: parsing on arbitrary input, and a differential check: the OpenSSL
// profile must agree with OpenSSL's own X509_check_host / X509_check_ip_asc on a certificate built
// from the same names.
//
// Input: lines. Line 1 is the reference host, line 2 the subject CN (empty: none), every further
// line a subjectAltName entry ("IP:" prefix for an iPAddress, else a dNSName). The whole input is
// also parsed as an msstd: principal.
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "probe/tls/name_match.h"
#include "probe/tls/x509_verify.h"

namespace {

using probe::tls::NameClient;

std::vector<std::string> Lines(std::string_view data) {
  std::vector<std::string> out;
  while (out.size() < 10) {
    std::size_t nl = data.find('\n');
    out.emplace_back(data.substr(0, nl));
    if (nl == std::string_view::npos) break;
    data.remove_prefix(nl + 1);
  }
  return out;
}

EVP_PKEY* Key() {
  static EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  return key;
}

// A signed certificate carrying exactly these names; nullptr when OpenSSL refuses one of them.
X509* Build(const std::string& cn, const std::vector<std::string>& sans) {
  X509* x = X509_new();
  X509_set_version(x, X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), 0);
  X509_gmtime_adj(X509_getm_notAfter(x), 3600);
  X509_NAME* name = X509_get_subject_name(x);
  if (!cn.empty()) {
    X509_NAME_add_entry_by_NID(name, NID_commonName, V_ASN1_IA5STRING,
                               reinterpret_cast<const unsigned char*>(cn.data()),
                               static_cast<int>(cn.size()), -1, 0);
  }
  X509_set_issuer_name(x, name);
  X509_set_pubkey(x, Key());
  if (!sans.empty()) {
    GENERAL_NAMES* names = sk_GENERAL_NAME_new_null();
    for (const auto& s : sans) {
      GENERAL_NAME* gn = GENERAL_NAME_new();
      if (s.rfind("IP:", 0) == 0) {
        ASN1_OCTET_STRING* ip = a2i_IPADDRESS(s.c_str() + 3);
        if (ip == nullptr) {
          GENERAL_NAME_free(gn);
          continue;
        }
        GENERAL_NAME_set0_value(gn, GEN_IPADD, ip);
      } else {
        ASN1_IA5STRING* dns = ASN1_IA5STRING_new();
        ASN1_STRING_set(dns, s.data(), static_cast<int>(s.size()));
        GENERAL_NAME_set0_value(gn, GEN_DNS, dns);
      }
      sk_GENERAL_NAME_push(names, gn);
    }
    X509_add1_ext_i2d(x, NID_subject_alt_name, names, 0, X509V3_ADD_DEFAULT);
    GENERAL_NAMES_free(names);
  }
  if (X509_sign(x, Key(), nullptr) <= 0) {
    X509_free(x);
    return nullptr;
  }
  return x;
}

std::string Upper(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return s;
}

void Differential(const std::vector<std::string>& lines) {
  const std::string& host = lines[0];
  std::vector<std::string> sans;
  if (lines.size() > 2) sans.assign(lines.begin() + 2, lines.end());
  X509* x = Build(lines.size() > 1 ? lines[1] : "", sans);
  if (x == nullptr) return;
  unsigned char* der = nullptr;
  int len = i2d_X509(x, &der);
  auto details = len > 0
                     ? probe::tls::ReadDetails(probe::ByteView(der, static_cast<std::size_t>(len)))
                     : probe::Fail(probe::ErrorCode::kMalformed, "i2d");
  OPENSSL_free(der);
  if (!details) std::abort();  // we built it: it must parse
  const auto& names = details->names;
  int theirs = probe::tls::IsIpLiteral(host)
                   ? X509_check_ip_asc(x, host.c_str(), 0)
                   : X509_check_host(x, host.c_str(), host.size(), 0, nullptr);
  X509_free(x);
  auto ours = probe::tls::MatchHostName(names, host, NameClient::kOpenSsl);
  if (ours.match != (theirs == 1)) std::abort();  // the model disagrees with OpenSSL

  for (auto client : probe::tls::kNameClients) {
    auto m = probe::tls::MatchHostName(names, host, client);
    // ASCII case never matters.
    if (probe::tls::MatchHostName(names, Upper(host), client).match != m.match) std::abort();
    if (m.match && m.matched_by.empty()) std::abort();
  }
  // With a SAN extension, browsers and Windows read the same DNS names the same way.
  if (names.has_san_extension && !probe::tls::IsIpLiteral(host) &&
      probe::tls::MatchHostName(names, host, NameClient::kRfc6125).match !=
          probe::tls::MatchHostName(names, host, NameClient::kSchannel).match) {
    std::abort();
  }
  probe::tls::MsstdPrincipal principal{host.empty() ? "x" : host};
  auto msstd = probe::tls::MatchMsstd(names, principal);
  if (msstd.clients.size() != 2) std::abort();
  if (msstd.equals_cn && !msstd.match()) std::abort();  // the CN satisfies every family
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return 0;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto p = probe::tls::ParseMsstdPrincipal(text)) {
    auto again = probe::tls::ParseMsstdPrincipal(p->ToString());
    if (!again || again->name != p->name) std::abort();
  }
  Differential(Lines(text));
  return 0;
}
