#include "tlslab/proxy_log_writer.h"

#include <fmt/format.h>

#include <array>
#include <filesystem>
#include <system_error>
#include <utility>

#include "probe/logs/timestamp.h"

namespace tlslab {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 9> kProtocols{{
    {"/autodiscover", "Autodiscover"},
    {"/ews", "Ews"},
    {"/mapi", "Mapi"},
    {"/rpc", "RpcHttp"},
    {"/oab", "Oab"},
    {"/ecp", "Ecp"},
    {"/microsoft-server-activesync", "Eas"},
    {"/powershell", "PowerShell"},
    {"/owa", "Owa"},
}};

bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

// "HttpProxy_2023010708-1.LOG": Exchange names its files after the hour they start.
std::string FileName(std::int64_t time_ms) {
  std::string iso = probe::logs::FormatIsoTime(time_ms);  // 2023-01-07T08:00:00.000Z
  std::string hour = iso.substr(0, 4) + iso.substr(5, 2) + iso.substr(8, 2) + iso.substr(11, 2);
  return fmt::format("HttpProxy_{}-1.LOG", hour);
}

}  // namespace

std::string_view ProxyLogProtocol(std::string_view path) {
  for (const auto& [prefix, protocol] : kProtocols) {
    if (StartsWithIgnoreCase(path, prefix) &&
        (path.size() == prefix.size() || path[prefix.size()] == '/')) {
      return protocol;
    }
  }
  return "Owa";
}

probe::Result<std::shared_ptr<ProxyLogWriter>> ProxyLogWriter::Open(std::string dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir, ec)) {
    return probe::Fail(probe::ErrorCode::kIo, fmt::format("proxy log directory {}: {}", dir,
                                                          ec ? ec.message() : "not a directory"));
  }
  return std::shared_ptr<ProxyLogWriter>(new ProxyLogWriter(std::move(dir)));
}

bool ProxyLogWriter::Write(const ProxyLogRecord& record) {
  std::lock_guard lock(mu_);
  auto it = files_.find(record.protocol);
  if (it == files_.end()) {
    std::filesystem::path folder = std::filesystem::path(dir_) / record.protocol;
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    if (ec) return false;
    std::filesystem::path file = folder / FileName(record.time_ms);
    bool fresh = !std::filesystem::exists(file, ec) || std::filesystem::file_size(file, ec) == 0;
    std::ofstream out(file, std::ios::binary | std::ios::app);
    if (!out) return false;
    if (fresh) out << ProxyLogHeader(record.time_ms);
    it = files_.emplace(record.protocol, std::move(out)).first;
  }
  it->second << FormatProxyLogLine(record);
  it->second.flush();
  return static_cast<bool>(it->second);
}

}  // namespace tlslab
