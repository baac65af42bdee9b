#include "probe/report/client_report.h"

#include <fmt/format.h>

#include "probe/report/join.h"
#include "probe/report/json_report.h"
#include "probe/tls/cipher_suites.h"

namespace probe::report {
namespace {

using nlohmann::json;

json NullOr(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

json Versions(const std::vector<tls::TlsVersion>& versions) {
  json out = json::array();
  for (auto v : versions) out.push_back(std::string(tls::VersionName(v)));
  return out;
}

json SuiteRef(std::uint16_t id) { return json{{"id", SuiteId(id)}, {"name", tls::SuiteName(id)}}; }

json U16Hex(const std::vector<std::uint16_t>& values) {
  json out = json::array();
  for (auto v : values) out.push_back(fmt::format("0x{:04X}", v));
  return out;
}

json Status(const std::vector<Finding>& findings) {
  Severity worst = WorstSeverity(findings);
  json list = json::array();
  for (const auto& f : findings) list.push_back(ToJson(f));
  return json{{"status", ExitCodeName(ExitCodeFor(worst))},
              {"worst_severity", SeverityName(worst)},
              {"exit_code", static_cast<int>(ExitCodeFor(worst))},
              {"findings", list}};
}

json ClientJson(const checks::ClientVerdict& v) {
  json out{{"profile", std::string(v.profile->name)},
           {"display", std::string(v.profile->display)},
           {"component", std::string(tls::ComponentName(v.profile->component))},
           {"outcome", std::string(checks::ClientOutcomeName(v.outcome))},
           {"connects", v.connects()},
           {"protocol", v.protocol ? json(std::string(tls::VersionName(*v.protocol))) : json()},
           {"cipher_suite", v.cipher_suite ? SuiteRef(*v.cipher_suite) : json()},
           {"answer", v.answer},
           {"why", NullOr(v.why)},
           {"fix", NullOr(v.fix)},
           {"fix_kind", NullOr(std::string(checks::FixKindName(v.fix_kind)))},
           {"evidence", v.evidence},
           {"caveats", v.caveats}};
  return out;
}

std::string VerdictHead(const checks::ClientVerdict& v) {
  if (v.connects()) {
    return fmt::format("connects  {}  {}", tls::VersionDisplay(*v.protocol),
                       tls::SuiteName(*v.cipher_suite));
  }
  if (v.outcome == checks::ClientOutcome::kUnknown) return "unknown   " + v.why;
  std::string reason(checks::ClientOutcomeName(v.outcome));
  for (char& c : reason) c = c == '_' ? ' ' : c;
  return fmt::format("FAILS     {}: {}", reason, v.why);
}

std::string ClientBlock(const checks::ClientVerdict& v, const TextOptions& options) {
  constexpr std::string_view kIndent = "                    ";
  std::string out = fmt::format("  {:<17} {}\n", v.profile->name, VerdictHead(v));
  if (!v.fix.empty()) {
    out += fmt::format("{}fix ({}): {}\n", kIndent, checks::FixKindName(v.fix_kind), v.fix);
  }
  if (!v.connects() || options.verbose) {
    for (const auto& c : v.caveats) out += fmt::format("{}uncertain: {}\n", kIndent, c);
  }
  if (options.verbose) {
    for (const auto& e : v.evidence) out += fmt::format("{}{}\n", kIndent, e);
  }
  return out;
}

std::string HexList(const std::vector<std::uint16_t>& values) {
  std::vector<std::string> out;
  for (auto v : values) out.push_back(fmt::format("0x{:04X}", v));
  return Join(out, " ");
}

json FactsJson(const tls::ClientProfile& p) {
  static constexpr std::string_view kTopics[] = {"versions", "suites", "hello", "fallback"};
  json out = json::array();
  for (const auto& f : p.facts) {
    out.push_back(json{{"topic", std::string(kTopics[static_cast<int>(f.topic)])},
                       {"text", std::string(f.text)},
                       {"confidence", std::string(tls::FactConfidenceName(f.confidence))},
                       {"source", std::string(f.source)}});
  }
  return out;
}

json TransportsJson() {
  json out = json::array();
  for (const auto& t : tls::OutlookTransports()) {
    out.push_back(json{{"outlook", std::string(t.outlook)},
                       {"protocol", std::string(t.protocol)},
                       {"component", std::string(tls::ComponentName(t.component))},
                       {"confidence", std::string(tls::FactConfidenceName(t.confidence))},
                       {"source", std::string(t.source)},
                       {"note", std::string(t.note)}});
  }
  return out;
}

std::string SuitesText(const tls::ClientProfile& p) {
  std::vector<std::uint16_t> offered = p.OfferedSuites();
  std::string out = fmt::format("  suites      {} offered", offered.size());
  if (offered.size() < p.suites.size()) {
    out += fmt::format(
        " ({} of the {} in the OS order; the rest need a version it does not "
        "enable)",
        offered.size(), p.suites.size());
  }
  out += ", in order:\n";
  for (auto id : offered) {
    const tls::CipherSuite* s = tls::FindCipherSuite(id);
    std::string note =
        s && !s->weakness.empty() ? "  (weak: " + std::string(s->weakness) + ")" : "";
    out += fmt::format("    {} {}{}\n", SuiteId(id), tls::SuiteName(id), note);
  }
  return out;
}

std::string NameList(const std::vector<std::uint16_t>& values, std::string (*name)(std::uint16_t)) {
  std::vector<std::string> out;
  for (auto v : values) out.push_back(name(v));
  return out.empty() ? "none" : Join(out, ", ");
}

std::string GroupNameOf(std::uint16_t g) { return tls::GroupName(g); }

json RegValuesJson(const tls::RegFile& file) {
  json out = json::array();
  for (const auto& key : file.keys) {
    for (const auto& v : key.values) {
      out.push_back(json{{"key", key.path},
                         {"name", v.name},
                         {"type", "REG_DWORD"},
                         {"data", fmt::format("0x{:08X}", v.dword)}});
    }
  }
  return out;
}

}  // namespace

json ClientsJson(const std::vector<checks::ClientVerdict>& verdicts) {
  json out = json::array();
  for (const auto& v : verdicts) out.push_back(ClientJson(v));
  return out;
}

std::string ClientsText(const std::vector<checks::ClientVerdict>& verdicts,
                        const TextOptions& options) {
  if (verdicts.empty()) return "";
  std::string out =
      "Windows clients (each profile's own ClientHello, one attempt, no version fallback)\n";
  for (const auto& v : verdicts) out += ClientBlock(v, options);
  return out + "\n";
}

json ProfileListJson() {
  json profiles = json::array();
  for (const auto& p : tls::ClientProfiles()) {
    profiles.push_back(json{{"name", std::string(p.name)},
                            {"display", std::string(p.display)},
                            {"family", std::string(tls::Family(p.family).display)},
                            {"component", std::string(tls::ComponentName(p.component))},
                            {"versions", Versions(p.versions)}});
  }
  return json{{"schema", "exprobe/1"},
              {"command", "client list"},
              {"profiles", profiles},
              {"outlook", TransportsJson()}};
}

std::string ProfileListText(const TextOptions& options) {
  std::string out =
      "Windows client profiles (exprobe client show NAME; exprobe tls HOST --client NAME)\n";
  for (const auto& p : tls::ClientProfiles()) {
    out += fmt::format("  {:<16} {:<8} {:<38} {}\n", p.name, tls::ComponentName(p.component),
                       tls::ProtocolsDisplay(p.versions), p.display);
  }
  out +=
      "\nWhich component carries Outlook's traffic (its registry value decides the TLS versions)\n";
  for (const auto& t : tls::OutlookTransports()) {
    out +=
        fmt::format("  {:<22} {:<13} {:<8} {:<13} {}\n", t.outlook, t.protocol,
                    tls::ComponentName(t.component), tls::FactConfidenceName(t.confidence), t.note);
    if (options.verbose) out += fmt::format("  {:<22} source: {}\n", "", t.source);
  }
  return out;
}

json ProfileJson(const tls::ClientProfile& p) {
  tls::ClientHelloSpec spec = tls::ProfileHelloSpec(p, "");
  json out{{"schema", "exprobe/1"},
           {"command", "client show"},
           {"name", std::string(p.name)},
           {"display", std::string(p.display)},
           {"family", std::string(tls::Family(p.family).display)},
           {"component", std::string(tls::ComponentName(p.component))},
           {"registry", NullOr(std::string(p.registry))},
           {"versions", Versions(p.versions)},
           {"hello_version", std::string(tls::VersionName(p.MaxVersion()))},
           {"record_version", fmt::format("0x{:04X}", p.record_version)},
           {"os_suite_order", U16Hex(p.suites)},
           {"cipher_suites", json::array()},
           {"extensions", json::array()},
           {"groups", json::array()},
           {"signature_algorithms", U16Hex(p.signature_algorithms)},
           {"supported_versions",
            U16Hex(spec.supported_versions.value_or(std::vector<std::uint16_t>{}))},
           {"key_share_groups", json::array()},
           {"fixed_profile", NullOr(std::string(p.fixed_profile))},
           {"facts", FactsJson(p)}};
  for (auto id : p.OfferedSuites()) out["cipher_suites"].push_back(SuiteRef(id));
  for (auto e : p.extensions) {
    out["extensions"].push_back(
        json{{"id", fmt::format("0x{:04X}", e)}, {"name", tls::ExtensionName(e)}});
  }
  for (auto g : p.groups) out["groups"].push_back(tls::GroupName(g));
  for (auto g : p.key_share_groups) out["key_share_groups"].push_back(tls::GroupName(g));
  return out;
}

std::string ProfileText(const tls::ClientProfile& p) {
  std::string out = fmt::format("{}: {}\n", p.name, p.display);
  out += fmt::format("  family      {}\n", tls::Family(p.family).display);
  out += fmt::format("  component   {}\n", tls::ComponentName(p.component));
  out += fmt::format("  registry    {}\n", p.registry.empty() ? "OS defaults" : p.registry);
  out += fmt::format("  versions    {}\n", tls::ProtocolsDisplay(p.versions));
  out += fmt::format("  hello       {} ClientHello, record version 0x{:04X}\n",
                     tls::VersionDisplay(p.MaxVersion()), p.record_version);
  out += SuitesText(p);
  out += fmt::format("  extensions  {}\n", NameList(p.extensions, &tls::ExtensionName));
  out += fmt::format("  groups      {}\n", NameList(p.groups, &GroupNameOf));
  if (!p.signature_algorithms.empty()) {
    out += fmt::format("  signature algorithms  {}\n", HexList(p.signature_algorithms));
  }
  if (!p.key_share_groups.empty()) {
    out += fmt::format("  key share   {}\n", NameList(p.key_share_groups, &GroupNameOf));
  }
  if (!p.fixed_profile.empty()) {
    out += fmt::format("  after the registry fix (exprobe client fix --profile {}): {}\n", p.name,
                       p.fixed_profile);
  }
  out += "\nFacts behind this profile\n";
  for (const auto& f : p.facts) {
    out += fmt::format("  [{}] {}\n      source: {}\n", tls::FactConfidenceName(f.confidence),
                       f.text, f.source);
  }
  return out;
}

json DecodeReportJson(const DecodeReport& r) {
  const tls::DecodedProtocols& d = r.decoded;
  auto meant = d.Suggestion();
  json out{
      {"schema", "exprobe/1"},
      {"command", "client decode"},
      {"key", std::string(tls::ProtocolValueName(d.key))},
      {"value", tls::FormatProtocolValue(d.value)},
      {"decimal", d.value},
      {"protocols", Versions(d.protocols)},
      {"unknown_bits", d.unknown_bits ? json(tls::FormatProtocolValue(d.unknown_bits)) : json()},
      {"suggested_value", meant ? json(tls::FormatProtocolValue(*meant)) : json()},
      {"notes", d.notes}};
  out.update(Status(r.findings));
  return out;
}

std::string DecodeReportText(const DecodeReport& r, const TextOptions& options) {
  const tls::DecodedProtocols& d = r.decoded;
  std::string out = fmt::format("exprobe client decode {} ({})\n\n",
                                tls::FormatProtocolValue(d.value), tls::ProtocolValueName(d.key));
  out += fmt::format("  value      {} ({})\n", tls::FormatProtocolValue(d.value), d.value);
  out += fmt::format("  enables    {}\n", tls::ProtocolsDisplay(d.protocols));
  std::vector<std::string> bits;
  for (auto v : d.protocols) {
    bits.push_back(fmt::format("{} {}", tls::FormatProtocolValue(tls::ProtocolBit(v)),
                               tls::VersionDisplay(v)));
  }
  if (d.unknown_bits) bits.push_back(tls::FormatProtocolValue(d.unknown_bits) + " no protocol");
  if (!bits.empty()) out += fmt::format("  bits       {}\n", Join(bits, ", "));
  if (auto meant = d.Suggestion()) {
    out += fmt::format("  meant      {} ({})\n", tls::FormatProtocolValue(*meant),
                       tls::ProtocolsDisplay(tls::DecodeProtocols(*meant, d.key).protocols));
  }
  for (const auto& n : d.notes) out += fmt::format("  note       {}\n", n);
  return out + "\n" + FindingsText(r.findings, options);
}

json FixReportJson(const FixReport& r) {
  json out{{"schema", "exprobe/1"},
           {"command", "client fix"},
           {"profile", std::string(r.profile->name)},
           {"enable", Versions(r.enable)},
           {"value", tls::FormatProtocolValue(r.fix.value)},
           {"prerequisites", r.fix.prerequisites},
           {"notes", r.fix.notes},
           {"values", RegValuesJson(r.fix.file)},
           {"reg", tls::FormatRegText(r.fix.file)},
           {"written_to", NullOr(r.written_to)}};
  out.update(Status({}));
  return out;
}

std::string FixReportText(const FixReport& r) {
  std::string out = fmt::format(
      "Wrote {} (UTF-16LE .reg, as regedit writes it): import it as an administrator with "
      "`reg import {}` or by double-clicking it.\n\n",
      r.written_to, r.written_to);
  for (const auto& p : r.fix.prerequisites) out += "Install first: " + p + "\n";
  out += fmt::format("\nValues ({} = {})\n", tls::FormatProtocolValue(r.fix.value),
                     tls::ProtocolsDisplay(r.enable));
  for (const auto& key : r.fix.file.keys) {
    out += fmt::format("  {}\n", key.path);
    for (const auto& v : key.values)
      out += fmt::format("      {} = dword:{:08x}\n", v.name, v.dword);
  }
  out += "\n";
  for (const auto& n : r.fix.notes) out += "Note: " + n + "\n";
  return out;
}

}  // namespace probe::report
