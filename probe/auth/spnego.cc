#include "probe/auth/spnego.h"

#include <fmt/format.h>

#include "probe/auth/der.h"

namespace probe::auth {
namespace {

using der::AppendTlv;
using der::Context;

tl::unexpected<Error> Malformed(std::string_view field, std::size_t offset, std::string what) {
  return Fail(ErrorCode::kMalformed, fmt::format("{} at offset {}: {}", field, offset, what));
}

// The single element inside an EXPLICIT context tag [n], with the reader of its level (to
// descend further).
struct Inner {
  der::Reader level;
  der::Element element;
};

Result<Inner> Explicit(const der::Reader& outer, const der::Element& tagged, std::uint8_t inner_tag,
                       std::string_view field) {
  auto reader = outer.Enter(tagged, field);
  if (!reader) return Fail(reader.error());
  auto inner = reader->Expect(inner_tag, field);
  if (!inner) return Fail(inner.error());
  if (!reader->empty()) return Malformed(field, reader->offset(), "unexpected trailing element");
  return Inner{*reader, *inner};
}

Result<Bytes> ExplicitBytes(const der::Reader& outer, const der::Element& tagged,
                            std::uint8_t inner_tag, std::string_view field) {
  return Explicit(outer, tagged, inner_tag, field).map([](const Inner& inner) {
    return Bytes(inner.element.contents.begin(), inner.element.contents.end());
  });
}

// The reader over a constructed element found inside an EXPLICIT tag.
Result<der::Reader> EnterExplicit(const der::Reader& outer, const der::Element& tagged,
                                  std::uint8_t inner_tag, std::string_view field,
                                  der::Element* element = nullptr) {
  auto inner = Explicit(outer, tagged, inner_tag, field);
  if (!inner) return Fail(inner.error());
  if (element != nullptr) *element = inner->element;
  return inner->level.Enter(inner->element, field);
}

Result<void> ReadMechTypes(const der::Reader& outer, const der::Element& tagged,
                           NegTokenInit& token) {
  der::Element list;
  auto reader = EnterExplicit(outer, tagged, der::kSequence, "SPNEGO mechTypes", &list);
  if (!reader) return Fail(reader.error());
  token.mech_type_list.assign(list.encoded.begin(), list.encoded.end());
  while (!reader->empty()) {
    auto oid = reader->Expect(der::kOid, "SPNEGO mechTypes OID");
    if (!oid) return Fail(oid.error());
    token.mech_types.emplace_back(oid->contents.begin(), oid->contents.end());
  }
  return {};
}

// negHints ::= SEQUENCE { hintName [0] GeneralString OPTIONAL, hintAddress [1] OCTET STRING OPT }
Result<void> ReadNegHints(const der::Reader& outer, const der::Element& tagged,
                          NegTokenInit& token) {
  auto reader = EnterExplicit(outer, tagged, der::kSequence, "SPNEGO negHints");
  if (!reader) return Fail(reader.error());
  while (!reader->empty()) {
    auto field = reader->Read("SPNEGO negHints field");
    if (!field) return Fail(field.error());
    if (field->tag != Context(0)) continue;  // hintAddress: not shown
    auto name = ExplicitBytes(*reader, *field, der::kGeneralString, "SPNEGO hintName");
    if (!name) return Fail(name.error());
    token.neg_hints_name = std::string(name->begin(), name->end());
  }
  return {};
}

Result<void> ReadInitField(const der::Reader& reader, const der::Element& field,
                           NegTokenInit& token) {
  auto octets = [&](std::string_view name, std::optional<Bytes>& out) -> Result<void> {
    auto bytes = ExplicitBytes(reader, field, der::kOctetString, name);
    if (!bytes) return Fail(bytes.error());
    out = std::move(*bytes);
    return {};
  };
  if (field.tag == Context(0)) return ReadMechTypes(reader, field, token);
  if (field.tag == Context(1)) {
    auto flags = ExplicitBytes(reader, field, der::kBitString, "SPNEGO reqFlags");
    if (!flags) return Fail(flags.error());
    token.req_flags = std::move(*flags);
    return {};
  }
  if (field.tag == Context(2)) return octets("SPNEGO mechToken", token.mech_token);
  bool hints = field.contents.size() > 0 && field.contents[0] == der::kSequence;
  if (field.tag == Context(3) && hints) return ReadNegHints(reader, field, token);
  if (field.tag == Context(3) || field.tag == Context(4)) {
    return octets("SPNEGO mechListMIC", token.mech_list_mic);
  }
  return Malformed("SPNEGO NegTokenInit", field.offset,
                   fmt::format("unexpected field with tag 0x{:02x}", field.tag));
}

Result<void> ReadRespField(const der::Reader& reader, const der::Element& field,
                           NegTokenResp& token) {
  if (field.tag == Context(0)) {
    auto state = Explicit(reader, field, der::kEnumerated, "SPNEGO negState");
    if (!state) return Fail(state.error());
    ByteView value = state->element.contents;
    if (value.size() != 1 || value[0] > 3) {
      return Malformed("SPNEGO negState", state->element.offset,
                       fmt::format("value {} is not 0..3", ToHex(value)));
    }
    token.neg_state = static_cast<NegState>(value[0]);
    return {};
  }
  std::optional<Bytes>* out = field.tag == Context(1)   ? &token.supported_mech
                              : field.tag == Context(2) ? &token.response_token
                              : field.tag == Context(3) ? &token.mech_list_mic
                                                        : nullptr;
  if (out == nullptr) {
    return Malformed("SPNEGO NegTokenResp", field.offset,
                     fmt::format("unexpected field with tag 0x{:02x}", field.tag));
  }
  std::uint8_t tag = field.tag == Context(1) ? der::kOid : der::kOctetString;
  std::string_view name = field.tag == Context(1)   ? "SPNEGO supportedMech"
                          : field.tag == Context(2) ? "SPNEGO responseToken"
                                                    : "SPNEGO mechListMIC";
  auto bytes = ExplicitBytes(reader, field, tag, name);
  if (!bytes) return Fail(bytes.error());
  *out = std::move(*bytes);
  return {};
}

// Reads the SEQUENCE inside [0] or [1] and hands each field to `read_field`.
template <class Token, class ReadField>
Result<SpnegoToken> ReadSequence(const der::Reader& outer, const der::Element& choice,
                                 std::string_view name, ReadField read_field) {
  auto reader = EnterExplicit(outer, choice, der::kSequence, name);
  if (!reader) return Fail(reader.error());
  Token token;
  while (!reader->empty()) {
    auto field = reader->Read(name);
    if (!field) return Fail(field.error());
    if (auto ok = read_field(*reader, *field, token); !ok) return Fail(ok.error());
  }
  return SpnegoToken(std::move(token));
}

Result<SpnegoToken> ReadNegotiationToken(const der::Reader& reader, const der::Element& choice) {
  if (choice.tag == Context(0)) {
    return ReadSequence<NegTokenInit>(reader, choice, "SPNEGO NegTokenInit", ReadInitField);
  }
  if (choice.tag == Context(1)) {
    return ReadSequence<NegTokenResp>(reader, choice, "SPNEGO NegTokenResp", ReadRespField);
  }
  return Malformed(
      "SPNEGO NegotiationToken", choice.offset,
      fmt::format("tag 0x{:02x} is neither [0] NegTokenInit nor [1] NegTokenResp", choice.tag));
}

// InitialContextToken: [APPLICATION 0] { OID 1.3.6.1.5.5.2, NegotiationToken }.
Result<SpnegoToken> ReadInitialContextToken(const der::Reader& top, const der::Element& app) {
  auto reader = top.Enter(app, "GSS-API InitialContextToken");
  if (!reader) return Fail(reader.error());
  auto oid = reader->Expect(der::kOid, "GSS-API thisMech");
  if (!oid) return Fail(oid.error());
  auto mech = FindMech(oid->contents);
  if (!mech || mech->mech != Mech::kSpnego) {
    auto dotted = der::OidToString(oid->contents);
    return Malformed("GSS-API thisMech", oid->offset,
                     fmt::format("mechanism {} is not SPNEGO", dotted ? *dotted : "(invalid)"));
  }
  auto choice = reader->Read("SPNEGO NegotiationToken");
  if (!choice) return Fail(choice.error());
  if (!reader->empty()) {
    return Malformed("GSS-API InitialContextToken", reader->offset(), "trailing bytes");
  }
  return ReadNegotiationToken(*reader, *choice);
}

void AppendExplicit(ByteWriter& out, int n, std::uint8_t tag, ByteView contents) {
  AppendTlv(out, Context(n), der::Tlv(tag, contents));
}

}  // namespace

std::string_view NegStateName(NegState state) {
  switch (state) {
    case NegState::kAcceptCompleted:
      return "accept-completed";
    case NegState::kAcceptIncomplete:
      return "accept-incomplete";
    case NegState::kReject:
      return "reject";
    case NegState::kRequestMic:
      return "request-mic";
  }
  return "unknown";
}

bool LooksLikeSpnego(ByteView data) {
  return !data.empty() &&
         (data[0] == der::kApplication0 || data[0] == Context(0) || data[0] == Context(1));
}

Result<SpnegoToken> DecodeSpnego(ByteView token) {
  if (auto ok = der::Validate(token); !ok) return Fail(ok.error().With("SPNEGO"));
  der::Reader reader(token);
  auto top = reader.Read("SPNEGO token");
  if (!top) return Fail(top.error());
  if (!reader.empty()) {
    return Malformed(
        "SPNEGO token", reader.offset(),
        fmt::format("{} trailing byte(s) after the token", token.size() - reader.offset()));
  }
  if (top->tag == der::kApplication0) return ReadInitialContextToken(reader, *top);
  return ReadNegotiationToken(reader, *top);
}

Bytes EncodeMechTypeList(std::span<const Mech> mechs) {
  ByteWriter oids;
  for (Mech mech : mechs) AppendTlv(oids, der::kOid, MechOid(mech));
  return der::Tlv(der::kSequence, oids.bytes());
}

Bytes EncodeNegTokenInit(const NegTokenInit& token) {
  ByteWriter fields;
  Bytes mech_list = token.mech_type_list;
  if (mech_list.empty()) {
    ByteWriter oids;
    for (const Bytes& oid : token.mech_types) AppendTlv(oids, der::kOid, oid);
    mech_list = der::Tlv(der::kSequence, oids.bytes());
  }
  AppendTlv(fields, Context(0), mech_list);
  if (token.req_flags) AppendExplicit(fields, 1, der::kBitString, *token.req_flags);
  if (token.mech_token) AppendExplicit(fields, 2, der::kOctetString, *token.mech_token);
  if (token.mech_list_mic) AppendExplicit(fields, 3, der::kOctetString, *token.mech_list_mic);
  ByteWriter inner;
  AppendTlv(inner, der::kOid, MechOid(Mech::kSpnego));
  AppendTlv(inner, Context(0), der::Tlv(der::kSequence, fields.bytes()));
  return der::Tlv(der::kApplication0, inner.bytes());
}

Bytes EncodeNegTokenResp(const NegTokenResp& token) {
  ByteWriter fields;
  if (token.neg_state) {
    std::uint8_t state = static_cast<std::uint8_t>(*token.neg_state);
    AppendExplicit(fields, 0, der::kEnumerated, ByteView(&state, 1));
  }
  if (token.supported_mech) AppendExplicit(fields, 1, der::kOid, *token.supported_mech);
  if (token.response_token) AppendExplicit(fields, 2, der::kOctetString, *token.response_token);
  if (token.mech_list_mic) AppendExplicit(fields, 3, der::kOctetString, *token.mech_list_mic);
  return der::Tlv(Context(1), der::Tlv(der::kSequence, fields.bytes()));
}

Result<Bytes> NtlmMechListMic(ByteView exported_session_key, std::uint32_t flags,
                              ByteView mech_type_list, Direction direction) {
  auto security = NtlmSessionSecurity::Create(exported_session_key, flags, direction);
  if (!security) return Fail(security.error());
  return security->Sign(mech_type_list);
}

}  // namespace probe::auth
