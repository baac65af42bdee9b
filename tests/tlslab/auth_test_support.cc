#include "tests/tlslab/auth_test_support.h"

#include <variant>

#include "probe/auth/gss_mechs.h"
#include "probe/auth/ntlm_message.h"
#include "tlslab/lab_accounts.h"

namespace tlslab::labtest {

namespace auth = probe::auth;
using probe::Bytes;
using probe::ByteView;

std::vector<UserSpec> LabUsers() {
  return {{"CONTOSO\\alice", "CONTOSO", "alice", "Passw0rd!", 1},
          {"CONTOSO\\bob", "CONTOSO", "bob", "Lab-Only-Bob-2016", 3}};
}

AuthSettings LabSettings() {
  AuthSettings s;
  s.computer = "EX2016FE";
  s.domain = "CONTOSO";
  s.dns_domain = "contoso.test";
  return s;
}

NtlmEnvironment PinnedEnvironment() {
  NtlmEnvironment env;
  env.server_challenge = [] {
    return probe::Result<auth::Block8>(
        auth::Block8{0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef});
  };
  env.filetime_now = [] { return 0x01d9a0b0c0d0e0f0ULL; };
  return env;
}

Bytes FakeCertificateHash() {
  Bytes hash(32);
  for (std::size_t i = 0; i < hash.size(); ++i) hash[i] = static_cast<std::uint8_t>(0xc0 + i);
  return hash;
}

std::shared_ptr<const NtlmAcceptorConfig> AcceptorConfig(EpaMode epa, NtlmEnvironment environment) {
  auto config = std::make_shared<NtlmAcceptorConfig>();
  config->server = ServerIdentity(LabSettings());
  config->accounts = std::make_shared<const AccountStore>(AccountStore::Create(LabUsers()).value());
  config->epa = epa;
  config->expected_binding =
      auth::ChannelBindingHash(auth::TlsServerEndPointData(FakeCertificateHash())).value();
  config->environment = std::move(environment);
  return config;
}

TestClient::TestClient(ClientOptions options)
    : options_(std::move(options)),
      negotiate_(auth::BuildNegotiate(options_.negotiate_flags).value()) {}

std::uint32_t TestClient::FlagsFor(ByteView challenge) const {
  auto decoded = auth::DecodeChallenge(challenge);
  return decoded ? auth::AuthenticateFlags(options_.negotiate_flags, decoded->flags) : 0;
}

probe::Result<auth::AuthenticateOutput> TestClient::Authenticate(ByteView challenge) const {
  auto decoded = auth::DecodeChallenge(challenge);
  if (!decoded) return tl::unexpected(decoded.error());
  auth::AuthenticateInputs in;
  in.credentials = options_.credentials;
  in.workstation = "WS01";
  in.negotiate = negotiate_;
  in.challenge = *decoded;
  in.flags = auth::AuthenticateFlags(options_.negotiate_flags, decoded->flags);
  in.client_challenge = {0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00, 0x11};
  in.timestamp = 0x01d9000000000000ULL;
  in.random_session_key.fill(0x5a);
  in.channel_binding = options_.binding;
  in.channel_binding_data = auth::TlsServerEndPointData(options_.certificate_hash);
  in.target_name = auth::HttpTargetName("mail.contoso.test");
  in.mic = options_.mic;
  return auth::BuildAuthenticate(in);
}

Bytes TestClient::SpnegoInit() const {
  const auth::Mech mechs[] = {auth::Mech::kNtlm};
  auth::NegTokenInit init;
  init.mech_type_list = auth::EncodeMechTypeList(mechs);
  init.mech_token = negotiate_;
  return auth::EncodeNegTokenInit(init);
}

probe::Result<Bytes> TestClient::SpnegoAuthenticate(ByteView challenge, bool mech_list_mic,
                                                    Bytes mech_type_list) const {
  auto out = Authenticate(challenge);
  if (!out) return tl::unexpected(out.error());
  if (mech_type_list.empty()) {
    const auth::Mech mechs[] = {auth::Mech::kNtlm};
    mech_type_list = auth::EncodeMechTypeList(mechs);
  }
  auth::NegTokenResp resp;
  resp.response_token = out->message;
  if (mech_list_mic) {
    auto mic = auth::NtlmMechListMic(out->exported_session_key, FlagsFor(challenge), mech_type_list,
                                     auth::Direction::kClientToServer);
    if (!mic) return tl::unexpected(mic.error());
    resp.mech_list_mic = *mic;
  }
  return auth::EncodeNegTokenResp(resp);
}

std::optional<Bytes> ChallengeIn(ByteView token) {
  if (auth::LooksLikeNtlm(token)) return Bytes(token.begin(), token.end());
  auto decoded = auth::DecodeSpnego(token);
  if (!decoded) return std::nullopt;
  auto* resp = std::get_if<auth::NegTokenResp>(&*decoded);
  if (!resp || !resp->response_token) return std::nullopt;
  return *resp->response_token;
}

}  // namespace tlslab::labtest
