#include "probe/report/junit_report.h"

#include <fmt/format.h>

#include "probe/report/output_file.h"
#include "probe/tls/certificate.h"

namespace probe::report {

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out += '?';
        } else {
          out += c;
        }
    }
  }
  return out;
}

namespace {

std::string FindingLines(const runner::CheckOutcome& o, Severity at_least) {
  std::string out;
  for (const auto& f : o.findings) {
    if (f.severity < at_least) continue;
    out += fmt::format("{} {}: {}\n", SeverityName(f.severity), f.id, f.summary);
    if (!f.remediation.empty()) out += fmt::format("  fix: {}\n", f.remediation);
  }
  return out;
}

class JunitWriter : public RunWriter {
 public:
  explicit JunitWriter(std::FILE* out) : out_(out) {}

  void Begin(const RunInfo& info) override { info_ = info; }

  void Add(runner::RunResult r) override {
    const auto& o = r.outcome;
    std::string xml =
        fmt::format("    <testcase classname=\"exprobe.{}\" name=\"{}\" time=\"{:.3f}\">\n",
                    XmlEscape(r.module->name), XmlEscape(r.target), o.duration_ms / 1000.0);
    switch (o.exit_code()) {
      case ExitCode::kUnknown:
        ++errors_;
        xml += fmt::format("      <error message=\"{}\" type=\"unknown\">{}</error>\n",
                           XmlEscape(Headline(o)), XmlEscape(FindingLines(o, Severity::kWarning)));
        break;
      case ExitCode::kCritical:
        ++failures_;
        xml += fmt::format("      <failure message=\"{}\" type=\"critical\">{}</failure>\n",
                           XmlEscape(Headline(o)), XmlEscape(FindingLines(o, Severity::kWarning)));
        break;
      case ExitCode::kWarning:
        xml += fmt::format("      <system-out>{}</system-out>\n",
                           XmlEscape(FindingLines(o, Severity::kWarning)));
        break;
      case ExitCode::kOk:
        break;
    }
    xml += "    </testcase>\n";
    cases_.Write(xml);
  }

  void End(const runner::RunCounts& c, double duration_ms) override {
    double seconds = duration_ms / 1000.0;
    fmt::print(out_, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fmt::print(out_,
               "<testsuites name=\"exprobe run\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
               "time=\"{:.3f}\">\n",
               c.done, failures_, errors_, seconds);
    fmt::print(out_,
               "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
               "skipped=\"0\" time=\"{:.3f}\" timestamp=\"{}\">\n",
               XmlEscape(info_.plan), c.done, failures_, errors_, seconds,
               tls::FormatUtc(info_.started).substr(0, 19));
    std::fflush(out_);
    cases_.CopyTo(out_);
    fmt::print(out_, "  </testsuite>\n</testsuites>\n");
  }

 private:
  std::FILE* out_;
  RunInfo info_;
  Spool cases_;
  std::size_t failures_ = 0;
  std::size_t errors_ = 0;
};

}  // namespace

std::unique_ptr<RunWriter> MakeJunitWriter(std::FILE* out) {
  return std::make_unique<JunitWriter>(out);
}

}  // namespace probe::report
