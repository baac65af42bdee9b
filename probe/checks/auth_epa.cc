#include "probe/checks/auth_epa.h"

#include <algorithm>

#include "probe/diagnosis/catalogue.h"

namespace probe::checks {
namespace {

using diagnosis::MakeFinding;

// Order: the correct binding first (it proves the account), then none, then a wrong one.
std::vector<auth::ChannelBindingMode> EpaModesToTry(auth::ChannelBindingMode done) {
  std::vector<auth::ChannelBindingMode> out;
  for (auto m : {auth::ChannelBindingMode::kCorrect, auth::ChannelBindingMode::kOmit,
                 auth::ChannelBindingMode::kWrong}) {
    if (m != done) out.push_back(m);
  }
  return out;
}

std::optional<AuthOutcome> OutcomeWith(const AuthCheckResult& r, auth::ChannelBindingMode mode) {
  if (r.cbt == mode && !r.error) return r.outcome;
  for (const auto& t : r.epa_trials) {
    if (t.cbt == mode && t.detail.empty()) return t.outcome;
  }
  return std::nullopt;
}

std::string TrialEvidence(auth::ChannelBindingMode mode, std::optional<AuthOutcome> outcome) {
  return "--cbt " + std::string(auth::ChannelBindingModeName(mode)) + ": " +
         (outcome ? std::string(AuthOutcomeName(*outcome)) : std::string("not tried"));
}

// Names what the trials prove. A rejection of the run's own mode that the correct binding
// turns into a success is the loop's cause; otherwise the enforcement level is information.
void AddEpaFindings(AuthCheckResult& r) {
  using M = auth::ChannelBindingMode;
  auto correct = OutcomeWith(r, M::kCorrect);
  auto omit = OutcomeWith(r, M::kOmit);
  auto wrong = OutcomeWith(r, M::kWrong);
  std::vector<std::string> evidence = {TrialEvidence(M::kCorrect, correct),
                                       TrialEvidence(M::kOmit, omit),
                                       TrialEvidence(M::kWrong, wrong)};
  auto drop_rejected = [&r] {
    std::erase_if(r.findings, [](const Finding& f) { return f.id == "auth.credentials_rejected"; });
  };
  if (correct == AuthOutcome::kRejected && omit == AuthOutcome::kAuthenticated) {
    drop_rejected();
    r.findings.push_back(MakeFinding(
        "auth.epa_binding_mismatch",
        "The binding of the certificate exprobe received is refused while no binding is "
        "accepted: the server binds to another certificate (TLS re-terminated on the way)",
        evidence));
    return;
  }
  if (correct != AuthOutcome::kAuthenticated) return;
  const bool own_rejected = r.cbt != M::kCorrect && r.outcome != AuthOutcome::kAuthenticated;
  if (own_rejected) {
    drop_rejected();
    r.findings.push_back(MakeFinding(
        "auth.epa_required",
        "Only a correct channel binding authenticates: the run's --cbt " +
            std::string(auth::ChannelBindingModeName(r.cbt)) +
            " was rejected while the same account with the correct binding was accepted",
        evidence));
    return;
  }
  if (omit == AuthOutcome::kAuthenticated && wrong == AuthOutcome::kAuthenticated) {
    r.findings.push_back(MakeFinding(
        "auth.epa_not_enforced",
        "The server accepts any channel binding, a wrong one included: Extended Protection is off",
        evidence));
  } else if (omit == AuthOutcome::kRejected || wrong == AuthOutcome::kRejected) {
    std::string level =
        omit == AuthOutcome::kRejected        ? "only a correct binding is accepted (Require)"
        : omit == AuthOutcome::kAuthenticated ? "a missing binding is accepted, a wrong one "
                                                "refused (Allow)"
                                              : "a wrong binding is refused (Allow or Require)";
    r.findings.push_back(
        MakeFinding("auth.epa_enforced", "Extended Protection is enforced: " + level, evidence));
  }
}

bool AnyAuthenticated(const AuthCheckResult& r) {
  if (r.outcome == AuthOutcome::kAuthenticated) return true;
  return std::any_of(r.epa_trials.begin(), r.epa_trials.end(),
                     [](const EpaTrial& t) { return t.outcome == AuthOutcome::kAuthenticated; });
}

int Rejections(const AuthCheckResult& r) {
  int n = r.outcome == AuthOutcome::kRejected ? 1 : 0;
  for (const auto& t : r.epa_trials) n += t.outcome == AuthOutcome::kRejected ? 1 : 0;
  return n;
}

}  // namespace

// Asked for explicitly (a known-good canary account is the use): even after the correct binding
// was refused, one handshake without a binding tells TLS re-termination from a bad password.
// Two refusals without any success stop it: then the account itself may be the problem.
void ProbeEpa(const AuthCheckOptions& options, AuthCheckResult& r) {
  if (!r.tls) {
    r.notes.push_back("--probe-epa: no TLS, so there is no channel to bind; nothing to probe");
    return;
  }
  // Only a verdict on the credentials (accepted, or refused after a complete handshake) can
  // depend on the binding; a loop or a broken connection would only repeat itself.
  bool judged = std::any_of(r.findings.begin(), r.findings.end(), [](const Finding& f) {
    return f.id == "auth.ok" || f.id == "auth.credentials_rejected";
  });
  if (!judged || r.anonymous) {
    r.notes.push_back(
        "--probe-epa: skipped, the handshake reached no verdict on the credentials to compare");
    return;
  }
  for (auto mode : EpaModesToTry(r.cbt)) {
    if (!AnyAuthenticated(r) && Rejections(r) >= 2) {
      r.notes.push_back(
          "--probe-epa stopped: two handshakes were refused and none succeeded, so the account "
          "itself may be refused (lockout safety)");
      break;
    }
    if (r.attempts >= options.attempt_budget) {
      r.notes.push_back("--probe-epa stopped: the attempt budget of " +
                        std::to_string(options.attempt_budget) +
                        " for this account in one run is spent (lockout safety)");
      break;
    }
    AuthCheckOptions trial = options;
    trial.cbt = mode;
    trial.probe_epa = false;
    trial.check_sharing = false;
    trial.attempt_budget = options.attempt_budget - r.attempts;
    AuthCheckResult t = RunAuthCheck(trial);
    r.attempts += t.attempts;
    r.epa_trials.push_back(EpaTrial{mode, t.outcome, t.legs.empty() ? 0 : t.legs.back().status,
                                    std::move(t.legs), t.error ? t.error->message : ""});
  }
  AddEpaFindings(r);
}

}  // namespace probe::checks
