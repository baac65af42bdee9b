#include "probe/auth/kerberos.h"

#include <fmt/format.h>
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
#include <krb5/krb5.h>

#include <string>
#include <utility>

#include "probe/auth/gss_mechs.h"

namespace probe::auth {

namespace {

// gss_OID_desc wants a non-const pointer; GSS-API never writes through it.
gss_OID_desc OidDesc(Mech mech) {
  ByteView oid = MechOid(mech);
  return {static_cast<OM_uint32>(oid.size()),
          const_cast<void*>(static_cast<const void*>(oid.data()))};
}
gss_OID_desc kKrb5Oid = OidDesc(Mech::kKerberos);
gss_OID_desc kSpnegoOid = OidDesc(Mech::kSpnego);
gss_OID_set_desc kKrb5Set = {1, &kKrb5Oid};
gss_OID_set_desc kSpnegoSet = {1, &kSpnegoOid};

struct Buffer {
  gss_buffer_desc desc = GSS_C_EMPTY_BUFFER;
  ~Buffer() {
    OM_uint32 minor = 0;
    gss_release_buffer(&minor, &desc);
  }
  std::string Text() const {
    return std::string(static_cast<const char*>(desc.value), desc.length);
  }
  Bytes Data() const {
    const auto* p = static_cast<const std::uint8_t*>(desc.value);
    return Bytes(p, p + desc.length);
  }
};

// Every message gss_display_status has for one status value, joined.
std::string StatusText(OM_uint32 status, int type, gss_OID mech) {
  std::string text;
  OM_uint32 context = 0;
  do {
    OM_uint32 minor = 0;
    Buffer part;
    if (GSS_ERROR(gss_display_status(&minor, status, type, mech, &context, &part.desc))) break;
    if (!text.empty()) text += "; ";
    text += part.Text();
  } while (context != 0);
  return text;
}

KerberosFailure Classify(OM_uint32 major, std::int64_t minor) {
  switch (minor) {
    case KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN:
      return KerberosFailure::kServerPrincipalUnknown;
    case KRB5KRB_AP_ERR_TKT_EXPIRED:
      return KerberosFailure::kTicketExpired;
    case KRB5KRB_AP_ERR_SKEW:
      return KerberosFailure::kClockSkew;
    case KRB5_KDC_UNREACH:
    case KRB5_REALM_UNKNOWN:
    case KRB5_REALM_CANT_RESOLVE:
      return KerberosFailure::kKdcUnreachable;
    case KRB5_FCC_NOFILE:
    case KRB5_CC_NOTFOUND:
      return KerberosFailure::kNoCredentials;
    default:
      break;
  }
  switch (GSS_ROUTINE_ERROR(major)) {
    case GSS_S_NO_CRED:
      return KerberosFailure::kNoCredentials;
    case GSS_S_CREDENTIALS_EXPIRED:
      return KerberosFailure::kTicketExpired;
    default:
      return KerberosFailure::kOther;
  }
}

// "HTTP@host" -> "HTTP/host": how the KDC and Windows (setspn) spell the same service.
std::string PrincipalForm(const std::string& spn) {
  if (spn.find('/') != std::string::npos) return spn;
  std::string out = spn;
  auto at = out.find('@');
  if (at != std::string::npos) out[at] = '/';
  return out;
}

std::string Sentence(KerberosFailure failure, const std::string& spn, const std::string& ccache,
                     const std::string& what) {
  switch (failure) {
    case KerberosFailure::kNoCredentials:
      return fmt::format("no Kerberos ticket-granting ticket in {} (kinit first): {}",
                         ccache.empty() ? "the default credentials cache" : ccache, what);
    case KerberosFailure::kTicketExpired:
      return fmt::format("the Kerberos ticket has expired (kinit again): {}", what);
    case KerberosFailure::kServerPrincipalUnknown:
      return fmt::format("no SPN {} registered: the KDC does not know the service: {}",
                         PrincipalForm(spn), what);
    case KerberosFailure::kKdcUnreachable:
      return fmt::format("no KDC reachable for the ticket to {}: {}", PrincipalForm(spn), what);
    case KerberosFailure::kClockSkew:
      return fmt::format("clock skew too great between this host and the KDC or server: {}", what);
    case KerberosFailure::kServerRejected:
      return fmt::format("the server's Kerberos answer for {} was refused: {}", PrincipalForm(spn),
                         what);
    case KerberosFailure::kTimeout:
      return "the deadline passed before the Kerberos exchange";
    case KerberosFailure::kOther:
      break;
  }
  return fmt::format("Kerberos for {} failed: {}", PrincipalForm(spn), what);
}

}  // namespace

std::string_view KerberosFailureName(KerberosFailure failure) {
  switch (failure) {
    case KerberosFailure::kNoCredentials:
      return "no_credentials";
    case KerberosFailure::kTicketExpired:
      return "ticket_expired";
    case KerberosFailure::kServerPrincipalUnknown:
      return "server_principal_unknown";
    case KerberosFailure::kKdcUnreachable:
      return "kdc_unreachable";
    case KerberosFailure::kClockSkew:
      return "clock_skew";
    case KerberosFailure::kServerRejected:
      return "server_rejected";
    case KerberosFailure::kTimeout:
      return "timeout";
    case KerberosFailure::kOther:
      break;
  }
  return "other";
}

Error KerberosError::ToError() const {
  ErrorCode code = ErrorCode::kInternal;
  switch (failure) {
    case KerberosFailure::kTimeout:
      code = ErrorCode::kTimeout;
      break;
    case KerberosFailure::kKdcUnreachable:
      code = ErrorCode::kUnreachable;
      break;
    case KerberosFailure::kNoCredentials:
    case KerberosFailure::kTicketExpired:
    case KerberosFailure::kServerPrincipalUnknown:
    case KerberosFailure::kClockSkew:
      code = ErrorCode::kUnsupported;
      break;
    case KerberosFailure::kServerRejected:
      code = ErrorCode::kMalformed;
      break;
    case KerberosFailure::kOther:
      break;
  }
  return Error{code, message};
}

struct KerberosClient::State {
  gss_cred_id_t cred = GSS_C_NO_CREDENTIAL;
  gss_name_t target = GSS_C_NO_NAME;
  gss_ctx_id_t context = GSS_C_NO_CONTEXT;
  gss_OID mech = &kSpnegoOid;
  OM_uint32 req_flags = 0;
  std::string ccache;
  std::string spn;
  KerberosCredentialInfo credential;
  Bytes token;
  bool complete = false;
  bool mutual = false;

