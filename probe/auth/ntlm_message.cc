#include "probe/auth/ntlm_message.h"

#include <fmt/format.h>

#include <algorithm>
#include <initializer_list>
#include <string_view>

#include "probe/auth/unicode.h"

namespace probe::auth {
namespace {

// ---- decoding helpers -----------------------------------------------------------------------

tl::unexpected<Error> NotNtlm(ByteView signature) {
  return Fail(ErrorCode::kMalformed,
              fmt::format("not an NTLM message: it starts with {} instead of \"NTLMSSP\\0\"",
                          ToHex(signature)));
}

// Checks the signature and reads the message type; returns a reader positioned after them.
Result<std::uint32_t> ReadMessageType(ByteReader& reader) {
  auto signature = reader.Take(kNtlmSignature.size(), "NTLM Signature");
  if (!signature) return Fail(signature.error());
  if (!std::equal(signature->begin(), signature->end(), kNtlmSignature.begin())) {
    return NotNtlm(*signature);
  }
  return reader.U32Le("NTLM MessageType");
}

Result<ByteReader> OpenMessage(ByteView data, NtlmMessageType expected) {
  ByteReader reader(data);
  auto type = ReadMessageType(reader);
  if (!type) return Fail(type.error());
  if (*type != static_cast<std::uint32_t>(expected)) {
    return Fail(ErrorCode::kMalformed,
                fmt::format("NTLM MessageType {} at offset 8 is not {} ({})", *type,
                            static_cast<std::uint32_t>(expected), NtlmMessageTypeName(expected)));
  }
  return reader;
}

// Reads an 8-byte field descriptor: Len u16, MaxLen u16, BufferOffset u32.
Result<NtlmFieldRef> ReadFieldRef(ByteReader& reader, std::string_view message,
                                  std::string_view field) {
  auto raw = reader.Take(8, fmt::format("{} {}Fields", message, field));
  if (!raw) return Fail(raw.error());
  ByteReader r(*raw);
  NtlmFieldRef ref;
  ref.length = *r.U16Le("Len");
  ref.max_length = *r.U16Le("MaxLen");
  ref.offset = *r.U32Le("BufferOffset");
  return ref;
}

// Where the payload starts: the lowest offset of a non-empty field, or the message end.
std::size_t PayloadStart(ByteView data, std::initializer_list<const NtlmFieldRef*> refs) {
  std::size_t start = data.size();
  for (const NtlmFieldRef* ref : refs) {
    if (ref->length > 0) start = std::min<std::size_t>(start, ref->offset);
  }
  return start;
}

// The bytes a descriptor points at; fails if they leave the message or overlap the header.
Result<ByteView> FieldBytes(ByteView data, const NtlmFieldRef& ref, std::size_t min_header,
                            std::string_view message, std::string_view field) {
  std::string name = fmt::format("{} {}", message, field);
  if (ref.length > 0 && ref.offset < min_header) {
    return Fail(ErrorCode::kMalformed,
                fmt::format("{} at offset {} with length {} overlaps the {}-byte header", name,
                            ref.offset, ref.length, min_header));
  }
  return ByteReader(data).At(ref.offset, ref.length, name);
}

// A reader over exactly the bytes of a field, whose offsets are those of the whole message.
Result<ByteReader> FieldReader(ByteView data, const NtlmFieldRef& ref, std::size_t min_header,
                               std::string_view message, std::string_view field) {
  auto bytes = FieldBytes(data, ref, min_header, message, field);
  if (!bytes) return Fail(bytes.error());
  ByteReader reader(data.first(ref.offset + ref.length));
  (void)reader.Skip(ref.offset, field);
  return reader;
}

// VERSION: major u8, minor u8, build u16, reserved 3 bytes, NTLMRevisionCurrent u8.
Result<NtlmVersion> ReadVersion(ByteReader& reader, std::string_view message) {
  auto raw = reader.Take(kVersionSize, fmt::format("{} Version", message));
  if (!raw) return Fail(raw.error());
  ByteReader r(*raw);
  NtlmVersion v;
  v.major = *r.U8("major");
  v.minor = *r.U8("minor");
  v.build = *r.U16Le("build");
  (void)r.Skip(3, "reserved");
  v.revision = *r.U8("revision");
  return v;
}

std::string DecodeText(ByteView bytes, std::uint32_t flags) {
  return (flags & NtlmFlag::kUnicode) ? Utf8FromUtf16Le(bytes) : Utf8FromLatin1(bytes);
}

Bytes EncodeText(std::string_view utf8, std::uint32_t flags) {
  return (flags & NtlmFlag::kUnicode) ? Utf16LeFromUtf8(utf8) : Latin1FromUtf8(utf8);
}

// ---- encoding helpers -----------------------------------------------------------------------

// Reserves descriptors in the header, then appends payloads in any order and back-patches them.
class PayloadWriter {
 public:
  explicit PayloadWriter(ByteWriter& out) : out_(out) {}

