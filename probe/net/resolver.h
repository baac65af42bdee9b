// Name resolution with c-ares under a total deadline, honouring --resolve, --connect-to and
// --dns-server.
#pragma once

#include <vector>

#include "probe/core/deadline.h"
#include "probe/core/result.h"
#include "probe/core/trace.h"
#include "probe/net/address.h"

namespace probe::net {

/// Where a connection for host:port must really go, after --connect-to and --resolve.
struct ResolvedTarget {
  std::string connect_host;  // the name or address actually resolved / connected to
  std::uint16_t connect_port = 0;
  std::vector<SocketAddress> addresses;  // in the order to try (as the resolver returned them)
  // "numeric", "resolve-override", "dns", "dns-server 127.0.0.1:5353", each prefixed with
  // "connect-to, " when a --connect-to entry redirected the connection.
  std::string via;
};

/// Resolves `host` (A and AAAA) with c-ares. A numeric host is returned as is. Fails with
/// kDnsFailure (NXDOMAIN, no records, server failure) or kTimeout (no answer before `deadline`).
Result<std::vector<SocketAddress>> Resolve(std::string_view host, std::uint16_t port,
                                           const NetOptions& options, const Deadline& deadline,
                                           TraceSink* trace);

/// One SRV record (RFC 2782), e.g. of _autodiscover._tcp.contoso.com.
struct SrvRecord {
  std::string target;
  std::uint16_t port = 0;
  std::uint16_t priority = 0;
  std::uint16_t weight = 0;
};

/// Queries the SRV records of `name` (c-ares, --dns-server honoured), sorted by priority, then
/// weight (highest first). kDnsFailure when the name or its records do not exist.
Result<std::vector<SrvRecord>> ResolveSrv(std::string_view name, const NetOptions& options,
                                          const Deadline& deadline, TraceSink* trace);

/// Applies --connect-to (the first matching entry), then --resolve (every entry for exactly the
/// resulting host:port, host case-insensitive), then Resolve(): the addresses for a connection
/// to host:port as the user asked for it.
Result<ResolvedTarget> ResolveTarget(std::string_view host, std::uint16_t port,
                                     const NetOptions& options, const Deadline& deadline,
                                     TraceSink* trace);

}  // namespace probe::net
