#include "tlslab/certificates.h"

#include <fmt/format.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include <future>
#include <system_error>

namespace tlslab {
namespace {

constexpr long kHour = 3600;
constexpr long kDay = 24 * kHour;

// The keys every certificate of this process is made with (see CertificateAuthority).
struct LabKeys {
  PkeyPtr root;
  PkeyPtr intermediate;
  PkeyPtr leaf;
  PkeyPtr weak;  // RSA-1024, for the rsa1024 kind
};

// RSA-2048 keys are made of three primes (RFC 8017 multi-prime RSA), which OpenSSL finds about
// three times faster than two. Peers see only the modulus and exponent, so nothing a client or
// the prober observes changes; start-up and every test that starts a lab get faster.
PkeyPtr GenerateRsa(int bits) {
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
  EVP_PKEY* key = nullptr;
  if (ctx && EVP_PKEY_keygen_init(ctx) == 1 && EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, bits) == 1 &&
      EVP_PKEY_CTX_set_rsa_keygen_primes(ctx, bits >= 2048 ? 3 : 2) == 1) {
    EVP_PKEY_generate(ctx, &key);
  }
  EVP_PKEY_CTX_free(ctx);
  return PkeyPtr(key);
}

Result<LabKeys> GenerateKeys() {
  LabKeys keys;
  try {
    // The CA keys grow on two more threads while this one makes the leaf keys: start-up waits
    // for about the slowest key rather than the sum (each takes a random 0.03-0.3 s).
    auto root = std::async(std::launch::async, GenerateRsa, 2048);
    auto intermediate = std::async(std::launch::async, GenerateRsa, 2048);
    keys.leaf = GenerateRsa(2048);
    keys.weak = GenerateRsa(1024);
    keys.root = root.get();
    keys.intermediate = intermediate.get();
  } catch (const std::system_error&) {
    // No threads to spare: the same keys, one after another.
    keys.root = GenerateRsa(2048);
    keys.intermediate = GenerateRsa(2048);
    if (!keys.leaf) keys.leaf = GenerateRsa(2048);
    if (!keys.weak) keys.weak = GenerateRsa(1024);
  }
  if (!keys.root || !keys.intermediate || !keys.leaf || !keys.weak) {
    return probe::Fail(ErrorCode::kInternal, "generating RSA keys: " + OpenSslErrorText());
  }
  return keys;
}

const Result<LabKeys>& SharedKeys() {
  static const Result<LabKeys> keys = GenerateKeys();
  return keys;
}

PkeyPtr Share(EVP_PKEY* key) {
  EVP_PKEY_up_ref(key);
  return PkeyPtr(key);
}

X509Ptr Share(X509* cert) {
  X509_up_ref(cert);
  return X509Ptr(cert);
}

// What one certificate looks like; Mint() turns it into a signed X509.
struct Blueprint {
  std::string cn;
  std::vector<std::string> san;  // empty: no subjectAltName extension
  EVP_PKEY* key = nullptr;       // the subject's key
  X509* issuer = nullptr;        // nullptr: self-signed with `key`
  EVP_PKEY* issuer_key = nullptr;
  const EVP_MD* digest = EVP_sha256();
  long not_before = -kHour;  // seconds from now
  long not_after = 90 * kDay;
  bool ca = false;
};

bool SetRandomSerial(X509* cert) {
  BIGNUM* bn = BN_new();
  // 127 bits: positive and at most 16 octets once DER-encoded (RFC 5280 allows 20).
  bool ok = bn && BN_rand(bn, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1 &&
            BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) != nullptr;
  BN_free(bn);
  return ok;
}

bool AddExtension(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, ctx, nid, value);
  bool ok = ext && X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

// Built as GENERAL_NAMEs rather than a "DNS:a,IP:b" config string, so a name cannot smuggle in
// another entry.
bool AddSubjectAltNames(X509* cert, const std::vector<std::string>& names) {
  GENERAL_NAMES* general_names = sk_GENERAL_NAME_new_null();
  if (!general_names) return false;
  bool ok = true;
  for (const auto& name : names) {
    GENERAL_NAME* gn = GENERAL_NAME_new();
    if (!gn) {
      ok = false;
      break;
    }
    if (ASN1_OCTET_STRING* ip = a2i_IPADDRESS(name.c_str())) {
      GENERAL_NAME_set0_value(gn, GEN_IPADD, ip);
    } else {
      ERR_clear_error();  // not an address: a DNS name
      ASN1_IA5STRING* dns = ASN1_IA5STRING_new();
      ok = dns && ASN1_STRING_set(dns, name.data(), static_cast<int>(name.size())) == 1;
      GENERAL_NAME_set0_value(gn, GEN_DNS, dns);
    }
    if (!ok || sk_GENERAL_NAME_push(general_names, gn) <= 0) {
      GENERAL_NAME_free(gn);
      ok = false;
      break;
    }
  }
  ok = ok &&
       X509_add1_ext_i2d(cert, NID_subject_alt_name, general_names, 0, X509V3_ADD_DEFAULT) == 1;
  GENERAL_NAMES_free(general_names);
  return ok;
}

bool SetSubject(X509* cert, const std::string& cn) {
  X509_NAME* name = X509_get_subject_name(cert);
  auto add = [name](const char* field, const std::string& value) {
    return X509_NAME_add_entry_by_txt(name, field, MBSTRING_ASC,
                                      reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1,
                                      0) == 1;
  };
  return add("O", "tlslab") && add("CN", cn);
}

bool AddExtensions(X509* cert, const Blueprint& b) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, b.issuer ? b.issuer : cert, cert, nullptr, nullptr, 0);
  bool ok = AddExtension(cert, &ctx, NID_basic_constraints,
                         b.ca ? "critical,CA:TRUE" : "critical,CA:FALSE") &&
            AddExtension(cert, &ctx, NID_key_usage,
                         b.ca ? "critical,keyCertSign,cRLSign"
                              : "critical,digitalSignature,keyEncipherment") &&
            AddExtension(cert, &ctx, NID_subject_key_identifier, "hash");
  if (ok && b.issuer) ok = AddExtension(cert, &ctx, NID_authority_key_identifier, "keyid:always");
  if (ok && !b.ca) ok = AddExtension(cert, &ctx, NID_ext_key_usage, "serverAuth");
  if (ok && !b.san.empty()) ok = AddSubjectAltNames(cert, b.san);
  return ok;
}

