// KerberosClient: the initiator side of Kerberos for HTTP Negotiate through MIT GSS-API. It asks
// the KDC for a ticket to HTTP/<host>, yields the first token (SPNEGO offering only Kerberos, or
// a raw Kerberos AP-REQ), verifies the server's AP-REP (mutual authentication), and says in a
// typed reason why Kerberos could not be used. Only this file pair includes <gssapi/gssapi.h>.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <tl/expected.hpp>

#include "probe/core/bytes.h"
#include "probe/core/deadline.h"
#include "probe/core/result.h"

namespace probe::auth {

/// How the first token is framed.
enum class KerberosFraming {
  /// SPNEGO NegTokenInit whose mechanism list is Kerberos only (gss_set_neg_mechs on the
  /// credential): with gss-ntlmssp installed, SPNEGO would otherwise fall back to NTLM silently.
  kSpnego,
  /// A bare RFC 4121 token of mechanism 1.2.840.113554.1.2.2 (what some clients send under
  /// Negotiate; IIS and mod_auth_gssapi accept it).
  kRaw,
};

struct KerberosOptions {
  KerberosFraming framing = KerberosFraming::kSpnego;
  /// Empty: "HTTP@<host>" (a host-based service name, GSS_C_NT_HOSTBASED_SERVICE). "svc@host"
  /// overrides it as a host-based name; a name with '/' ("HTTP/host@REALM") is taken as a
  /// Kerberos principal name as is.
  std::string spn;
  /// A credentials cache name ("FILE:/tmp/cc", "KCM:", ...). Empty: KRB5CCNAME or the default.
  std::string ccache;
  /// Request mutual authentication: the server must answer with an AP-REP that Step() verifies.
  bool mutual = true;
};

/// Why Kerberos could not be used, or why the server's answer was refused.
enum class KerberosFailure {
  kNoCredentials,           // no credentials cache, or no ticket-granting ticket in it
  kTicketExpired,           // the TGT (or a cached service ticket) has expired
  kServerPrincipalUnknown,  // KDC_ERR_S_PRINCIPAL_UNKNOWN: the KDC knows no such SPN
  kKdcUnreachable,          // no KDC answered for the realm (or none is known for it)
  kClockSkew,               // client and KDC/server clocks differ by more than the allowed skew
  kServerRejected,          // Step(): the server's token is a KRB-ERROR or fails verification
  kTimeout,                 // the deadline had passed before a GSS-API call could start
  kOther,
};
/// Stable snake_case name: "no_credentials", "ticket_expired", "server_principal_unknown", ...
std::string_view KerberosFailureName(KerberosFailure failure);

/// A failed GSS-API call, classified. `message` is one sentence for a report (it names the SPN
/// and quotes GSS-API); the texts are gss_display_status output. Never holds a ticket or a key.
struct KerberosError {
  KerberosFailure failure = KerberosFailure::kOther;
  std::string message;
  std::string spn;          // the service name the ticket was for, as imported
  std::uint32_t major = 0;  // GSS major status
  std::int64_t minor = 0;   // the mechanism's minor status (a krb5 error code for Kerberos)
  std::string major_text;   // e.g. "Unspecified GSS failure.  Minor code may provide ..."
  std::string minor_text;   // e.g. "Server not found in Kerberos database"

  /// The same failure in exprobe's Error vocabulary (kTimeout, kUnreachable, kUnsupported for a
  /// missing ticket or SPN, kMalformed for a rejected server token, else kInternal).
  Error ToError() const;
};

template <class T>
using KerberosResult = tl::expected<T, KerberosError>;

/// What the credentials cache holds: shown in reports so a user sees whose ticket was used.
struct KerberosCredentialInfo {
  std::string principal;               // "alice@LAB.TEST"
  std::uint32_t lifetime_seconds = 0;  // what is left of the TGT
};

/// One client security context (RAII: credential, name and context are released with it).
///
/// Deadlines: MIT krb5 1.20 has no per-call timeout for KDC exchanges (`request_timeout` came in
/// a later release); its own schedule bounds them (a refused TCP connection fails at once, an
/// unanswered KDC costs a few seconds per pass). The deadline is checked before every GSS call.
class KerberosClient {
 public:
  /// Acquires the initiator credential from the cache, asks the KDC for a ticket to the SPN
  /// for `host` (unless one is cached), and makes the first token. Fails with kNoCredentials
  /// before contacting anything when there is no usable cache.
  static KerberosResult<KerberosClient> Start(std::string_view host, const KerberosOptions& options,
                                              const Deadline& deadline);

  KerberosClient(KerberosClient&&) noexcept;
  KerberosClient& operator=(KerberosClient&&) noexcept;
  ~KerberosClient();

  /// The first token, for `Authorization: Negotiate <base64>`.
  const Bytes& token() const;
  /// The service name the ticket is for, as GSS-API names it ("HTTP@localhost").
  const std::string& spn() const;
  const KerberosCredentialInfo& credential() const;
  /// True once the context is established: after Step() accepted the AP-REP, or at once when
  /// mutual authentication was not requested.
  bool complete() const;
  /// True when the established context proved the server's identity (mutual authentication).
  bool mutual() const;

  /// Feeds the server's token (from `WWW-Authenticate: Negotiate <base64>`). Returns the next
  /// token to send, empty when none is due (the usual case: Kerberos completes in one round).
  /// A SPNEGO reject or a KRB-ERROR is kServerRejected.
  KerberosResult<Bytes> Step(ByteView server_token, const Deadline& deadline);

  struct State;  // opaque: keeps <gssapi/gssapi.h> out of this header

 private:
  explicit KerberosClient(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace probe::auth
