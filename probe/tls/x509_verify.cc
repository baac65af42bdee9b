#include "probe/tls/x509_verify.h"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>

namespace probe::tls {
namespace {

struct Free {
  void operator()(X509* p) const { X509_free(p); }
  void operator()(X509_STORE_CTX* p) const { X509_STORE_CTX_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(PKCS7* p) const { PKCS7_free(p); }
  void operator()(GENERAL_NAMES* p) const { GENERAL_NAMES_free(p); }
  void operator()(CRL_DIST_POINTS* p) const { CRL_DIST_POINTS_free(p); }
  void operator()(AUTHORITY_INFO_ACCESS* p) const { AUTHORITY_INFO_ACCESS_free(p); }
};
using X509Ptr = std::unique_ptr<X509, Free>;

struct Stack {
  STACK_OF(X509) * certs = sk_X509_new_null();
  ~Stack() { sk_X509_pop_free(certs, X509_free); }
};

X509Ptr ParseDer(ByteView der) {
  const unsigned char* p = der.data();
  return X509Ptr(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
}

std::string Ia5(const ASN1_STRING* s) {
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<std::size_t>(ASN1_STRING_length(s)));
}

std::optional<std::string> Utf8(const ASN1_STRING* s) {
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, s);
  if (len < 0) return std::nullopt;
  std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));
  OPENSSL_free(utf8);
  return out;
}

std::string IpText(const ASN1_OCTET_STRING* ip) {
  const unsigned char* b = ASN1_STRING_get0_data(ip);
  int len = ASN1_STRING_length(ip);
  if (len == 4) return fmt::format("{}.{}.{}.{}", b[0], b[1], b[2], b[3]);
  if (len != 16) return {};
  std::string v6;
  for (int j = 0; j < 16; j += 2) v6 += fmt::format("{}{:x}", j ? ":" : "", (b[j] << 8) | b[j + 1]);
  return v6;
}

void ReadNames(X509* cert, CertificateNames& out) {
  const X509_NAME* subject = X509_get_subject_name(cert);
  for (int i = -1; (i = X509_NAME_get_index_by_NID(subject, NID_commonName, i)) >= 0;) {
    if (auto cn = Utf8(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i))))
      out.common_names.push_back(*cn);
  }
  std::unique_ptr<GENERAL_NAMES, Free> names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  out.has_san_extension = X509_get_ext_by_NID(cert, NID_subject_alt_name, -1) >= 0;
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names.get(), i);
    if (gn->type == GEN_DNS) out.dns_names.push_back(Ia5(gn->d.dNSName));
    if (gn->type == GEN_EMAIL) out.emails.push_back(Ia5(gn->d.rfc822Name));
    if (gn->type == GEN_IPADD) {
      std::string ip = IpText(gn->d.iPAddress);
      if (!ip.empty()) out.ip_addresses.push_back(ip);
    }
  }
  for (int i = -1; (i = X509_NAME_get_index_by_NID(subject, NID_pkcs9_emailAddress, i)) >= 0;) {
    if (auto e = Utf8(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i))))
      out.emails.push_back(*e);
  }
}

void ReadUris(const GENERAL_NAMES* names, std::vector<std::string>& out) {
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names, i);
    if (gn->type == GEN_URI) out.push_back(Ia5(gn->d.uniformResourceIdentifier));
  }
}

void ReadUrls(X509* cert, CertificateDetails& out) {
  std::unique_ptr<CRL_DIST_POINTS, Free> points(static_cast<CRL_DIST_POINTS*>(
      X509_get_ext_d2i(cert, NID_crl_distribution_points, nullptr, nullptr)));
  for (int i = 0; points && i < sk_DIST_POINT_num(points.get()); ++i) {
    const DIST_POINT* dp = sk_DIST_POINT_value(points.get(), i);
    if (dp->distpoint && dp->distpoint->type == 0)
      ReadUris(dp->distpoint->name.fullname, out.crl_urls);
  }
  std::unique_ptr<AUTHORITY_INFO_ACCESS, Free> aia(static_cast<AUTHORITY_INFO_ACCESS*>(
      X509_get_ext_d2i(cert, NID_info_access, nullptr, nullptr)));
  for (int i = 0; aia && i < sk_ACCESS_DESCRIPTION_num(aia.get()); ++i) {
    const ACCESS_DESCRIPTION* ad = sk_ACCESS_DESCRIPTION_value(aia.get(), i);
    if (ad->location->type != GEN_URI) continue;
    std::string uri = Ia5(ad->location->d.uniformResourceIdentifier);
    int method = OBJ_obj2nid(ad->method);
    if (method == NID_ad_OCSP) out.ocsp_urls.push_back(uri);
    if (method == NID_ad_ca_issuers) out.ca_issuer_urls.push_back(uri);
  }
}

