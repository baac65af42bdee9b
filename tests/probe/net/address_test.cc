#include "probe/net/address.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace probe::net {
namespace {

using ::testing::HasSubstr;

struct GoodHostPort {
  std::string text;
  std::string host;
  std::uint16_t port;
};

TEST(ParseHostPortTest, AcceptsNamesAddressesAndBracketedIpv6) {
  const GoodHostPort cases[] = {
      {"mail.contoso.com", "mail.contoso.com", 443},
      {"mail.contoso.com:8443", "mail.contoso.com", 8443},
      {"MAIL.Contoso.COM.", "MAIL.Contoso.COM.", 443},
      {"_autodiscover._tcp.contoso.com", "_autodiscover._tcp.contoso.com", 443},
      {"127.0.0.1:25", "127.0.0.1", 25},
      {"[::1]:443", "::1", 443},
      {"[::1]", "::1", 443},
      {"::1", "::1", 443},  // a bare IPv6 literal is a host, never host:port
      {"[2001:db8::1]:65535", "2001:db8::1", 65535},
      {"mail:1", "mail", 1},
      {"mail:00443", "mail", 443},
  };
  for (const auto& c : cases) {
    auto parsed = ParseHostPort(c.text, 443);
    ASSERT_TRUE(parsed.has_value()) << c.text << ": " << parsed.error().message;
    EXPECT_EQ(parsed->host, c.host) << c.text;
    EXPECT_EQ(parsed->port, c.port) << c.text;
  }
}

TEST(ParseHostPortTest, RejectsMalformedInput) {
  const std::string long_label(64, 'a');
  const std::string long_name = std::string(126, 'a') + "." + std::string(127, 'b');
  const std::string cases[] = {
      "",
      ":443",
      "mail:",
      "mail:0",
      "mail:65536",
      "mail:99999",
      "mail:123456",
      "mail:44a",
      "mail:+443",
      "mail:-1",
      "mail: 443",
      "[::1",
      "[::1]443",
      "[::1]:",
      "[]",
      "[mail]:443",
      "[127.0.0.1]:443",
      "a:b:c",
      "mail contoso",
      "mail..contoso",
      ".mail",
      "mail/x",
      "m\xc3\xa4il.contoso.com",
      long_label + ".com",
      long_name,
      std::string("mail\0x", 6),
  };
  for (const auto& text : cases) {
    auto parsed = ParseHostPort(text, 443);
    ASSERT_FALSE(parsed.has_value()) << "accepted '" << text << "'";
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument) << text;
  }
}

TEST(ParseHostPortTest, NamesTheBadPort) {
  auto parsed = ParseHostPort("mail:99999", 443);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().message, "'mail:99999': port '99999' is not a number from 1 to 65535");
}

TEST(ParseHostPortTest, AsksForBracketsAroundIpv6WithPort) {
  auto parsed = ParseHostPort("mail:443:1", 443);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_THAT(parsed.error().message, HasSubstr("[::1]:443"));
}

TEST(ParseResolveTest, AcceptsNumericAddresses) {
  struct Case {
    std::string text, host;
    std::uint16_t port;
    std::string address;
  };
  const Case cases[] = {
      {"mail.contoso.com:443:127.0.0.1", "mail.contoso.com", 443, "127.0.0.1"},
      {"mail.contoso.com:443:[::1]", "mail.contoso.com", 443, "::1"},
      {"mail.contoso.com:443:::1", "mail.contoso.com", 443, "::1"},
      {"[::1]:8443:127.0.0.2", "::1", 8443, "127.0.0.2"},
  };
  for (const auto& c : cases) {
    auto parsed = ParseResolve(c.text);
    ASSERT_TRUE(parsed.has_value()) << c.text << ": " << parsed.error().message;
    EXPECT_EQ(parsed->host, c.host);
    EXPECT_EQ(parsed->port, c.port);
    EXPECT_EQ(parsed->address, c.address);
  }
}

TEST(ParseResolveTest, RejectsMissingFieldsNamesAndBadPorts) {
  const std::string cases[] = {
      "",
      "mail.contoso.com",
      "mail.contoso.com:443",
      "mail.contoso.com:443:",
      "mail.contoso.com::127.0.0.1",
      ":443:127.0.0.1",
      "mail.contoso.com:0:127.0.0.1",
      "mail.contoso.com:443:mail2.contoso.com",
      "mail.contoso.com:443:127.0.0.1:80",
      "mail.contoso.com:443:1.2.3",
      "mail.contoso.com:443:[::1",
      "mail contoso:443:127.0.0.1",
  };
  for (const auto& text : cases) {
    auto parsed = ParseResolve(text);
    ASSERT_FALSE(parsed.has_value()) << "accepted '" << text << "'";
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument) << text;
    EXPECT_THAT(parsed.error().message, HasSubstr("--resolve '" + text + "'"));
  }
}

TEST(ParseResolveTest, ExactMessages) {
  EXPECT_EQ(ParseResolve("mail.contoso.com:443").error().message,
            "--resolve 'mail.contoso.com:443': expected HOST:PORT:ADDRESS");
  EXPECT_EQ(ParseResolve("mail.contoso.com:443:mail2").error().message,
            "--resolve 'mail.contoso.com:443:mail2': address 'mail2' is not a numeric IPv4 or "
            "IPv6 address");
  EXPECT_EQ(ParseResolve("mail.contoso.com:99999:127.0.0.1").error().message,
            "--resolve 'mail.contoso.com:99999:127.0.0.1': port '99999' is not a number from 1 "
            "to 65535");
}