  std::size_t Reserve() {
    std::size_t at = out_.size();
    out_.Zeros(8);
    return at;
  }

  Result<void> Place(std::size_t slot, ByteView data, std::string_view field) {
    if (data.size() > 0xFFFF) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("{} of {} bytes does not fit an NTLM field", field, data.size()));
    }
    auto length = static_cast<std::uint16_t>(data.size());
    auto offset = static_cast<std::uint32_t>(out_.size());
    out_.Append(data);
    if (auto ok = out_.PatchU16Le(slot, length); !ok) return ok;
    if (auto ok = out_.PatchU16Le(slot + 2, length); !ok) return ok;
    return out_.PatchU32Le(slot + 4, offset);
  }

 private:
  ByteWriter& out_;
};

void WriteHeader(ByteWriter& out, NtlmMessageType type) {
  out.Append(kNtlmSignature);
  out.U32Le(static_cast<std::uint32_t>(type));
}

void WriteVersion(ByteWriter& out, const NtlmVersion& v) {
  out.U8(v.major);
  out.U8(v.minor);
  out.U16Le(v.build);
  out.Zeros(3);
  out.U8(v.revision);
}

// ---- AUTHENTICATE pieces --------------------------------------------------------------------

// NTLMv2_RESPONSE inside NtChallengeResponse (offsets relative to the field):
//   0  NTProofStr           16
//  16  RespType u8 (1), HiRespType u8 (1), Reserved1 u16, Reserved2 u32
//  24  TimeStamp            u64 FILETIME
//  32  ChallengeFromClient  8
//  40  Reserved3            u32
//  44  AvPairs ... MsvAvEOL, then (usually) zero padding
Result<NtlmV2Response> DecodeNtlmV2Response(ByteView data, const NtlmFieldRef& ref) {
  auto reader =
      FieldReader(data, ref, kAuthenticateHeaderSize, "AUTHENTICATE", "NtChallengeResponse");
  if (!reader) return Fail(reader.error());
  ByteReader& r = *reader;
  NtlmV2Response v2;
  auto proof = r.Take(16, "AUTHENTICATE NTProofStr");
  if (!proof) return Fail(proof.error());
  std::copy(proof->begin(), proof->end(), v2.nt_proof_str.begin());
  ByteView blob = data.subspan(r.offset(), r.remaining());
  v2.blob.assign(blob.begin(), blob.end());
  auto header = r.Take(8, "AUTHENTICATE NTLMv2 RespType and reserved fields");
  if (!header) return Fail(header.error());
  v2.resp_type = (*header)[0];
  v2.hi_resp_type = (*header)[1];
  auto timestamp = r.U64Le("AUTHENTICATE NTLMv2 TimeStamp");
  if (!timestamp) return Fail(timestamp.error());
  v2.timestamp = *timestamp;
  auto challenge = r.Take(8, "AUTHENTICATE NTLMv2 ChallengeFromClient");
  if (!challenge) return Fail(challenge.error());
  std::copy(challenge->begin(), challenge->end(), v2.client_challenge.begin());
  if (auto ok = r.Skip(4, "AUTHENTICATE NTLMv2 Reserved3"); !ok) return Fail(ok.error());
  auto pairs = DecodeAvPairs(r, "AUTHENTICATE NTLMv2 AvPairs");
  if (!pairs) return Fail(pairs.error());
  v2.av_pairs = std::move(*pairs);
  return v2;
}

struct AuthenticateRefs {
  NtlmFieldRef* ref;
  std::string_view name;
};

Result<void> ReadAuthenticatePayload(ByteView data, NtlmAuthenticate& m) {
  auto text = [&](const NtlmFieldRef& ref, std::string_view field,
                  std::string& out) -> Result<void> {
    auto bytes = FieldBytes(data, ref, kAuthenticateHeaderSize, "AUTHENTICATE", field);
    if (!bytes) return Fail(bytes.error());
    out = DecodeText(*bytes, m.flags);
    return {};
  };
  auto raw = [&](const NtlmFieldRef& ref, std::string_view field, Bytes& out) -> Result<void> {
    auto bytes = FieldBytes(data, ref, kAuthenticateHeaderSize, "AUTHENTICATE", field);
    if (!bytes) return Fail(bytes.error());
    out.assign(bytes->begin(), bytes->end());
    return {};
  };
  if (auto ok = raw(m.lm_ref, "LmChallengeResponse", m.lm_response); !ok) return ok;
  if (auto ok = raw(m.nt_ref, "NtChallengeResponse", m.nt_response); !ok) return ok;
  if (auto ok = text(m.domain_ref, "DomainName", m.domain); !ok) return ok;
  if (auto ok = text(m.user_ref, "UserName", m.user); !ok) return ok;
  if (auto ok = text(m.workstation_ref, "Workstation", m.workstation); !ok) return ok;
  return raw(m.session_key_ref, "EncryptedRandomSessionKey", m.encrypted_random_session_key);
}

}  // namespace

