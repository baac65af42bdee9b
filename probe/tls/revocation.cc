#include "probe/tls/revocation.h"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <memory>

#include "probe/tls/plain_http.h"

namespace probe::tls {
namespace {

struct Free {
  void operator()(X509* p) const { X509_free(p); }
  void operator()(X509_CRL* p) const { X509_CRL_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(OCSP_REQUEST* p) const { OCSP_REQUEST_free(p); }
  void operator()(OCSP_RESPONSE* p) const { OCSP_RESPONSE_free(p); }
  void operator()(OCSP_BASICRESP* p) const { OCSP_BASICRESP_free(p); }
  void operator()(OCSP_CERTID* p) const { OCSP_CERTID_free(p); }
  void operator()(X509_STORE* p) const { X509_STORE_free(p); }
  void operator()(ASN1_ENUMERATED* p) const { ASN1_ENUMERATED_free(p); }
};
using X509Ptr = std::unique_ptr<X509, Free>;

X509Ptr ParseDer(const Bytes& der) {
  const unsigned char* p = der.data();
  return X509Ptr(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
}

std::int64_t ToUnix(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return static_cast<std::int64_t>(timegm(&tm));
}

std::string ReasonName(int reason) {
  if (reason < 0) return {};
  const char* s = OCSP_crl_reason_str(reason);
  return s ? s : std::to_string(reason);
}

double Since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Fetches a URL; on failure fills the check (unreachable / skipped / unusable) and returns nullopt.
std::optional<HttpResponse> Fetch(const RevocationQuery& q, const HttpRequest& request,
                                  const net::NetOptions& net, const Deadline& deadline,
                                  TraceSink* trace, RevocationCheck& out) {
  auto url = ParseHttpUrl(q.url);
  if (!url) {
    out.status = url.error().code == ErrorCode::kUnsupported ? RevocationStatus::kSkipped
                                                             : RevocationStatus::kUnusable;
    out.detail = fmt::format("not fetched: {}", url.error().message);
    return std::nullopt;
  }
  auto response = HttpFetch(q.url, request, net, deadline, trace);
  if (!response) {
    bool garbage = response.error().code == ErrorCode::kMalformed;
    out.status = garbage ? RevocationStatus::kUnusable : RevocationStatus::kUnreachable;
    out.detail = response.error().message;
    return std::nullopt;
  }
  out.http_status = response->status;
  if (response->status != 200) {
    out.status = RevocationStatus::kUnusable;
    out.detail = fmt::format("HTTP {} {}", response->status, response->reason);
    return std::nullopt;
  }
  return std::move(*response);
}

std::unique_ptr<X509_CRL, Free> ParseCrl(const Bytes& body) {
  const unsigned char* p = body.data();
  std::unique_ptr<X509_CRL, Free> crl(d2i_X509_CRL(nullptr, &p, static_cast<long>(body.size())));
  if (!crl) {
    ERR_clear_error();
    std::unique_ptr<BIO, Free> bio(BIO_new_mem_buf(body.data(), static_cast<int>(body.size())));
    crl.reset(PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr));
  }
  ERR_clear_error();
  return crl;
}

void JudgeCrl(X509_CRL* crl, X509* cert, X509* issuer, const std::string& serial,
              RevocationCheck& out) {
  if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_issuer_name(cert)) != 0) {
    out.status = RevocationStatus::kUnusable;
    out.detail = "the CRL is issued by another CA than the certificate's issuer";
    return;
  }
  if (issuer != nullptr && X509_CRL_verify(crl, X509_get0_pubkey(issuer)) != 1) {
    ERR_clear_error();
    out.status = RevocationStatus::kUnusable;
    out.detail = "the CRL's signature does not verify with the issuer's key";
    return;
  }
  std::int64_t next = ToUnix(X509_CRL_get0_nextUpdate(crl));
  if (next != 0 && next < static_cast<std::int64_t>(std::time(nullptr))) {
    out.status = RevocationStatus::kUnusable;
    out.detail = fmt::format("the CRL expired at {} (nextUpdate); clients treat it as unavailable",
                             FormatUtc(next));
    return;
  }
  X509_REVOKED* revoked = nullptr;
  if (X509_CRL_get0_by_serial(crl, &revoked, X509_get0_serialNumber(cert)) == 1 &&
      revoked != nullptr) {
    out.status = RevocationStatus::kRevoked;
    out.revoked_at = ToUnix(X509_REVOKED_get0_revocationDate(revoked));
    std::unique_ptr<ASN1_ENUMERATED, Free> reason(static_cast<ASN1_ENUMERATED*>(
        X509_REVOKED_get_ext_d2i(revoked, NID_crl_reason, nullptr, nullptr)));
    if (reason)
      out.revocation_reason = ReasonName(static_cast<int>(ASN1_ENUMERATED_get(reason.get())));
    out.detail =
        fmt::format("serial {} is on the CRL, revoked at {}{}", serial, FormatUtc(*out.revoked_at),
                    out.revocation_reason.empty() ? "" : " (" + out.revocation_reason + ")");
    return;
  }
  out.status = RevocationStatus::kGood;
  int entries = sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl));
  out.detail =
      fmt::format("not on the CRL ({} entr{}{})", entries < 0 ? 0 : entries,
                  entries == 1 ? "y" : "ies", next ? ", next update " + FormatUtc(next) : "");
}

