#include "probe/net/address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>

namespace probe::net {
namespace {

constexpr std::size_t kMaxHostName = 253;  // RFC 1035, without the trailing dot
constexpr std::size_t kMaxLabel = 63;

std::string Quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

tl::unexpected<Error> Invalid(std::string message) {
  return Fail(ErrorCode::kInvalidArgument, std::move(message));
}

bool IsDigits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Result<std::uint16_t> ParsePort(std::string_view text) {
  // Five digits at most, so the sum below cannot overflow whatever the input.
  if (!IsDigits(text) || text.size() > 5) {
    return Invalid("port " + Quoted(text) + " is not a number from 1 to 65535");
  }
  unsigned value = 0;
  for (char c : text) value = value * 10 + static_cast<unsigned>(c - '0');
  if (value < 1 || value > 65535) {
    return Invalid("port " + Quoted(text) + " is not a number from 1 to 65535");
  }
  return static_cast<std::uint16_t>(value);
}

bool IsIpv6Literal(std::string_view text) {
  auto address = SocketAddress::FromNumeric(text, 0);
  return address && address->family() == AF_INET6;
}

bool IsHostNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';  // '_' appears in SRV-style names such as _autodiscover._tcp
}

// Letters, digits, '-' and '_' in dot-separated labels of 1-63 characters; one trailing dot
// allowed.
Result<void> CheckHostName(std::string_view host) {
  if (host.empty()) return Invalid("host is empty");
  std::string_view name = host.back() == '.' ? host.substr(0, host.size() - 1) : host;
  if (name.empty() || name.size() > kMaxHostName) {
    return Invalid("host " + Quoted(host) + " is not a valid host name");
  }
  std::size_t label = 0;
  for (char c : name) {
    if (c == '.') {
      if (label == 0) return Invalid("host " + Quoted(host) + " has an empty label");
      label = 0;
    } else if (!IsHostNameChar(c)) {
      return Invalid("host " + Quoted(host) + " has a character not allowed in a host name");
    } else if (++label > kMaxLabel) {
      return Invalid("host " + Quoted(host) + " has a label longer than 63 characters");
    }
  }
  if (label == 0) return Invalid("host " + Quoted(host) + " has an empty label");
  return {};
}

// A host field: a name, an IPv4 address, or an IPv6 address in brackets (returned without them).
Result<std::string> ParseHost(std::string_view field) {
  if (!field.empty() && field.front() == '[') {
    if (field.size() < 2 || field.back() != ']') {
      return Invalid("host " + Quoted(field) + " has a '[' without a closing ']'");
    }
    std::string_view inner = field.substr(1, field.size() - 2);
    if (!IsIpv6Literal(inner)) {
      return Invalid(Quoted(inner) + " in brackets is not an IPv6 address");
    }
    return std::string(inner);
  }
  if (auto ok = CheckHostName(field); !ok) return Fail(ok.error());
  return std::string(field);
}

// Splits on ':' outside [...]; the last of `max_fields` fields takes the rest of the text as is.
std::vector<std::string_view> SplitFields(std::string_view text, std::size_t max_fields) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  bool in_brackets = false;
  for (std::size_t i = 0; i < text.size() && fields.size() + 1 < max_fields; ++i) {
    if (text[i] == '[') in_brackets = true;
    if (text[i] == ']') in_brackets = false;
    if (text[i] == ':' && !in_brackets) {
      fields.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  fields.push_back(text.substr(start));
  return fields;
}

// Removes one pair of surrounding brackets ("[::1]" -> "::1").
std::string_view StripBrackets(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    return text.substr(1, text.size() - 2);
  }
  return text;
}

Result<std::string> ParseNumericAddress(std::string_view field) {
  std::string_view ip = StripBrackets(field);
  if (!SocketAddress::FromNumeric(ip, 0)) {
    return Invalid("address " + Quoted(field) + " is not a numeric IPv4 or IPv6 address");
  }
  return std::string(ip);
}

Result<std::uint16_t> ParseOptionalPort(std::string_view field) {
  if (field.empty()) return std::uint16_t{0};
  return ParsePort(field);
}

Result<std::string> ParseOptionalHost(std::string_view field) {
  if (field.empty()) return std::string();
  return ParseHost(field);
}

// "[v6]", "[v6]:port", a bare IPv6 literal, "host" or "host:port".
Result<HostPort> SplitHostPort(std::string_view text, std::uint16_t default_port) {
  if (text.empty()) return Invalid("host is empty");
  if (text.front() == '[') {
    std::size_t close = text.find(']');
    if (close == std::string_view::npos) return Invalid("'[' without a closing ']'");
    auto host = ParseHost(text.substr(0, close + 1));
    if (!host) return Fail(host.error());
    std::string_view rest = text.substr(close + 1);
    if (rest.empty()) return HostPort{*host, default_port};
    if (rest.front() != ':') return Invalid("expected ':PORT' after ']', not " + Quoted(rest));
    auto port = ParsePort(rest.substr(1));
    if (!port) return Fail(port.error());
    return HostPort{*host, *port};
  }
  std::size_t colons = std::count(text.begin(), text.end(), ':');
  if (colons >= 2) {
    if (IsIpv6Literal(text)) return HostPort{std::string(text), default_port};
    return Invalid("expected HOST[:PORT]; write an IPv6 address in brackets, as in [::1]:443");
  }
  std::size_t colon = text.find(':');
  auto host = ParseHost(text.substr(0, colon));
  if (!host) return Fail(host.error());
  if (colon == std::string_view::npos) return HostPort{*host, default_port};
  auto port = ParsePort(text.substr(colon + 1));
  if (!port) return Fail(port.error());
  return HostPort{*host, *port};
}

}  // namespace

