// Any bytes as a Negotiate token (SPNEGO DER, raw NTLM or Kerberos) and as pasted text: must
// decode or fail cleanly. A decoded SPNEGO token must re-encode to something that decodes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "probe/auth/der.h"
#include "probe/auth/spnego.h"
#include "probe/auth/token.h"
#include "probe/auth/token_input.h"
#include "probe/auth/token_view.h"

namespace {

using namespace probe;
using namespace probe::auth;

void Reencode(const SpnegoToken& token) {
  Bytes bytes = std::holds_alternative<NegTokenInit>(token)
                    ? EncodeNegTokenInit(std::get<NegTokenInit>(token))
                    : EncodeNegTokenResp(std::get<NegTokenResp>(token));
  if (!DecodeSpnego(bytes)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView input(data, size);
  (void)der::Validate(input);
  if (auto spnego = DecodeSpnego(input)) Reencode(*spnego);
  if (auto token = DecodeAuthToken(input)) (void)ViewAuthToken(*token, {.show_secrets = true});
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto parsed = ParseTokenText(text)) (void)DecodeAuthToken(parsed->bytes);
  return 0;
}
