#include "probe/auth/token.h"

#include <fmt/format.h>

#include "probe/auth/der.h"

namespace probe::auth {
namespace {

// [APPLICATION 0] { thisMech OID, ... }: the mechanism of a GSS-API initial token, if it is one.
std::optional<MechInfo> GssMech(ByteView data, std::size_t* after_oid) {
  der::Reader top(data);
  auto app = top.Expect(der::kApplication0, "GSS-API token");
  if (!app) return std::nullopt;
  auto inner = top.Enter(*app, "GSS-API token");
  if (!inner) return std::nullopt;
  auto oid = inner->Expect(der::kOid, "GSS-API thisMech");
  if (!oid) return std::nullopt;
  if (after_oid != nullptr) *after_oid = oid->offset + oid->encoded.size();
  return FindMech(oid->contents);
}

// RFC 4121 4.1: after the OID, a two-byte TOK_ID (big-endian) and the Kerberos message.
Result<KerberosToken> ReadKerberos(ByteView data, Mech mech, std::size_t after_oid) {
  ByteReader reader(data);
  (void)reader.Skip(after_oid, "Kerberos thisMech");
  auto tok_id = reader.U16Be("Kerberos TOK_ID");
  if (!tok_id) return Fail(tok_id.error());
  return KerberosToken{mech, *tok_id, Bytes(data.begin(), data.end())};
}

Result<SpnegoMessage> ReadSpnego(ByteView data) {
  auto token = DecodeSpnego(data);
  if (!token) return Fail(token.error());
  SpnegoMessage message{std::move(*token), std::nullopt};
  const std::optional<Bytes>* inner = nullptr;
  std::string_view field;
  if (auto* init = std::get_if<NegTokenInit>(&message.token)) {
    inner = &init->mech_token;
    field = "SPNEGO mechToken";
  } else {
    inner = &std::get<NegTokenResp>(message.token).response_token;
    field = "SPNEGO responseToken";
  }
  if (*inner && !(*inner)->empty()) {
    auto decoded = DecodeMechToken(**inner);
    if (!decoded) return Fail(decoded.error().With(field));
    message.inner = std::move(*decoded);
  }
  return message;
}

}  // namespace

std::string_view KerberosTokIdName(std::uint16_t tok_id) {
  switch (tok_id) {
    case 0x0100:
      return "AP-REQ";
    case 0x0200:
      return "AP-REP";
    case 0x0300:
      return "KRB-ERROR";
    default:
      return "unknown";
  }
}

Result<MechToken> DecodeMechToken(ByteView data) {
  if (LooksLikeNtlm(data))
    return DecodeNtlmMessage(data).map([](NtlmMessage m) { return MechToken(std::move(m)); });
  std::size_t after_oid = 0;
  auto mech = GssMech(data, &after_oid);
  if (mech && IsKerberos(mech->mech)) {
    return ReadKerberos(data, mech->mech, after_oid).map([](KerberosToken k) {
      return MechToken(std::move(k));
    });
  }
  return MechToken(OpaqueToken{Bytes(data.begin(), data.end())});
}

Result<AuthToken> DecodeAuthToken(ByteView data) {
  if (LooksLikeNtlm(data)) {
    return DecodeNtlmMessage(data).map([](NtlmMessage m) { return AuthToken(std::move(m)); });
  }
  std::size_t after_oid = 0;
  auto mech = GssMech(data, &after_oid);
  if (mech && IsKerberos(mech->mech)) {
    return ReadKerberos(data, mech->mech, after_oid).map([](KerberosToken k) {
      return AuthToken(std::move(k));
    });
  }
  if (LooksLikeSpnego(data)) {
    return ReadSpnego(data).map([](SpnegoMessage m) { return AuthToken(std::move(m)); });
  }
  std::size_t shown = std::min<std::size_t>(data.size(), 8);
  return Fail(ErrorCode::kMalformed,
              fmt::format("not an NTLM, SPNEGO or Kerberos token: it starts with {}",
                          data.empty() ? std::string("nothing") : ToHex(data.first(shown))));
}

}  // namespace probe::auth
