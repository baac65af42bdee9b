#include "probe/report/auth_report.h"

#include <fmt/format.h>

#include "probe/auth/token.h"
#include "probe/auth/token_view.h"
#include "probe/report/json_report.h"
#include "probe/report/token_report.h"

namespace probe::report {
namespace {

using nlohmann::json;

// A token decoded and masked; Basic credentials are never kept, so they show as masked.
json TokenJson(const checks::LegToken& token, bool show_secrets) {
  json out{{"scheme", token.scheme}};
  if (token.basic) {
    out["token"] = {{"masked", true}, {"note", "Basic credentials are never shown"}};
    return out;
  }
  if (token.token.empty()) return out;
  auto decoded = auth::DecodeAuthToken(token.token);
  if (decoded) {
    out["token"] = ToJson(auth::ViewAuthToken(*decoded, {.show_secrets = show_secrets}));
  } else {
    out["token"] = {{"length", token.token.size()},
                    {"fingerprint", auth::Fingerprint(token.token)},
                    {"error", decoded.error().message}};
  }
  return out;
}

json LegJson(const checks::AuthLeg& leg, bool show_secrets) {
  json out{{"n", leg.n},
           {"method", leg.method},
           {"status", leg.status},
           {"connection",
            {{"id", leg.connection.id},
             {"new", leg.connection.is_new},
             {"local_port", leg.connection.local_port},
             {"remote", fmt::format("{}:{}", leg.connection.remote_ip, leg.connection.remote_port)},
             {"close", leg.connection_close}}},
           {"offered", leg.offered}};
  if (leg.sent) out["sent"] = TokenJson(*leg.sent, show_secrets);
  if (leg.received) out["received"] = TokenJson(*leg.received, show_secrets);
  json headers = json::object();
  for (const auto& h : leg.diagnostics) headers[h.name] = h.value;
  out["headers"] = headers;
  return out;
}

std::string TokenLine(const checks::LegToken& token, bool show_secrets) {
  if (token.basic) return fmt::format("{} [credentials masked]", token.scheme);
  auto decoded = auth::DecodeAuthToken(token.token);
  if (!decoded)
    return fmt::format("{} ({} bytes, undecodable: {})", token.scheme, token.token.size(),
                       decoded.error().message);
  auth::TokenField view = auth::ViewAuthToken(*decoded, {.show_secrets = show_secrets});
  return fmt::format("{} {}\n{}", token.scheme, view.summary, TokenFieldText(view, 6));
}

std::string LegText(const checks::AuthLeg& leg, const TextOptions& options) {
  const bool verbose = options.verbose;
  std::string out =
      fmt::format("  leg {}: {} -> {}  connection #{} ({}, local port {}){}\n", leg.n, leg.method,
                  leg.status, leg.connection.id, leg.connection.is_new ? "new" : "reused",
                  leg.connection.local_port, leg.connection_close ? ", Connection: close" : "");
  if (leg.sent) {
    out += "    sent:     " +
           (verbose ? TokenLine(*leg.sent, options.show_secrets) : leg.sent->scheme) + "\n";
  }
  if (!leg.offered.empty()) out += fmt::format("    offered:  {}\n", fmt::join(leg.offered, ", "));
  if (leg.received) {
    out += "    received: " +
           (verbose ? TokenLine(*leg.received, options.show_secrets) : leg.received->scheme) + "\n";
  }
  for (const auto& h : leg.diagnostics) out += fmt::format("    {}: {}\n", h.name, h.value);
  return out;
}

}  // namespace

ExitCode AuthExitCode(const checks::AuthCheckResult& result) {
  ExitCode code = ExitCodeFor(WorstSeverity(result.findings));
  if (result.error && code != ExitCode::kCritical) return ExitCode::kUnknown;
  return code;
}

json AuthReportJson(const checks::AuthCheckResult& result, bool show_secrets) {
  json legs = json::array();
  for (const auto& leg : result.legs) legs.push_back(LegJson(leg, show_secrets));
  json trials = json::array();
  for (const auto& t : result.epa_trials) {
    json trial_legs = json::array();
    for (const auto& leg : t.legs) trial_legs.push_back(LegJson(leg, show_secrets));
    trials.push_back(json{{"cbt", auth::ChannelBindingModeName(t.cbt)},
                          {"outcome", checks::AuthOutcomeName(t.outcome)},
                          {"final_status", t.final_status},
                          {"error", t.detail.empty() ? json(nullptr) : json(t.detail)},
                          {"legs", trial_legs}});
  }
  json findings = json::array();
  for (const auto& f : result.findings) findings.push_back(ToJson(f));
  ExitCode code = AuthExitCode(result);
  json out{{"schema", "exprobe/1"},
           {"command", "auth"},
           {"url", result.url},
           {"account", result.account},
           {"scheme", result.scheme},
           {"cbt", auth::ChannelBindingModeName(result.cbt)},
           {"tls", result.tls},
           {"certificate_verification", !result.verification_disabled},
           {"outcome", checks::AuthOutcomeName(result.outcome)},
           {"legs", legs},
           {"epa_trials", trials},
           {"attempts", result.attempts},
           {"notes", result.notes},
           {"secrets_shown", show_secrets},
           {"findings", findings},
           {"status", ExitCodeName(code)},
           {"exit_code", static_cast<int>(code)},
           {"duration_ms", result.duration_ms}};
  if (!result.cbt_note.empty()) out["cbt_note"] = result.cbt_note;
  if (!result.kerberos_spn.empty()) {
    out["kerberos"] = {
        {"spn", result.kerberos_spn},
        {"client_principal", result.kerberos_principal},
        {"not_used",
         result.kerberos_not_used.empty() ? json(nullptr) : json(result.kerberos_not_used)},
        {"mutual", result.kerberos_mutual}};
  }
  if (result.error)
    out["error"] = {{"code", ErrorCodeName(result.error->code)},
                    {"message", result.error->message}};
  return out;
}

std::string AuthReportText(const checks::AuthCheckResult& result, const TextOptions& options) {
  std::string out = fmt::format("auth {} as {}: {}\n", result.url, result.account,
                                checks::AuthOutcomeName(result.outcome));
  out += fmt::format("  scheme {}, channel binding {}{}{}\n",
                     result.scheme.empty() ? "-" : result.scheme,
                     auth::ChannelBindingModeName(result.cbt),
                     result.cbt_note.empty() ? "" : " (" + result.cbt_note + ")",
                     result.verification_disabled ? ", certificate NOT verified (--insecure)" : "");
  if (!result.kerberos_spn.empty()) {
    out += fmt::format(
        "  kerberos: spn {}{}{}\n", result.kerberos_spn,
        result.kerberos_principal.empty() ? "" : ", ticket of " + result.kerberos_principal,
        result.kerberos_not_used.empty() ? (result.kerberos_mutual ? ", mutual auth verified" : "")
                                         : ", not used: " + result.kerberos_not_used);
  }
  for (const auto& leg : result.legs) out += LegText(leg, options);
  for (const auto& t : result.epa_trials) {
    out += fmt::format("  --probe-epa: cbt {} -> {} (final HTTP {}){}\n",
                       auth::ChannelBindingModeName(t.cbt), checks::AuthOutcomeName(t.outcome),
                       t.final_status, t.detail.empty() ? "" : ", error: " + t.detail);
    if (options.verbose) {
      for (const auto& leg : t.legs) out += LegText(leg, options);
    }
  }
  out += fmt::format("  credential attempts: {}\n", result.attempts);
  for (const auto& note : result.notes) out += fmt::format("  note: {}\n", note);
  if (result.error) out += fmt::format("error: {}\n", result.error->message);
  if (options.show_secrets) out += "  (--show-secrets: responses, keys and MICs are shown)\n";
  out += "\n" + FindingsText(result.findings, options, AuthExitCode(result));
  return out;
}

}  // namespace probe::report
