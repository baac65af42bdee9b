#include "probe/cli/findings_command.h"

#include <fmt/format.h>

#include <memory>

#include "probe/cli/common.h"
#include "probe/diagnosis/catalogue.h"
#include "probe/report/json_report.h"
#include "probe/report/text_report.h"

namespace probe::cli {

std::function<int()> AddFindingsCommand(CLI::App& app) {
  auto format = std::make_shared<std::string>("text");
  CLI::App* cmd =
      app.add_subcommand("findings", "List every finding exprobe can report, with cause and fix");
  cmd->add_option("--format", *format, "text or json")->capture_default_str();
  return [format] {
    auto entries = diagnosis::Catalogue();
    if (*format == "json") {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& e : entries) out.push_back(report::ToJson(e));
      fmt::print("{}\n", out.dump(2));
    } else if (*format == "text") {
      fmt::print("{}", report::CatalogueText(entries));
    } else {
      return UsageError(fmt::format("findings: --format '{}' is not one of: text, json", *format));
    }
    return 0;
  };
}

}  // namespace probe::cli
