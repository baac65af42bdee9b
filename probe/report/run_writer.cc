#include "probe/report/run_writer.h"

#include <fmt/format.h>

namespace probe::report {

std::string ResultName(const runner::RunResult& r) {
  return fmt::format("{} {}", r.target, r.module->name);
}

std::string Headline(const runner::CheckOutcome& o) {
  if (o.error) return o.error->message;
  const Finding* worst = nullptr;
  for (const auto& f : o.findings) {
    if (!worst || f.severity > worst->severity) worst = &f;
  }
  if (!worst) return "no findings";
  return fmt::format("{}: {}", worst->id, worst->summary);
}

}  // namespace probe::report
