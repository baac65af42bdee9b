// Server-side NTLM as a hardened Windows server speaks it (LmCompatibilityLevel 5): a CHALLENGE
// that answers the client's NEGOTIATE, then NTLMv2 verification of the AUTHENTICATE against the
// scenario's accounts, with the MIC and Extended Protection (channel binding) checked. Pure: no
// sockets; randomness and the clock come in through NtlmEnvironment so tests can pin them.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "probe/auth/crypto.h"
#include "probe/auth/ntlm_message.h"
#include "probe/core/bytes.h"
#include "probe/core/result.h"
#include "tlslab/lab_accounts.h"
#include "tlslab/scenario.h"

namespace tlslab {

/// Why an acceptor refused a token. Data, not an Error: the server's answer is a 401.
enum class AuthFailure {
  kMalformed,          // not a well-formed token or message
  kUnexpectedMessage,  // a message out of order (a CHALLENGE from a client, ...)
  kNoChallenge,        // an AUTHENTICATE on a connection that never got a CHALLENGE (state lost)
  kAnonymous,          // anonymous NTLM: refused
  kNtlmV1,             // an NTLMv1 or LM-only response: refused as LmCompatibilityLevel 5 does
  kUnknownUser,
  kBadProof,    // the NTProofStr does not verify: a wrong password
  kMissingMic,  // MsvAvFlags announces a MIC the message has no room for
  kBadMic,
  kMissingBinding,    // epa require: no, or an all-zero, MsvAvChannelBindings
  kBadBinding,        // a binding that does not match the listener's certificate
  kMechanismRefused,  // SPNEGO without NTLMSSP, or NTLM refused (kerberos_only)
  kBadMechListMic,    // SPNEGO mechListMIC missing where required, or not verifying
  kInternal,          // the acceptor itself failed (no random bytes, no MD4)
};
/// Stable snake_case name: "bad_proof", "missing_binding", ...
std::string_view AuthFailureName(AuthFailure failure);

struct AuthRejection {
  AuthFailure reason = AuthFailure::kMalformed;
  std::string detail;  // one sentence for the log: names and reasons, never secrets
};

/// How the client's MsvAvChannelBindings looked against the listener's binding.
enum class BindingSeen { kAbsent, kZero, kMatched, kMismatched };
std::string_view BindingSeenName(BindingSeen seen);  // "absent", "zero", "matched", "mismatched"

/// What a verified AUTHENTICATE proves.
struct NtlmIdentity {
  const LabAccount* account = nullptr;
  std::string workstation;
  std::uint32_t flags = 0;                    // the AUTHENTICATE's NegotiateFlags
  probe::auth::Key16 exported_session_key{};  // keys the SPNEGO mechListMIC; never logged
  bool mic_verified = false;
  BindingSeen binding = BindingSeen::kAbsent;
};

using NtlmVerdict = tl::expected<NtlmIdentity, AuthRejection>;

/// The server's names as its CHALLENGE carries them.
struct NtlmServerIdentity {
  std::string computer;      // NetBIOS, e.g. EX2016FE
  std::string domain;        // NetBIOS, e.g. CONTOSO
  std::string dns_computer;  // ex2016fe.contoso.test
  std::string dns_domain;    // contoso.test (also the DNS tree name)
  probe::auth::NtlmVersion version;
};

/// The NTLM VERSION a Windows Server release announces (2016: 10.0.14393, revision 15).
probe::auth::NtlmVersion WindowsVersion(WindowsServer server);
/// The identity a listener's `auth` settings describe.
NtlmServerIdentity ServerIdentity(const AuthSettings& settings);

/// Randomness and time. System() uses OpenSSL's CSPRNG and the system clock.
struct NtlmEnvironment {
  std::function<probe::Result<probe::auth::Block8>()> server_challenge;
  std::function<std::uint64_t()> filetime_now;  // FILETIME: 100 ns since 1601-01-01 UTC

