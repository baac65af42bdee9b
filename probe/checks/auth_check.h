// The `auth` check: an NTLM (raw or inside Negotiate) or Basic handshake driven leg by leg over
// one HttpConnection, every token recorded, and the result classified into the 401-loop causes
// of the reference's table (ntlm-spnego-epa.md section 5.7).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probe/auth/channel_binding.h"
#include "probe/auth/ntlm_client.h"
#include "probe/core/bytes.h"
#include "probe/core/finding.h"
#include "probe/core/result.h"
#include "probe/http/http_client.h"

namespace probe::checks {

enum class AuthScheme { kAuto, kNtlm, kNegotiate, kBasic, kKerberos };
std::string_view AuthSchemeName(
    AuthScheme scheme);  // "auto", "NTLM", "Negotiate", "Basic", "Kerberos"
std::optional<AuthScheme> ParseAuthScheme(std::string_view name);  // "auto", "ntlm", ...

enum class AuthOutcome { kAuthenticated, kRejected, kLoop, kError };
std::string_view AuthOutcomeName(AuthOutcome outcome);  // "authenticated", ...

struct AuthCheckOptions {
  std::string url;
  auth::NtlmCredentials credentials;  // never printed
  AuthScheme scheme = AuthScheme::kAuto;
  auth::ChannelBindingMode cbt = auth::ChannelBindingMode::kCorrect;
  bool new_connection_per_leg = false;  // reproduces a balancer without affinity
  int max_legs = 4;
  bool allow_plain_http = false;
  bool check_sharing = false;  // after success, an anonymous request on a new connection
  /// After the run, try the other channel-binding modes (each a full handshake on a new
  /// connection, within `attempt_budget`) to prove whether Extended Protection is enforced.
  bool probe_epa = false;
  /// Credential attempts (AUTHENTICATEs or Basic requests) allowed for the account in one run.
  int attempt_budget = 3;
  /// A first answer that does not ask for authentication (2xx/3xx/4xx but 401) ends the run
  /// without an error: outcome kAuthenticated with no finding (for callers like Autodiscover
  /// that want the answer, not a handshake).
  bool allow_anonymous = false;
  std::string method = "GET";
  std::optional<std::string> body;   // sent with every leg
  std::vector<std::string> headers;  // extra "Name: value" headers on every leg
  http::HttpOptions http;
  std::chrono::milliseconds timeout{10000};  // total, for every leg
  std::string workstation = "EXPROBE";
  /// --scheme kerberos: the SPN (default HTTP@<host>) and the credentials cache (default the
  /// environment's). Without a usable ticket, and with credentials given, the run falls back to
  /// NTLM inside Negotiate as Windows does, after saying why.
  std::string kerberos_spn;
  std::string kerberos_ccache;
};

/// A token as it crossed the wire in an Authorization or WWW-Authenticate header. Basic
/// credentials are not kept: `token` stays empty and `basic` is set.
struct LegToken {
  std::string scheme;
  Bytes token;
  bool basic = false;
};

/// One request and its response.
struct AuthLeg {
  int n = 0;
  std::string method;
  int status = 0;
  http::ConnectionIdentity connection;
  std::vector<std::string> offered;  // schemes of the WWW-Authenticate challenges
  std::optional<LegToken> sent;
  std::optional<LegToken> received;
  bool connection_close = false;                  // "Connection: close" on the response
  std::vector<http::HttpHeader> diagnostics;      // Persistent-Auth, X-FEServer, request-id, ...
  std::optional<std::string> challenge_computer;  // NetBIOS computer name of a CHALLENGE
};

/// One extra handshake of --probe-epa: the channel-binding mode it sent and what came of it.
struct EpaTrial {
  auth::ChannelBindingMode cbt = auth::ChannelBindingMode::kOmit;
  AuthOutcome outcome = AuthOutcome::kError;
  int final_status = 0;
  std::vector<AuthLeg> legs;
  std::string detail;  // the error, when the trial could not complete
};

struct AuthCheckResult {
  std::string url;
  std::string account;  // DOMAIN\user, as it went out
  std::string scheme;   // the scheme used, "" before one was chosen
  auth::ChannelBindingMode cbt = auth::ChannelBindingMode::kCorrect;
  std::string cbt_note;            // why the mode sent differs from the one asked for, if it does
  std::string kerberos_spn;        // the SPN asked for, when Kerberos was tried
  std::string kerberos_principal;  // the client principal of the ticket used
  std::string kerberos_not_used;   // why Kerberos was not used, when it was asked for
  bool kerberos_mutual = false;    // the server's AP-REP was verified
  bool tls = false;
  bool verification_disabled = false;  // --insecure
  AuthOutcome outcome = AuthOutcome::kError;
  std::vector<AuthLeg> legs;
  std::vector<EpaTrial> epa_trials;  // --probe-epa
  int attempts = 0;                  // credential attempts made for the account
  std::vector<std::string> notes;    // why the run stopped early (lockout budget, ...)
  std::vector<Finding> findings;
  std::optional<Error> error;  // could not find out (timeout, refused, TLS, malformed)
  double duration_ms = 0;
  /// The last response of the handshake with its body (never reported; for callers that need
  /// the answer the credentials bought, e.g. an Autodiscover or EWS document).
  std::optional<http::HttpResponse> final_response;
  bool anonymous = false;  // the server answered without asking for authentication
};

/// Runs the handshake. Never fails: errors land in `error` with the legs measured so far.
/// Lockout-safe: one AUTHENTICATE (or one Basic attempt) per handshake, never a retry after the
/// account is rejected; --probe-epa's extra handshakes run only once the account is proven and
/// within `attempt_budget`.
AuthCheckResult RunAuthCheck(const AuthCheckOptions& options);

/// The verdict on the legs of a handshake whose AUTHENTICATE (the last leg) was answered.
/// Pure, so the classification is tested without a server.
struct Classification {
  AuthOutcome outcome = AuthOutcome::kError;
  std::vector<Finding> findings;
};
Classification ClassifyHandshake(const std::vector<AuthLeg>& legs);

}  // namespace probe::checks
