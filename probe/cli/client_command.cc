#include "probe/cli/client_command.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>

#include "probe/checks/client_check.h"
#include "probe/cli/common.h"
#include "probe/report/client_report.h"
#include "probe/tls/client_profiles.h"
#include "probe/tls/registry_values.h"

namespace probe::cli {
namespace {

struct ClientArgs {
  std::string format = "text";
  bool verbose = false;
  std::string profile;
  std::string value;
  std::string key = "DefaultSecureProtocols";
  std::string enable = "tls1.1,tls1.2";
  std::string output;
  CLI::App* list = nullptr;
  CLI::App* show = nullptr;
  CLI::App* decode = nullptr;
  CLI::App* fix = nullptr;
};

Result<Format> FormatOf(const ClientArgs& args) {
  CommonOptions common;
  common.format = args.format;
  return ParseFormat(common);
}

void PrintJson(const nlohmann::json& doc) { fmt::print("{}\n", doc.dump(2)); }

Result<const tls::ClientProfile*> ProfileOf(const std::string& name) {
  if (const tls::ClientProfile* p = tls::FindClientProfile(name)) return p;
  std::vector<std::string> names;
  for (const auto& p : tls::ClientProfiles()) names.push_back(std::string(p.name));
  return Fail(ErrorCode::kInvalidArgument,
              fmt::format("profile '{}' is not one of: {}", name, fmt::join(names, ", ")));
}

// "tls1.1,tls1.2" -> versions, oldest first, each once.
Result<std::vector<tls::TlsVersion>> VersionsOf(const std::string& list) {
  std::vector<tls::TlsVersion> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t comma = std::min(list.find(',', start), list.size());
    std::string item = list.substr(start, comma - start);
    auto v = tls::ParseVersion(item);
    if (!v) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("--enable '{}': '{}' is not one of tls1.0, tls1.1, tls1.2, tls1.3",
                              list, item));
    }
    if (std::find(out.begin(), out.end(), *v) == out.end()) out.push_back(*v);
    start = comma + 1;
  }
  std::sort(out.begin(), out.end());
  return out;
}

int RunList(const ClientArgs& args, Format format) {
  if (format == Format::kJson) {
    PrintJson(report::ProfileListJson());
  } else {
    fmt::print("{}", report::ProfileListText({.verbose = args.verbose}));
  }
  return 0;
}

int RunShow(const ClientArgs& args, Format format) {
  auto profile = ProfileOf(args.profile);
  if (!profile) return UsageError("client: " + profile.error().message);
  if (format == Format::kJson) {
    PrintJson(report::ProfileJson(**profile));
  } else {
    fmt::print("{}", report::ProfileText(**profile));
  }
  return 0;
}

int RunDecode(const ClientArgs& args, Format format) {
  auto key = tls::ParseProtocolValue(args.key);
  if (!key) {
    return UsageError(fmt::format(
        "client: --key '{}' is not one of: DefaultSecureProtocols, SecureProtocols", args.key));
  }
  auto value = tls::ParseRegistryNumber(args.value);
  if (!value) return UsageError("client: " + value.error().message);
  report::DecodeReport r;
  r.decoded = tls::DecodeProtocols(*value, *key);
  r.findings = checks::RegistryValueFindings(r.decoded);
  if (format == Format::kJson) {
    PrintJson(report::DecodeReportJson(r));
  } else {
    fmt::print("{}", report::DecodeReportText(r, {.verbose = args.verbose}));
  }
  return static_cast<int>(ExitCodeFor(WorstSeverity(r.findings)));
}

Result<void> WriteFile(const std::string& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) {
    return Fail(ErrorCode::kIo, fmt::format("cannot write {}: {}", path, std::strerror(errno)));
  }
  return {};
}

