#include "probe/report/logs_report.h"

#include <fmt/format.h>

#include "probe/diagnosis/catalogue.h"
#include "probe/report/join.h"
#include "probe/report/json_report.h"

namespace probe::report {
namespace {

using nlohmann::json;

constexpr std::size_t kTextGroups = 50;  // the text report lists this many; JSON lists all
constexpr std::size_t kTextSampleChars = 200;

json NullIfEmpty(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

json TimeJson(const std::optional<logs::TimeMs>& t) {
  return t ? json(logs::FormatIsoTime(*t)) : json(nullptr);
}

std::string_view GroupSeverity(const logs::Group& g) {
  return SeverityName(diagnosis::Lookup(logs::PatternFindingId(g.pattern)).severity);
}

json GroupJson(const logs::Group& g) {
  return json{
      {"finding", logs::PatternFindingId(g.pattern)},
      {"severity", GroupSeverity(g)},
      {"user", NullIfEmpty(g.user)},
      {"mailbox", NullIfEmpty(g.mailbox)},
      {"client_ip", NullIfEmpty(g.client_ip)},
      {"protocol", NullIfEmpty(g.protocol)},
      {"target_server", NullIfEmpty(g.target_server)},
      {"target_version", NullIfEmpty(g.target_version)},
      {"detail", NullIfEmpty(g.detail)},
      {"count", g.count},
      {"first", logs::FormatIsoTime(g.first)},
      {"last", logs::FormatIsoTime(g.last)},
      {"sample", json{{"file", g.sample.file}, {"line", g.sample.line}, {"text", g.sample.text}}}};
}

json FileJson(const logs::FileScan& f) {
  return json{{"path", f.path},
              {"format", NullIfEmpty(f.format)},
              {"bytes", f.bytes},
              {"lines", f.lines},
              {"requests", f.requests},
              {"malformed", f.malformed},
              {"skipped", f.skipped},
              {"skipped_reason", NullIfEmpty(f.skipped_reason)},
              {"error", NullIfEmpty(f.error)}};
}

json FiltersJson(const logs::ScanOptions& o) {
  return json{{"since", TimeJson(o.since)},
              {"until", TimeJson(o.until)},
              {"user", NullIfEmpty(o.user)},
              {"protocol", NullIfEmpty(o.protocol)},
              {"window_minutes", static_cast<double>(o.detector.window) / 60000.0},
              {"loop_threshold", o.detector.loop_threshold}};
}

std::string Shorten(std::string_view text, std::size_t max) {
  if (text.size() <= max) return std::string(text);
  return std::string(text.substr(0, max)) + " ...";
}

std::string GroupText(const logs::Group& g, bool verbose) {
  std::string upper(GroupSeverity(g));
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string out = fmt::format("  {:<8} {}  {}\n", upper, logs::PatternFindingId(g.pattern),
                                logs::GroupSubject(g));
  out += fmt::format("           {} request{}, {} .. {}\n", g.count, g.count == 1 ? "" : "s",
                     logs::FormatIsoTime(g.first), logs::FormatIsoTime(g.last));
  if (!g.target_server.empty() || !g.target_version.empty())
    out += fmt::format("           back end {} {}\n", g.target_server, g.target_version);
  if (!g.detail.empty()) out += fmt::format("           {}\n", g.detail);
  out += fmt::format("           sample {}:{}\n             {}\n", g.sample.file, g.sample.line,
                     verbose ? g.sample.text : Shorten(g.sample.text, kTextSampleChars));
  return out;
}

std::string ReadText(const logs::LogsAnalysis& a) {
  const auto& s = a.scan;
  std::string range;
  if (s.first && s.last)
    range = fmt::format(" ({} .. {})", logs::FormatIsoTime(*s.first), logs::FormatIsoTime(*s.last));
  std::string out = fmt::format("Read {} file{}, {} lines, {} requests{}", s.files.size(),
                                s.files.size() == 1 ? "" : "s", s.lines, s.requests, range);
  std::vector<std::string> notes;
  if (s.filtered_out > 0) notes.push_back(fmt::format("{} outside the filters", s.filtered_out));
  if (s.malformed > 0) notes.push_back(fmt::format("{} malformed", s.malformed));
  if (s.skipped > 0) notes.push_back(fmt::format("{} lines of other logs skipped", s.skipped));
  if (!notes.empty()) out += "; " + Join(notes, ", ");
  return out + "\n\n";
}

std::string FilesText(const logs::LogsAnalysis& a, bool verbose) {
  std::string out;
  for (const auto& f : a.scan.files) {
    bool notable = !f.error.empty() || !f.skipped_reason.empty() || f.format.empty();
    if (!verbose && !notable) continue;
    out +=
        fmt::format("  {}  {}, {} lines, {} requests", f.path,
                    f.format.empty() ? "no usable #Fields: line" : f.format, f.lines, f.requests);
    if (!f.skipped_reason.empty())
      out += fmt::format("; skipped {}: {}", f.skipped, f.skipped_reason);
    if (!f.error.empty()) out += fmt::format("; error: {}", f.error);
    out += "\n";
  }
  return out.empty() ? out : "Files\n" + out + "\n";
}

std::string MalformedText(const logs::ScanResult& s) {
  if (s.malformed == 0) return {};
  std::string out =
      fmt::format("Malformed lines: {} (first {})\n", s.malformed, s.malformed_samples.size());
  for (const auto& m : s.malformed_samples)
    out += fmt::format("  {}:{}: {}\n", m.file, m.line, m.reason);
  return out + "\n";
}

}  // namespace

json LogsReportJson(const logs::LogsAnalysis& a) {
  ExitCode code = logs::LogsExitCode(a);
  Severity worst = WorstSeverity(a.findings);
  const auto& s = a.scan;
  json groups = json::array();
  for (const auto& g : s.groups) groups.push_back(GroupJson(g));
  json files = json::array();
  for (const auto& f : s.files) files.push_back(FileJson(f));
  json malformed = json::array();
  for (const auto& m : s.malformed_samples)
    malformed.push_back(json{{"file", m.file}, {"line", m.line}, {"reason", m.reason}});
  json errors = json::array();
  for (const auto& e : a.path_errors)
    errors.push_back(json{{"code", ErrorCodeName(e.code)}, {"message", e.message}});
  json findings = json::array();
  for (const auto& f : a.findings) findings.push_back(ToJson(f));
  return json{{"schema", "exprobe/1"},
              {"command", "logs"},
              {"paths", a.paths},
              {"filters", FiltersJson(a.options)},
              {"status", ExitCodeName(code)},
              {"worst_severity", SeverityName(worst)},
              {"exit_code", static_cast<int>(code)},
              {"duration_ms", a.duration_ms},
              {"summary", json{{"files", s.files.size()},
                               {"bytes", s.bytes},
                               {"lines", s.lines},
                               {"requests", s.requests},
                               {"filtered_out", s.filtered_out},
                               {"malformed", s.malformed},
                               {"skipped", s.skipped},
                               {"first", TimeJson(s.first)},
                               {"last", TimeJson(s.last)},
                               {"groups", s.groups.size()},
                               {"groups_dropped", s.groups_dropped},
                               {"streaks_dropped", s.streaks_dropped}}},
              {"errors", errors},
              {"files", files},
              {"groups", groups},
              {"malformed", malformed},
              {"findings", findings}};
}

std::string LogsReportText(const logs::LogsAnalysis& a, const TextOptions& options) {
  std::string out =
      fmt::format("exprobe logs {}  ({:.0f} ms)\n", Join(a.paths, " "), a.duration_ms);
  for (const auto& e : a.path_errors) out += fmt::format("  could not read {}\n", e.message);
  out += "\n" + ReadText(a) + FilesText(a, options.verbose);
  const auto& groups = a.scan.groups;
  if (!groups.empty()) {
    out += "Groups (worst first)\n";
    for (std::size_t i = 0; i < groups.size() && i < kTextGroups; ++i)
      out += GroupText(groups[i], options.verbose);
    if (groups.size() > kTextGroups)
      out += fmt::format("  ... {} more groups (--format json lists every group)\n",
                         groups.size() - kTextGroups);
    if (a.scan.groups_dropped > 0)
      out += fmt::format("  {} more groups were not kept (limit reached)\n", a.scan.groups_dropped);
    out += "\n";
  }
  out += MalformedText(a.scan);
  out += FindingsText(a.findings, options);
  if (!a.path_errors.empty()) {
    out += fmt::format("Some paths could not be read: UNKNOWN (exit {})\n",
                       static_cast<int>(ExitCode::kUnknown));
  }
  return out;
}

}  // namespace probe::report
