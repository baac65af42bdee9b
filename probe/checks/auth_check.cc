#include "probe/checks/auth_check.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <set>
#include <variant>

#include "probe/auth/base64.h"
#include "probe/auth/crypto.h"
#include "probe/auth/gss_mechs.h"
#include "probe/auth/kerberos.h"
#include "probe/auth/spnego.h"
#include "probe/auth/token.h"
#include "probe/checks/auth_epa.h"
#include "probe/diagnosis/catalogue.h"
#include "probe/http/www_authenticate.h"

namespace probe::checks {
namespace {

using diagnosis::MakeFinding;

constexpr std::string_view kDiagnosticHeaders[] = {"Persistent-Auth",
                                                   "X-FEServer",
                                                   "X-BEServer",
                                                   "X-BackEndHttpStatus",
                                                   "X-CalculatedBETarget",
                                                   "request-id",
                                                   "X-OWA-Version",
                                                   "Server",
                                                   "Via",
                                                   "Location",
                                                   "X-Tlslab-User"};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string AccountName(const auth::NtlmCredentials& c) {
  return c.domain.empty() ? c.user : c.domain + "\\" + c.user;
}

// The CHALLENGE inside a raw NTLM token or a SPNEGO NegTokenResp, if that is what `token` is.
std::optional<auth::NtlmChallenge> ExtractChallenge(ByteView token) {
  auto decoded = auth::DecodeAuthToken(token);
  if (!decoded) return std::nullopt;
  const auth::NtlmMessage* ntlm = std::get_if<auth::NtlmMessage>(&*decoded);
  if (auto* spnego = std::get_if<auth::SpnegoMessage>(&*decoded); spnego && spnego->inner)
    ntlm = std::get_if<auth::NtlmMessage>(&*spnego->inner);
  if (ntlm == nullptr) return std::nullopt;
  if (auto* challenge = std::get_if<auth::NtlmChallenge>(ntlm)) return *challenge;
  return std::nullopt;
}

// True for a SPNEGO NegTokenResp that says reject: the acceptor's explicit "no".
bool IsSpnegoReject(ByteView token) {
  auto decoded = auth::DecodeSpnego(token);
  if (!decoded) return false;
  auto* resp = std::get_if<auth::NegTokenResp>(&*decoded);
  return resp && resp->neg_state == auth::NegState::kReject;
}

struct Offered {
  std::vector<http::Challenge> challenges;
  std::vector<std::string> schemes;
};

Result<Offered> ParseOffered(const http::HttpResponse& response) {
  auto challenges = http::ParseWwwAuthenticateHeaders(response.HeaderValues("WWW-Authenticate"));
  if (!challenges) return Fail(challenges.error());
  Offered out{*challenges, {}};
  for (const auto& c : out.challenges) out.schemes.push_back(c.scheme);
  return out;
}

// exprobe speaks NTLM only (raw, or inside Negotiate): with no Kerberos ticket, Negotiate would
// carry NTLM anyway, so auto prefers the plainer raw NTLM when it is offered.
std::optional<AuthScheme> ChooseScheme(AuthScheme wanted, const Offered& offered) {
  auto has = [&](std::string_view s) { return FindChallenge(offered.challenges, s) != nullptr; };
  if (wanted == AuthScheme::kKerberos)
    return has("Negotiate") || has("Kerberos") ? std::optional(wanted) : std::nullopt;
  if (wanted != AuthScheme::kAuto)
    return has(AuthSchemeName(wanted)) ? std::optional(wanted) : std::nullopt;
  for (AuthScheme s : {AuthScheme::kNtlm, AuthScheme::kNegotiate, AuthScheme::kBasic}) {
    if (has(AuthSchemeName(s))) return s;
  }
  return std::nullopt;
}

std::string PortEvidence(const AuthLeg& leg) {
  return "leg " + std::to_string(leg.n) + ": connection #" + std::to_string(leg.connection.id) +
         (leg.connection.is_new ? " (new)" : " (reused)") + ", local port " +
         std::to_string(leg.connection.local_port) + ", status " + std::to_string(leg.status);
}

std::vector<std::string> LegEvidence(const std::vector<AuthLeg>& legs) {
  std::vector<std::string> out;
  for (const auto& leg : legs) out.push_back(PortEvidence(leg));
  return out;
}

std::optional<std::string> DiagnosticValue(const AuthLeg& leg, std::string_view name) {
  for (const auto& h : leg.diagnostics) {
    if (Lower(h.name) == Lower(name)) return h.value;
  }
  return std::nullopt;
}

// The reasons the legs did not share one authenticated connection, if any (cause table rows 1-2).
std::vector<std::string> ConnectionBreaks(const std::vector<AuthLeg>& legs) {
  std::vector<std::string> out;
  std::set<std::string> computers;
  for (std::size_t i = 1; i < legs.size(); ++i) {
    const AuthLeg& prev = legs[i - 1];
    const AuthLeg& leg = legs[i];
    bool continues = prev.received && !prev.received->token.empty();
    if (!continues) continue;
    if (leg.connection.is_new || leg.connection.id != prev.connection.id)
      out.push_back("leg " + std::to_string(leg.n) + " answered the challenge of leg " +
                    std::to_string(prev.n) + " on another TCP connection (local port " +
                    std::to_string(prev.connection.local_port) + " then " +
                    std::to_string(leg.connection.local_port) + ")");
    if (prev.connection_close)
      out.push_back("leg " + std::to_string(prev.n) +
                    ": the challenge came with \"Connection: close\"");
  }
  for (const auto& leg : legs) {
    if (leg.challenge_computer) computers.insert(*leg.challenge_computer);
  }
  if (computers.size() > 1) {
    std::string names;
    for (const auto& c : computers) names += (names.empty() ? "" : ", ") + c;
    out.push_back("challenges came from different computers: " + names);
  }
  return out;
}

Classification Rejected(const std::vector<AuthLeg>& legs) {
  const AuthLeg& last = legs.back();
  std::vector<std::string> evidence = LegEvidence(legs);
  if (auto breaks = ConnectionBreaks(legs); !breaks.empty()) {
    evidence.insert(evidence.begin(), breaks.begin(), breaks.end());
    return {AuthOutcome::kLoop,
            {MakeFinding("auth.ntlm.connection_not_kept",
                         "The NTLM legs did not stay on one connection, so the server never "
                         "judged the credentials: " +
                             breaks.front(),
                         evidence)}};
  }
  auto backend = DiagnosticValue(last, "X-BackEndHttpStatus");
  bool restarted_with_data =
      last.received && !last.received->token.empty() && !IsSpnegoReject(last.received->token);
  if ((backend && backend->find("401") != std::string::npos) || restarted_with_data) {
    if (backend) evidence.push_back("X-BackEndHttpStatus: " + *backend);
    return {AuthOutcome::kLoop,
            {MakeFinding("auth.loop",
                         "The server restarted the handshake after a well-formed AUTHENTICATE on "
                         "the same connection (leg " +
                             std::to_string(last.n) + ")",
                         evidence)}};
  }
  return {AuthOutcome::kRejected,
          {MakeFinding("auth.credentials_rejected",
                       "The server answered the credentials of leg " + std::to_string(last.n) +
                           " with " + std::to_string(last.status) +
                           " on the same connection; the run stopped there (lockout-safe)",
                       evidence)}};
}

}  // namespace

std::string_view AuthSchemeName(AuthScheme scheme) {
  switch (scheme) {
    case AuthScheme::kAuto:
      return "auto";
    case AuthScheme::kNtlm:
      return "NTLM";
    case AuthScheme::kNegotiate:
      return "Negotiate";
    case AuthScheme::kBasic:
      return "Basic";
    case AuthScheme::kKerberos:
      return "Kerberos";
  }
  return "?";
}

std::optional<AuthScheme> ParseAuthScheme(std::string_view name) {
  for (AuthScheme s : {AuthScheme::kAuto, AuthScheme::kNtlm, AuthScheme::kNegotiate,
                       AuthScheme::kBasic, AuthScheme::kKerberos}) {
    if (Lower(AuthSchemeName(s)) == Lower(name)) return s;
  }
  return std::nullopt;
}

std::string_view AuthOutcomeName(AuthOutcome outcome) {
  switch (outcome) {
    case AuthOutcome::kAuthenticated:
      return "authenticated";
    case AuthOutcome::kRejected:
      return "rejected";
    case AuthOutcome::kLoop:
      return "loop";
    case AuthOutcome::kError:
      return "error";
  }
  return "?";
}

Classification ClassifyHandshake(const std::vector<AuthLeg>& legs) {
  if (legs.empty()) return {};
  const AuthLeg& last = legs.back();
  // Anything but a 401 after the credentials means they were accepted: a 403 or 404 is the
  // resource's answer to an authenticated user.
  if (last.status != 401 && last.status >= 200 && last.status < 500) {
    return {AuthOutcome::kAuthenticated,
            {MakeFinding("auth.ok",
                         "Authenticated with " + (last.sent ? last.sent->scheme : "?") + " in " +
                             std::to_string(legs.size()) + " legs (final HTTP " +
                             std::to_string(last.status) + ")",
                         LegEvidence(legs))}};
  }
  if (last.status == 401) return Rejected(legs);
  return {};
}

namespace {

// One run of the engine: the connection, the deadline and the legs so far.
class AuthRun {
 public:
  AuthRun(const AuthCheckOptions& options, AuthCheckResult& result)
      : options_(options), result_(result), deadline_(Deadline::After(options.timeout)) {}

