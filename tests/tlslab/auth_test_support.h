// Shared pieces of the acceptor tests: the lab's accounts and server names, a pinned
// environment, and the client side of a handshake built with exprobe's own codecs (probe/auth),
// so the acceptor is judged by what a real client sends.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "probe/auth/channel_binding.h"
#include "probe/auth/ntlm_client.h"
#include "probe/auth/spnego.h"
#include "probe/core/bytes.h"
#include "tlslab/ntlm_acceptor.h"
#include "tlslab/scenario.h"

namespace tlslab::labtest {

/// CONTOSO\alice ("Passw0rd!") and CONTOSO\bob.
std::vector<UserSpec> LabUsers();
/// EX2016FE in CONTOSO / contoso.test, Windows Server 2016, both schemes, epa off, no faults.
AuthSettings LabSettings();
/// Server challenge 0123456789abcdef and a fixed clock, so one AUTHENTICATE stays valid for any
/// acceptor built with it.
NtlmEnvironment PinnedEnvironment();
/// The listener certificate hash the pure tests pretend to serve (SHA-256 sized).
probe::Bytes FakeCertificateHash();
/// The acceptor configuration for `settings` with FakeCertificateHash()'s binding.
std::shared_ptr<const NtlmAcceptorConfig> AcceptorConfig(
    EpaMode epa, NtlmEnvironment environment = PinnedEnvironment());

/// How the test client answers a CHALLENGE.
struct ClientOptions {
  probe::auth::NtlmCredentials credentials{"alice", "CONTOSO", "Passw0rd!"};
  probe::auth::ChannelBindingMode binding = probe::auth::ChannelBindingMode::kOmit;
  probe::Bytes certificate_hash = FakeCertificateHash();  // what the client saw
  probe::auth::MicPolicy mic = probe::auth::MicPolicy::kWhenTimestamp;
  std::uint32_t negotiate_flags = probe::auth::kDefaultNegotiateFlags;
};

/// One client handshake: the NEGOTIATE it sent and the AUTHENTICATE answering a CHALLENGE.
class TestClient {
 public:
  explicit TestClient(ClientOptions options = {});
  const probe::Bytes& negotiate() const { return negotiate_; }
  /// The AUTHENTICATE answering `challenge` (raw NTLM bytes); fixed client challenge and key.
  probe::Result<probe::auth::AuthenticateOutput> Authenticate(probe::ByteView challenge) const;
  /// The SPNEGO wrappers exprobe's auth engine sends: NegTokenInit(NTLMSSP, NEGOTIATE) and
  /// NegTokenResp(AUTHENTICATE [, mechListMIC]).
  probe::Bytes SpnegoInit() const;
  probe::Result<probe::Bytes> SpnegoAuthenticate(probe::ByteView challenge, bool mech_list_mic,
                                                 probe::Bytes mech_type_list = {}) const;
  std::uint32_t FlagsFor(probe::ByteView challenge) const;

 private:
  ClientOptions options_;
  probe::Bytes negotiate_;
};

/// The NTLM CHALLENGE inside a raw or SPNEGO-wrapped server token, or nullopt.
std::optional<probe::Bytes> ChallengeIn(probe::ByteView token);

}  // namespace tlslab::labtest
