#include "probe/runner/auth_module.h"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <mutex>

#include "probe/checks/auth_check.h"
#include "probe/report/auth_report.h"

namespace probe::runner {
namespace {

constexpr MetricFamily kFamilies[] = {
    {"exprobe_auth_outcome",
     "How the handshake ended: 1 for the outcome that happened (authenticated, rejected, loop, "
     "error), 0 for the others."},
    {"exprobe_auth_legs", "How many HTTP requests the handshake took."},
    {"exprobe_auth_attempts", "How many credential attempts the handshake made."},
    {"probe_http_status_code", "The HTTP status of the last response."},
};

constexpr checks::AuthOutcome kOutcomes[] = {
    checks::AuthOutcome::kAuthenticated, checks::AuthOutcome::kRejected, checks::AuthOutcome::kLoop,
    checks::AuthOutcome::kError};

struct Secret {
  std::string env;   // the variable's name
  std::string file;  // the file's path
};

Result<std::string> ReadSecret(const Secret& s) {
  if (!s.env.empty()) {
    const char* value = std::getenv(s.env.c_str());
    if (!value) return Fail(ErrorCode::kInvalidArgument, "password_env: " + s.env + " is not set");
    return std::string(value);
  }
  std::ifstream in(s.file);
  std::string password;
  if (!in || !std::getline(in, password)) {
    return Fail(ErrorCode::kInvalidArgument, "password_file: cannot read " + s.file);
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return password;
}

class AuthModule : public Module {
 public:
  AuthModule(checks::AuthCheckOptions base, Secret secret, int budget)
      : base_(std::move(base)), secret_(std::move(secret)), budget_(budget) {}

  int connections() const override { return 2; }
  bool uses_credentials() const override { return true; }

  Result<void> ValidateTarget(const ModuleTarget& t) const override {
    bool https = t.target.starts_with("https://");
    bool http = t.target.starts_with("http://") && base_.allow_plain_http;
    if (!https && !http) {
      return Fail(ErrorCode::kInvalidArgument,
                  "the auth check takes an https:// URL (credentials never go over plain http)");
    }
    return {};
  }

  CheckOutcome Run(const ModuleTarget& t, std::chrono::milliseconds timeout) const override {
    CheckOutcome out;
    // One handshake per account at a time: the ledger is read and written around the run.
    std::lock_guard lock(mutex_);
    if (rejected_) {
      out.error = Error{ErrorCode::kInvalidArgument,
                        fmt::format("the account {} was rejected earlier; no further attempts "
                                    "(lockout safety)",
                                    Account())};
      return out;
    }
    if (failures_ >= budget_) {
      out.error = Error{ErrorCode::kInvalidArgument,
                        fmt::format("the attempt budget ({}) for {} is spent", budget_, Account())};
      return out;
    }
    auto password = ReadSecret(secret_);
    if (!password) {
      out.error = password.error();
      return out;
    }
    checks::AuthCheckOptions options = base_;
    options.url = t.target;
    options.credentials.password = std::move(*password);
    options.http.net = t.net;
    options.timeout = timeout;
    options.attempt_budget = budget_ - failures_;
    checks::AuthCheckResult r = checks::RunAuthCheck(options);
    Record(r);
    out.duration_ms = r.duration_ms;
    out.findings = r.findings;
    out.error = r.error;
    out.report = report::AuthReportJson(r);
    for (auto o : kOutcomes) {
      out.samples.push_back({"exprobe_auth_outcome",
                             {{"outcome", std::string(checks::AuthOutcomeName(o))}},
                             r.outcome == o ? 1.0 : 0.0});
    }
    out.samples.push_back({"exprobe_auth_legs", {}, static_cast<double>(r.legs.size())});
    out.samples.push_back({"exprobe_auth_attempts", {}, static_cast<double>(r.attempts)});
    if (!r.legs.empty()) {
      out.samples.push_back(
          {"probe_http_status_code", {}, static_cast<double>(r.legs.back().status)});
    }
    return out;
  }

 private:
  std::string Account() const {
    return base_.credentials.domain.empty()
               ? base_.credentials.user
               : base_.credentials.domain + "\\" + base_.credentials.user;
  }

  void Record(const checks::AuthCheckResult& r) const {
    if (r.outcome == checks::AuthOutcome::kRejected) rejected_ = true;
    if (r.outcome == checks::AuthOutcome::kAuthenticated) {
      failures_ = 0;
    } else {
      failures_ += r.attempts;
    }
  }

  checks::AuthCheckOptions base_;  // no password: it is read for each run and dropped after
  Secret secret_;
  int budget_;
  mutable std::mutex mutex_;
  mutable bool rejected_ = false;
  mutable int failures_ = 0;
};

auth::NtlmCredentials SplitUser(const std::string& text) {
  auth::NtlmCredentials c;
  if (auto sep = text.find_first_of("\\/"); sep != std::string::npos) {
    c.domain = text.substr(0, sep);
    c.user = text.substr(sep + 1);
  } else if (auto at = text.find('@'); at != std::string::npos) {
    c.user = text.substr(0, at);
    c.domain = text.substr(at + 1);
  } else {
    c.user = text;
  }
  return c;
}

Result<std::unique_ptr<Module>> Parse(const ModuleContext& c) {
  const auto& r = c.reader;
  const std::string where = c.where + ": auth";
  if (!c.options.IsDefined()) {
    return r.Invalid(YAML::Node(), where +
                                       ": the auth check needs 'user' and 'password_env' or "
                                       "'password_file'");
  }
  if (c.options["password"].IsDefined()) {
    return r.Invalid(r.At(c.options, "password"),
                     where +
                         ": a password is never written in a plan: name it with "
                         "password_env (a variable) or password_file");
  }
  if (auto keys = r.Keys(c.options, where,
                         {"user", "password_env", "password_file", "scheme", "attempt_budget",
                          "ca_file", "insecure"});
      !keys) {
    return Fail(keys.error());
  }
  checks::AuthCheckOptions options;
  auto user = r.Text(c.options, "user", where, true);
  if (!user) return Fail(user.error());
  options.credentials = SplitUser(*user);
  Secret secret;
  auto env = r.Text(c.options, "password_env", where);
  if (!env) return Fail(env.error());
  auto file = r.Text(c.options, "password_file", where);
  if (!file) return Fail(file.error());
  if (env->empty() == file->empty()) {
    return r.Invalid(c.options, where + ": give exactly one of password_env and password_file");
  }
  secret = Secret{*env, file->empty() ? "" : c.Path(*file)};
  auto scheme_text = r.Text(c.options, "scheme", where);
  if (!scheme_text) return Fail(scheme_text.error());
  if (!scheme_text->empty()) {
    auto scheme = checks::ParseAuthScheme(*scheme_text);
    if (!scheme) {
      return r.Invalid(r.At(c.options, "scheme"),
                       where + ": scheme must be auto, ntlm, negotiate, basic or kerberos");
    }
    options.scheme = *scheme;
  }
  auto budget = r.Integer(c.options, "attempt_budget", where, 1, 10);
  if (!budget) return Fail(budget.error());
  auto ca_file = r.Text(c.options, "ca_file", where);
  if (!ca_file) return Fail(ca_file.error());
  options.http.ca_file = c.Path(*ca_file);
  auto insecure = r.Flag(c.options, "insecure", where);
  if (!insecure) return Fail(insecure.error());
  options.http.insecure = insecure->value_or(false);
  return std::make_unique<AuthModule>(std::move(options), std::move(secret),
                                      static_cast<int>(budget->value_or(3)));
}

}  // namespace

const ModuleKind& AuthModuleKind() {
  static const ModuleKind kind{
      "auth",
      "NTLM, Negotiate or Basic handshake leg by leg with stored credentials; 401 loops",
      kFamilies,
      {},
      Parse};
  return kind;
}

}  // namespace probe::runner
