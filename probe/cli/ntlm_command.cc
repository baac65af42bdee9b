#include "probe/cli/ntlm_command.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <memory>
#include <string>
#include <vector>

#include "probe/auth/token.h"
#include "probe/auth/token_input.h"
#include "probe/auth/token_view.h"
#include "probe/cli/common.h"
#include "probe/report/token_report.h"

namespace probe::cli {
namespace {

struct DecodeArgs {
  std::vector<std::string> token;  // joined with spaces: "NTLM TlRM..." may come as two words
  std::string format = "text";
  bool show_secrets = false;
};

int RunDecode(const DecodeArgs& args) {
  if (args.format != "text" && args.format != "json") {
    return UsageError(
        fmt::format("ntlm decode: --format '{}' is not one of: text, json", args.format));
  }
  auto input = auth::ParseTokenText(fmt::format("{}", fmt::join(args.token, " ")));
  if (!input) return UsageError("ntlm decode: " + input.error().message);
  auto token = auth::DecodeAuthToken(input->bytes);
  if (!token) return UsageError("ntlm decode: " + token.error().message);
  auth::TokenField view = auth::ViewAuthToken(*token, {.show_secrets = args.show_secrets});
  if (args.format == "json") {
    fmt::print("{}\n", report::TokenDecodeJson(*input, view, args.show_secrets).dump(2));
  } else {
    fmt::print("{}", report::TokenDecodeText(*input, view));
  }
  return 0;
}

}  // namespace

std::function<int()> AddNtlmCommand(CLI::App& app) {
  auto args = std::make_shared<DecodeArgs>();
  CLI::App* ntlm = app.add_subcommand("ntlm", "NTLM and Negotiate tokens");
  ntlm->require_subcommand(1);
  CLI::App* decode = ntlm->add_subcommand(
      "decode", "Decode an NTLM, SPNEGO or Kerberos token pasted from a capture or a log");
  decode
      ->add_option("token", args->token,
                   "'NTLM <base64>', 'Negotiate <base64>', a whole Authorization or "
                   "WWW-Authenticate header line, bare base64, or hex")
      ->required()
      ->type_name("TOKEN");
  decode->add_option("--format", args->format, "text or json")->capture_default_str();
  decode->add_flag("--show-secrets", args->show_secrets,
                   "print responses, session keys and MICs in hex instead of masking them");
  return [args] { return RunDecode(*args); };
}

}  // namespace probe::cli
