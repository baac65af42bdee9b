#include "probe/logs/analysis.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <array>
#include <chrono>
#include <set>

#include "probe/diagnosis/catalogue.h"

namespace probe::logs {
namespace {

constexpr std::size_t kEvidenceGroups = 10;

std::string Range(TimeMs first, TimeMs last) {
  if (first == last) return FormatIsoTime(first);
  return fmt::format("{} .. {}", FormatIsoTime(first), FormatIsoTime(last));
}

std::string GroupEvidence(const Group& g) {
  std::string out = fmt::format("{}: {} request{}, {}", GroupSubject(g), g.count,
                                g.count == 1 ? "" : "s", Range(g.first, g.last));
  if (!g.target_server.empty() || !g.target_version.empty())
    out += fmt::format(", back end {} {}", g.target_server, g.target_version);
  if (!g.detail.empty()) out += fmt::format("; {}", g.detail);
  out += fmt::format("; sample {}:{}", g.sample.file, g.sample.line);
  return out;
}

// One sentence per pattern, with the numbers that matter.
std::string PatternSummary(Pattern p, const std::vector<const Group*>& groups) {
  std::uint64_t requests = 0;
  std::set<std::string> users, servers;
  for (const Group* g : groups) {
    requests += g->count;
    users.insert(g->user.empty() ? (g->mailbox.empty() ? "(anonymous)" : g->mailbox) : g->user);
    if (!g->target_server.empty()) servers.insert(g->target_server);
  }
  std::string who = users.size() == 1 ? *users.begin() : fmt::format("{} users", users.size());
  std::size_t n = groups.size();
  std::string s = n == 1 ? "" : "s";
  switch (p) {
    case Pattern::kBackendInvalidToken:
      return fmt::format(
          "{} request{} authenticated by the front end were refused by a 2010 back end with 401 "
          "InvalidToken (KB3140410 pattern) for {}, in {} group{}",
          requests, requests == 1 ? "" : "s", who, n, s);
    case Pattern::kAuthLoop:
      return fmt::format("{} 401 loop{} ({} requests without a success) for {}", n, s, requests,
                         who);
    case Pattern::kIisBadBindings:
      return fmt::format("{} 401s with SEC_E_BAD_BINDINGS (channel binding) for {}", requests, who);
    case Pattern::kIisInvalidToken:
      return fmt::format("{} 401s with SEC_E_INVALID_TOKEN (NTLM legs split) for {}", requests,
                         who);
    case Pattern::kIisLogonDenied:
      return fmt::format("{} 401s with SEC_E_LOGON_DENIED for {}", requests, who);
    case Pattern::kBackendFailure:
      return fmt::format("{} failed proxied request{} for {} in {} group{}", requests,
                         requests == 1 ? "" : "s", who, n, s);
    case Pattern::kProxiedToLegacy:
      return fmt::format("{} mailbox{} proxied to a 2010 (or older) back end ({}), {} requests", n,
                         n == 1 ? "" : "es",
                         servers.empty() ? std::string("no server named")
                                         : fmt::format("{}", fmt::join(servers, ", ")),
                         requests);
  }
  return {};
}

Finding PatternFinding(Pattern p, const std::vector<const Group*>& groups) {
  std::vector<std::string> evidence;
  for (std::size_t i = 0; i < groups.size() && i < kEvidenceGroups; ++i)
    evidence.push_back(GroupEvidence(*groups[i]));
  if (groups.size() > kEvidenceGroups)
    evidence.push_back(fmt::format("... and {} more groups", groups.size() - kEvidenceGroups));
  return diagnosis::MakeFinding(PatternFindingId(p), PatternSummary(p, groups),
                                std::move(evidence));
}

void AddFileFindings(const ScanResult& scan, std::vector<Finding>& out) {
  if (scan.malformed > 0) {
    std::vector<std::string> evidence;
    for (const auto& m : scan.malformed_samples)
      evidence.push_back(fmt::format("{}:{}: {}", m.file, m.line, m.reason));
    out.push_back(
        diagnosis::MakeFinding("logs.malformed_lines",
                               fmt::format("{} line{} could not be read and were skipped",
                                           scan.malformed, scan.malformed == 1 ? "" : "s"),
                               std::move(evidence)));
  }
  std::vector<std::string> unreadable;
  for (const auto& f : scan.files)
    if (!f.error.empty()) unreadable.push_back(fmt::format("{}: {}", f.path, f.error));
  if (!unreadable.empty()) {
    std::size_t n = unreadable.size();
    out.push_back(diagnosis::MakeFinding(
        "logs.file_unreadable",
        fmt::format("{} file{} could not be read to the end", n, n == 1 ? "" : "s"),
        std::move(unreadable)));
  }
}

}  // namespace

std::string GroupSubject(const Group& g) {
  std::string out;
  if (!g.user.empty()) out = g.user;
  if (!g.mailbox.empty()) out += out.empty() ? g.mailbox : fmt::format(" (mailbox {})", g.mailbox);
  if (out.empty()) out = "(anonymous)";
  if (!g.client_ip.empty()) out += fmt::format(" from {}", g.client_ip);
  if (!g.protocol.empty()) out += fmt::format(", {}", g.protocol);
  return out;
}

std::vector<Finding> LogsFindings(const ScanResult& scan) {
  std::vector<Finding> out;
  std::array<std::vector<const Group*>, kPatternCount> by_pattern;
  for (const auto& g : scan.groups) by_pattern[static_cast<std::size_t>(g.pattern)].push_back(&g);
  for (int i = 0; i < kPatternCount; ++i) {
    if (!by_pattern[i].empty())
      out.push_back(PatternFinding(static_cast<Pattern>(i), by_pattern[i]));
  }
  AddFileFindings(scan, out);
  if (scan.requests == 0) {
    out.push_back(diagnosis::MakeFinding(
        "logs.no_requests",
        scan.filtered_out > 0
            ? fmt::format("No request matched the filters ({} read, all outside them)",
                          scan.filtered_out)
            : std::string("No request line was found in the files given")));
  } else if (WorstSeverity(out) < Severity::kWarning) {
    std::string range = scan.first && scan.last ? Range(*scan.first, *scan.last) : "";
    out.push_back(diagnosis::MakeFinding(
        "logs.ok", fmt::format("No 401 loop, back-end failure or authentication error in {} "
                               "request{} ({})",
                               scan.requests, scan.requests == 1 ? "" : "s", range)));
  }
  return out;
}

LogsAnalysis AnalyzeLogs(const std::vector<std::string>& paths, const ScanOptions& options) {
  auto start = std::chrono::steady_clock::now();
  LogsAnalysis analysis;
  analysis.paths = paths;
  analysis.options = options;
  Scanner scanner(options);
  for (const auto& path : paths) {
    if (auto added = scanner.AddPath(path); !added) analysis.path_errors.push_back(added.error());
  }
  analysis.scan = scanner.Finish();
  analysis.findings = LogsFindings(analysis.scan);
  analysis.duration_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return analysis;
}

ExitCode LogsExitCode(const LogsAnalysis& analysis) {
  if (!analysis.path_errors.empty()) return ExitCode::kUnknown;
  return ExitCodeFor(WorstSeverity(analysis.findings));
}

}  // namespace probe::logs
