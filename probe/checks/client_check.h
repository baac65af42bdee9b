// Windows client simulation: send each profile's real ClientHello to a server through the raw
// engine and say whether that client connects, with which protocol and suite, and if not why and
// which change (registry, update or server-side suite) would make it connect.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "probe/core/deadline.h"
#include "probe/core/finding.h"
#include "probe/core/trace.h"
#include "probe/net/address.h"
#include "probe/tls/client_profiles.h"
#include "probe/tls/enumerate.h"

namespace probe::checks {

/// Why a simulated client does or does not connect.
enum class ClientOutcome {
  kConnects,
  kNoCommonProtocol,  // no version both sides enable
  kNoCommonCipher,    // a shared version, no shared suite
  kRefused,           // a shared version and suite, refused all the same (groups, extensions)
  kUnknown,           // could not find out: timeout, connection refused, garbage
};
std::string_view ClientOutcomeName(ClientOutcome o);  // "connects", "no_common_protocol", ...

/// What kind of change the fix is.
enum class FixKind { kNone, kRegistry, kUpdate, kServer };
std::string_view FixKindName(FixKind k);  // "", "registry", "update", "server"

/// The typed result of simulating one profile against one server.
struct ClientVerdict {
  const tls::ClientProfile* profile = nullptr;
  ClientOutcome outcome = ClientOutcome::kUnknown;
  std::optional<tls::TlsVersion> protocol;  // negotiated, when it connects
  std::optional<std::uint16_t> cipher_suite;
  std::string answer;  // what the server answered this client's hello
  std::string why;     // one sentence, when it does not connect
  FixKind fix_kind = FixKind::kNone;
  std::string fix;                    // one sentence: the change that makes it connect
  std::vector<std::string> evidence;  // offered, answered, what the server accepts
  std::vector<std::string> caveats;   // uncertain profile facts that matter to this verdict

  bool connects() const { return outcome == ClientOutcome::kConnects; }
};

/// Simulates each profile against `addresses` with SNI `sni`, one hello per profile. To explain
/// a failure it needs the server's accepted versions and suites: `known` scans (e.g. the tls
/// check's) are used where present, the missing versions are scanned once for all profiles.
std::vector<ClientVerdict> SimulateClients(const std::vector<net::SocketAddress>& addresses,
                                           const std::string& sni,
                                           const std::vector<const tls::ClientProfile*>& profiles,
                                           const Deadline& deadline, TraceSink* trace,
                                           std::span<const tls::ProtocolScan> known = {});

/// One finding per outcome present (client.ok, client.no_common_protocol, ...), listing the
/// profiles concerned; verdicts that could not be decided add none.
std::vector<Finding> ClientFindings(const std::vector<ClientVerdict>& verdicts);

/// client.registry_value_suspicious (with the value probably meant) or client.registry_value_ok.
std::vector<Finding> RegistryValueFindings(const tls::DecodedProtocols& decoded);

}  // namespace probe::checks