  static NtlmEnvironment System();
};

/// The flags of a CHALLENGE answering NEGOTIATE flags, as a Windows domain member answers them:
/// REQUEST_TARGET, NTLM, ALWAYS_SIGN, TARGET_TYPE_DOMAIN, TARGET_INFO and VERSION always;
/// UNICODE (else OEM), extended session security, SIGN, SEAL, KEY_EXCH, 128 and 56 when asked.
std::uint32_t ChallengeFlags(std::uint32_t negotiate_flags);

/// The CHALLENGE answering `negotiate`: TargetName = the NetBIOS domain; TargetInfo = NetBIOS
/// domain, NetBIOS computer, DNS domain, DNS computer, DNS tree, timestamp (Windows' order).
probe::Result<probe::auth::NtlmChallenge> BuildChallenge(
    const probe::auth::NtlmNegotiate& negotiate, const NtlmServerIdentity& server,
    const probe::auth::Block8& server_challenge, std::uint64_t filetime);

/// Everything VerifyAuthenticate checks an AUTHENTICATE against.
struct NtlmVerifyContext {
  const AccountStore* accounts = nullptr;
  std::string domain;      // the server's NetBIOS domain: used when the client sends none
  std::string dns_domain;  // accepted as another spelling of `domain`
  probe::auth::Block8 server_challenge{};
  probe::ByteView negotiate;  // the NEGOTIATE as received: MIC input
  probe::ByteView challenge;  // the CHALLENGE as sent: MIC input
  EpaMode epa = EpaMode::kOff;
  /// The MsvAvChannelBindings a client of this listener computes; nullopt when undefined.
  std::optional<probe::auth::Key16> expected_binding;
};

/// Verifies an AUTHENTICATE ([MS-NLMP] 3.2.5.1.2): NTLMv2 only; the account by user and domain
/// (the domain as sent, then the server's when the client sent none or the DNS domain); the
/// NTProofStr recomputed over the client's blob as received, compared in constant time (and
/// retried with an empty domain, as Windows does); the MIC whenever MsvAvFlags announces one,
/// keyed with the exported session key (decrypted with RC4 under the session base key when
/// KEY_EXCH and SIGN or SEAL are negotiated); then the channel binding per `epa`:
/// off ignores it; accept (IIS "Allow") lets a client without the pair in, but refuses an
/// all-zero or a wrong one; require needs the correct one.
NtlmVerdict VerifyAuthenticate(const NtlmVerifyContext& context, probe::ByteView authenticate);

/// What every connection of a listener shares.
struct NtlmAcceptorConfig {
  NtlmServerIdentity server;
  std::shared_ptr<const AccountStore> accounts;
  EpaMode epa = EpaMode::kOff;
  std::optional<probe::auth::Key16> expected_binding;
  NtlmEnvironment environment = NtlmEnvironment::System();
};

/// The outcome of feeding one token to an acceptor.
struct AcceptStep {
  enum class Kind { kContinue, kAccepted, kRejected };
  Kind kind = Kind::kRejected;
  probe::Bytes token;  // to send back: the CHALLENGE, a SPNEGO answer; empty: none
  std::optional<NtlmIdentity> identity;    // kAccepted
  std::optional<AuthRejection> rejection;  // kRejected
  std::string note;                        // kContinue: what happened, for the log

  static AcceptStep Continue(probe::Bytes token, std::string note);
  static AcceptStep Accepted(NtlmIdentity identity, probe::Bytes token = {});
  static AcceptStep Rejected(AuthFailure reason, std::string detail, probe::Bytes token = {});
};

/// One connection's NTLM context: NTLM authenticates the connection, so its state lives as long
/// as the connection (the session owns it).
class NtlmAcceptor {
 public:
  explicit NtlmAcceptor(std::shared_ptr<const NtlmAcceptorConfig> config);

  /// A raw NTLM message: a NEGOTIATE gets a CHALLENGE (kContinue) and starts a new context; an
  /// AUTHENTICATE is verified against the last CHALLENGE, which is spent either way.
  AcceptStep Step(probe::ByteView message);
  /// True between a CHALLENGE and the AUTHENTICATE that answers it.
  bool challenged() const { return pending_.has_value(); }
  void Reset() { pending_.reset(); }

 private:
  AcceptStep Negotiate(probe::ByteView message);
  AcceptStep Authenticate(probe::ByteView message);

  struct Pending {
    probe::Bytes negotiate;
    probe::Bytes challenge;
    probe::auth::Block8 server_challenge{};
  };
  std::shared_ptr<const NtlmAcceptorConfig> config_;
  std::optional<Pending> pending_;
};

}  // namespace tlslab