Result<X509Ptr> Mint(const Blueprint& b) {
  X509Ptr cert(X509_new());
  X509* x = cert.get();
  bool ok = x && X509_set_version(x, X509_VERSION_3) == 1 && SetRandomSerial(x) &&
            X509_gmtime_adj(X509_getm_notBefore(x), b.not_before) &&
            X509_gmtime_adj(X509_getm_notAfter(x), b.not_after) && SetSubject(x, b.cn) &&
            X509_set_issuer_name(x, X509_get_subject_name(b.issuer ? b.issuer : x)) == 1 &&
            X509_set_pubkey(x, b.key) == 1 && AddExtensions(x, b) &&
            X509_sign(x, b.issuer ? b.issuer_key : b.key, b.digest) > 0;
  if (!ok) {
    return probe::Fail(ErrorCode::kInternal,
                       fmt::format("minting certificate '{}': {}", b.cn, OpenSslErrorText()));
  }
  return cert;
}

}  // namespace

std::string OpenSslErrorText() {
  unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(code, buf, sizeof buf);
  return buf;
}

Result<CertificateAuthority> CertificateAuthority::Create() {
  const auto& keys = SharedKeys();
  if (!keys) return tl::unexpected(keys.error());
  Blueprint root;
  root.cn = "tlslab Test Root CA";
  root.key = keys->root.get();
  root.ca = true;
  root.not_after = 365 * kDay;
  auto root_cert = Mint(root);
  if (!root_cert) return tl::unexpected(root_cert.error());
  Blueprint intermediate = root;
  intermediate.cn = "tlslab Test Intermediate CA";
  intermediate.key = keys->intermediate.get();
  intermediate.issuer = root_cert->get();
  intermediate.issuer_key = keys->root.get();
  auto intermediate_cert = Mint(intermediate);
  if (!intermediate_cert) return tl::unexpected(intermediate_cert.error());
  CertificateAuthority ca;
  ca.root_ = std::move(*root_cert);
  ca.intermediate_ = std::move(*intermediate_cert);
  return ca;
}

Result<ServedCertificate> CertificateAuthority::Issue(const CertificateSpec& spec) const {
  const auto& keys = SharedKeys();
  if (!keys) return tl::unexpected(keys.error());
  const CertificateKind kind = spec.kind;
  Blueprint b;
  b.cn = spec.cn;
  // Every kind but cn_only carries a SAN, as real certificates have since browsers dropped CN.
  if (kind != CertificateKind::kCnOnly) {
    b.san = spec.san.empty() ? std::vector<std::string>{spec.cn} : spec.san;
  }
  b.key = (kind == CertificateKind::kRsa1024 ? keys->weak : keys->leaf).get();
  if (kind != CertificateKind::kSelfSigned) {
    b.issuer = intermediate_.get();
    b.issuer_key = keys->intermediate.get();
  }
  if (kind == CertificateKind::kSha1) b.digest = EVP_sha1();
  if (kind == CertificateKind::kExpired) {
    b.not_before = -60 * kDay;
    b.not_after = -30 * kDay;
  }
  auto leaf = Mint(b);
  if (!leaf) return tl::unexpected(leaf.error().With(fmt::format("certificate '{}'", spec.name)));

  ServedCertificate served;
  served.kind = kind;
  served.leaf = std::move(*leaf);
  served.key = Share(b.key);
  if (kind != CertificateKind::kSelfSigned && kind != CertificateKind::kMissingIntermediate) {
    served.chain.push_back(Share(intermediate_.get()));
  }
  return served;
}

Result<std::string> CertificateAuthority::RootPem() const { return CertificatePem(root_.get()); }

Result<std::string> CertificatePem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (!bio || PEM_write_bio_X509(bio, cert) != 1) {
    BIO_free(bio);
    return probe::Fail(ErrorCode::kInternal, "writing PEM: " + OpenSslErrorText());
  }
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  return pem;
}

}  // namespace tlslab