  void Run();

 private:
  Result<AuthLeg*> Send(const std::optional<LegToken>& token, std::string authorization,
                        bool fresh = false);
  Result<void> CheckSharing();
  Result<void> SpendAttempt();
  Result<void> KerberosOnly(const AuthLeg& leg);
  Result<void> Basic();
  Result<void> Ntlm(bool spnego);
  Result<void> Kerberos(const std::vector<std::string>& offered);
  Result<Bytes> BindingData();
  Result<void> Handshake();
  Result<void> Classify();

  const AuthCheckOptions& options_;
  AuthCheckResult& result_;
  Deadline deadline_;
  std::optional<http::HttpConnection> connection_;
  std::optional<Bytes> peer_certificate_;
  http::UrlParts url_;
  bool extra_legs_ = false;     // --check-sharing's legs come after the handshake's --max-legs
  bool kerberos_sent_ = false;  // the credentials were a Kerberos AP-REQ
};

Result<AuthLeg*> AuthRun::Send(const std::optional<LegToken>& token, std::string authorization,
                               bool fresh) {
  if (!extra_legs_ && static_cast<int>(result_.legs.size()) >= options_.max_legs)
    return Fail(ErrorCode::kUnsupported,
                "stopped at --max-legs " + std::to_string(options_.max_legs));
  http::HttpRequest request;
  request.method = options_.method;
  request.url = options_.url;
  request.body = options_.body;
  request.headers = options_.headers;
  request.fresh_connection = fresh || result_.legs.empty() || options_.new_connection_per_leg;
  if (!authorization.empty()) request.headers.push_back("Authorization: " + authorization);
  auto response = connection_->Perform(request, deadline_);
  if (!response) return Fail(response.error());
  if (!extra_legs_) result_.final_response = *response;
  if (response->peer_certificate) peer_certificate_ = response->peer_certificate;

  AuthLeg leg;
  leg.n = static_cast<int>(result_.legs.size()) + 1;
  leg.method = request.method;
  leg.status = response->status;
  leg.connection = response->connection;
  leg.sent = token;
  leg.connection_close = response->HasToken("Connection", "close");
  for (auto name : kDiagnosticHeaders) {
    for (auto& value : response->HeaderValues(name))
      leg.diagnostics.push_back({std::string(name), value});
  }
  auto offered = ParseOffered(*response);
  if (!offered) return Fail(offered.error().With("leg " + std::to_string(leg.n)));
  leg.offered = offered->schemes;
  if (token && !token->basic) {
    if (const auto* c = FindChallenge(offered->challenges, token->scheme); c && c->token68) {
      auto bytes = auth::Base64Decode(*c->token68);
      if (!bytes) return Fail(bytes.error().With("leg " + std::to_string(leg.n) + " token"));
      leg.received = LegToken{c->scheme, *bytes};
      if (auto challenge = ExtractChallenge(*bytes))
        leg.challenge_computer = challenge->target_info.String(auth::AvId::kNbComputerName);
    }
  }
  result_.legs.push_back(std::move(leg));
  return &result_.legs.back();
}

// Every credential attempt passes here first: the account's budget for this run.
Result<void> AuthRun::SpendAttempt() {
  if (result_.attempts >= options_.attempt_budget) {
    result_.notes.push_back("stopped before sending credentials: the attempt budget of " +
                            std::to_string(options_.attempt_budget) +
                            " for this account in one run is spent (lockout safety)");
    return Fail(ErrorCode::kUnsupported, "attempt budget spent");
  }
  ++result_.attempts;
  return {};
}

Result<void> AuthRun::Basic() {
  if (auto spent = SpendAttempt(); !spent) return spent;
  std::string pair = AccountName(options_.credentials) + ":" + options_.credentials.password;
  std::string value =
      auth::Base64Encode(ByteView(reinterpret_cast<const std::uint8_t*>(pair.data()), pair.size()));
  auto leg = Send(LegToken{"Basic", {}, true}, "Basic " + value);
  if (!leg) return Fail(leg.error());
  return {};
}

Result<Bytes> AuthRun::BindingData() {
  if (!peer_certificate_) return Bytes{};
  auto hash = http::TlsServerEndPointHash(*peer_certificate_);
  if (!hash) return Fail(hash.error());
  return auth::TlsServerEndPointData(*hash);
}

Result<void> AuthRun::Ntlm(bool spnego) {
  std::string scheme = spnego ? "Negotiate" : "NTLM";
  auto negotiate = auth::BuildNegotiate();
  if (!negotiate) return Fail(negotiate.error());
  const auth::Mech mechs[] = {auth::Mech::kNtlm};
  Bytes mech_type_list = auth::EncodeMechTypeList(mechs);
  Bytes first = *negotiate;
  if (spnego) {
    auth::NegTokenInit init;
    init.mech_type_list = mech_type_list;
    init.mech_token = *negotiate;
    first = auth::EncodeNegTokenInit(init);
  }
  auto leg = Send(LegToken{scheme, first}, scheme + " " + auth::Base64Encode(first));
  if (!leg) return Fail(leg.error());
  if ((*leg)->status != 401) return {};
  std::optional<auth::NtlmChallenge> challenge;
  if ((*leg)->received) challenge = ExtractChallenge((*leg)->received->token);
  if (!challenge && spnego) return KerberosOnly(**leg);
  if (!challenge)
    return Fail(ErrorCode::kMalformed, "leg " + std::to_string((*leg)->n) +
                                           ": the server answered the NEGOTIATE without an NTLM "
                                           "CHALLENGE");

  auth::AuthenticateInputs in;
  in.credentials = options_.credentials;
  in.workstation = options_.workstation;
  in.negotiate = *negotiate;
  in.challenge = *challenge;
  in.flags = auth::AuthenticateFlags(auth::kDefaultNegotiateFlags, challenge->flags);
  auto client_challenge = auth::RandomBytes(8);
  auto session_key = auth::RandomBytes(16);
  if (!client_challenge || !session_key) return Fail(ErrorCode::kInternal, "no random bytes");
  std::copy_n(client_challenge->begin(), 8, in.client_challenge.begin());
  std::copy_n(session_key->begin(), 16, in.random_session_key.begin());
  auto now = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  in.timestamp = auth::FiletimeFromUnixMicros(now.count());
  in.target_name = auth::HttpTargetName(url_.host);
  in.channel_binding = result_.cbt;
  if (in.channel_binding == auth::ChannelBindingMode::kCorrect ||
      in.channel_binding == auth::ChannelBindingMode::kWrong) {
    auto data = BindingData();
    if (!data) return Fail(data.error());
    in.channel_binding_data = *data;
  }
  auto out = auth::BuildAuthenticate(in);
  if (!out) return Fail(out.error().With("building the AUTHENTICATE"));
  if (auto spent = SpendAttempt(); !spent) return spent;

  Bytes token = out->message;
  if (spnego) {
    auth::NegTokenResp resp;
    resp.response_token = out->message;
    if (out->mic_sent) {
      auto mic = auth::NtlmMechListMic(out->exported_session_key, in.flags, mech_type_list,
                                       auth::Direction::kClientToServer);
      if (!mic) return Fail(mic.error());
      resp.mech_list_mic = *mic;
    }
    token = auth::EncodeNegTokenResp(resp);
  }
  auto last = Send(LegToken{scheme, token}, scheme + " " + auth::Base64Encode(token));
  if (!last) return Fail(last.error());
  return {};
}

// Kerberos through GSS-API, SPNEGO-wrapped for Negotiate (raw for a "Kerberos" offer). Without
// a usable ticket the run says why and, with credentials given, goes on with NTLM inside
// Negotiate as Windows would, so the report shows what the server does next.
Result<void> AuthRun::Kerberos(const std::vector<std::string>& offered) {
  auto offers = [&](std::string_view s) {
    return std::any_of(offered.begin(), offered.end(),
                       [&](const std::string& o) { return Lower(o) == Lower(s); });
  };
  auth::KerberosOptions ko;
  ko.spn = options_.kerberos_spn;
  ko.ccache = options_.kerberos_ccache;
  const bool raw = !offers("Negotiate");
  ko.framing = raw ? auth::KerberosFraming::kRaw : auth::KerberosFraming::kSpnego;
  const std::string scheme = raw ? "Kerberos" : "Negotiate";
  auto client = auth::KerberosClient::Start(url_.host, ko, deadline_);
  if (!client) {
    const auto& e = client.error();
    result_.kerberos_spn = e.spn;
    result_.kerberos_not_used = e.message;
    bool fallback = !options_.credentials.user.empty() && offers("Negotiate");
    result_.findings.push_back(MakeFinding(
        "auth.kerberos_unavailable",
        "Kerberos could not be used (" + std::string(auth::KerberosFailureName(e.failure)) + "): " +
            e.message + (fallback ? "; going on with NTLM inside Negotiate, as Windows would" : ""),
        {"SPN: " + e.spn, "GSS-API: " + e.major_text + " / " + e.minor_text}));
    if (!fallback) return Fail(e.ToError());
    result_.scheme = "Negotiate";
    return Ntlm(true);
  }
  result_.kerberos_spn = client->spn();
  result_.kerberos_principal = client->credential().principal;
  kerberos_sent_ = true;
  auto leg =
      Send(LegToken{scheme, client->token()}, scheme + " " + auth::Base64Encode(client->token()));
  if (!leg) return Fail(leg.error());
  if ((*leg)->status != 401 && (*leg)->received && !(*leg)->received->token.empty()) {
    auto step = client->Step((*leg)->received->token, deadline_);
    if (step) {
      result_.kerberos_mutual = client->complete();
    } else {
      result_.notes.push_back("Kerberos mutual authentication failed: " + step.error().message);
    }
  }
  return {};
}

// A Negotiate acceptor that refuses NTLM inside SPNEGO (a NegTokenResp reject, or a bare
// 401 without a token) accepts Kerberos only: clients without a ticket can never log on.
Result<void> AuthRun::KerberosOnly(const AuthLeg& leg) {
  bool rejected =
      !leg.received || leg.received->token.empty() || IsSpnegoReject(leg.received->token);
  if (!rejected)
    return Fail(ErrorCode::kMalformed, "leg " + std::to_string(leg.n) +
                                           ": the server answered the SPNEGO NEGOTIATE with a "
                                           "token that carries no NTLM CHALLENGE");
  std::vector<std::string> evidence = LegEvidence(result_.legs);
  std::string offered;
  for (const auto& s : result_.legs.front().offered) offered += (offered.empty() ? "" : ", ") + s;
  evidence.push_back("leg 1 offered: " + offered);
  evidence.push_back("leg " + std::to_string(leg.n) + ": " +
                     (leg.received && !leg.received->token.empty()
                          ? "SPNEGO NegTokenResp negState=reject"
                          : "401 without a token") +
                     " in answer to NTLMSSP inside SPNEGO");
  result_.outcome = AuthOutcome::kRejected;
  result_.findings.push_back(MakeFinding(
      "auth.kerberos_only",
      "The server refuses NTLM inside Negotiate: only Kerberos can authenticate here", evidence));
  return {};
}

Result<void> AuthRun::Handshake() {
  auto first = Send(std::nullopt, "");
  if (!first) return Fail(first.error());
  const AuthLeg& leg = **first;
  // The caller reads the answer (a redirect included) from final_response.
  if (leg.status != 401 && options_.allow_anonymous) {
    result_.anonymous = true;
    result_.outcome = AuthOutcome::kAuthenticated;
    return {};
  }
  if (leg.status >= 300 && leg.status < 400) {
    auto location = DiagnosticValue(leg, "Location");
    return Fail(ErrorCode::kUnsupported, "HTTP " + std::to_string(leg.status) + " redirect to " +
                                             location.value_or("(no Location)") +
                                             " not followed: credentials go only to the URL given");
  }
  if (leg.status != 401)
    return Fail(ErrorCode::kUnsupported, "the server answered HTTP " + std::to_string(leg.status) +
                                             " without asking for authentication");
  Offered offered;
  for (const auto& s : leg.offered) offered.challenges.push_back({s, {}, {}});
  auto chosen = ChooseScheme(options_.scheme, offered);
  if (!chosen) {
    std::string list;
    for (const auto& s : leg.offered) list += (list.empty() ? "" : ", ") + s;
    result_.outcome = AuthOutcome::kError;
    result_.findings.push_back(
        MakeFinding("auth.no_common_scheme",
                    "The server offers " + (list.empty() ? std::string("no scheme") : list) +
                        "; exprobe was asked for " + std::string(AuthSchemeName(options_.scheme)),
                    {"leg 1: WWW-Authenticate: " + list}));
    return {};
  }
  result_.scheme = std::string(AuthSchemeName(*chosen));
  Result<void> done = *chosen == AuthScheme::kBasic      ? Basic()
                      : *chosen == AuthScheme::kKerberos ? Kerberos(leg.offered)
                                                         : Ntlm(*chosen == AuthScheme::kNegotiate);
  if (!done) return done;
  if (!result_.findings.empty()) return {};  // decided before the credentials went out
  return Classify();
}

Result<void> AuthRun::Classify() {
  const AuthLeg& last = result_.legs.back();
  Classification c = ClassifyHandshake(result_.legs);
  if (c.findings.empty())
    return Fail(ErrorCode::kUnsupported, "leg " + std::to_string(last.n) + ": unexpected HTTP " +
                                             std::to_string(last.status));
  result_.outcome = c.outcome;
  if (kerberos_sent_ && c.outcome == AuthOutcome::kRejected) {
    c.findings = {MakeFinding("auth.kerberos_rejected",
                              "The server refused the Kerberos ticket for " + result_.kerberos_spn +
                                  " (leg " + std::to_string(last.n) + ")",
                              LegEvidence(result_.legs))};
  }
  result_.findings.insert(result_.findings.end(), c.findings.begin(), c.findings.end());
  if (options_.check_sharing && c.outcome == AuthOutcome::kAuthenticated) return CheckSharing();
  return {};
}

// A balancer that pools authenticated upstream connections serves an anonymous client as
// whoever authenticated that upstream connection: a request without credentials on a new
// client connection must be challenged again.
// Twice: right after the handshake, then while a second handshake is half done on another
// connection (a pool hands out whichever upstream connection is idle). No credentials are sent.
Result<void> AuthRun::CheckSharing() {
  extra_legs_ = true;
  auto anonymous = Send(std::nullopt, "", true);
  if (!anonymous) return Fail(anonymous.error().With("--check-sharing"));
  std::optional<int> served;
  if ((*anonymous)->status != 401) served = (*anonymous)->n;
  if (!served) {
    auto negotiate = auth::BuildNegotiate();
    if (!negotiate) return Fail(negotiate.error());
    auto half = Send(LegToken{"NTLM", *negotiate}, "NTLM " + auth::Base64Encode(*negotiate), true);
    if (!half) return Fail(half.error().With("--check-sharing"));
    auto interleaved = Send(std::nullopt, "", true);
    if (!interleaved) return Fail(interleaved.error().With("--check-sharing"));
    if ((*interleaved)->status != 401) served = (*interleaved)->n;
  }
  if (!served) return {};
  const AuthLeg& leg = result_.legs[static_cast<std::size_t>(*served - 1)];
  std::vector<std::string> evidence = LegEvidence(result_.legs);
  for (const auto& h : leg.diagnostics) evidence.push_back(h.name + ": " + h.value);
  result_.findings.push_back(MakeFinding("auth.connection_shared",
                                         "A request without credentials on a new connection (leg " +
                                             std::to_string(leg.n) + ") was answered " +
                                             std::to_string(leg.status) + " instead of 401",
                                         evidence));
  return {};
}

void AuthRun::Run() {
  auto url = http::ParseUrl(options_.url);
  if (!url) {
    result_.error = url.error();
    return;
  }
  url_ = *url;
  result_.tls = url_.scheme == "https";
  if (!result_.tls) {
    result_.findings.push_back(MakeFinding(
        "auth.insecure_transport",
        options_.allow_plain_http
            ? "Credentials were sent over plain HTTP (--allow-plain-http)"
            : "Refused to send credentials over plain HTTP (use https, or --allow-plain-http "
              "for a lab)",
        {"url: " + options_.url}));
    if (!options_.allow_plain_http) {
      result_.error = Error{ErrorCode::kInvalidArgument,
                            "refused to send credentials over plain http (--allow-plain-http)"};
      return;
    }
  }
  if (!result_.tls && (result_.cbt == auth::ChannelBindingMode::kCorrect ||
                       result_.cbt == auth::ChannelBindingMode::kWrong)) {
    result_.cbt_note = "no TLS, so no channel binding: sent without one";
    result_.cbt = auth::ChannelBindingMode::kOmit;
  }
  auto connection = http::HttpConnection::Create(options_.http);
  if (!connection) {
    result_.error = connection.error();
    return;
  }
  connection_.emplace(std::move(*connection));
  auto status = Handshake();
  if (!status) result_.error = status.error();
}

}  // namespace

AuthCheckResult RunAuthCheck(const AuthCheckOptions& options) {
  auto start = Clock::now();
  AuthCheckResult result;
  result.url = options.url;
  result.account = AccountName(options.credentials);
  result.cbt = options.cbt;
  result.verification_disabled = options.http.insecure;
  AuthRun(options, result).Run();
  if (result.error) result.outcome = AuthOutcome::kError;
  if (options.probe_epa && !result.error) ProbeEpa(options, result);
  result.duration_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  return result;
}

}  // namespace probe::checks
