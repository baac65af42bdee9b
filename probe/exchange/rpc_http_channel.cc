#include "probe/exchange/rpc_http_channel.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace probe::exchange {
namespace {

constexpr std::size_t kMaxServerName = 1024;
constexpr std::size_t kMaxEeInfo = 1024;

bool ServerNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' || c == '_' ||
         c == '@' || c == ':' || c == '[' || c == ']';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), s.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         });
}

}  // namespace

std::string_view RpcChannelMethod(RpcChannel channel) {
  return channel == RpcChannel::kIn ? "RPC_IN_DATA" : "RPC_OUT_DATA";
}

Result<std::string> RpcProxyPath(std::string_view server, std::uint16_t port,
                                 bool client_certificate) {
  if (server.empty() || server.size() >= kMaxServerName) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("RPC server name of {} characters (1..1023 allowed)", server.size()));
  }
  if (!std::all_of(server.begin(), server.end(), ServerNameChar)) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("RPC server name \"{}\" holds a character a URI query cannot carry",
                            server.substr(0, 64)));
  }
  if (port == 0) return Fail(ErrorCode::kInvalidArgument, "RPC server port 0");
  return fmt::format("/{}/rpcproxy.dll?{}:{}", client_certificate ? "rpcwithcert" : "rpc", server,
                     port);
}

std::vector<HeaderField> RpcChannelHeaders(std::uint64_t content_length) {
  return {
      {"Accept", "application/rpc"}, {"Cache-Control", "no-cache"},
      {"Connection", "Keep-Alive"},  {"Pragma", "No-cache"},
      {"User-Agent", "MSRPC"},       {"Content-Length", std::to_string(content_length)},
  };
}

Result<std::optional<RpcProxyError>> ParseRpcErrorReason(std::string_view reason) {
  constexpr std::string_view kPrefix = "RPC Error:";
  std::string_view r = Trim(reason);
  if (!StartsWithIgnoreCase(r, kPrefix)) return std::optional<RpcProxyError>();
  r = Trim(r.substr(kPrefix.size()));
  std::string_view hex = r.substr(0, r.find(','));
  std::string_view rest = hex.size() < r.size() ? r.substr(hex.size() + 1) : std::string_view();
  hex = Trim(hex);
  if (StartsWithIgnoreCase(hex, "0x")) hex.remove_prefix(2);
  RpcProxyError out;
  auto [end, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), out.code, 16);
  if (hex.empty() || ec != std::errc() || end != hex.data() + hex.size()) {
    return Fail(ErrorCode::kMalformed,
                fmt::format("\"RPC Error: {}\" is not a hex error code", hex.substr(0, 32)));
  }
  rest = Trim(rest);
  if (StartsWithIgnoreCase(rest, "EEInfo:")) {
    out.eeinfo = std::string(Trim(rest.substr(7)).substr(0, kMaxEeInfo));
  }
  return std::optional<RpcProxyError>(std::move(out));
}

bool StartsWithRpcError(ByteView data) {
  std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  return text.starts_with("HTTP/1.0 503 RPC Error") || text.starts_with("HTTP/1.1 503 RPC Error");
}

}  // namespace probe::exchange