void ReadKeyAndSignature(X509* cert, CertificateDetails& out) {
  if (EVP_PKEY* key = X509_get0_pubkey(cert)) {
    char group[80] = {0};
    std::size_t len = 0;
    if (EVP_PKEY_get_base_id(key) == EVP_PKEY_EC &&
        EVP_PKEY_get_group_name(key, group, sizeof group, &len) == 1) {
      out.curve.assign(group, len);
    }
  }
  int md = NID_undef;
  if (X509_get_signature_info(cert, &md, nullptr, nullptr, nullptr) == 1 && md != NID_undef) {
    if (const char* name = OBJ_nid2sn(md)) out.signature_digest = name;
    for (char& c : out.signature_digest)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  ERR_clear_error();
}

std::string SubjectOf(X509* cert) {
  char buf[512];
  X509_NAME_oneline(X509_get_subject_name(cert), buf, sizeof buf);
  return buf;
}

// What the verify callback saw.
struct VerifyLog {
  std::vector<std::pair<int, int>> errors;  // (error code, depth)
  std::vector<std::string> lines;
};

// The ex_data slot that carries the VerifyLog into the callback.
int LogIndex() {
  static const int index = X509_STORE_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

int RecordAndContinue(int ok, X509_STORE_CTX* ctx) {
  if (ok) return 1;
  auto* log = static_cast<VerifyLog*>(X509_STORE_CTX_get_ex_data(ctx, LogIndex()));
  int error = X509_STORE_CTX_get_error(ctx);
  int depth = X509_STORE_CTX_get_error_depth(ctx);
  X509* cert = X509_STORE_CTX_get_current_cert(ctx);
  if (log != nullptr) {
    log->errors.emplace_back(error, depth);
    log->lines.push_back(fmt::format("depth {} ({}): {}", depth, cert ? SubjectOf(cert) : "?",
                                     X509_verify_cert_error_string(error)));
  }
  return 1;  // keep going: we want every problem and the chain as far as it can be built
}

TrustProblem ProblemFor(int error) {
  switch (error) {
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
      return TrustProblem::kSelfSignedLeaf;
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_CERT_UNTRUSTED:
    case X509_V_ERR_CERT_REJECTED:
      return TrustProblem::kUntrustedRoot;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      return TrustProblem::kIssuerMissing;
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
    case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY:
      return TrustProblem::kBadSignature;
    case X509_V_ERR_INVALID_PURPOSE:
      return TrustProblem::kNotServerAuth;
    case X509_V_ERR_INVALID_CA:
    case X509_V_ERR_PATH_LENGTH_EXCEEDED:
    case X509_V_ERR_KEYUSAGE_NO_CERTSIGN:
      return TrustProblem::kInvalidCa;
    case X509_V_ERR_CERT_NOT_YET_VALID:
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD:
    case X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD:
      return TrustProblem::kNone;  // judged elsewhere
    default:
      return TrustProblem::kOther;
  }
}

std::optional<CertificateSummary> Summarize(X509* cert) {
  unsigned char* der = nullptr;
  int len = i2d_X509(cert, &der);
  if (len <= 0) return std::nullopt;
  auto summary = SummarizeCertificate(ByteView(der, static_cast<std::size_t>(len)));
  OPENSSL_free(der);
  if (!summary) return std::nullopt;
  return *summary;
}

CertSource SourceOf(const CertificateSummary& c, const std::vector<CertificateSummary>& sent,
                    const std::vector<CertificateSummary>& fetched) {
  auto same = [&c](const CertificateSummary& s) {
    return s.sha256_fingerprint == c.sha256_fingerprint;
  };
  if (std::any_of(sent.begin(), sent.end(), same)) return CertSource::kSent;
  if (std::any_of(fetched.begin(), fetched.end(), same)) return CertSource::kAia;
  return CertSource::kTrustStore;
}

void Classify(const VerifyLog& log, ChainVerification& out) {
  static constexpr TrustProblem kOrder[] = {
      TrustProblem::kSelfSignedLeaf, TrustProblem::kUntrustedRoot, TrustProblem::kIssuerMissing,
      TrustProblem::kBadSignature,   TrustProblem::kNotServerAuth, TrustProblem::kInvalidCa,
      TrustProblem::kOther};
  out.errors = log.lines;
  for (TrustProblem candidate : kOrder) {
    for (const auto& [error, depth] : log.errors) {
      if (ProblemFor(error) != candidate) continue;
      if (out.problem == TrustProblem::kNone) out.problem = candidate;
      if (candidate == TrustProblem::kIssuerMissing && !out.built.empty()) {
        out.issuer_missing_at = out.built.size() - 1;
      }
    }
  }
  out.trusted = out.problem == TrustProblem::kNone;
}

// The certificates of a PKCS#7 certs-only bundle (.p7c), DER or PEM; empty if it is none.
std::vector<X509Ptr> Pkcs7Certificates(ByteView body) {
  std::vector<X509Ptr> out;
  const unsigned char* p = body.data();
  std::unique_ptr<PKCS7, Free> p7(d2i_PKCS7(nullptr, &p, static_cast<long>(body.size())));
  if (!p7) {
    ERR_clear_error();
    std::unique_ptr<BIO, Free> bio(BIO_new_mem_buf(body.data(), static_cast<int>(body.size())));
    p7.reset(PEM_read_bio_PKCS7(bio.get(), nullptr, nullptr, nullptr));
  }
  ERR_clear_error();
  if (!p7 || !PKCS7_type_is_signed(p7.get()) || !p7->d.sign || !p7->d.sign->cert) return out;
  STACK_OF(X509)* certs = p7->d.sign->cert;
  for (int i = 0; i < sk_X509_num(certs); ++i) {
    X509* x = sk_X509_value(certs, i);
    X509_up_ref(x);
    out.emplace_back(x);
  }
  return out;
}

// Every "BEGIN CERTIFICATE" block of a PEM text.
std::vector<X509Ptr> PemCertificates(ByteView body) {
  std::vector<X509Ptr> out;
  std::unique_ptr<BIO, Free> bio(BIO_new_mem_buf(body.data(), static_cast<int>(body.size())));
  while (X509* x = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) out.emplace_back(x);
  ERR_clear_error();
  return out;
}

// The chain OpenSSL built (or got as far as), with where each certificate came from.
void ReadBuilt(X509_STORE_CTX* ctx, const std::vector<CertificateSummary>& sent,
               const std::vector<CertificateSummary>& fetched, ChainVerification& out) {
  STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx);
  for (int i = 0; chain != nullptr && i < sk_X509_num(chain); ++i) {
    auto summary = Summarize(sk_X509_value(chain, i));
    if (!summary) continue;
    CertSource source = i == 0 ? CertSource::kSent : SourceOf(*summary, sent, fetched);
    out.built.push_back({std::move(*summary), source});
  }
}

// An intermediate the server did not send makes the chain as sent incomplete; a self-signed
// root at the top need not be sent.
void MarkNotSent(ChainVerification& out) {
  for (std::size_t i = 1; i < out.built.size(); ++i) {
    bool root = i + 1 == out.built.size() && out.built[i].cert.self_issued;
    if (!root && out.built[i].source != CertSource::kSent) out.not_sent.push_back(i);
  }
}

}  // namespace