  State() = default;
  State(const State&) = delete;
  State& operator=(const State&) = delete;
  ~State() {
    OM_uint32 minor = 0;
    if (context != GSS_C_NO_CONTEXT) gss_delete_sec_context(&minor, &context, GSS_C_NO_BUFFER);
    if (target != GSS_C_NO_NAME) gss_release_name(&minor, &target);
    if (cred != GSS_C_NO_CREDENTIAL) gss_release_cred(&minor, &cred);
  }

  // A classified error from a failed call. `mech` decodes the minor status.
  tl::unexpected<KerberosError> Failed(OM_uint32 major, OM_uint32 minor, gss_OID status_mech,
                                       KerberosFailure fallback = KerberosFailure::kOther) const {
    KerberosError e;
    e.spn = spn;
    e.major = major;
    e.minor = static_cast<std::int32_t>(minor);  // krb5 codes are negative com_err values
    e.major_text = StatusText(major, GSS_C_GSS_CODE, GSS_C_NO_OID);
    e.minor_text = minor != 0 ? StatusText(minor, GSS_C_MECH_CODE, status_mech) : "";
    e.failure = Classify(major, e.minor);
    if (e.failure == KerberosFailure::kOther) e.failure = fallback;
    std::string what = e.minor_text.empty() ? e.major_text : e.minor_text;
    e.message = Sentence(e.failure, spn, ccache, what);
    return tl::unexpected<KerberosError>(std::move(e));
  }

  tl::unexpected<KerberosError> TimedOut() const {
    KerberosError e;
    e.failure = KerberosFailure::kTimeout;
    e.spn = spn;
    e.message = Sentence(e.failure, spn, ccache, "");
    return tl::unexpected<KerberosError>(std::move(e));
  }