std::string NtlmVersion::ToString() const { return fmt::format("{}.{}.{}", major, minor, build); }

NtResponseKind NtlmAuthenticate::ResponseKind() const {
  if (nt_response.empty()) return NtResponseKind::kEmpty;
  return nt_response.size() == 24 ? NtResponseKind::kNtlmV1 : NtResponseKind::kNtlmV2;
}

bool LooksLikeNtlm(ByteView data) {
  return data.size() >= kNtlmSignature.size() &&
         std::equal(kNtlmSignature.begin(), kNtlmSignature.end(), data.begin());
}

// NEGOTIATE_MESSAGE (2.2.1.1):
//   0  Signature "NTLMSSP\0"   8
//   8  MessageType = 1         u32
//  12  NegotiateFlags          u32
//  16  DomainNameFields        Len u16, MaxLen u16, BufferOffset u32   (OEM)
//  24  WorkstationFields       Len u16, MaxLen u16, BufferOffset u32   (OEM)
//  32  Version                 8, when the payload starts at 40 or later
//  32/40  Payload
Result<NtlmNegotiate> DecodeNegotiate(ByteView data) {
  auto reader = OpenMessage(data, NtlmMessageType::kNegotiate);
  if (!reader) return Fail(reader.error());
  NtlmNegotiate m;
  auto flags = reader->U32Le("NEGOTIATE NegotiateFlags");
  if (!flags) return Fail(flags.error());
  m.flags = *flags;
  auto domain = ReadFieldRef(*reader, "NEGOTIATE", "DomainName");
  if (!domain) return Fail(domain.error());
  auto workstation = ReadFieldRef(*reader, "NEGOTIATE", "Workstation");
  if (!workstation) return Fail(workstation.error());
  m.domain_ref = *domain;
  m.workstation_ref = *workstation;
  if (PayloadStart(data, {&m.domain_ref, &m.workstation_ref}) >= kNegotiateHeaderWithVersionSize) {
    auto version = ReadVersion(*reader, "NEGOTIATE");
    if (!version) return Fail(version.error());
    m.version = *version;
  }
  auto d = FieldBytes(data, m.domain_ref, kNegotiateHeaderSize, "NEGOTIATE", "DomainName");
  if (!d) return Fail(d.error());
  auto w = FieldBytes(data, m.workstation_ref, kNegotiateHeaderSize, "NEGOTIATE", "Workstation");
  if (!w) return Fail(w.error());
  m.domain = Utf8FromLatin1(*d);
  m.workstation = Utf8FromLatin1(*w);
  m.raw.assign(data.begin(), data.end());
  return m;
}

