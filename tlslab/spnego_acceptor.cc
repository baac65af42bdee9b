#include "tlslab/spnego_acceptor.h"

#include <fmt/format.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <string>
#include <utility>
#include <variant>

#include "probe/auth/gss_mechs.h"
#include "probe/auth/ntlm_message.h"

namespace tlslab {
namespace {

namespace auth = probe::auth;
using probe::Bytes;
using probe::ByteView;

bool IsNtlmOid(const Bytes& oid) {
  auto mech = auth::FindMech(oid);
  return mech && mech->mech == auth::Mech::kNtlm;
}

std::string MechNames(const std::vector<Bytes>& oids) {
  std::string out;
  for (const Bytes& oid : oids) {
    auto mech = auth::FindMech(oid);
    out += (out.empty() ? "" : ", ") + std::string(mech ? mech->name : "an unknown mechanism");
  }
  return out.empty() ? "no mechanism" : out;
}

Bytes Answer(auth::NegState state, bool supported_mech, Bytes token = {}) {
  auth::NegTokenResp resp;
  resp.neg_state = state;
  if (supported_mech) {
    ByteView oid = auth::MechOid(auth::Mech::kNtlm);
    resp.supported_mech = Bytes(oid.begin(), oid.end());
  }
  if (!token.empty()) resp.response_token = std::move(token);
  return auth::EncodeNegTokenResp(resp);
}

}  // namespace

Bytes SpnegoRejectToken() { return Answer(auth::NegState::kReject, false); }

SpnegoAcceptor::SpnegoAcceptor(std::shared_ptr<const NtlmAcceptorConfig> config, bool ntlm_allowed)
    : ntlm_(std::move(config)), ntlm_allowed_(ntlm_allowed) {}

void SpnegoAcceptor::Reset() {
  ntlm_.Reset();
  phase_ = Phase::kIdle;
  mech_type_list_.clear();
  mech_list_mic_required_ = false;
}

AcceptStep SpnegoAcceptor::Step(ByteView token) {
  if (auth::LooksLikeNtlm(token)) {
    // Raw NTLM under Negotiate: the NTLM context alone carries the state.
    phase_ = Phase::kIdle;
    mech_type_list_.clear();
    mech_list_mic_required_ = false;
    if (!ntlm_allowed_) {
      ntlm_.Reset();
      return AcceptStep::Rejected(AuthFailure::kMechanismRefused,
                                  "raw NTLM under Negotiate on a Kerberos-only server");
    }
    return ntlm_.Step(token);
  }
  auto decoded = auth::DecodeSpnego(token);
  if (!decoded) {
    Reset();
    return AcceptStep::Rejected(AuthFailure::kMalformed, decoded.error().message);
  }
  if (auto* init = std::get_if<auth::NegTokenInit>(&*decoded)) return Init(*init);
  return Resp(std::get<auth::NegTokenResp>(*decoded));
}

AcceptStep SpnegoAcceptor::Init(const auth::NegTokenInit& init) {
  Reset();
  bool offers_ntlm = std::any_of(init.mech_types.begin(), init.mech_types.end(), IsNtlmOid);
  if (!offers_ntlm || !ntlm_allowed_) {
    return AcceptStep::Rejected(
        AuthFailure::kMechanismRefused,
        fmt::format("NegTokenInit offers {}; this server {}", MechNames(init.mech_types),
                    ntlm_allowed_ ? "has no KDC and accepts only NTLMSSP" : "is Kerberos-only"),
        SpnegoRejectToken());
  }
  mech_type_list_ = init.mech_type_list;
  bool preferred = IsNtlmOid(init.mech_types.front());
  if (preferred && init.mech_token) {
    AcceptStep step = ntlm_.Step(*init.mech_token);
    if (step.kind != AcceptStep::Kind::kContinue) {
      Reset();
      return step;
    }
    phase_ = Phase::kChallenged;
    step.token = Answer(auth::NegState::kAcceptIncomplete, true, std::move(step.token));
    step.note = "SPNEGO NegTokenInit: " + step.note;
    return step;
  }
  // NTLMSSP is not the client's first choice (an optimistic Kerberos token, say): select it and
  // ask for the mechListMIC that protects the list against a downgrade (RFC 4178 section 5).
  phase_ = Phase::kAwaitingNegotiate;
  mech_list_mic_required_ = !preferred;
  return AcceptStep::Continue(
      Answer(preferred ? auth::NegState::kAcceptIncomplete : auth::NegState::kRequestMic, true),
      fmt::format("SPNEGO NegTokenInit offers {}: NTLMSSP selected, waiting for its NEGOTIATE",
                  MechNames(init.mech_types)));
}

AcceptStep SpnegoAcceptor::Resp(const auth::NegTokenResp& resp) {
  if (phase_ == Phase::kIdle) {
    return AcceptStep::Rejected(AuthFailure::kNoChallenge,
                                "a NegTokenResp on a connection without a SPNEGO context (the "
                                "handshake's state is lost, as with a new connection)");
  }
  if (!resp.response_token) {
    Reset();
    return AcceptStep::Rejected(AuthFailure::kMalformed, "NegTokenResp without a responseToken");
  }
  AcceptStep step = ntlm_.Step(*resp.response_token);
  switch (step.kind) {
    case AcceptStep::Kind::kContinue:
      phase_ = Phase::kChallenged;
      step.token = Answer(auth::NegState::kAcceptIncomplete, false, std::move(step.token));
      step.note = "SPNEGO NegTokenResp: " + step.note;
      return step;
    case AcceptStep::Kind::kAccepted:
      return Complete(resp, std::move(step));
    case AcceptStep::Kind::kRejected:
      break;
  }
  Reset();
  return step;
}

// The AUTHENTICATE verified; the mechListMIC decides the rest (RFC 4178 section 5, [MS-SPNG]
// 3.3.5.1): verified when sent, required after request-mic, answered with the server's own.
AcceptStep SpnegoAcceptor::Complete(const auth::NegTokenResp& resp, AcceptStep step) {
  const NtlmIdentity& id = *step.identity;
  Bytes list = std::move(mech_type_list_);
  bool required = mech_list_mic_required_;
  Reset();
  if (!resp.mech_list_mic) {
    if (required) {
      return AcceptStep::Rejected(AuthFailure::kBadMechListMic,
                                  "NTLMSSP was not the client's first mechanism and it sent no "
                                  "mechListMIC");
    }
    step.token = Answer(auth::NegState::kAcceptCompleted, false);
    return step;
  }
  auto expected = auth::NtlmMechListMic(id.exported_session_key, id.flags, list,
                                        auth::Direction::kClientToServer);
  if (!expected) return AcceptStep::Rejected(AuthFailure::kInternal, expected.error().message);
  if (expected->size() != resp.mech_list_mic->size() ||
      CRYPTO_memcmp(expected->data(), resp.mech_list_mic->data(), expected->size()) != 0) {
    return AcceptStep::Rejected(AuthFailure::kBadMechListMic,
                                "the client's mechListMIC does not verify");
  }
  auto ours = auth::NtlmMechListMic(id.exported_session_key, id.flags, list,
                                    auth::Direction::kServerToClient);
  if (!ours) return AcceptStep::Rejected(AuthFailure::kInternal, ours.error().message);
  auth::NegTokenResp final_token;
  final_token.neg_state = auth::NegState::kAcceptCompleted;
  final_token.mech_list_mic = std::move(*ours);
  step.token = auth::EncodeNegTokenResp(final_token);
  return step;
}

}  // namespace tlslab
