// The acceptor behind HTTP `Negotiate`: SPNEGO (RFC 4178) around the lab's NTLM acceptor, plus
// raw NTLMSSP tokens under the Negotiate scheme, which IIS also accepts. The lab has no KDC, so
// a NegTokenInit without NTLMSSP is refused with a NegTokenResp reject.
#pragma once

#include <memory>

#include "probe/auth/spnego.h"
#include "probe/core/bytes.h"
#include "tlslab/ntlm_acceptor.h"

namespace tlslab {

/// One connection's Negotiate context.
class SpnegoAcceptor {
 public:
  /// `ntlm_allowed` false: a Kerberos-only server (the kerberos_only fault).
  SpnegoAcceptor(std::shared_ptr<const NtlmAcceptorConfig> config, bool ntlm_allowed);

  /// Handles one token from `Authorization: Negotiate`:
  ///   NegTokenInit with NTLMSSP first and a NEGOTIATE -> accept-incomplete, supportedMech
  ///     NTLMSSP, responseToken CHALLENGE;
  ///   NegTokenInit with NTLMSSP further down the list -> request-mic, supportedMech NTLMSSP (the
  ///     client restarts with a NEGOTIATE in a NegTokenResp, and must send a mechListMIC);
  ///   NegTokenResp with the AUTHENTICATE -> accept-completed, with the server's mechListMIC when
  ///     the client sent one (after verifying the client's);
  ///   NegTokenInit without NTLMSSP, or with it when NTLM is not allowed -> reject token;
  ///   raw NTLMSSP -> answered raw, as the NTLM scheme would be.
  /// Rejections for bad credentials carry no token: IIS answers them with the bare offers.
  AcceptStep Step(probe::ByteView token);
  void Reset();

 private:
  AcceptStep Init(const probe::auth::NegTokenInit& init);
  AcceptStep Resp(const probe::auth::NegTokenResp& resp);
  AcceptStep Complete(const probe::auth::NegTokenResp& resp, AcceptStep step);

  enum class Phase { kIdle, kAwaitingNegotiate, kChallenged };
  NtlmAcceptor ntlm_;
  bool ntlm_allowed_;
  Phase phase_ = Phase::kIdle;
  probe::Bytes mech_type_list_;  // as the client sent it: the mechListMIC input
  bool mech_list_mic_required_ = false;
};

/// NegTokenResp { negState reject }: the acceptor's explicit "no".
probe::Bytes SpnegoRejectToken();

}  // namespace tlslab