// CHALLENGE_MESSAGE (2.2.1.2):
//   0  Signature "NTLMSSP\0"   8
//   8  MessageType = 2         u32
//  12  TargetNameFields        Len u16, MaxLen u16, BufferOffset u32
//  20  NegotiateFlags          u32
//  24  ServerChallenge         8
//  32  Reserved                8        } absent in the 32-byte form of old servers
//  40  TargetInfoFields        8        }
//  48  Version                 8, when the payload starts at 56 or later
//  32/48/56  Payload: TargetName (Unicode or OEM), TargetInfo (AV_PAIR list)
Result<NtlmChallenge> DecodeChallenge(ByteView data) {
  auto reader = OpenMessage(data, NtlmMessageType::kChallenge);
  if (!reader) return Fail(reader.error());
  NtlmChallenge m;
  auto target_name = ReadFieldRef(*reader, "CHALLENGE", "TargetName");
  if (!target_name) return Fail(target_name.error());
  m.target_name_ref = *target_name;
  auto flags = reader->U32Le("CHALLENGE NegotiateFlags");
  if (!flags) return Fail(flags.error());
  m.flags = *flags;
  auto challenge = reader->Take(8, "CHALLENGE ServerChallenge");
  if (!challenge) return Fail(challenge.error());
  std::copy(challenge->begin(), challenge->end(), m.server_challenge.begin());

  m.has_target_info_fields = PayloadStart(data, {&m.target_name_ref}) >= kChallengeHeaderSize;
  if (m.has_target_info_fields) {
    (void)reader->Skip(8, "CHALLENGE Reserved");
    auto target_info = ReadFieldRef(*reader, "CHALLENGE", "TargetInfo");
    if (!target_info) return Fail(target_info.error());
    m.target_info_ref = *target_info;
    if (PayloadStart(data, {&m.target_name_ref, &m.target_info_ref}) >=
        kChallengeHeaderWithVersionSize) {
      auto version = ReadVersion(*reader, "CHALLENGE");
      if (!version) return Fail(version.error());
      m.version = *version;
    }
  }
  auto name =
      FieldBytes(data, m.target_name_ref, kChallengeHeaderOldSize, "CHALLENGE", "TargetName");
  if (!name) return Fail(name.error());
  m.target_name = DecodeText(*name, m.flags);
  if (m.has_target_info_fields) {
    auto info_reader =
        FieldReader(data, m.target_info_ref, kChallengeHeaderSize, "CHALLENGE", "TargetInfo");
    if (!info_reader) return Fail(info_reader.error());
    auto pairs = DecodeAvPairs(*info_reader, "CHALLENGE TargetInfo");
    if (!pairs) return Fail(pairs.error());
    m.target_info = std::move(*pairs);
  }
  m.raw.assign(data.begin(), data.end());
  return m;
}

// AUTHENTICATE_MESSAGE (2.2.1.3):
//   0  Signature "NTLMSSP\0"              8
//   8  MessageType = 3                    u32
//  12  LmChallengeResponseFields          8
//  20  NtChallengeResponseFields          8
//  28  DomainNameFields                   8
//  36  UserNameFields                     8
//  44  WorkstationFields                  8
//  52  EncryptedRandomSessionKeyFields    8
//  60  NegotiateFlags                     u32
//  64  Version                            8, when the payload starts at 72 or later
//  72  MIC                                16, when the payload starts at 88 or later
//  64/72/88  Payload, in any order
// Whether a MIC was meant is said by MsvAvFlags 0x2 in the NTLMv2 blob, not by the header size.
Result<NtlmAuthenticate> DecodeAuthenticate(ByteView data) {
  auto reader = OpenMessage(data, NtlmMessageType::kAuthenticate);
  if (!reader) return Fail(reader.error());
  NtlmAuthenticate m;
  const AuthenticateRefs refs[] = {
      {&m.lm_ref, "LmChallengeResponse"},  {&m.nt_ref, "NtChallengeResponse"},
      {&m.domain_ref, "DomainName"},       {&m.user_ref, "UserName"},
      {&m.workstation_ref, "Workstation"}, {&m.session_key_ref, "EncryptedRandomSessionKey"},
  };
  for (const AuthenticateRefs& field : refs) {
    auto ref = ReadFieldRef(*reader, "AUTHENTICATE", field.name);
    if (!ref) return Fail(ref.error());
    *field.ref = *ref;
  }
  auto flags = reader->U32Le("AUTHENTICATE NegotiateFlags");
  if (!flags) return Fail(flags.error());
  m.flags = *flags;
  m.header_size = PayloadStart(data, {&m.lm_ref, &m.nt_ref, &m.domain_ref, &m.user_ref,
                                      &m.workstation_ref, &m.session_key_ref});
  if (m.header_size >= kAuthenticateHeaderWithVersionSize) {
    auto version = ReadVersion(*reader, "AUTHENTICATE");
    if (!version) return Fail(version.error());
    m.version = *version;
  }
  if (m.header_size >= kAuthenticateHeaderWithMicSize) {
    auto mic = reader->Take(kMicSize, "AUTHENTICATE MIC");
    if (!mic) return Fail(mic.error());
    m.mic.emplace();
    std::copy(mic->begin(), mic->end(), m.mic->begin());
  }
  if (auto ok = ReadAuthenticatePayload(data, m); !ok) return Fail(ok.error());
  if (m.ResponseKind() == NtResponseKind::kNtlmV2) {
    auto v2 = DecodeNtlmV2Response(data, m.nt_ref);
    if (!v2) return Fail(v2.error());
    m.ntlmv2 = std::move(*v2);
  }
  m.raw.assign(data.begin(), data.end());
  return m;
}

