#include "probe/tls/certificate.h"

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <memory>

namespace probe::tls {
namespace {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct NamesFree {
  void operator()(GENERAL_NAMES* n) const { GENERAL_NAMES_free(n); }
};

std::string NameToString(const X509_NAME* name) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (!bio || name == nullptr) return {};
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return len > 0 ? std::string(data, static_cast<std::size_t>(len)) : std::string();
}

std::string LastCommonName(const X509_NAME* name) {
  int index = -1;
  int last = -1;
  while ((index = X509_NAME_get_index_by_NID(name, NID_commonName, index)) >= 0) last = index;
  if (last < 0) return {};
  const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, last));
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, value);
  if (len < 0) return {};
  std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));
  OPENSSL_free(utf8);
  return out;
}

void ReadSubjectAltNames(X509* cert, CertificateSummary& out) {
  std::unique_ptr<GENERAL_NAMES, NamesFree> names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (!names) return;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names.get(), i);
    if (gn->type == GEN_DNS) {
      const ASN1_STRING* s = gn->d.dNSName;
      out.dns_names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                 static_cast<std::size_t>(ASN1_STRING_length(s)));
    } else if (gn->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* ip = gn->d.iPAddress;
      const unsigned char* b = ASN1_STRING_get0_data(ip);
      if (ASN1_STRING_length(ip) == 4) {
        out.ip_addresses.push_back(fmt::format("{}.{}.{}.{}", b[0], b[1], b[2], b[3]));
      } else if (ASN1_STRING_length(ip) == 16) {
        std::string v6;
        for (int j = 0; j < 16; j += 2) {
          v6 += fmt::format("{}{:x}", j ? ":" : "", (b[j] << 8) | b[j + 1]);
        }
        out.ip_addresses.push_back(v6);
      }
    }
  }
}

std::int64_t ToUnix(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return static_cast<std::int64_t>(timegm(&tm));
}

std::string Fingerprint(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert, EVP_sha256(), md, &len) != 1) return {};
  std::string out;
  for (unsigned int i = 0; i < len; ++i) out += fmt::format("{}{:02X}", i ? ":" : "", md[i]);
  return out;
}

void ReadKey(X509* cert, CertificateSummary& out) {
  EVP_PKEY* key = X509_get0_pubkey(cert);
  if (key == nullptr) return;
  out.key_bits = EVP_PKEY_get_bits(key);
  const char* name = OBJ_nid2sn(EVP_PKEY_get_base_id(key));
  out.key_type = name ? name : "unknown";
  if (out.key_type == "rsaEncryption") out.key_type = "RSA";
  if (out.key_type == "id-ecPublicKey") out.key_type = "EC";
}

}  // namespace

Result<CertificateSummary> SummarizeCertificate(ByteView der) {
  const unsigned char* p = der.data();
  std::unique_ptr<X509, X509Free> cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert) return Fail(ErrorCode::kMalformed, "certificate is not valid DER");
  CertificateSummary out;
  out.subject = NameToString(X509_get_subject_name(cert.get()));
  out.issuer = NameToString(X509_get_issuer_name(cert.get()));
  out.common_name = LastCommonName(X509_get_subject_name(cert.get()));
  ReadSubjectAltNames(cert.get(), out);
  if (const ASN1_INTEGER* serial = X509_get0_serialNumber(cert.get())) {
    for (int i = 0; i < serial->length; ++i)
      out.serial_hex += fmt::format("{:02X}", serial->data[i]);
  }
  out.not_before = ToUnix(X509_get0_notBefore(cert.get()));
  out.not_after = ToUnix(X509_get0_notAfter(cert.get()));
  ReadKey(cert.get(), out);
  const char* sig = OBJ_nid2ln(X509_get_signature_nid(cert.get()));
  out.signature_algorithm = sig ? sig : "unknown";
  out.sha256_fingerprint = Fingerprint(cert.get());
  out.self_issued =
      X509_NAME_cmp(X509_get_subject_name(cert.get()), X509_get_issuer_name(cert.get())) == 0;
  out.der.assign(der.begin(), der.end());
  return out;
}

std::string FormatUtc(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace probe::tls
