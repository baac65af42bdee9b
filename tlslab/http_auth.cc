#include "tlslab/http_auth.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "probe/auth/base64.h"

namespace tlslab {
namespace {

namespace auth = probe::auth;
using probe::Bytes;

struct Credentials {
  AuthScheme scheme;
  std::string token;  // base64
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "NTLM <base64>" or "Negotiate <base64>"; anything else (Basic, no token) is not understood.
std::optional<Credentials> ParseAuthorization(std::string_view value) {
  value = Trim(value);
  std::size_t space = value.find_first_of(" \t");
  if (space == std::string_view::npos) return std::nullopt;
  auto scheme = ParseAuthScheme(value.substr(0, space));
  std::string_view token = Trim(value.substr(space));
  if (!scheme || *scheme == AuthScheme::kBearer || token.empty()) return std::nullopt;
  return Credentials{*scheme, std::string(token)};
}

// The scheme word of an Authorization value, for the log; never the credentials after it (a
// Basic value carries the password), and nothing that does not look like a scheme name.
std::string SchemeWord(std::string_view value) {
  value = Trim(value);
  std::string_view word = value.substr(0, value.find_first_of(" \t"));
  bool plain = word.size() <= 20 && word.size() < value.size() &&
               std::all_of(word.begin(), word.end(), [](char c) {
                 return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
               });
  return plain ? std::string(word) : "?";
}

bool EndsWithIgnoreCase(std::string_view text, std::string_view suffix) {
  if (suffix.size() > text.size()) return false;
  return std::equal(suffix.begin(), suffix.end(), text.end() - suffix.size(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  });
}

std::string JoinSchemes(const std::vector<AuthScheme>& schemes) {
  std::string out;
  for (AuthScheme s : schemes) out += (out.empty() ? "" : ", ") + std::string(AuthSchemeName(s));
  return out;
}

std::string Describe(const NtlmIdentity& id) {
  return fmt::format("{} authenticated (workstation '{}', {}, channel binding {})",
                     id.account->account, id.workstation,
                     id.mic_verified ? "MIC verified" : "no MIC", BindingSeenName(id.binding));
}

}  // namespace

Result<std::shared_ptr<ListenerAuth>> ListenerAuth::Create(
    const AuthSettings& settings, const std::vector<UserSpec>& users,
    std::optional<auth::Key16> expected_binding, NtlmEnvironment environment) {
  auto accounts = AccountStore::Create(users);
  if (!accounts) return tl::unexpected(accounts.error());
  auto config = std::make_shared<NtlmAcceptorConfig>();
  config->server = ServerIdentity(settings);
  config->accounts = std::make_shared<const AccountStore>(std::move(*accounts));
  config->epa = settings.epa;
  config->expected_binding = expected_binding;
  config->environment = std::move(environment);

  std::shared_ptr<ListenerAuth> out(new ListenerAuth());
  out->settings_ = settings;
  out->ntlm_ = std::move(config);
  out->offers_ = settings.Has(AuthFault::kKerberosOnly)
                     ? std::vector<AuthScheme>{AuthScheme::kNegotiate}
                     : settings.schemes;
  return out;
}

void ListenerAuth::RememberUpstream(const LabAccount* account) {
  std::lock_guard lock(mu_);
  upstream_ = account;
}

const LabAccount* ListenerAuth::Upstream() const {
  std::lock_guard lock(mu_);
  return upstream_;
}

ConnectionAuth::ConnectionAuth(std::shared_ptr<ListenerAuth> listener)
    : listener_(std::move(listener)),
      ntlm_(listener_->ntlm()),
      negotiate_(listener_->ntlm(), !listener_->settings().Has(AuthFault::kKerberosOnly)) {}

void ConnectionAuth::Reset() {
  ntlm_.Reset();
  negotiate_.Reset();
}

bool ConnectionAuth::IsAnonymous(std::string_view target) const {
  std::string_view path = target.substr(0, target.find('?'));
  const auto& suffixes = listener_->settings().anonymous;
  return std::any_of(suffixes.begin(), suffixes.end(),
                     [&](const std::string& s) { return EndsWithIgnoreCase(path, s); });
}

HttpResponse ConnectionAuth::Unauthorized(const Bytes& negotiate_token) const {
  HttpResponse r = ErrorResponse(401, "Unauthorized");
  for (AuthScheme scheme : listener_->offers()) {
    std::string value(AuthSchemeName(scheme));
    if (scheme == AuthScheme::kNegotiate && !negotiate_token.empty()) {
      value += " " + auth::Base64Encode(negotiate_token);
    }
    if (scheme == AuthScheme::kBearer) {
      // What Exchange with hybrid OAuth offers beside the Windows schemes.
      value +=
          " client_id=\"00000002-0000-0ff1-ce00-000000000000\", "
          "trusted_issuers=\"00000001-0000-0000-c000-000000000000@*\", "
          "token_types=\"app_asserted_user_v1 service_asserted_app_v1\", "
          "authorization_uri=\"https://login.windows.net/common/oauth2/authorize\"";
    }
    r.headers.emplace_back("WWW-Authenticate", std::move(value));
  }
  return r;
}

AuthDecision ConnectionAuth::Handle(const HttpRequest& request) {
  AuthDecision d = Decide(request);
  if (d.scheme.empty() && account_ != nullptr) d.scheme = AuthSchemeName(scheme_);
  return d;
}

AuthDecision ConnectionAuth::Decide(const HttpRequest& request) {
  if (IsAnonymous(request.target)) return {};
  std::string_view authorization = request.Header("Authorization");
  if (authorization.empty()) return WithoutCredentials(request);

  // A new handshake replaces whatever identity the connection had.
  account_ = nullptr;
  AuthDecision d;
  auto credentials = ParseAuthorization(authorization);
  const auto& offers = listener_->offers();
  if (!credentials ||
      std::find(offers.begin(), offers.end(), credentials->scheme) == offers.end()) {
    Reset();
    d.log.push_back(
        fmt::format("auth: Authorization scheme '{}' not accepted here -> 401 "
                    "offering {}",
                    SchemeWord(authorization), JoinSchemes(offers)));
    d.response = Unauthorized();
    return d;
  }
  auto token = auth::Base64Decode(credentials->token);
  if (!token) {
    Reset();
    d.log.push_back(
        fmt::format("auth: {} token is not base64 -> 401", AuthSchemeName(credentials->scheme)));
    d.response = Unauthorized();
    return d;
  }
  AcceptStep step =
      credentials->scheme == AuthScheme::kNtlm ? ntlm_.Step(*token) : negotiate_.Step(*token);
  switch (step.kind) {
    case AcceptStep::Kind::kContinue:
      d = Continue(credentials->scheme, std::move(step));
      break;
    case AcceptStep::Kind::kAccepted:
      d = Accepted(credentials->scheme, std::move(step));
      break;
    case AcceptStep::Kind::kRejected:
      d = Rejected(credentials->scheme, step);
      break;
  }
  d.scheme = AuthSchemeName(credentials->scheme);
  return d;
}

AuthDecision ConnectionAuth::WithoutCredentials(const HttpRequest& request) {
  AuthDecision d;
  if (account_ != nullptr) {
    d.account = account_->account;  // the connection stays authenticated (Persistent-Auth)
    return d;
  }
  if (listener_->settings().Has(AuthFault::kSharedUpstream)) {
    if (const LabAccount* upstream = listener_->Upstream()) {
      d.account = upstream->account;
      d.log.push_back(
          fmt::format("auth: fault shared_upstream: {} {} without credentials served "
                      "as {} (the pooled upstream connection's identity)",
                      request.method, request.target.substr(0, 200), upstream->account));
      return d;
    }
  }
  d.log.push_back(
      fmt::format("auth: no credentials -> 401 offering {}", JoinSchemes(listener_->offers())));
  d.response = Unauthorized();
  return d;
}

AuthDecision ConnectionAuth::Continue(AuthScheme scheme, AcceptStep step) {
  AuthDecision d;
  HttpResponse r = ErrorResponse(401, "Unauthorized");
  std::string value(AuthSchemeName(scheme));
  if (!step.token.empty()) value += " " + auth::Base64Encode(step.token);
  r.headers.emplace_back("WWW-Authenticate", std::move(value));
  d.log.push_back(fmt::format("auth: {} {}", AuthSchemeName(scheme), step.note));
  if (listener_->settings().Has(AuthFault::kCloseAfterChallenge)) {
    r.close_connection = true;
    Reset();
    d.log.push_back("auth: fault close_after_challenge: Connection: close after the challenge");
  }
  d.response = std::move(r);
  return d;
}

AuthDecision ConnectionAuth::Accepted(AuthScheme scheme, AcceptStep step) {
  AuthDecision d;
  const NtlmIdentity& id = *step.identity;
  if (listener_->settings().Has(AuthFault::kAlways401)) {
    d.log.push_back(
        fmt::format("auth: {} {} at the front end; fault always_401: the back end "
                    "answered 401",
                    AuthSchemeName(scheme), Describe(id)));
    d.response = Unauthorized();
    d.response->headers.emplace_back("X-BackEndHttpStatus", "401");
    d.backend_refused = id.account->account;
    return d;
  }
  account_ = id.account;
  scheme_ = scheme;
  listener_->RememberUpstream(id.account);
  d.account = id.account->account;
  d.log.push_back(fmt::format("auth: {} {}", AuthSchemeName(scheme), Describe(id)));
  d.headers.emplace_back("Persistent-Auth", "true");
  if (scheme == AuthScheme::kNegotiate && !step.token.empty()) {
    d.headers.emplace_back("WWW-Authenticate", "Negotiate " + auth::Base64Encode(step.token));
  }
  return d;
}

AuthDecision ConnectionAuth::Rejected(AuthScheme scheme, const AcceptStep& step) {
  Reset();
  AuthDecision d;
  const AuthRejection& why = *step.rejection;
  d.log.push_back(fmt::format("auth: {} rejected ({}): {} -> 401", AuthSchemeName(scheme),
                              AuthFailureName(why.reason), why.detail));
  d.response = Unauthorized(scheme == AuthScheme::kNegotiate ? step.token : Bytes{});
  return d;
}

}  // namespace tlslab
