// The HTTP side of an RPC over HTTP v2 channel ([MS-RPCH] 2.1.2.1, 2.2.2) without transport: the
// rpcproxy.dll URI, the IN/OUT/echo request headers, and the proxy's "503 RPC Error: <hex>"
// answers, which can come as the status line or in the middle of the OUT stream.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probe/core/bytes.h"
#include "probe/core/result.h"
#include "probe/exchange/header_field.h"

namespace probe::exchange {

enum class RpcChannel { kIn, kOut };

/// The IN channel's Content-Length (128 KB..2 GB allowed; what impacket, ruler and Outlook use).
inline constexpr std::uint64_t kInChannelContentLength = 1073741824;
/// The OUT channel's Content-Length: exactly CONN/A1.
inline constexpr std::uint64_t kOutChannelContentLength = 76;
/// A request with Content-Length 0..16 is an echo request, not a channel (2.1.2.1.5); its
/// answer is 200 with the 20-byte Echo PDU and proves authentication only.
inline constexpr std::uint64_t kEchoMaxContentLength = 0x10;

/// "RPC_IN_DATA" / "RPC_OUT_DATA".
std::string_view RpcChannelMethod(RpcChannel channel);
/// Whether a request with this Content-Length is an echo by definition.
inline bool IsEchoRequestLength(std::uint64_t content_length) {
  return content_length <= kEchoMaxContentLength;
}

/// "/rpc/rpcproxy.dll?SERVER:PORT" ("/rpcwithcert/..." for client-certificate auth). SERVER is
/// a host name, an IP literal or "mailboxguid@domain" (2013+); fails when it is empty, 1024
/// characters or longer, or holds a character outside [A-Za-z0-9.-_@:[]], or port is 0.
Result<std::string> RpcProxyPath(std::string_view server, std::uint16_t port,
                                 bool client_certificate = false);

/// Accept, Cache-Control, Connection, Pragma, User-Agent and Content-Length as [MS-RPCH]
/// 2.1.2.1.1/2 ask (Host and Authorization are the transport's). An empty "Expect:" is NOT
/// added here: that is libcurl's business (see DESIGN.md).
std::vector<HeaderField> RpcChannelHeaders(std::uint64_t content_length);

/// "RPC Error: 6ba[, EEInfo: <base64>]" from a 503 reason phrase ([MS-RPCH] 2.1.2.1.3).
struct RpcProxyError {
  std::uint32_t code = 0;  // a Win32 error: 0x6ba RPC_S_SERVER_UNAVAILABLE, 0x5 access denied
  std::string eeinfo;      // base64 [MS-EERR] blob, as sent (cut at 1024 characters)
};
/// Parses a reason phrase; nullopt when it is not an "RPC Error" phrase; fails on a malformed
/// hex code.
Result<std::optional<RpcProxyError>> ParseRpcErrorReason(std::string_view reason);

/// Whether an OUT-channel read starts with "HTTP/1.0 503 RPC Error" or "HTTP/1.1 503 RPC Error"
/// (a proxy giving up mid-stream, as impacket checks every read buffer).
bool StartsWithRpcError(ByteView data);

}  // namespace probe::exchange