Result<CertificateDetails> ReadDetails(ByteView der) {
  X509Ptr cert = ParseDer(der);
  if (!cert) {
    ERR_clear_error();
    return Fail(ErrorCode::kMalformed, "certificate is not valid DER");
  }
  CertificateDetails out;
  ReadNames(cert.get(), out.names);
  ReadUrls(cert.get(), out);
  ReadKeyAndSignature(cert.get(), out);
  out.ca = (X509_get_extension_flags(cert.get()) & EXFLAG_CA) != 0;
  out.self_signed = X509_self_signed(cert.get(), 1) == 1;
  ERR_clear_error();
  return out;
}

Result<TrustAnchors> TrustAnchors::FromFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Fail(ErrorCode::kInvalidArgument, fmt::format("cannot read the CA file {}", path));
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto found = DecodeIssuerCertificates(AsBytes(bytes));
  if (!found || found->empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("the CA file {} holds no PEM or DER certificate", path));
  }
  TrustAnchors anchors;
  anchors.store_.reset(X509_STORE_new(), X509_STORE_free);
  for (const auto& c : *found) {
    X509Ptr x = ParseDer(c.der);
    if (!x || X509_STORE_add_cert(anchors.store_.get(), x.get()) != 1) {
      ERR_clear_error();  // a duplicate certificate in the bundle is harmless
    }
  }
  anchors.description_ = fmt::format("ca-file {} ({} certificate{})", path, found->size(),
                                     found->size() == 1 ? "" : "s");
  return anchors;
}