Result<NtlmMessage> DecodeNtlmMessage(ByteView data) {
  ByteReader reader(data);
  auto type = ReadMessageType(reader);
  if (!type) return Fail(type.error());
  auto wrap = [](auto message) { return NtlmMessage(std::move(message)); };
  switch (*type) {
    case static_cast<std::uint32_t>(NtlmMessageType::kNegotiate):
      return DecodeNegotiate(data).map(wrap);
    case static_cast<std::uint32_t>(NtlmMessageType::kChallenge):
      return DecodeChallenge(data).map(wrap);
    case static_cast<std::uint32_t>(NtlmMessageType::kAuthenticate):
      return DecodeAuthenticate(data).map(wrap);
    default:
      return Fail(ErrorCode::kMalformed,
                  fmt::format("NTLM MessageType {} at offset 8 is not 1, 2 or 3", *type));
  }
}

Result<Bytes> EncodeNegotiate(const NtlmNegotiate& m) {
  ByteWriter out;
  WriteHeader(out, NtlmMessageType::kNegotiate);
  out.U32Le(m.flags);
  PayloadWriter payload(out);
  std::size_t domain = payload.Reserve();
  std::size_t workstation = payload.Reserve();
  if (m.version) WriteVersion(out, *m.version);
  // Fields the flags leave out stay all zero, as Windows writes them.
  if (!m.domain.empty()) {
    if (auto ok = payload.Place(domain, Latin1FromUtf8(m.domain), "DomainName"); !ok) {
      return Fail(ok.error());
    }
  }
  if (!m.workstation.empty()) {
    if (auto ok = payload.Place(workstation, Latin1FromUtf8(m.workstation), "Workstation"); !ok) {
      return Fail(ok.error());
    }
  }
  return out.Take();
}

Result<Bytes> EncodeChallenge(const NtlmChallenge& m) {
  ByteWriter out;
  WriteHeader(out, NtlmMessageType::kChallenge);
  PayloadWriter payload(out);
  std::size_t target_name = payload.Reserve();
  out.U32Le(m.flags);
  out.Append(m.server_challenge);
  std::size_t target_info = 0;
  if (m.has_target_info_fields) {
    out.Zeros(8);  // Reserved
    target_info = payload.Reserve();
    if (m.version) WriteVersion(out, *m.version);
  }
  if (auto ok = payload.Place(target_name, EncodeText(m.target_name, m.flags), "TargetName"); !ok) {
    return Fail(ok.error());
  }
  bool send_info = m.has_target_info_fields &&
                   ((m.flags & NtlmFlag::kTargetInfo) || !m.target_info.pairs.empty());
  if (send_info) {
    auto info = EncodeAvPairs(m.target_info.pairs);
    if (!info) return Fail(info.error());
    if (auto ok = payload.Place(target_info, *info, "TargetInfo"); !ok) return Fail(ok.error());
  }
  return out.Take();
}

Result<Bytes> EncodeAuthenticate(const NtlmAuthenticate& m, PayloadOrder order) {
  ByteWriter out;
  WriteHeader(out, NtlmMessageType::kAuthenticate);
  PayloadWriter payload(out);
  std::size_t lm = payload.Reserve();
  std::size_t nt = payload.Reserve();
  std::size_t domain = payload.Reserve();
  std::size_t user = payload.Reserve();
  std::size_t workstation = payload.Reserve();
  std::size_t session_key = payload.Reserve();
  out.U32Le(m.flags);
  if (m.version || m.mic) WriteVersion(out, m.version.value_or(NtlmVersion{0, 0, 0, 0}));
  if (m.mic) out.Append(*m.mic);

  struct Item {
    std::size_t slot;
    Bytes data;
    std::string_view name;
  };
  Item names[] = {{domain, EncodeText(m.domain, m.flags), "DomainName"},
                  {user, EncodeText(m.user, m.flags), "UserName"},
                  {workstation, EncodeText(m.workstation, m.flags), "Workstation"}};
  Item responses[] = {{lm, m.lm_response, "LmChallengeResponse"},
                      {nt, m.nt_response, "NtChallengeResponse"}};
  Item key = {session_key, m.encrypted_random_session_key, "EncryptedRandomSessionKey"};
  std::vector<const Item*> sequence;
  if (order == PayloadOrder::kResponsesFirst) sequence.push_back(&key);
  auto append_all = [&](const auto& items) {
    for (const Item& item : items) sequence.push_back(&item);
  };
  if (order == PayloadOrder::kNamesFirst) {
    append_all(names);
    append_all(responses);
    sequence.push_back(&key);
  } else {
    append_all(responses);
    append_all(names);
  }
  for (const Item* item : sequence) {
    if (auto ok = payload.Place(item->slot, item->data, item->name); !ok) return Fail(ok.error());
  }
  return out.Take();
}

}  // namespace probe::auth
