#include "tlslab/ntlm_acceptor.h"

#include <fmt/format.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <utility>

#include "probe/auth/ntlm_client.h"
#include "probe/auth/ntlm_crypto.h"
#include "probe/auth/ntlm_wire.h"

namespace tlslab {
namespace {

namespace auth = probe::auth;
using auth::AvFlag;
using auth::AvId;
using auth::NtlmFlag;
using probe::Bytes;
using probe::ByteView;

constexpr std::array<std::pair<AuthFailure, std::string_view>, 14> kFailureNames{{
    {AuthFailure::kMalformed, "malformed"},
    {AuthFailure::kUnexpectedMessage, "unexpected_message"},
    {AuthFailure::kNoChallenge, "no_challenge"},
    {AuthFailure::kAnonymous, "anonymous"},
    {AuthFailure::kNtlmV1, "ntlmv1"},
    {AuthFailure::kUnknownUser, "unknown_user"},
    {AuthFailure::kBadProof, "bad_proof"},
    {AuthFailure::kMissingMic, "missing_mic"},
    {AuthFailure::kBadMic, "bad_mic"},
    {AuthFailure::kMissingBinding, "missing_binding"},
    {AuthFailure::kBadBinding, "bad_binding"},
    {AuthFailure::kMechanismRefused, "mechanism_refused"},
    {AuthFailure::kBadMechListMic, "bad_mech_list_mic"},
    {AuthFailure::kInternal, "internal"},
}};

// Flags a Windows server echoes when the client asks for them. LM_KEY is left out: it belongs to
// NTLMv1, which this server refuses.
constexpr std::uint32_t kEchoedFlags = NtlmFlag::kSign | NtlmFlag::kSeal | NtlmFlag::k128 |
                                       NtlmFlag::k56 | NtlmFlag::kKeyExchange |
                                       NtlmFlag::kIdentify | NtlmFlag::kExtendedSessionSecurity;

bool Equal16(const auth::Key16& a, ByteView b) {
  return b.size() == a.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

AuthRejection Reject(AuthFailure reason, std::string detail) { return {reason, std::move(detail)}; }

std::string AccountOf(const auth::NtlmAuthenticate& m) {
  return m.domain.empty() ? m.user : m.domain + "\\" + m.user;
}

// The account the AUTHENTICATE names: its domain as sent, else (no domain, or the DNS spelling of
// ours) our NetBIOS domain.
const LabAccount* FindAccount(const NtlmVerifyContext& c, const auth::NtlmAuthenticate& m) {
  if (const LabAccount* a = c.accounts->Find(m.user, m.domain)) return a;
  if (m.domain.empty() || SameAccountName(m.domain, c.dns_domain)) {
    return c.accounts->Find(m.user, c.domain);
  }
  return nullptr;
}

// The NTLMv2 response key whose NTProofStr matches, trying the domain as sent, then an empty one.
tl::expected<auth::Key16, AuthRejection> ProveResponseKey(const NtlmVerifyContext& c,
                                                          const auth::NtlmAuthenticate& m,
                                                          const LabAccount& account) {
  const auth::NtlmV2Response& v2 = *m.ntlmv2;
  for (std::string_view domain : {std::string_view(m.domain), std::string_view()}) {
    auto key = auth::NtOwfV2FromHash(account.nt_hash, m.user, domain);
    if (!key) return tl::unexpected(Reject(AuthFailure::kInternal, key.error().message));
    auto proof = auth::NtProofStr(*key, c.server_challenge, v2.blob);
    if (!proof) return tl::unexpected(Reject(AuthFailure::kInternal, proof.error().message));
    if (Equal16(*proof, v2.nt_proof_str)) return *key;
    if (m.domain.empty()) break;
  }
  return tl::unexpected(
      Reject(AuthFailure::kBadProof, fmt::format("the NTLMv2 response of {} does not verify (wrong "
                                                 "password)",
                                                 AccountOf(m))));
}

// ExportedSessionKey (3.2.5.1.2): the client's random key when KEY_EXCH is negotiated with SIGN
// or SEAL (Windows decrypts it only then), else the session base key.
tl::expected<auth::Key16, AuthRejection> ExportedKey(const auth::NtlmAuthenticate& m,
                                                     const auth::Key16& session_base_key) {
  bool key_exchange =
      (m.flags & NtlmFlag::kKeyExchange) && (m.flags & (NtlmFlag::kSign | NtlmFlag::kSeal));
  if (!key_exchange) return session_base_key;
  if (m.encrypted_random_session_key.size() != 16) {
    return tl::unexpected(
        Reject(AuthFailure::kMalformed,
               fmt::format("KEY_EXCH with a {}-byte EncryptedRandomSessionKey (16 expected)",
                           m.encrypted_random_session_key.size())));
  }
  auto key = auth::Rc4SessionKey(session_base_key, m.encrypted_random_session_key);
  if (!key) return tl::unexpected(Reject(AuthFailure::kInternal, key.error().message));
  auth::Key16 out{};
  std::copy_n(key->begin(), out.size(), out.begin());
  return out;
}

tl::expected<bool, AuthRejection> CheckMic(const NtlmVerifyContext& c,
                                           const auth::NtlmAuthenticate& m,
                                           const auth::Key16& exported) {
  std::uint32_t av_flags = m.ntlmv2->av_pairs.Flags().value_or(0);
  if (!(av_flags & AvFlag::kMicPresent)) return false;
  if (!m.mic) {
    return tl::unexpected(Reject(AuthFailure::kMissingMic,
                                 "MsvAvFlags announces a MIC but the AUTHENTICATE header has no "
                                 "MIC field"));
  }
  auto mic = auth::ComputeMic(exported, c.negotiate, c.challenge, m.raw);
  if (!mic) return tl::unexpected(Reject(AuthFailure::kInternal, mic.error().message));
  if (!Equal16(*mic, *m.mic)) {
    return tl::unexpected(Reject(AuthFailure::kBadMic,
                                 "the MIC over NEGOTIATE, CHALLENGE and AUTHENTICATE does not "
                                 "verify (a message was altered, or the client keyed it wrongly)"));
  }
  return true;
}

// Extended Protection, as IIS's tokenChecking judges the MsvAvChannelBindings pair.
tl::expected<BindingSeen, AuthRejection> CheckBinding(const NtlmVerifyContext& c,
                                                      const auth::NtlmAuthenticate& m) {
  const auth::AvPair* pair = m.ntlmv2->av_pairs.Find(AvId::kChannelBindings);
  BindingSeen seen = BindingSeen::kAbsent;
  if (pair) {
    if (pair->value.size() != auth::kChannelBindingsSize) {
      return tl::unexpected(Reject(
          AuthFailure::kBadBinding,
          fmt::format("MsvAvChannelBindings has {} bytes (16 expected)", pair->value.size())));
    }
    bool zero =
        std::all_of(pair->value.begin(), pair->value.end(), [](std::uint8_t b) { return b == 0; });
    bool match = c.expected_binding && Equal16(*c.expected_binding, pair->value);
    seen = zero ? BindingSeen::kZero : match ? BindingSeen::kMatched : BindingSeen::kMismatched;
  }
  switch (c.epa) {
    case EpaMode::kOff:
      return seen;
    case EpaMode::kAccept:
      if (seen == BindingSeen::kZero) {
        return tl::unexpected(Reject(AuthFailure::kBadBinding,
                                     "an all-zero channel binding (epa accept refuses it, as IIS "
                                     "Allow does; only a client without the pair is let in)"));
      }
      break;
    case EpaMode::kRequire:
      if (seen == BindingSeen::kAbsent || seen == BindingSeen::kZero) {
        return tl::unexpected(
            Reject(AuthFailure::kMissingBinding,
                   fmt::format("epa require: the client sent {} channel binding",
                               seen == BindingSeen::kAbsent ? "no" : "an all-zero")));
      }
      break;
  }
  if (seen == BindingSeen::kMismatched) {
    return tl::unexpected(Reject(AuthFailure::kBadBinding,
                                 "the channel binding does not match this listener's certificate "
                                 "(TLS terminated elsewhere, or a wrong hash)"));
  }
  return seen;
}

tl::expected<void, AuthRejection> CheckResponseKind(const auth::NtlmAuthenticate& m) {
  if ((m.flags & NtlmFlag::kAnonymous) || (m.user.empty() && m.nt_response.empty())) {
    return tl::unexpected(Reject(AuthFailure::kAnonymous, "anonymous NTLM is refused"));
  }
  switch (m.ResponseKind()) {
    case auth::NtResponseKind::kNtlmV2:
      return {};
    case auth::NtResponseKind::kNtlmV1:
      return tl::unexpected(
          Reject(AuthFailure::kNtlmV1,
                 fmt::format("{} answered with NTLMv1, refused as LmCompatibilityLevel 5 does",
                             AccountOf(m))));
    case auth::NtResponseKind::kEmpty:
      break;
  }
  return tl::unexpected(
      Reject(AuthFailure::kNtlmV1,
             fmt::format("{} sent only an LM response, refused as LmCompatibilityLevel 5 does",
                         AccountOf(m))));
}

std::uint32_t MessageType(ByteView message) {
  if (!auth::LooksLikeNtlm(message) || message.size() < 12) return 0;
  probe::ByteReader reader(message.subspan(8, 4));
  return reader.U32Le("MessageType").value_or(0);
}

}  // namespace

std::string_view AuthFailureName(AuthFailure failure) {
  for (const auto& [f, name] : kFailureNames) {
    if (f == failure) return name;
  }
  return "?";
}

std::string_view BindingSeenName(BindingSeen seen) {
  switch (seen) {
    case BindingSeen::kAbsent:
      return "absent";
    case BindingSeen::kZero:
      return "zero";
    case BindingSeen::kMatched:
      return "matched";
    case BindingSeen::kMismatched:
      return "mismatched";
  }
  return "?";
}

auth::NtlmVersion WindowsVersion(WindowsServer server) {
  switch (server) {
    case WindowsServer::k2008R2:
      return {6, 1, 7601, auth::kNtlmRevisionW2k3};
    case WindowsServer::k2012R2:
      return {6, 3, 9600, auth::kNtlmRevisionW2k3};
    case WindowsServer::k2016:
      return {10, 0, 14393, auth::kNtlmRevisionW2k3};
    case WindowsServer::k2019:
      return {10, 0, 17763, auth::kNtlmRevisionW2k3};
    case WindowsServer::k2022:
      return {10, 0, 20348, auth::kNtlmRevisionW2k3};
  }
  return {10, 0, 14393, auth::kNtlmRevisionW2k3};
}

NtlmServerIdentity ServerIdentity(const AuthSettings& settings) {
  return {settings.computer, settings.domain, settings.DnsComputer(), settings.dns_domain,
          WindowsVersion(settings.windows)};
}

NtlmEnvironment NtlmEnvironment::System() {
  NtlmEnvironment env;
  env.server_challenge = []() -> probe::Result<auth::Block8> {
    auto bytes = auth::RandomBytes(8);
    if (!bytes) return tl::unexpected(bytes.error());
    auth::Block8 out{};
    std::copy_n(bytes->begin(), out.size(), out.begin());
    return out;
  };
  env.filetime_now = [] {
    auto now = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::system_clock::now().time_since_epoch());
    return auth::FiletimeFromUnixMicros(now.count());
  };
  return env;
}

std::uint32_t ChallengeFlags(std::uint32_t negotiate_flags) {
  std::uint32_t flags = NtlmFlag::kRequestTarget | NtlmFlag::kNtlm | NtlmFlag::kAlwaysSign |
                        NtlmFlag::kTargetTypeDomain | NtlmFlag::kTargetInfo | NtlmFlag::kVersion;
  flags |= (negotiate_flags & NtlmFlag::kUnicode) || !(negotiate_flags & NtlmFlag::kOem)
               ? NtlmFlag::kUnicode
               : NtlmFlag::kOem;
  return flags | (negotiate_flags & kEchoedFlags);
}

probe::Result<auth::NtlmChallenge> BuildChallenge(const auth::NtlmNegotiate& negotiate,
                                                  const NtlmServerIdentity& server,
                                                  const auth::Block8& server_challenge,
                                                  std::uint64_t filetime) {
  auth::NtlmChallenge c;
  c.flags = ChallengeFlags(negotiate.flags);
  c.target_name = server.domain;
  c.server_challenge = server_challenge;
  c.version = server.version;
  Bytes timestamp(auth::kAvTimestampSize);
  for (std::size_t i = 0; i < timestamp.size(); ++i) {
    timestamp[i] = static_cast<std::uint8_t>(filetime >> (8 * i));
  }
  c.target_info.pairs = {
      auth::Utf16AvPair(AvId::kNbDomainName, server.domain),
      auth::Utf16AvPair(AvId::kNbComputerName, server.computer),
      auth::Utf16AvPair(AvId::kDnsDomainName, server.dns_domain),
      auth::Utf16AvPair(AvId::kDnsComputerName, server.dns_computer),
      auth::Utf16AvPair(AvId::kDnsTreeName, server.dns_domain),
      auth::BytesAvPair(AvId::kTimestamp, timestamp),
  };
  auto raw = auth::EncodeChallenge(c);
  if (!raw) return tl::unexpected(raw.error());
  c.raw = std::move(*raw);
  return c;
}

NtlmVerdict VerifyAuthenticate(const NtlmVerifyContext& c, ByteView authenticate) {
  auto m = auth::DecodeAuthenticate(authenticate);
  if (!m) return tl::unexpected(Reject(AuthFailure::kMalformed, m.error().message));
  if (auto ok = CheckResponseKind(*m); !ok) return tl::unexpected(ok.error());
  if (!m->ntlmv2) return tl::unexpected(Reject(AuthFailure::kMalformed, "no NTLMv2 response"));
  const LabAccount* account = c.accounts ? FindAccount(c, *m) : nullptr;
  if (account == nullptr) {
    return tl::unexpected(
        Reject(AuthFailure::kUnknownUser, fmt::format("no account {}", AccountOf(*m))));
  }
  auto key = ProveResponseKey(c, *m, *account);
  if (!key) return tl::unexpected(key.error());
  auto base_key = auth::NtlmV2SessionBaseKey(*key, m->ntlmv2->nt_proof_str);
  if (!base_key) return tl::unexpected(Reject(AuthFailure::kInternal, base_key.error().message));
  auto exported = ExportedKey(*m, *base_key);
  if (!exported) return tl::unexpected(exported.error());
  auto mic = CheckMic(c, *m, *exported);
  if (!mic) return tl::unexpected(mic.error());
  auto binding = CheckBinding(c, *m);
  if (!binding) return tl::unexpected(binding.error());

  NtlmIdentity identity;
  identity.account = account;
  identity.workstation = m->workstation;
  identity.flags = m->flags;
  identity.exported_session_key = *exported;
  identity.mic_verified = *mic;
  identity.binding = *binding;
  return identity;
}

AcceptStep AcceptStep::Continue(Bytes token, std::string note) {
  AcceptStep step;
  step.kind = Kind::kContinue;
  step.token = std::move(token);
  step.note = std::move(note);
  return step;
}

AcceptStep AcceptStep::Accepted(NtlmIdentity identity, Bytes token) {
  AcceptStep step;
  step.kind = Kind::kAccepted;
  step.identity = std::move(identity);
  step.token = std::move(token);
  return step;
}

AcceptStep AcceptStep::Rejected(AuthFailure reason, std::string detail, Bytes token) {
  AcceptStep step;
  step.kind = Kind::kRejected;
  step.rejection = AuthRejection{reason, std::move(detail)};
  step.token = std::move(token);
  return step;
}

NtlmAcceptor::NtlmAcceptor(std::shared_ptr<const NtlmAcceptorConfig> config)
    : config_(std::move(config)) {}

AcceptStep NtlmAcceptor::Step(ByteView message) {
  switch (MessageType(message)) {
    case static_cast<std::uint32_t>(auth::NtlmMessageType::kNegotiate):
      return Negotiate(message);
    case static_cast<std::uint32_t>(auth::NtlmMessageType::kAuthenticate):
      return Authenticate(message);
    case static_cast<std::uint32_t>(auth::NtlmMessageType::kChallenge):
      pending_.reset();
      return AcceptStep::Rejected(AuthFailure::kUnexpectedMessage,
                                  "the client sent a CHALLENGE message");
    default:
      pending_.reset();
      return AcceptStep::Rejected(AuthFailure::kMalformed,
                                  fmt::format("not an NTLM message ({} bytes)", message.size()));
  }
}

AcceptStep NtlmAcceptor::Negotiate(ByteView message) {
  pending_.reset();
  auto negotiate = auth::DecodeNegotiate(message);
  if (!negotiate) return AcceptStep::Rejected(AuthFailure::kMalformed, negotiate.error().message);
  auto server_challenge = config_->environment.server_challenge();
  if (!server_challenge) {
    return AcceptStep::Rejected(AuthFailure::kInternal, server_challenge.error().message);
  }
  auto challenge = BuildChallenge(*negotiate, config_->server, *server_challenge,
                                  config_->environment.filetime_now());
  if (!challenge) return AcceptStep::Rejected(AuthFailure::kInternal, challenge.error().message);
  pending_ = Pending{Bytes(message.begin(), message.end()), challenge->raw, *server_challenge};
  return AcceptStep::Continue(
      challenge->raw,
      fmt::format("NEGOTIATE (flags 0x{:08x}) -> CHALLENGE from {}\\{}", negotiate->flags,
                  config_->server.domain, config_->server.computer));
}

AcceptStep NtlmAcceptor::Authenticate(ByteView message) {
  if (!pending_) {
    return AcceptStep::Rejected(AuthFailure::kNoChallenge,
                                "an AUTHENTICATE on a connection that has no CHALLENGE pending "
                                "(the handshake's state is lost, as with a new connection)");
  }
  Pending pending = std::move(*pending_);
  pending_.reset();
  NtlmVerifyContext context;
  context.accounts = config_->accounts.get();
  context.domain = config_->server.domain;
  context.dns_domain = config_->server.dns_domain;
  context.server_challenge = pending.server_challenge;
  context.negotiate = pending.negotiate;
  context.challenge = pending.challenge;
  context.epa = config_->epa;
  context.expected_binding = config_->expected_binding;
  auto verdict = VerifyAuthenticate(context, message);
  if (!verdict) {
    return AcceptStep::Rejected(verdict.error().reason, std::move(verdict.error().detail));
  }
  return AcceptStep::Accepted(std::move(*verdict));
}

}  // namespace tlslab
