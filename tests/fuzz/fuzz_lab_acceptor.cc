// Feeds arbitrary client tokens to tlslab's acceptor, the way a hostile client would: the first
// byte picks the path (raw NTLM after a NEGOTIATE, SPNEGO after a NegTokenInit, SPNEGO on a fresh
// context, or a whole Authorization header through the HTTP layer), the rest is the token. The
// server challenge is pinned, so a seed holding a valid AUTHENTICATE reaches the MIC, binding and
// mechListMIC checks. Every input must end in a typed answer: never a crash, an accept without an
// account, or a refusal without a reason.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "probe/auth/base64.h"
#include "probe/auth/channel_binding.h"
#include "probe/auth/gss_mechs.h"
#include "probe/auth/ntlm_client.h"
#include "probe/auth/spnego.h"
#include "tlslab/http_auth.h"
#include "tlslab/ntlm_acceptor.h"
#include "tlslab/spnego_acceptor.h"

namespace {

using namespace tlslab;
namespace auth = probe::auth;

AuthSettings Settings() {
  AuthSettings s;
  s.computer = "EX2016FE";
  s.domain = "CONTOSO";
  s.dns_domain = "contoso.test";
  s.epa = EpaMode::kAccept;
  return s;
}

NtlmEnvironment Pinned() {
  NtlmEnvironment env;
  env.server_challenge = [] {
    return probe::Result<auth::Block8>(auth::Block8{1, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef});
  };
  env.filetime_now = [] { return 0x01d9a0b0c0d0e0f0ULL; };
  return env;
}

const std::shared_ptr<ListenerAuth>& Listener() {
  static const std::shared_ptr<ListenerAuth> listener = [] {
    std::vector<UserSpec> users = {{"CONTOSO\\alice", "CONTOSO", "alice", "Passw0rd!", 1}};
    auto binding = auth::ChannelBindingHash(auth::TlsServerEndPointData(probe::Bytes(32, 0xc0)));
    auto created = ListenerAuth::Create(Settings(), users, *binding, Pinned());
    if (!created) __builtin_trap();
    return *created;
  }();
  return listener;
}

void Check(const AcceptStep& step) {
  switch (step.kind) {
    case AcceptStep::Kind::kAccepted:
      if (!step.identity || step.identity->account == nullptr) __builtin_trap();
      break;
    case AcceptStep::Kind::kRejected:
      if (!step.rejection || step.rejection->detail.empty()) __builtin_trap();
      break;
    case AcceptStep::Kind::kContinue:
      if (step.token.empty()) __builtin_trap();
      break;
  }
}

probe::Bytes SpnegoInit(const probe::Bytes& negotiate) {
  const auth::Mech mechs[] = {auth::Mech::kNtlm};
  auth::NegTokenInit init;
  init.mech_type_list = auth::EncodeMechTypeList(mechs);
  init.mech_token = negotiate;
  return auth::EncodeNegTokenInit(init);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  probe::ByteView token(data + 1, size - 1);
  static const probe::Bytes negotiate = auth::BuildNegotiate().value_or(probe::Bytes());
  const auto& config = Listener()->ntlm();
  switch (data[0] % 4) {
    case 0: {
      NtlmAcceptor acceptor(config);
      Check(acceptor.Step(negotiate));
      Check(acceptor.Step(token));
      break;
    }
    case 1: {
      SpnegoAcceptor acceptor(config, true);
      Check(acceptor.Step(SpnegoInit(negotiate)));
      Check(acceptor.Step(token));
      break;
    }
    case 2: {
      SpnegoAcceptor acceptor(config, true);
      Check(acceptor.Step(token));
      Check(acceptor.Step(token));
      break;
    }
    default: {
      ConnectionAuth connection(Listener());
      HttpRequest request{"GET", "/EWS/Exchange.asmx", {}, ""};
      request.headers.emplace_back(
          "Authorization", std::string(reinterpret_cast<const char*>(token.data()), token.size()));
      AuthDecision decision = connection.Handle(request);
      if (!decision.response && decision.account.empty()) __builtin_trap();
      break;
    }
  }
  return 0;
}
