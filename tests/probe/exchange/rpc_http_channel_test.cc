#include "probe/exchange/rpc_http_channel.h"

#include <gtest/gtest.h>

#include "probe/exchange/rts_pdu.h"

namespace probe::exchange {
namespace {

TEST(RpcHttpChannelTest, ProxyPaths) {
  EXPECT_EQ(RpcProxyPath("5f76be3c-9138-4f66-85e0-21bc23ca35f0@contoso.com", 6001).value(),
            "/rpc/rpcproxy.dll?5f76be3c-9138-4f66-85e0-21bc23ca35f0@contoso.com:6001");
  EXPECT_EQ(RpcProxyPath("casarray1.tailspintoys.com", 6004, true).value(),
            "/rpcwithcert/rpcproxy.dll?casarray1.tailspintoys.com:6004");
  EXPECT_EQ(RpcProxyPath("[::1]", 6002).value(), "/rpc/rpcproxy.dll?[::1]:6002");
  EXPECT_FALSE(RpcProxyPath("", 6001));
  EXPECT_FALSE(RpcProxyPath(std::string(1024, 'a'), 6001));
  EXPECT_TRUE(RpcProxyPath(std::string(1023, 'a'), 6001));
  EXPECT_FALSE(RpcProxyPath("ex2010 cas", 6001));
  EXPECT_FALSE(RpcProxyPath("ex2010/../x", 6001));
  EXPECT_FALSE(RpcProxyPath("ex2010?x", 6001));
  EXPECT_FALSE(RpcProxyPath("ex2010", 0));
}

TEST(RpcHttpChannelTest, ChannelRequestsAsTheSpecAsks) {
  EXPECT_EQ(RpcChannelMethod(RpcChannel::kIn), "RPC_IN_DATA");
  EXPECT_EQ(RpcChannelMethod(RpcChannel::kOut), "RPC_OUT_DATA");
  auto in = RpcChannelHeaders(kInChannelContentLength);
  EXPECT_EQ(in.back(), (HeaderField{"Content-Length", "1073741824"}));
  EXPECT_EQ(in[0], (HeaderField{"Accept", "application/rpc"}));
  EXPECT_EQ(in[3], (HeaderField{"Pragma", "No-cache"}));
  EXPECT_EQ(RpcChannelHeaders(kOutChannelContentLength).back().value, "76");
  // The OUT channel's body is exactly CONN/A1.
  EXPECT_EQ(kOutChannelContentLength, kConnA1Size);
  // The IN channel's declared length is what CONN/B1 announces as its lifetime.
  EXPECT_EQ(kInChannelContentLength, ConnB1{}.channel_lifetime);
  EXPECT_TRUE(IsEchoRequestLength(0));
  EXPECT_TRUE(IsEchoRequestLength(16));
  EXPECT_FALSE(IsEchoRequestLength(17));
  EXPECT_FALSE(IsEchoRequestLength(kOutChannelContentLength));
}

TEST(RpcHttpChannelTest, RpcErrorReasons) {
  auto plain = ParseRpcErrorReason("RPC Error: 6ba").value();
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->code, 0x6bau);
  EXPECT_TRUE(plain->eeinfo.empty());
  auto with_info = ParseRpcErrorReason(" RPC Error: 6C0, EEInfo: AAECAwQF== ").value();
  ASSERT_TRUE(with_info);
  EXPECT_EQ(with_info->code, 0x6c0u);
  EXPECT_EQ(with_info->eeinfo, "AAECAwQF==");
  EXPECT_FALSE(ParseRpcErrorReason("Service Unavailable").value());
  EXPECT_FALSE(ParseRpcErrorReason("RPC Error: zz"));
  EXPECT_FALSE(ParseRpcErrorReason("RPC Error:"));
  EXPECT_FALSE(ParseRpcErrorReason("RPC Error: 1ffffffff"));
}

TEST(RpcHttpChannelTest, RpcErrorInTheStream) {
  EXPECT_TRUE(StartsWithRpcError(AsBytes("HTTP/1.0 503 RPC Error: 6ba\r\n\r\n")));
  EXPECT_TRUE(StartsWithRpcError(AsBytes("HTTP/1.1 503 RPC Error: 5\r\n")));
  EXPECT_FALSE(StartsWithRpcError(AsBytes("HTTP/1.0 503 RPC Err")));
  EXPECT_FALSE(StartsWithRpcError(BuildConnA3({})));
}

}  // namespace
}  // namespace probe::exchange
