// Any bytes as an NTLM message: must decode or fail cleanly, never overrun. What decodes must
// render, re-encode and decode again; a decoded CHALLENGE must drive the client's AUTHENTICATE.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <variant>

#include "probe/auth/ntlm_client.h"
#include "probe/auth/ntlm_message.h"
#include "probe/auth/token_view.h"

namespace {

using namespace probe;
using namespace probe::auth;

Result<Bytes> Reencode(const NtlmMessage& message) {
  if (auto* n = std::get_if<NtlmNegotiate>(&message)) return EncodeNegotiate(*n);
  if (auto* c = std::get_if<NtlmChallenge>(&message)) return EncodeChallenge(*c);
  return EncodeAuthenticate(std::get<NtlmAuthenticate>(message));
}

void Answer(const NtlmChallenge& challenge) {
  AuthenticateInputs in;
  in.credentials = {"User", "Domain", "Password"};
  in.workstation = "COMPUTER";
  in.negotiate = BuildNegotiate().value_or(Bytes());
  in.challenge = challenge;
  in.flags = AuthenticateFlags(kDefaultNegotiateFlags, challenge.flags);
  in.channel_binding = ChannelBindingMode::kCorrect;
  in.channel_binding_data = TlsServerEndPointData(Bytes(32, 0xab));
  in.target_name = "HTTP/mail.contoso.com";
  auto out = BuildAuthenticate(in);
  if (out && !DecodeAuthenticate(out->message)) std::abort();  // we must parse what we send
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto message = DecodeNtlmMessage(ByteView(data, size));
  if (!message) return 0;
  (void)ViewAuthToken(AuthToken(*message), {});
  auto bytes = Reencode(*message);
  if (bytes && !DecodeNtlmMessage(*bytes)) std::abort();  // encoder output must decode
  if (auto* challenge = std::get_if<NtlmChallenge>(&*message)) Answer(*challenge);
  return 0;
}
