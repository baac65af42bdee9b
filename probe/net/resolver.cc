#include "probe/net/resolver.h"

#include <ares.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <string>

namespace probe::net {
namespace {

constexpr std::string_view kLayer = "dns";
// glibc's per-try default; a lost UDP datagram is retried after this even with a long deadline.
constexpr int kMaxTryMs = 5000;
constexpr int kTries = 2;

std::string Quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

int ElapsedMs(Clock::time_point since) {
  return static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count());
}

Result<void> InitLibraryOnce() {
  static std::once_flag once;
  static int status = ARES_SUCCESS;
  std::call_once(once, [] { status = ares_library_init(ARES_LIB_INIT_ALL); });
  if (status != ARES_SUCCESS) {
    return Fail(ErrorCode::kInternal,
                std::string("cannot initialise c-ares: ") + ares_strerror(status));
  }
  return {};
}

// Owns one c-ares channel; each Resolve() call has its own, so calls on several threads share
// nothing.
class Channel {
 public:
  Channel() = default;
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;
  ~Channel() {
    if (channel_ != nullptr) ares_destroy(channel_);
  }
  ares_channel* out() { return &channel_; }
  ares_channel get() const { return channel_; }

 private:
  ares_channel channel_ = nullptr;
};

// Per-try timeout and tries chosen so c-ares' own retries (t, 2t, 4t... for one server) fit the
// budget; the poll loop still enforces the deadline when several servers stretch the schedule.
Result<void> InitChannel(Channel& channel, const NetOptions& options, int budget_ms) {
  ares_options opts{};
  opts.timeout = std::clamp(budget_ms / ((1 << kTries) - 1), 1, kMaxTryMs);
  opts.tries = kTries;
  int mask = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;
  // With a chosen server the answer must come from it (internal vs external views), not from
  // /etc/hosts.
  char dns_only[] = "b";
  if (options.dns_server) {
    opts.lookups = dns_only;
    mask |= ARES_OPT_LOOKUPS;
  }
  int status = ares_init_options(channel.out(), &opts, mask);
  if (status != ARES_SUCCESS) {
    return Fail(ErrorCode::kIo,
                std::string("cannot start the DNS resolver: ") + ares_strerror(status));
  }
  return {};
}

Result<void> SetServer(Channel& channel, const DnsServer& server) {
  ares_addr_port_node node{};
  if (inet_pton(AF_INET, server.address.c_str(), &node.addr.addr4) == 1) {
    node.family = AF_INET;
  } else if (inet_pton(AF_INET6, server.address.c_str(), &node.addr.addr6) == 1) {
    node.family = AF_INET6;
  } else {
    return Fail(ErrorCode::kInvalidArgument,
                "DNS server " + Quoted(server.address) + " is not a numeric address");
  }
  node.udp_port = server.port;
  node.tcp_port = server.port;
  int status = ares_set_servers_ports(channel.get(), &node);
  if (status != ARES_SUCCESS) {
    return Fail(ErrorCode::kInternal,
                std::string("cannot set the DNS server: ") + ares_strerror(status));
  }
  return {};
}

std::string FormatServer(const ares_addr_port_node& node) {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(node.family, &node.addr, text, sizeof(text));
  std::string port = std::to_string(node.udp_port != 0 ? node.udp_port : 53);
  if (node.family == AF_INET6) return "[" + std::string(text) + "]:" + port;
  return std::string(text) + ":" + port;
}

// The servers the channel will ask, for messages: "127.0.0.1:5353" or "10.0.0.53:53, ...".
std::string DescribeServers(const Channel& channel) {
  ares_addr_port_node* servers = nullptr;
  if (ares_get_servers_ports(channel.get(), &servers) != ARES_SUCCESS) return "the system resolver";
  std::string text;
  for (auto* node = servers; node != nullptr; node = node->next) {
    if (!text.empty()) text += ", ";
    text += FormatServer(*node);
  }
  ares_free_data(servers);
  return text.empty() ? "the system resolver" : text;
}

// Filled by the c-ares callback; lives until after the channel is destroyed.
struct Query {
  bool done = false;
  int status = ARES_SUCCESS;
  std::vector<SocketAddress> addresses;
};

void OnAddrInfo(void* arg, int status, int /*timeouts*/, ares_addrinfo* result) {
  auto* query = static_cast<Query*>(arg);
  query->done = true;
  query->status = status;
  if (result == nullptr) return;
  for (auto* node = result->nodes; node != nullptr; node = node->ai_next) {
    if (node->ai_addr == nullptr || node->ai_addrlen > sizeof(sockaddr_storage)) continue;
    if (node->ai_family != AF_INET && node->ai_family != AF_INET6) continue;
    SocketAddress address;
    std::memcpy(&address.storage, node->ai_addr, node->ai_addrlen);
    address.length = node->ai_addrlen;
    query->addresses.push_back(address);
  }
  ares_freeaddrinfo(result);
}

// Milliseconds until c-ares wants to retry or give up on a try, capped by the deadline.
int PollTimeoutMs(const Channel& channel, const Deadline& deadline) {
  timeval max{};
  max.tv_sec = deadline.RemainingMs() / 1000;
  max.tv_usec = (deadline.RemainingMs() % 1000) * 1000;
  timeval tv{};
  timeval* next = ares_timeout(channel.get(), &max, &tv);
  long long ms = static_cast<long long>(next->tv_sec) * 1000 + (next->tv_usec + 999) / 1000;
  return static_cast<int>(std::clamp<long long>(ms, 0, deadline.RemainingMs()));
}

// One round: poll the channel's sockets, then let c-ares read, write or handle its timeouts.
// False when poll() itself fails for a reason other than EINTR, so the caller does not spin.
bool PollOnce(const Channel& channel, const Deadline& deadline) {
  ares_socket_t sockets[ARES_GETSOCK_MAXNUM];
  int bits = ares_getsock(channel.get(), sockets, ARES_GETSOCK_MAXNUM);
  pollfd fds[ARES_GETSOCK_MAXNUM];
  nfds_t count = 0;
  for (int i = 0; i < ARES_GETSOCK_MAXNUM; ++i) {
    short events = 0;
    if (ARES_GETSOCK_READABLE(bits, i)) events |= POLLIN;
    if (ARES_GETSOCK_WRITABLE(bits, i)) events |= POLLOUT;
    if (events == 0) continue;
    fds[count++] = pollfd{sockets[i], events, 0};
  }
  int ready = poll(fds, count, PollTimeoutMs(channel, deadline));
  if (ready < 0) return errno == EINTR;
  if (ready == 0) {
    ares_process_fd(channel.get(), ARES_SOCKET_BAD, ARES_SOCKET_BAD);  // timeouts only
    return true;
  }
  for (nfds_t i = 0; i < count; ++i) {
    bool readable = (fds[i].revents & (POLLIN | POLLERR | POLLHUP)) != 0;
    bool writable = (fds[i].revents & POLLOUT) != 0;
    ares_process_fd(channel.get(), readable ? fds[i].fd : ARES_SOCKET_BAD,
                    writable ? fds[i].fd : ARES_SOCKET_BAD);
  }
  return true;
}

Error QueryError(const Query& query, std::string_view host, const std::string& servers,
                 int waited_ms) {
  const std::string name = Quoted(host);
  switch (query.status) {
    case ARES_ENOTFOUND:
    case ARES_ENONAME:
      return Error{ErrorCode::kDnsFailure, name + " does not exist (asked " + servers + ")"};
    case ARES_SUCCESS:  // but no address of a family we can connect to
    case ARES_ENODATA:
      return Error{ErrorCode::kDnsFailure,
                   name + " has no IPv4 or IPv6 address (asked " + servers + ")"};
    case ARES_ETIMEOUT:
    case ARES_ECANCELLED:
      return Error{ErrorCode::kTimeout, "no DNS answer for " + name + " within " +
                                            std::to_string(waited_ms) + " ms (asked " + servers +
                                            ")"};
    case ARES_ENOMEM:
      return Error{ErrorCode::kInternal, "out of memory resolving " + name};
    default:
      return Error{ErrorCode::kDnsFailure, "cannot resolve " + name + " (asked " + servers +
                                               "): " + ares_strerror(query.status)};
  }
}

Result<void> OpenChannel(Channel& channel, const NetOptions& options, int budget_ms) {
  if (auto ok = InitChannel(channel, options, budget_ms); !ok) return ok;
  if (options.dns_server) return SetServer(channel, *options.dns_server);
  return {};
}

// Starts the A+AAAA query and drives it until it completes or the deadline passes; on the
// deadline the query is cancelled, so its callback has run before the channel is destroyed.
void RunQuery(const Channel& channel, std::string_view host, std::uint16_t port,
              const Deadline& deadline, Query& query) {
  const std::string name(host);
  const std::string service = std::to_string(port);
  ares_addrinfo_hints hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = ARES_AI_NUMERICSERV;
  ares_getaddrinfo(channel.get(), name.c_str(), service.c_str(), &hints, OnAddrInfo, &query);
  while (!query.done && !deadline.Expired() && PollOnce(channel, deadline)) {
  }
  if (!query.done) ares_cancel(channel.get());  // calls OnAddrInfo with ARES_ECANCELLED
}

std::string JoinIps(const std::vector<SocketAddress>& addresses) {
  std::string text;
  for (const auto& address : addresses) text += (text.empty() ? "" : " ") + address.Ip();
  return text;
}

Result<std::vector<SocketAddress>> Lookup(std::string_view host, std::uint16_t port,
                                          const NetOptions& options, const Deadline& deadline,
                                          TraceSink* trace) {
  const auto start = Clock::now();
  const int budget_ms = deadline.RemainingMs();
  Query query;  // declared before the channel: ares_destroy may still call OnAddrInfo
  Channel channel;
  if (auto ok = OpenChannel(channel, options, budget_ms); !ok) return Fail(ok.error());
  const std::string servers = DescribeServers(channel);
  TraceTo(trace, kLayer, "query " + Quoted(host) + " A+AAAA via " + servers);
  RunQuery(channel, host, port, deadline, query);
  if (query.status != ARES_SUCCESS || query.addresses.empty()) {
    // Past the deadline, report the budget rather than the few microseconds of overshoot.
    const int waited_ms = deadline.Expired() ? budget_ms : ElapsedMs(start);
    Error error = QueryError(query, host, servers, waited_ms);
    TraceTo(trace, kLayer, error.message);
    return Fail(std::move(error));
  }
  TraceTo(trace, kLayer,
          "answer " + Quoted(host) + ": " + JoinIps(query.addresses) + " (" +
              std::to_string(ElapsedMs(start)) + " ms)");
  return query.addresses;
}

// ---- SRV

struct SrvQuery {
  bool done = false;
  int status = ARES_SUCCESS;
  std::vector<SrvRecord> records;
};

// c-ares parses the answer (bounds-checked); names longer than DNS allows are dropped.
void OnSrv(void* arg, int status, int /*timeouts*/, unsigned char* answer, int length) {
  auto* query = static_cast<SrvQuery*>(arg);
  query->done = true;
  query->status = status;
  if (status != ARES_SUCCESS || answer == nullptr) return;
  ares_srv_reply* replies = nullptr;
  query->status = ares_parse_srv_reply(answer, length, &replies);
  for (auto* r = replies; r != nullptr; r = r->next) {
    if (r->host == nullptr || std::strlen(r->host) > 253) continue;
    query->records.push_back({r->host, r->port, r->priority, r->weight});
  }
  if (replies != nullptr) ares_free_data(replies);
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string DnsVia(const NetOptions& options) {
  if (!options.dns_server) return "dns";
  auto server = SocketAddress::FromNumeric(options.dns_server->address, options.dns_server->port);
  return "dns-server " + (server ? server->ToString() : options.dns_server->address);
}

// --connect-to: the first entry whose HOST and PORT match (empty / 0 match any) redirects.
void ApplyConnectTo(ResolvedTarget& target, const NetOptions& options, TraceSink* trace) {
  for (const auto& entry : options.connect_to) {
    bool host_matches = entry.host.empty() || EqualsIgnoreCase(entry.host, target.connect_host);
    bool port_matches = entry.port == 0 || entry.port == target.connect_port;
    if (!host_matches || !port_matches) continue;
    const std::string from = target.connect_host + ":" + std::to_string(target.connect_port);
    if (!entry.to_host.empty()) target.connect_host = entry.to_host;
    if (entry.to_port != 0) target.connect_port = entry.to_port;
    TraceTo(trace, kLayer,
            "--connect-to " + from + " -> " + target.connect_host + ":" +
                std::to_string(target.connect_port));
    target.via = "connect-to, ";
    return;
  }
}

// --resolve: every entry for exactly this host and port, in the order given.
void ApplyResolve(ResolvedTarget& target, const NetOptions& options, TraceSink* trace) {
  for (const auto& entry : options.resolve) {
    if (entry.port != target.connect_port || !EqualsIgnoreCase(entry.host, target.connect_host)) {
      continue;
    }
    auto address = SocketAddress::FromNumeric(entry.address, target.connect_port);
    if (!address) continue;  // ParseResolve only lets numeric addresses through
    target.addresses.push_back(*address);
    TraceTo(trace, kLayer,
            "--resolve " + target.connect_host + ":" + std::to_string(target.connect_port) +
                " -> " + address->Ip());
  }
}

}  // namespace

Result<std::vector<SocketAddress>> Resolve(std::string_view host, std::uint16_t port,
                                           const NetOptions& options, const Deadline& deadline,
                                           TraceSink* trace) {
  if (auto numeric = SocketAddress::FromNumeric(host, port)) {
    return std::vector<SocketAddress>{*numeric};
  }
  if (host.empty()) return Fail(ErrorCode::kInvalidArgument, "cannot resolve an empty host name");
  if (auto ok = InitLibraryOnce(); !ok) return Fail(ok.error());
  if (deadline.Expired()) {
    return Fail(ErrorCode::kTimeout, "no DNS answer for " + Quoted(host) + " within 0 ms");
  }
  return Lookup(host, port, options, deadline, trace);
}

Result<ResolvedTarget> ResolveTarget(std::string_view host, std::uint16_t port,
                                     const NetOptions& options, const Deadline& deadline,
                                     TraceSink* trace) {
  ResolvedTarget target;
  target.connect_host = std::string(host);
  target.connect_port = port;
  ApplyConnectTo(target, options, trace);
  ApplyResolve(target, options, trace);
  if (!target.addresses.empty()) {
    target.via += "resolve-override";
    return target;
  }
  if (auto numeric = SocketAddress::FromNumeric(target.connect_host, target.connect_port)) {
    TraceTo(trace, kLayer, target.connect_host + " is numeric: no DNS lookup");
    target.addresses.push_back(*numeric);
    target.via += "numeric";
    return target;
  }
  auto addresses = Resolve(target.connect_host, target.connect_port, options, deadline, trace);
  if (!addresses) return Fail(addresses.error());
  target.addresses = std::move(*addresses);
  target.via += DnsVia(options);
  return target;
}

Result<std::vector<SrvRecord>> ResolveSrv(std::string_view name, const NetOptions& options,
                                          const Deadline& deadline, TraceSink* trace) {
  const auto start = Clock::now();
  const int budget_ms = deadline.RemainingMs();
  SrvQuery query;  // declared before the channel: ares_destroy may still call OnSrv
  Channel channel;
  if (auto ok = OpenChannel(channel, options, budget_ms); !ok) return Fail(ok.error());
  const std::string servers = DescribeServers(channel);
  const std::string text(name);
  TraceTo(trace, kLayer, "query " + Quoted(name) + " SRV via " + servers);
  ares_query(channel.get(), text.c_str(), 1 /* C_IN */, 33 /* T_SRV */, OnSrv, &query);
  while (!query.done && !deadline.Expired() && PollOnce(channel, deadline)) {
  }
  if (!query.done) ares_cancel(channel.get());
  if (query.status != ARES_SUCCESS || query.records.empty()) {
    Query as_address;  // the same wording as address lookups
    as_address.status = query.status == ARES_SUCCESS ? ARES_ENODATA : query.status;
    Error error =
        QueryError(as_address, name, servers, deadline.Expired() ? budget_ms : ElapsedMs(start));
    if (as_address.status == ARES_ENODATA)
      error.message = Quoted(name) + " has no SRV record (asked " + servers + ")";
    TraceTo(trace, kLayer, error.message);
    return Fail(std::move(error));
  }
  std::stable_sort(
      query.records.begin(), query.records.end(), [](const SrvRecord& a, const SrvRecord& b) {
        return a.priority != b.priority ? a.priority < b.priority : a.weight > b.weight;
      });
  std::string answer;
  for (const auto& r : query.records)
    answer += (answer.empty() ? "" : ", ") + r.target + ":" + std::to_string(r.port);
  TraceTo(trace, kLayer, "answer " + Quoted(name) + " SRV: " + answer);
  return query.records;
}

}  // namespace probe::net