void CheckCrl(const RevocationQuery& q, const net::NetOptions& net, const Deadline& deadline,
              TraceSink* trace, RevocationCheck& out) {
  auto response = Fetch(q, HttpRequest{}, net, deadline, trace, out);
  if (!response) return;
  auto crl = ParseCrl(response->body);
  if (!crl) {
    out.status = RevocationStatus::kUnusable;
    out.detail = fmt::format("the answer ({} bytes) is not a CRL", response->body.size());
    return;
  }
  X509Ptr cert = ParseDer(q.cert.der);
  X509Ptr issuer = q.issuer ? ParseDer(q.issuer->der) : nullptr;
  if (!cert) {
    out.status = RevocationStatus::kSkipped;
    out.detail = "the certificate does not parse";
    return;
  }
  JudgeCrl(crl.get(), cert.get(), issuer.get(), q.cert.serial_hex, out);
  if (!q.issuer && out.status == RevocationStatus::kGood)
    out.detail += "; signature not checked (issuer unknown)";
}

// The response must be signed by the issuer or a responder it delegated to (RFC 6960 §4.2.2.2).
bool VerifyOcspSignature(OCSP_BASICRESP* basic, X509* issuer) {
  std::unique_ptr<X509_STORE, Free> store(X509_STORE_new());
  STACK_OF(X509)* certs = sk_X509_new_null();
  bool ok = store && certs && X509_STORE_add_cert(store.get(), issuer) == 1 &&
            sk_X509_push(certs, issuer) > 0;
  if (ok) {
    X509_STORE_set_flags(store.get(), X509_V_FLAG_PARTIAL_CHAIN);
    ok = OCSP_basic_verify(basic, certs, store.get(), OCSP_TRUSTOTHER) > 0;
  }
  sk_X509_free(certs);
  ERR_clear_error();
  return ok;
}

void JudgeOcsp(const HttpResponse& response, OCSP_REQUEST* request, OCSP_CERTID* id, X509* issuer,
               RevocationCheck& out) {
  const unsigned char* p = response.body.data();
  std::unique_ptr<OCSP_RESPONSE, Free> resp(
      d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(response.body.size())));
  out.status = RevocationStatus::kUnusable;
  if (!resp) {
    out.detail = fmt::format("the answer ({} bytes) is not an OCSP response", response.body.size());
    return;
  }
  int rs = OCSP_response_status(resp.get());
  if (rs != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
    out.detail = fmt::format("the responder answered {} ({})", OCSP_response_status_str(rs), rs);
    return;
  }
  std::unique_ptr<OCSP_BASICRESP, Free> basic(OCSP_response_get1_basic(resp.get()));
  if (!basic) {
    out.detail = "the OCSP response has no basic response";
    return;
  }
  if (OCSP_check_nonce(request, basic.get()) == 0) {
    out.detail = "the OCSP response's nonce does not match the request";
    return;
  }
  if (!VerifyOcspSignature(basic.get(), issuer)) {
    out.detail =
        "the OCSP response's signature does not verify (not signed by the issuer or its delegated "
        "responder)";
    return;
  }
  int status = -1, reason = -1;
  ASN1_GENERALIZEDTIME *revtime = nullptr, *thisupd = nullptr, *nextupd = nullptr;
  if (OCSP_resp_find_status(basic.get(), id, &status, &reason, &revtime, &thisupd, &nextupd) != 1) {
    out.detail = "the OCSP response does not cover this certificate";
    return;
  }
  if (OCSP_check_validity(thisupd, nextupd, 300, -1) != 1) {
    ERR_clear_error();
    out.detail = "the OCSP response is outside its validity period (stale or from the future)";
    return;
  }
  if (status == V_OCSP_CERTSTATUS_GOOD) {
    out.status = RevocationStatus::kGood;
    out.detail = "the responder says good";
  } else if (status == V_OCSP_CERTSTATUS_REVOKED) {
    out.status = RevocationStatus::kRevoked;
    out.revoked_at = ToUnix(revtime);
    out.revocation_reason = ReasonName(reason);
    out.detail =
        fmt::format("the responder says revoked at {}{}", FormatUtc(*out.revoked_at),
                    out.revocation_reason.empty() ? "" : " (" + out.revocation_reason + ")");
  } else {
    out.status = RevocationStatus::kUnknown;
    out.detail = "the responder says unknown: it does not know this certificate";
  }
}

