// Addresses and the curl-style network options: --resolve, --connect-to, --dns-server.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probe/core/result.h"

namespace probe::net {

/// A host and port as typed by a user: "mail.contoso.com", "mail.contoso.com:8443",
/// "127.0.0.1:443", "[::1]:443", "::1" (a bare IPv6 literal without a port).
struct HostPort {
  std::string host;  // without brackets
  std::uint16_t port = 0;
};
Result<HostPort> ParseHostPort(std::string_view text, std::uint16_t default_port);

/// --resolve HOST:PORT:ADDR (curl): connections to HOST:PORT go to ADDR; Host and SNI stay HOST.
struct ResolveOverride {
  std::string host;
  std::uint16_t port = 0;
  std::string address;  // numeric IPv4 or IPv6 (brackets accepted on input, stripped)
};
Result<ResolveOverride> ParseResolve(std::string_view text);

/// --connect-to HOST:PORT:CONNECT_HOST:CONNECT_PORT (curl): connections to HOST:PORT go to
/// CONNECT_HOST:CONNECT_PORT (a name is resolved); Host and SNI stay HOST. Empty HOST or PORT
/// on the left match any; empty CONNECT_HOST or CONNECT_PORT keep the original, as in curl.
struct ConnectTo {
  std::string host;
  std::uint16_t port = 0;     // 0 = any
  std::string to_host;        // empty = same host
  std::uint16_t to_port = 0;  // 0 = same port
};
Result<ConnectTo> ParseConnectTo(std::string_view text);

/// --dns-server ADDR[:PORT]: ask this server instead of /etc/resolv.conf's.
struct DnsServer {
  std::string address;  // numeric
  std::uint16_t port = 53;
};
Result<DnsServer> ParseDnsServer(std::string_view text);

/// Every network option a command takes, as parsed from the command line.
struct NetOptions {
  std::vector<ResolveOverride> resolve;
  std::vector<ConnectTo> connect_to;
  std::optional<DnsServer> dns_server;
};

/// A numeric socket address.
struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;

  int family() const { return storage.ss_family; }
  std::string Ip() const;  // "127.0.0.1", "::1"
  std::uint16_t Port() const;
  std::string ToString() const;  // "127.0.0.1:443", "[::1]:443"
  /// Parses a numeric IPv4/IPv6 address (no name lookup); nullopt for anything else.
  static std::optional<SocketAddress> FromNumeric(std::string_view ip, std::uint16_t port);
};

}  // namespace probe::net