Result<HostPort> ParseHostPort(std::string_view text, std::uint16_t default_port) {
  auto parsed = SplitHostPort(text, default_port);
  if (!parsed) return Fail(parsed.error().With(Quoted(text)));
  return parsed;
}

Result<ResolveOverride> ParseResolve(std::string_view text) {
  const std::string context = "--resolve " + Quoted(text);
  // Three fields: a bare IPv6 ADDRESS ("host:443:::1") is unambiguous in the last one.
  auto fields = SplitFields(text, 3);
  if (fields.size() != 3) return Invalid(context + ": expected HOST:PORT:ADDRESS");
  auto host = ParseHost(fields[0]);
  if (!host) return Fail(host.error().With(context));
  auto port = ParsePort(fields[1]);
  if (!port) return Fail(port.error().With(context));
  auto address = ParseNumericAddress(fields[2]);
  if (!address) return Fail(address.error().With(context));
  return ResolveOverride{*host, *port, *address};
}

Result<ConnectTo> ParseConnectTo(std::string_view text) {
  const std::string context = "--connect-to " + Quoted(text);
  auto fields = SplitFields(text, 4);
  if (fields.size() != 4)
    return Invalid(context + ": expected HOST:PORT:CONNECT_HOST:CONNECT_PORT");
  auto host = ParseOptionalHost(fields[0]);
  if (!host) return Fail(host.error().With(context));
  auto port = ParseOptionalPort(fields[1]);
  if (!port) return Fail(port.error().With(context));
  auto to_host = ParseOptionalHost(fields[2]);
  if (!to_host) return Fail(to_host.error().With(context));
  auto to_port = ParseOptionalPort(fields[3]);
  if (!to_port) return Fail(to_port.error().With(context));
  return ConnectTo{*host, *port, *to_host, *to_port};
}

Result<DnsServer> ParseDnsServer(std::string_view text) {
  const std::string context = "--dns-server " + Quoted(text);
  auto parsed = SplitHostPort(text, 53);
  if (!parsed) return Fail(parsed.error().With(context));
  if (!SocketAddress::FromNumeric(parsed->host, parsed->port)) {
    return Invalid(context + ": " + Quoted(parsed->host) +
                   " is not a numeric IPv4 or IPv6 address");
  }
  return DnsServer{parsed->host, parsed->port};
}

std::string SocketAddress::Ip() const {
  char text[INET6_ADDRSTRLEN] = {};
  const void* raw = nullptr;
  if (family() == AF_INET) raw = &reinterpret_cast<const sockaddr_in*>(&storage)->sin_addr;
  if (family() == AF_INET6) raw = &reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_addr;
  if (raw == nullptr || inet_ntop(family(), raw, text, sizeof(text)) == nullptr) return "?";
  return text;
}

std::uint16_t SocketAddress::Port() const {
  if (family() == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&storage)->sin_port);
  if (family() == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_port);
  }
  return 0;
}

std::string SocketAddress::ToString() const {
  std::string port = std::to_string(Port());
  if (family() == AF_INET6) return "[" + Ip() + "]:" + port;
  return Ip() + ":" + port;
}

std::optional<SocketAddress> SocketAddress::FromNumeric(std::string_view ip, std::uint16_t port) {
  // inet_pton needs a NUL-terminated string and stops at an embedded NUL, which would accept
  // "127.0.0.1\0junk": refuse both overlong input and NULs before copying.
  char text[INET6_ADDRSTRLEN] = {};
  if (ip.empty() || ip.size() >= sizeof(text) || ip.find('\0') != std::string_view::npos) {
    return std::nullopt;
  }
  std::memcpy(text, ip.data(), ip.size());
  SocketAddress address;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&address.storage);
  if (inet_pton(AF_INET, text, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    address.length = sizeof(sockaddr_in);
    return address;
  }
  address = SocketAddress{};
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&address.storage);
  if (inet_pton(AF_INET6, text, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    address.length = sizeof(sockaddr_in6);
    return address;
  }
  return std::nullopt;
}

}  // namespace probe::net