// With no --output the .reg goes to stdout: the UTF-16LE bytes regedit writes, or readable
// UTF-8 when stdout is a terminal. What to install first goes to stderr, beside the file.
void PrintRegToStdout(const report::FixReport& r) {
  if (isatty(STDOUT_FILENO)) {
    fmt::print("{}", tls::FormatRegText(r.fix.file));
    fmt::print(stderr,
               "exprobe: client fix: shown as UTF-8 on a terminal; redirect stdout or use "
               "--output FILE for the UTF-16LE file regedit writes\n");
  } else {
    Bytes bytes = tls::EncodeRegFile(r.fix.file);
    std::fwrite(bytes.data(), 1, bytes.size(), stdout);
  }
  for (const auto& p : r.fix.prerequisites) {
    fmt::print(stderr, "exprobe: client fix: install first: {}\n", p);
  }
}

int RunFix(const ClientArgs& args, Format format) {
  auto profile = ProfileOf(args.profile);
  if (!profile) return UsageError("client: " + profile.error().message);
  auto enable = VersionsOf(args.enable);
  if (!enable) return UsageError("client: " + enable.error().message);
  auto fix = tls::BuildRegistryFix(**profile, *enable);
  if (!fix) return UsageError("client: --enable: " + fix.error().message);
  report::FixReport r{*profile, *enable, std::move(*fix), args.output};
  if (!args.output.empty()) {
    if (auto ok = WriteFile(args.output, tls::EncodeRegFile(r.fix.file)); !ok) {
      return UsageError("client: " + ok.error().message);
    }
  }
  if (format == Format::kJson) {
    PrintJson(report::FixReportJson(r));
  } else if (!args.output.empty()) {
    fmt::print("{}", report::FixReportText(r));
  } else {
    PrintRegToStdout(r);
  }
  return 0;
}

int RunClient(const ClientArgs& args) {
  auto format = FormatOf(args);
  if (!format) return UsageError("client: " + format.error().message);
  if (args.list->parsed()) return RunList(args, *format);
  if (args.show->parsed()) return RunShow(args, *format);
  if (args.decode->parsed()) return RunDecode(args, *format);
  return RunFix(args, *format);
}

void AddOutputOptions(CLI::App& cmd, ClientArgs& args) {
  cmd.add_option("--format", args.format, "report format: text or json")->capture_default_str();
  cmd.add_flag("-v,--verbose", args.verbose, "sources and evidence as well");
}

}  // namespace

std::function<int()> AddClientCommand(CLI::App& app) {
  auto args = std::make_shared<ClientArgs>();
  CLI::App* cmd = app.add_subcommand(
      "client", "Windows client profiles: their ClientHellos, and the registry values behind them");
  cmd->require_subcommand(1);
  args->list = cmd->add_subcommand("list", "every profile, and which component Outlook uses");
  AddOutputOptions(*args->list, *args);
  args->show = cmd->add_subcommand("show", "one profile: versions, suites, extensions, sources");
  args->show->add_option("profile", args->profile, "a name from `exprobe client list`")->required();
  AddOutputOptions(*args->show, *args);
  args->decode = cmd->add_subcommand(
      "decode", "which protocols a DefaultSecureProtocols / SecureProtocols value enables");
  args->decode->add_option("value", args->value, "0xA80, dword:00000a80 or decimal 2688")
      ->required();
  args->decode
      ->add_option("--key", args->key, "DefaultSecureProtocols (WinHTTP) or SecureProtocols")
      ->capture_default_str();
  AddOutputOptions(*args->decode, *args);
  args->fix = cmd->add_subcommand("fix", "a .reg file enabling TLS versions for a profile");
  args->fix->add_option("--profile", args->profile, "a name from `exprobe client list`")
      ->required();
  args->fix->add_option("--enable", args->enable, "versions to enable, e.g. tls1.1,tls1.2")
      ->capture_default_str();
  args->fix->add_option("-o,--output", args->output,
                        "write the .reg file here (UTF-16LE) and print a summary");
  AddOutputOptions(*args->fix, *args);
  return [args] { return RunClient(*args); };
}

}  // namespace probe::cli