Result<TrustAnchors> TrustAnchors::System() {
  TrustAnchors anchors;
  anchors.store_.reset(X509_STORE_new(), X509_STORE_free);
  if (!anchors.store_ || X509_STORE_set_default_paths(anchors.store_.get()) != 1) {
    ERR_clear_error();
    return Fail(ErrorCode::kInternal, "cannot open the system certificate store");
  }
  anchors.description_ = fmt::format("system store ({})", X509_get_default_cert_dir());
  return anchors;
}

std::string_view CertSourceName(CertSource source) {
  switch (source) {
    case CertSource::kSent:
      return "sent";
    case CertSource::kTrustStore:
      return "trust_store";
    case CertSource::kAia:
      return "aia";
  }
  return "sent";
}

std::string_view TrustProblemName(TrustProblem problem) {
  switch (problem) {
    case TrustProblem::kNone:
      return "none";
    case TrustProblem::kNoCertificate:
      return "no_certificate";
    case TrustProblem::kSelfSignedLeaf:
      return "self_signed_leaf";
    case TrustProblem::kUntrustedRoot:
      return "untrusted_root";
    case TrustProblem::kIssuerMissing:
      return "issuer_missing";
    case TrustProblem::kBadSignature:
      return "bad_signature";
    case TrustProblem::kNotServerAuth:
      return "not_server_auth";
    case TrustProblem::kInvalidCa:
      return "invalid_ca";
    case TrustProblem::kOther:
      return "other";
  }
  return "other";
}

ChainVerification VerifyChain(const std::vector<CertificateSummary>& sent,
                              const std::vector<CertificateSummary>& fetched,
                              const TrustAnchors& anchors) {
  ChainVerification out;
  X509Ptr leaf = sent.empty() ? nullptr : ParseDer(sent.front().der);
  if (!leaf || anchors.store() == nullptr) {
    out.problem = TrustProblem::kNoCertificate;
    out.errors.push_back(sent.empty() ? "the server sent no certificate"
                                      : "the leaf certificate does not parse");
    return out;
  }
  Stack untrusted;
  for (std::size_t i = 1; i < sent.size() + fetched.size(); ++i) {
    const auto& c = i < sent.size() ? sent[i] : fetched[i - sent.size()];
    if (X509Ptr x = ParseDer(c.der)) sk_X509_push(untrusted.certs, x.release());
  }
  std::unique_ptr<X509_STORE_CTX, Free> ctx(X509_STORE_CTX_new());
  VerifyLog log;
  if (!ctx || X509_STORE_CTX_init(ctx.get(), anchors.store(), leaf.get(), untrusted.certs) != 1) {
    ERR_clear_error();
    out.problem = TrustProblem::kOther;
    out.errors.push_back("OpenSSL could not set up chain verification");
    return out;
  }
  X509_STORE_CTX_set_ex_data(ctx.get(), LogIndex(), &log);
  X509_STORE_CTX_set_verify_cb(ctx.get(), RecordAndContinue);
  X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_SERVER);
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_NO_CHECK_TIME);
  X509_VERIFY_PARAM_set_auth_level(param, 0);  // key and digest strength are judged by the caller
  X509_verify_cert(ctx.get());
  ERR_clear_error();
  ReadBuilt(ctx.get(), sent, fetched, out);
  Classify(log, out);
  MarkNotSent(out);
  return out;
}

Result<std::vector<CertificateSummary>> DecodeIssuerCertificates(ByteView body) {
  std::vector<X509Ptr> found;
  if (X509Ptr der = ParseDer(body)) {
    found.push_back(std::move(der));
  } else if (auto bundle = Pkcs7Certificates(body); !bundle.empty()) {
    found = std::move(bundle);
  } else {
    found = PemCertificates(body);
  }
  ERR_clear_error();
  std::vector<CertificateSummary> out;
  for (const auto& x : found) {
    if (auto s = Summarize(x.get())) out.push_back(std::move(*s));
  }
  if (out.empty()) {
    return Fail(ErrorCode::kMalformed, "no certificate in the answer (DER, PEM or PKCS#7)");
  }
  return out;
}

}  // namespace probe::tls
