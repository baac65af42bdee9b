// HTTP authentication of a listener as IIS does it for Exchange: 401s offering each scheme,
// NTLM and Negotiate handshakes bound to the connection, Persistent-Auth, and the faults a
// scenario switches on. Pure: a request in, a decision out. The session owns one ConnectionAuth
// per connection (NTLM authenticates connections, not requests); ListenerAuth is what all the
// connections of a listener share.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "probe/auth/crypto.h"
#include "tlslab/http_handler.h"
#include "tlslab/lab_accounts.h"
#include "tlslab/ntlm_acceptor.h"
#include "tlslab/scenario.h"
#include "tlslab/spnego_acceptor.h"

namespace tlslab {

/// What the connections of one listener share: its settings, accounts and NTLM identity, and
/// the pooled upstream identity of the shared_upstream fault. Thread-safe.
class ListenerAuth {
 public:
  /// `expected_binding`: the MsvAvChannelBindings of the listener's certificate (see
  /// end_point_binding.h). Fails when the NT hashes cannot be computed (no MD4).
  static Result<std::shared_ptr<ListenerAuth>> Create(
      const AuthSettings& settings, const std::vector<UserSpec>& users,
      std::optional<probe::auth::Key16> expected_binding,
      NtlmEnvironment environment = NtlmEnvironment::System());

  const AuthSettings& settings() const { return settings_; }
  const std::shared_ptr<const NtlmAcceptorConfig>& ntlm() const { return ntlm_; }
  /// The schemes a 401 offers, in order: the settings' schemes, only Negotiate under
  /// kerberos_only.
  const std::vector<AuthScheme>& offers() const { return offers_; }

  /// shared_upstream: the account the pooled upstream connection was last authenticated as.
  void RememberUpstream(const LabAccount* account);
  const LabAccount* Upstream() const;

 private:
  ListenerAuth() = default;

  AuthSettings settings_;
  std::vector<AuthScheme> offers_;
  std::shared_ptr<const NtlmAcceptorConfig> ntlm_;
  mutable std::mutex mu_;
  const LabAccount* upstream_ = nullptr;
};

/// What to do with one request.
struct AuthDecision {
  std::optional<HttpResponse> response;  // set: answer with it (a 401) instead of serving
  std::string account;                   // serve as this account; empty: anonymously
  std::vector<std::pair<std::string, std::string>> headers;  // add to the served response
  std::vector<std::string> log;  // one line each: names and reasons, never secrets
  /// For the request log: the scheme of this leg or of the connection's handshake ("" if none).
  std::string scheme;
  /// always_401: the account the front end authenticated before the back end refused it.
  std::string backend_refused;
};

/// One connection's authentication state.
class ConnectionAuth {
 public:
  explicit ConnectionAuth(std::shared_ptr<ListenerAuth> listener);

  /// Anonymous paths are served as they are. Without Authorization: an authenticated connection
  /// is served as its account; otherwise 401 with one bare WWW-Authenticate per offered scheme
  /// (or, under shared_upstream, served as the upstream's account). With Authorization: the
  /// token goes to the scheme's acceptor; a CHALLENGE comes back in a 401 on the same connection;
  /// an accepted AUTHENTICATE makes the connection authenticated (Persistent-Auth: true); any
  /// rejection gets a 401 with the bare offers again.
  AuthDecision Handle(const HttpRequest& request);
  /// The account this connection authenticated as, or nullptr.
  const LabAccount* account() const { return account_; }

 private:
  AuthDecision Decide(const HttpRequest& request);
  AuthDecision WithoutCredentials(const HttpRequest& request);
  AuthDecision Continue(AuthScheme scheme, AcceptStep step);
  AuthDecision Accepted(AuthScheme scheme, AcceptStep step);
  AuthDecision Rejected(AuthScheme scheme, const AcceptStep& step);
  /// 401 offering every scheme; `negotiate_token` goes with the Negotiate offer.
  HttpResponse Unauthorized(const probe::Bytes& negotiate_token = {}) const;
  bool IsAnonymous(std::string_view target) const;
  void Reset();

  std::shared_ptr<ListenerAuth> listener_;
  NtlmAcceptor ntlm_;
  SpnegoAcceptor negotiate_;
  const LabAccount* account_ = nullptr;
  AuthScheme scheme_ = AuthScheme::kNtlm;  // of account_'s handshake
};

}  // namespace tlslab