  // gss_acquire_cred_from with the chosen cache for `mechs`; the environment's when none.
  OM_uint32 Acquire(gss_OID_set mechs, gss_cred_id_t* out, OM_uint32* minor,
                    OM_uint32* lifetime) const {
    gss_key_value_element_desc element = {"ccache", ccache.c_str()};
    gss_key_value_set_desc store = {1, &element};
    return gss_acquire_cred_from(minor, GSS_C_NO_NAME, GSS_C_INDEFINITE, mechs, GSS_C_INITIATE,
                                 ccache.empty() ? GSS_C_NO_CRED_STORE : &store, out, nullptr,
                                 lifetime);
  }
};

namespace {

// The Kerberos credential alone, for its errors (typed by krb5 codes) and its facts.
KerberosResult<KerberosCredentialInfo> InspectKrb5Credential(const KerberosClient::State& s) {
  OM_uint32 minor = 0;
  OM_uint32 lifetime = 0;
  gss_cred_id_t cred = GSS_C_NO_CREDENTIAL;
  OM_uint32 major = s.Acquire(&kKrb5Set, &cred, &minor, &lifetime);
  if (GSS_ERROR(major)) return s.Failed(major, minor, &kKrb5Oid);
  OM_uint32 ignored = 0;
  if (lifetime == 0) {
    // MIT hands out a credential whose TGT has expired (the KDC would refuse it). Not inquired
    // further: gss_inquire_cred on it fails and leaks the name it made (krb5 1.20).
    gss_release_cred(&ignored, &cred);
    return s.Failed(GSS_S_CREDENTIALS_EXPIRED, static_cast<OM_uint32>(KRB5KRB_AP_ERR_TKT_EXPIRED),
                    &kKrb5Oid);
  }
  KerberosCredentialInfo info;
  info.lifetime_seconds = lifetime;
  gss_name_t name = GSS_C_NO_NAME;
  if (!GSS_ERROR(
          gss_inquire_cred_by_mech(&ignored, cred, &kKrb5Oid, &name, nullptr, nullptr, nullptr))) {
    Buffer text;
    if (!GSS_ERROR(gss_display_name(&ignored, name, &text.desc, nullptr)))
      info.principal = text.Text();
    gss_release_name(&ignored, &name);
  }
  gss_release_cred(&ignored, &cred);
  return info;
}

// SPNEGO returns the Kerberos minor status renumbered by the mechanism glue: its text survives,
// its value does not. So a failed SPNEGO start is asked again through the krb5 mechanism alone
// (a throwaway context) to learn the krb5 error code that classifies it.
tl::unexpected<KerberosError> DiagnoseThroughKrb5(const KerberosClient::State& s,
                                                  tl::unexpected<KerberosError> spnego_error) {
  if (spnego_error.value().failure != KerberosFailure::kOther) return spnego_error;
  OM_uint32 minor = 0;
  OM_uint32 ignored = 0;
  gss_cred_id_t cred = GSS_C_NO_CREDENTIAL;
  if (GSS_ERROR(s.Acquire(&kKrb5Set, &cred, &minor, nullptr))) return spnego_error;
  gss_ctx_id_t context = GSS_C_NO_CONTEXT;
  Buffer out;
  OM_uint32 major = gss_init_sec_context(&minor, cred, &context, s.target, &kKrb5Oid, s.req_flags,
                                         0, GSS_C_NO_CHANNEL_BINDINGS, GSS_C_NO_BUFFER, nullptr,
                                         &out.desc, nullptr, nullptr);
  if (context != GSS_C_NO_CONTEXT) gss_delete_sec_context(&ignored, &context, GSS_C_NO_BUFFER);
  gss_release_cred(&ignored, &cred);
  if (!GSS_ERROR(major)) return spnego_error;
  return s.Failed(major, minor, &kKrb5Oid);
}

}  // namespace

KerberosResult<KerberosClient> KerberosClient::Start(std::string_view host,
                                                     const KerberosOptions& options,
                                                     const Deadline& deadline) {
  auto state = std::make_unique<State>();
  State& s = *state;
  s.ccache = options.ccache;
  s.spn = options.spn.empty() ? fmt::format("HTTP@{}", host) : options.spn;
  s.mech = options.framing == KerberosFraming::kSpnego ? &kSpnegoOid : &kKrb5Oid;
  s.req_flags = options.mutual ? GSS_C_MUTUAL_FLAG : 0;
  if (deadline.Expired()) return s.TimedOut();

  auto info = InspectKrb5Credential(s);
  if (!info) return tl::unexpected(info.error());
  s.credential = std::move(*info);

  OM_uint32 minor = 0;
  OM_uint32 major = 0;
  if (options.framing == KerberosFraming::kSpnego) {
    major = s.Acquire(&kSpnegoSet, &s.cred, &minor, nullptr);
    if (GSS_ERROR(major)) return s.Failed(major, minor, &kSpnegoOid);
    // Offer Kerberos only: gss-ntlmssp, when installed, is otherwise a silent fallback.
    major = gss_set_neg_mechs(&minor, s.cred, &kKrb5Set);
    if (GSS_ERROR(major)) return s.Failed(major, minor, &kSpnegoOid);
  } else {
    major = s.Acquire(&kKrb5Set, &s.cred, &minor, nullptr);
    if (GSS_ERROR(major)) return s.Failed(major, minor, &kKrb5Oid);
  }

  bool principal = s.spn.find('/') != std::string::npos;
  gss_buffer_desc name = {s.spn.size(), const_cast<char*>(s.spn.data())};
  major = gss_import_name(&minor, &name,
                          principal ? GSS_KRB5_NT_PRINCIPAL_NAME : GSS_C_NT_HOSTBASED_SERVICE,
                          &s.target);
  if (GSS_ERROR(major)) return s.Failed(major, minor, &kKrb5Oid);

  if (deadline.Expired()) return s.TimedOut();
  Buffer out;
  OM_uint32 ret_flags = 0;
  major = gss_init_sec_context(&minor, s.cred, &s.context, s.target, s.mech, s.req_flags, 0,
                               GSS_C_NO_CHANNEL_BINDINGS, GSS_C_NO_BUFFER, nullptr, &out.desc,
                               &ret_flags, nullptr);
  if (GSS_ERROR(major)) {
    auto error = s.Failed(major, minor, s.mech);
    if (options.framing == KerberosFraming::kSpnego) return DiagnoseThroughKrb5(s, error);
    return error;
  }
  s.token = out.Data();
  s.complete = major == GSS_S_COMPLETE;
  s.mutual = s.complete && (ret_flags & GSS_C_MUTUAL_FLAG) != 0;
  return KerberosClient(std::move(state));
}

KerberosClient::KerberosClient(std::unique_ptr<State> state) : state_(std::move(state)) {}
KerberosClient::KerberosClient(KerberosClient&&) noexcept = default;
KerberosClient& KerberosClient::operator=(KerberosClient&&) noexcept = default;
KerberosClient::~KerberosClient() = default;

const Bytes& KerberosClient::token() const { return state_->token; }
const std::string& KerberosClient::spn() const { return state_->spn; }
const KerberosCredentialInfo& KerberosClient::credential() const { return state_->credential; }
bool KerberosClient::complete() const { return state_->complete; }
bool KerberosClient::mutual() const { return state_->mutual; }

KerberosResult<Bytes> KerberosClient::Step(ByteView server_token, const Deadline& deadline) {
  State& s = *state_;
  if (s.complete) {
    KerberosError e;
    e.spn = s.spn;
    e.message = "the Kerberos context is already established: no token is expected";
    return tl::unexpected(std::move(e));
  }
  if (deadline.Expired()) return s.TimedOut();
  gss_buffer_desc in = {server_token.size(),
                        const_cast<void*>(static_cast<const void*>(server_token.data()))};
  Buffer out;
  OM_uint32 minor = 0;
  OM_uint32 ret_flags = 0;
  OM_uint32 major =
      gss_init_sec_context(&minor, s.cred, &s.context, s.target, s.mech, s.req_flags, 0,
                           GSS_C_NO_CHANNEL_BINDINGS, &in, nullptr, &out.desc, &ret_flags, nullptr);
  if (GSS_ERROR(major)) return s.Failed(major, minor, s.mech, KerberosFailure::kServerRejected);
  s.complete = major == GSS_S_COMPLETE;
  s.mutual = s.complete && (ret_flags & GSS_C_MUTUAL_FLAG) != 0;
  return out.Data();
}

}  // namespace probe::auth