void CheckOcsp(const RevocationQuery& q, const net::NetOptions& net, const Deadline& deadline,
               TraceSink* trace, RevocationCheck& out) {
  X509Ptr cert = ParseDer(q.cert.der);
  X509Ptr issuer = q.issuer ? ParseDer(q.issuer->der) : nullptr;
  if (!cert || !issuer) {
    out.status = RevocationStatus::kSkipped;
    out.detail = "not asked: OCSP needs the issuer certificate, which the chain does not provide";
    return;
  }
  std::unique_ptr<OCSP_CERTID, Free> id(OCSP_cert_to_id(EVP_sha1(), cert.get(), issuer.get()));
  std::unique_ptr<OCSP_REQUEST, Free> request(OCSP_REQUEST_new());
  OCSP_CERTID* request_id = id ? OCSP_CERTID_dup(id.get()) : nullptr;
  if (!id || !request || !request_id || !OCSP_request_add0_id(request.get(), request_id) ||
      OCSP_request_add1_nonce(request.get(), nullptr, -1) != 1) {
    ERR_clear_error();
    out.status = RevocationStatus::kSkipped;
    out.detail = "OpenSSL could not build the OCSP request";
    return;
  }
  unsigned char* der = nullptr;
  int len = i2d_OCSP_REQUEST(request.get(), &der);
  if (len <= 0) {
    out.status = RevocationStatus::kSkipped;
    out.detail = "OpenSSL could not encode the OCSP request";
    return;
  }
  HttpRequest post;
  post.method = "POST";
  post.content_type = "application/ocsp-request";
  post.body.assign(der, der + len);
  OPENSSL_free(der);
  post.max_response = 1u << 20;
  auto response = Fetch(q, post, net, deadline, trace, out);
  if (!response) return;
  JudgeOcsp(*response, request.get(), id.get(), issuer.get(), out);
}

}  // namespace

std::string_view RevocationMethodName(RevocationMethod method) {
  return method == RevocationMethod::kCrl ? "crl" : "ocsp";
}

std::string_view RevocationStatusName(RevocationStatus status) {
  switch (status) {
    case RevocationStatus::kGood:
      return "good";
    case RevocationStatus::kRevoked:
      return "revoked";
    case RevocationStatus::kUnknown:
      return "unknown";
    case RevocationStatus::kUnreachable:
      return "unreachable";
    case RevocationStatus::kUnusable:
      return "unusable";
    case RevocationStatus::kSkipped:
      return "skipped";
  }
  return "skipped";
}

std::vector<RevocationQuery> PlanRevocation(const std::vector<ChainLink>& built) {
  std::vector<RevocationQuery> out;
  for (std::size_t i = 0; i < built.size(); ++i) {
    const auto& cert = built[i].cert;
    auto details = ReadDetails(cert.der);
    if (!details) continue;
    bool anchor = i + 1 == built.size() && details->self_signed;
    if (anchor) continue;  // nobody checks a root's revocation
    std::optional<CertificateSummary> issuer;
    if (i + 1 < built.size()) issuer = built[i + 1].cert;
    if (details->self_signed) issuer = cert;
    for (const auto& url : details->crl_urls)
      out.push_back({RevocationMethod::kCrl, url, cert, issuer, i});
    for (const auto& url : details->ocsp_urls)
      out.push_back({RevocationMethod::kOcsp, url, cert, issuer, i});
  }
  return out;
}

RevocationCheck RunRevocationQuery(const RevocationQuery& query, const net::NetOptions& net,
                                   const Deadline& deadline, TraceSink* trace) {
  auto started = Clock::now();
  RevocationCheck out;
  out.method = query.method;
  out.url = query.url;
  out.subject = query.cert.subject;
  out.chain_index = query.chain_index;
  if (query.method == RevocationMethod::kCrl) {
    CheckCrl(query, net, deadline, trace, out);
  } else {
    CheckOcsp(query, net, deadline, trace, out);
  }
  out.elapsed_ms = Since(started);
  return out;
}

}  // namespace probe::tls