TEST(ParseConnectToTest, AcceptsCurlForms) {
  struct Case {
    std::string text, host;
    std::uint16_t port;
    std::string to_host;
    std::uint16_t to_port;
  };
  const Case cases[] = {
      {"mail.contoso.com:443:backend.contoso.com:8443", "mail.contoso.com", 443,
       "backend.contoso.com", 8443},
      {"::backend.contoso.com:", "", 0, "backend.contoso.com", 0},
      {"mail.contoso.com:443:[::1]:4443", "mail.contoso.com", 443, "::1", 4443},
      {"[::1]::127.0.0.1:", "::1", 0, "127.0.0.1", 0},
      {"mail.contoso.com:443::8443", "mail.contoso.com", 443, "", 8443},
  };
  for (const auto& c : cases) {
    auto parsed = ParseConnectTo(c.text);
    ASSERT_TRUE(parsed.has_value()) << c.text << ": " << parsed.error().message;
    EXPECT_EQ(parsed->host, c.host) << c.text;
    EXPECT_EQ(parsed->port, c.port) << c.text;
    EXPECT_EQ(parsed->to_host, c.to_host) << c.text;
    EXPECT_EQ(parsed->to_port, c.to_port) << c.text;
  }
}

TEST(ParseConnectToTest, RejectsMalformedInput) {
  const std::string cases[] = {
      "",
      "mail.contoso.com:443:backend.contoso.com",
      "mail.contoso.com:443:backend.contoso.com:99999",
      "mail.contoso.com:x:backend.contoso.com:443",
      "mail.contoso.com:443:::1:443",
      "mail.contoso.com:443:[::1:443",
      "mail.contoso.com:443:[backend]:443",
      "mail.contoso.com:443:back end:443",
  };
  for (const auto& text : cases) {
    auto parsed = ParseConnectTo(text);
    ASSERT_FALSE(parsed.has_value()) << "accepted '" << text << "'";
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument) << text;
    EXPECT_THAT(parsed.error().message, HasSubstr("--connect-to '" + text + "'"));
  }
  EXPECT_EQ(ParseConnectTo("mail:443:backend").error().message,
            "--connect-to 'mail:443:backend': expected HOST:PORT:CONNECT_HOST:CONNECT_PORT");
}

TEST(ParseDnsServerTest, AcceptsNumericAddressesWithOptionalPort) {
  struct Case {
    std::string text, address;
    std::uint16_t port;
  };
  const Case cases[] = {
      {"127.0.0.1", "127.0.0.1", 53},
      {"127.0.0.1:5353", "127.0.0.1", 5353},
      {"[::1]:5353", "::1", 5353},
      {"[::1]", "::1", 53},
      {"::1", "::1", 53},
  };
  for (const auto& c : cases) {
    auto parsed = ParseDnsServer(c.text);
    ASSERT_TRUE(parsed.has_value()) << c.text << ": " << parsed.error().message;
    EXPECT_EQ(parsed->address, c.address);
    EXPECT_EQ(parsed->port, c.port);
  }
}

TEST(ParseDnsServerTest, RejectsNamesAndBadPorts) {
  const std::string cases[] = {
      "",     "dns.contoso.com", "dns.contoso.com:53", "127.0.0.1:0", "127.0.0.1:", "[::1]:65536",
      "1.2.3"};
  for (const auto& text : cases) {
    auto parsed = ParseDnsServer(text);
    ASSERT_FALSE(parsed.has_value()) << "accepted '" << text << "'";
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
    EXPECT_THAT(parsed.error().message, HasSubstr("--dns-server '" + text + "'"));
  }
  EXPECT_EQ(ParseDnsServer("dns.contoso.com").error().message,
            "--dns-server 'dns.contoso.com': 'dns.contoso.com' is not a numeric IPv4 or IPv6 "
            "address");
}

TEST(SocketAddressTest, ParsesAndFormatsIpv4AndIpv6) {
  auto v4 = SocketAddress::FromNumeric("127.0.0.1", 443);
  ASSERT_TRUE(v4.has_value());
  EXPECT_EQ(v4->family(), AF_INET);
  EXPECT_EQ(v4->Ip(), "127.0.0.1");
  EXPECT_EQ(v4->Port(), 443);
  EXPECT_EQ(v4->ToString(), "127.0.0.1:443");

  auto v6 = SocketAddress::FromNumeric("2001:DB8:0::1", 8443);
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->family(), AF_INET6);
  EXPECT_EQ(v6->Ip(), "2001:db8::1");
  EXPECT_EQ(v6->ToString(), "[2001:db8::1]:8443");
}

TEST(SocketAddressTest, RefusesAnythingButANumericAddress) {
  const std::string cases[] = {
      "",
      "localhost",
      "1.2.3",
      "127.0.0.1 ",
      "[::1]",
      "::1%lo",
      "1.2.3.256",
      "127.0.0.01x",
      std::string(100, '1'),
      std::string("127.0.0.1\0junk", 14),
  };
  for (const auto& text : cases) {
    EXPECT_FALSE(SocketAddress::FromNumeric(text, 1).has_value()) << text;
  }
}

}  // namespace
}  // namespace probe::net
