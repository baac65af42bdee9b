#include "probe/report/ews_report.h"

#include <fmt/format.h>

#include "probe/checks/mailbox_check.h"
#include "probe/report/autodiscover_report.h"
#include "probe/report/join.h"

namespace probe::report {

using nlohmann::json;

namespace {

json RoutingJson(const exchange::RoutingHeaders& h) {
  json out = json::object();
  auto put = [&](const char* name, const std::string& value) {
    if (!value.empty()) out[name] = value;
  };
  put("X-FEServer", h.fe_server);
  put("X-BEServer", h.be_server);
  put("X-CalculatedBETarget", h.calculated_be_target);
  put("X-BackEndHttpStatus", h.backend_http_status);
  put("request-id", h.request_id);
  put("X-DiagInfo", h.diag_info);
  put("X-OWA-Version", h.owa_version);
  put("X-ProxyErrorHResult", h.proxy_error_hresult);
  put("X-ProxyErrorLabel", h.proxy_error_label);
  put("X-ProxyErrorMessage", h.proxy_error_message);
  return out;
}

json MessageJson(const exchange::EwsMessage& m) {
  json folders = json::array();
  for (const auto& f : m.folders)
    folders.push_back(json{{"id", f.id}, {"change_key", f.change_key}});
  return json{{"element", m.element},
              {"response_class", m.response_class_text},
              {"response_code", m.response_code},
              {"message_text", m.message_text},
              {"folders", folders}};
}

}  // namespace

ExitCode EwsExitCode(const checks::EwsCheckResult& r) {
  if (r.error) return ExitCode::kUnknown;
  return ExitCodeFor(WorstSeverity(r.findings));
}

json EwsCallJson(const checks::EwsCall& c) {
  json out{{"operation", c.operation},
           {"http_status", c.http_status ? json(c.http_status) : json(nullptr)},
           {"scheme", c.scheme},
           {"attempts", c.attempts},
           {"routing", RoutingJson(c.routing)},
           {"error", c.error.empty() ? json(nullptr) : json(c.error)}};
  if (c.response) {
    const auto& r = *c.response;
    if (r.server_version) {
      out["server_version"] = {{"version", r.server_version->AsVersion().Dotted()},
                               {"product", r.server_version->AsVersion().ProductName()},
                               {"label", r.server_version->version}};
    }
    json messages = json::array();
    for (const auto& m : r.messages) messages.push_back(MessageJson(m));
    for (const auto& fb : r.free_busy) {
      json m = MessageJson(fb.message);
      m["merged_free_busy"] = fb.merged_free_busy;
      m["events"] = fb.events.size();
      messages.push_back(m);
    }
    out["messages"] = messages;
    if (r.fault) {
      out["fault"] = {{"fault_code", r.fault->fault_code},
                      {"fault_string", r.fault->fault_string},
                      {"response_code", r.fault->response_code}};
    }
  }
  return out;
}

std::string EwsCallText(const checks::EwsCall& c) {
  std::string out = fmt::format("  {:<20} HTTP {}", c.operation, c.http_status);
  if (c.response) {
    const auto& r = *c.response;
    std::vector<std::string> codes;
    for (const auto& m : r.messages) codes.push_back(m.response_code);
    for (const auto& fb : r.free_busy) codes.push_back(fb.message.response_code);
    if (r.fault) codes.push_back("fault " + r.fault->fault_code);
    out += "  " + Join(codes, ", ");
    if (r.server_version) out += "  server " + r.server_version->AsVersion().Dotted();
  }
  if (!c.error.empty()) out += "  error: " + c.error;
  out += "\n";
  const auto& h = c.routing;
  std::vector<std::string> routing;
  if (!h.fe_server.empty()) routing.push_back("X-FEServer " + h.fe_server);
  if (!h.be_server.empty()) routing.push_back("X-BEServer " + h.be_server);
  if (!h.calculated_be_target.empty())
    routing.push_back("X-CalculatedBETarget " + h.calculated_be_target);
  if (!h.backend_http_status.empty())
    routing.push_back("X-BackEndHttpStatus " + h.backend_http_status);
  if (!h.request_id.empty()) routing.push_back("request-id " + h.request_id);
  if (!routing.empty()) out += "                       " + Join(routing, ", ") + "\n";
  return out;
}

json EwsReportJson(const checks::EwsCheckResult& r) {
  ExitCode code = EwsExitCode(r);
  json calls = json::array();
  if (r.get_folder) calls.push_back(EwsCallJson(*r.get_folder));
  if (r.free_busy) calls.push_back(EwsCallJson(*r.free_busy));
  json out{{"schema", "exprobe/1"},
           {"command", "ews"},
           {"url", r.url},
           {"mailbox", r.mailbox},
           {"calls", calls},
           {"attempts", r.ledger.attempts},
           {"findings", FindingsJson(r.findings)},
           {"status", ExitCodeName(code)},
           {"exit_code", static_cast<int>(code)},
           {"duration_ms", r.duration_ms}};
  if (r.error)
    out["error"] = {{"code", ErrorCodeName(r.error->code)}, {"message", r.error->message}};
  return out;
}

std::string EwsReportText(const checks::EwsCheckResult& r, const TextOptions& options) {
  std::string out =
      fmt::format("exprobe ews {}{}  ({:.0f} ms, {} credential attempt(s))\n\n", r.url,
                  r.mailbox.empty() ? "" : " for " + r.mailbox, r.duration_ms, r.ledger.attempts);
  if (r.error) out += fmt::format("error: {}\n\n", r.error->message);
  if (r.get_folder) out += EwsCallText(*r.get_folder);
  if (r.free_busy) out += EwsCallText(*r.free_busy);
  out += "\n";
  std::vector<Finding> sorted = r.findings;
  checks::SortWorstFirst(sorted);
  return out + FindingsText(sorted, options, EwsExitCode(r));
}

}  // namespace probe::report
