#include "probe/auth/token_view.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <string_view>

#include "probe/auth/der.h"
#include "probe/auth/ntlm_wire.h"
#include "probe/auth/unicode.h"

namespace probe::auth {
namespace {

// ---- generic nodes --------------------------------------------------------------------------

TokenField Scalar(std::string key, TokenField::Value value) {
  TokenField field;
  field.key = std::move(key);
  field.value = std::move(value);
  return field;
}

TokenField Text(std::string key, std::string value) { return Scalar(std::move(key), value); }
TokenField Number(std::string key, std::uint64_t value) { return Scalar(std::move(key), value); }
TokenField Flag(std::string key, bool value) { return Scalar(std::move(key), value); }

TokenField Group(std::string key, std::vector<TokenField> children, std::string summary = "") {
  TokenField field;
  field.key = std::move(key);
  field.children = std::move(children);
  field.summary = std::move(summary);
  return field;
}

TokenField Hidden(TokenField field) {
  field.text_hidden = true;
  return field;
}

// A group whose summary says everything its children say, for text readers.
TokenField Collapsed(std::string key, std::vector<TokenField> children, std::string summary) {
  for (TokenField& child : children) child.text_hidden = true;
  return Group(std::move(key), std::move(children), std::move(summary));
}

bool AllZero(ByteView data) {
  return std::all_of(data.begin(), data.end(), [](std::uint8_t b) { return b == 0; });
}

std::string ShortName(std::string_view name) {
  for (std::string_view prefix : {"NTLMSSP_NEGOTIATE_", "NTLM_NEGOTIATE_", "NTLMSSP_"}) {
    if (name.substr(0, prefix.size()) == prefix) return std::string(name.substr(prefix.size()));
  }
  return std::string(name);
}

TokenField FlagsField(std::string key, std::uint32_t value, std::span<const NamedBit> table) {
  std::vector<std::string> names = BitNames(value, table);
  std::vector<std::string> short_names;
  for (const std::string& name : names) short_names.push_back(ShortName(name));
  std::string hex = fmt::format("0x{:08x}", value);
  std::string summary =
      names.empty() ? hex : fmt::format("{} ({})", hex, fmt::join(short_names, ", "));
  return Collapsed(std::move(key),
                   {Number("value", value), Text("hex", hex), Scalar("names", names)}, summary);
}

// A secret: its length and, unless shown, a fingerprint instead of its bytes.
TokenField SecretField(std::string key, ByteView data, const ViewOptions& options) {
  std::vector<TokenField> children = {Number("length", data.size())};
  std::string summary;
  if (data.empty()) {
    summary = "empty";
  } else if (AllZero(data)) {
    children.push_back(Flag("all_zero", true));
    summary = fmt::format("{} zero bytes", data.size());
  } else if (options.show_secrets) {
    children.push_back(Flag("masked", false));
    children.push_back(Text("hex", ToHex(data)));
    summary = fmt::format("{} bytes: {}", data.size(), ToHex(data));
  } else {
    std::string fingerprint = Fingerprint(data);
    children.push_back(Flag("masked", true));
    children.push_back(Text("sha256_prefix", fingerprint));
    summary = fmt::format("{} bytes, masked (sha256 {})", data.size(), fingerprint);
  }
  return Collapsed(std::move(key), std::move(children), summary);
}

// Adds where a payload field sits in the message (its descriptor) to its node and summary.
TokenField WithRef(TokenField field, const NtlmFieldRef& ref) {
  bool has_length = std::any_of(field.children.begin(), field.children.end(),
                                [](const TokenField& child) { return child.key == "length"; });
  if (!has_length) field.children.push_back(Hidden(Number("length", ref.length)));
  field.children.push_back(Hidden(Number("offset", ref.offset)));
  field.children.push_back(Hidden(Number("max_length", ref.max_length)));
  std::string where = fmt::format("offset {}, length {}", ref.offset, ref.length);
  if (ref.max_length != ref.length) where += fmt::format(", max_length {}", ref.max_length);
  field.summary = field.summary.empty() ? where : fmt::format("{} ({})", field.summary, where);
  return field;
}

// A text payload field: "target_name": {"value": "Server", "length": 12, "offset": 56, ...}.
TokenField StringField(std::string key, const std::string& value, const NtlmFieldRef& ref) {
  TokenField field = Collapsed(std::move(key), {Text("value", value), Number("length", ref.length)},
                               fmt::format("\"{}\"", value));
  return WithRef(std::move(field), ref);
}

// A secret payload field; its "length" is the descriptor's, which equals the data's.
TokenField SecretPayload(std::string key, ByteView data, const NtlmFieldRef& ref,
                         const ViewOptions& options) {
  return WithRef(SecretField(std::move(key), data, options), ref);
}

TokenField VersionField(const NtlmVersion& v, std::uint32_t flags) {
  bool flagged = flags & NtlmFlag::kVersion;
  std::string summary = fmt::format("{} (NTLM revision {})", v.ToString(), v.revision);
  if (!flagged) summary += ", NTLMSSP_NEGOTIATE_VERSION not set";
  return Collapsed(
      "version",
      {Text("windows_build", v.ToString()), Number("major", v.major), Number("minor", v.minor),
       Number("build", v.build), Number("ntlm_revision", v.revision), Flag("flagged", flagged)},
      summary);
}

// ---- AV pairs ---------------------------------------------------------------------------------

struct AvValue {
  std::vector<TokenField> fields;
  std::string text;
};

AvValue SingleHostValue(ByteView v) {
  ByteReader r(v);
  std::uint32_t size = *r.U32Le("Size");
  (void)r.Skip(4, "Z4");
  std::string custom = ToHex(*r.Take(8, "CustomData"));
  std::string machine = ToHex(*r.Take(32, "MachineID"));
  return {{Number("size", size), Text("custom_data", custom), Text("machine_id", machine)},
          fmt::format("size {}, custom data {}, machine id {}", size, custom, machine)};
}

AvValue FixedSizeValue(AvValueKind kind, ByteView v) {
  ByteReader r(v);
  switch (kind) {
    case AvValueKind::kFlags: {
      std::uint32_t bits = *r.U32Le("MsvAvFlags");
      TokenField flags = FlagsField("flags", bits, kAvFlagTable);
      return {{flags}, flags.summary};
    }
    case AvValueKind::kFiletime: {
      std::uint64_t ticks = *r.U64Le("MsvAvTimestamp");
      return {{Text("value", FormatFiletime(ticks)), Number("filetime", ticks)},
              FormatFiletime(ticks)};
    }
    case AvValueKind::kHash:
      if (AllZero(v)) {
        return {{Text("value", ToHex(v)), Flag("all_zero", true)}, "all zero (no binding)"};
      }
      return {{Text("value", ToHex(v))}, ToHex(v)};
    default:
      return SingleHostValue(v);
  }
}

std::size_t FixedSize(AvValueKind kind) {
  switch (kind) {
    case AvValueKind::kFlags:
      return kAvFlagsSize;
    case AvValueKind::kFiletime:
      return kAvTimestampSize;
    case AvValueKind::kHash:
      return kChannelBindingsSize;
    case AvValueKind::kSingleHost:
      return kSingleHostSize;
    default:
      return 0;
  }
}

AvValue PairValue(const AvPair& pair, const std::optional<AvIdInfo>& info) {
  AvValueKind kind = info ? info->kind : AvValueKind::kNone;
  if (kind == AvValueKind::kUtf16) {
    std::string text = Utf8FromUtf16Le(pair.value);
    return {{Text("value", text)}, text};
  }
  std::size_t size = FixedSize(kind);
  if (size != 0 && pair.value.size() == size) return FixedSizeValue(kind, pair.value);
  std::string hex = ToHex(pair.value);
  std::vector<TokenField> fields = {Text("hex", hex)};
  if (size != 0) {
    fields.push_back(Flag("malformed", true));
    return {fields, fmt::format("{} ({} bytes where {} belong)", hex, pair.value.size(), size)};
  }
  return {fields, hex};
}

TokenField AvPairItem(const AvPair& pair) {
  auto info = FindAvId(pair.id);
  std::string name = info ? std::string(info->name) : fmt::format("AvId 0x{:04x}", pair.id);
  AvValue value = PairValue(pair, info);
  std::vector<TokenField> children = {Number("id", pair.id), Text("name", name)};
  for (TokenField& f : value.fields) children.push_back(std::move(f));
  return Collapsed("av_pair", std::move(children), fmt::format("{}: {}", name, value.text));
}

TokenField AvPairsField(std::string key, const AvPairList& list) {
  TokenField pairs = Group("pairs", {});
  pairs.list = true;
  for (const AvPair& pair : list.pairs) pairs.children.push_back(AvPairItem(pair));
  std::vector<TokenField> children = {std::move(pairs),
                                      Hidden(Flag("terminated", list.terminated))};
  std::string summary = fmt::format("{} pair(s)", list.pairs.size());
  if (!list.terminated) summary += ", no MsvAvEOL";
  if (list.trailing_bytes > 0) {
    children.push_back(Hidden(Number("trailing_bytes", list.trailing_bytes)));
    summary += fmt::format(", {} byte(s) after MsvAvEOL", list.trailing_bytes);
  }
  return Group(std::move(key), std::move(children), summary);
}

// ---- NTLM messages ----------------------------------------------------------------------------

std::vector<TokenField> NtlmHeader(NtlmMessageType type, std::size_t length) {
  return {Hidden(Text("protocol", "NTLM")),
          Hidden(Text("message_type", std::string(NtlmMessageTypeName(type)))),
          Hidden(Number("length", length))};
}

TokenField NegotiateView(const NtlmNegotiate& m) {
  std::vector<TokenField> f = NtlmHeader(NtlmMessageType::kNegotiate, m.raw.size());
  f.push_back(FlagsField("negotiate_flags", m.flags, kNtlmFlagTable));
  f.push_back(StringField("domain", m.domain, m.domain_ref));
  f.push_back(StringField("workstation", m.workstation, m.workstation_ref));
  if (m.version) f.push_back(VersionField(*m.version, m.flags));
  return Group("token", std::move(f), fmt::format("NTLM NEGOTIATE ({} bytes)", m.raw.size()));
}

TokenField ChallengeView(const NtlmChallenge& m) {
  std::vector<TokenField> f = NtlmHeader(NtlmMessageType::kChallenge, m.raw.size());
  f.push_back(StringField("target_name", m.target_name, m.target_name_ref));
  f.push_back(FlagsField("negotiate_flags", m.flags, kNtlmFlagTable));
  f.push_back(Text("server_challenge", ToHex(m.server_challenge)));
  if (m.has_target_info_fields) {
    f.push_back(WithRef(AvPairsField("target_info", m.target_info), m.target_info_ref));
  } else {
    f.push_back(Text("target_info", "absent (32-byte CHALLENGE of an old server)"));
  }
  if (m.version) f.push_back(VersionField(*m.version, m.flags));
  return Group("token", std::move(f), fmt::format("NTLM CHALLENGE ({} bytes)", m.raw.size()));
}

std::string ResponseType(const NtlmAuthenticate& m) {
  switch (m.ResponseKind()) {
    case NtResponseKind::kEmpty:
      return "anonymous (no NT response)";
    case NtResponseKind::kNtlmV2:
      return "NTLMv2";
    case NtResponseKind::kNtlmV1:
      break;
  }
  bool ess = m.lm_response.size() == 24 && AllZero(ByteView(m.lm_response).subspan(8)) &&
             (m.flags & NtlmFlag::kExtendedSessionSecurity);
  return ess ? "NTLMv1 with extended session security" : "NTLMv1";
}

TokenField NtlmV2View(const NtlmV2Response& v2, const ViewOptions& options) {
  std::vector<TokenField> blob = {Number("resp_type", v2.resp_type),
                                  Number("hi_resp_type", v2.hi_resp_type),
                                  Text("timestamp", FormatFiletime(v2.timestamp)),
                                  Hidden(Number("filetime", v2.timestamp)),
                                  Text("client_challenge", ToHex(v2.client_challenge)),
                                  AvPairsField("av_pairs", v2.av_pairs)};
  return Group("ntlmv2", {SecretField("nt_proof_str", v2.nt_proof_str, options),
                          Group("client_blob", std::move(blob))});
}

// What a person diagnosing EPA and MIC problems looks for first.
TokenField AuthenticateDiagnosis(const NtlmAuthenticate& m) {
  std::vector<TokenField> f = {Text("response_type", ResponseType(m))};
  if (!m.ntlmv2) return Group("diagnosis", std::move(f));
  const AvPairList& pairs = m.ntlmv2->av_pairs;
  bool mic_flagged = pairs.Flags().value_or(0) & AvFlag::kMicPresent;
  f.push_back(Flag("mic_flagged", mic_flagged));
  const AvPair* binding = pairs.Find(AvId::kChannelBindings);
  f.push_back(Text("channel_binding", binding == nullptr        ? "absent"
                                      : AllZero(binding->value) ? "all zero"
                                                                : "present"));
  auto spn = pairs.String(AvId::kTargetName);
  f.push_back(Text("target_name", spn.value_or("")));
  return Group("diagnosis", std::move(f));
}

TokenField AuthenticateView(const NtlmAuthenticate& m, const ViewOptions& options) {
  std::vector<TokenField> f = NtlmHeader(NtlmMessageType::kAuthenticate, m.raw.size());
  f.push_back(AuthenticateDiagnosis(m));
  f.push_back(FlagsField("negotiate_flags", m.flags, kNtlmFlagTable));
  f.push_back(StringField("domain", m.domain, m.domain_ref));
  f.push_back(StringField("user", m.user, m.user_ref));
  f.push_back(StringField("workstation", m.workstation, m.workstation_ref));
  f.push_back(Number("header_size", m.header_size));
  if (m.version) f.push_back(VersionField(*m.version, m.flags));
  if (m.mic) f.push_back(SecretField("mic", *m.mic, options));
  f.push_back(SecretPayload("lm_challenge_response", m.lm_response, m.lm_ref, options));
  TokenField nt = SecretPayload("nt_challenge_response", m.nt_response, m.nt_ref, options);
  if (m.ntlmv2) nt.children.push_back(NtlmV2View(*m.ntlmv2, options));
  f.push_back(std::move(nt));
  f.push_back(SecretPayload("encrypted_random_session_key", m.encrypted_random_session_key,
                            m.session_key_ref, options));
  return Group("token", std::move(f), fmt::format("NTLM AUTHENTICATE ({} bytes)", m.raw.size()));
}

TokenField NtlmView(const NtlmMessage& message, const ViewOptions& options) {
  if (auto* n = std::get_if<NtlmNegotiate>(&message)) return NegotiateView(*n);
  if (auto* c = std::get_if<NtlmChallenge>(&message)) return ChallengeView(*c);
  return AuthenticateView(std::get<NtlmAuthenticate>(message), options);
}

// ---- GSS-API and SPNEGO -----------------------------------------------------------------------

TokenField MechField(std::string key, ByteView oid) {
  auto dotted = der::OidToString(oid);
  auto info = FindMech(oid);
  std::string name = info ? std::string(info->name) : "unknown";
  std::string text = dotted ? *dotted : fmt::format("invalid OID {}", ToHex(oid));
  return Collapsed(std::move(key), {Text("oid", text), Text("name", name)},
                   fmt::format("{} ({})", name, text));
}

TokenField KerberosView(const KerberosToken& k, const ViewOptions& options) {
  std::string message(KerberosTokIdName(k.tok_id));
  std::vector<TokenField> f = {Hidden(Text("protocol", "Kerberos")),
                               Hidden(Text("message_type", message)),
                               Hidden(Number("length", k.raw.size())),
                               MechField("mechanism", MechOid(k.mech)),
                               Text("tok_id", fmt::format("0x{:04x}", k.tok_id)),
                               SecretField("token", k.raw, options)};
  return Group("token", std::move(f), fmt::format("Kerberos {} ({} bytes)", message, k.raw.size()));
}

TokenField MechTokenView(const MechToken& inner, const ViewOptions& options) {
  if (auto* ntlm = std::get_if<NtlmMessage>(&inner)) return NtlmView(*ntlm, options);
  if (auto* krb = std::get_if<KerberosToken>(&inner)) return KerberosView(*krb, options);
  const Bytes& raw = std::get<OpaqueToken>(inner).raw;
  return Group("token", {Hidden(Text("protocol", "unknown")), SecretField("bytes", raw, options)},
               fmt::format("undecoded mechanism token ({} bytes)", raw.size()));
}

TokenField Renamed(TokenField field, std::string key) {
  field.key = std::move(key);
  return field;
}

TokenField MechTypesField(const std::vector<Bytes>& mechs) {
  TokenField list = Group("mech_types", {});
  list.list = true;
  for (const Bytes& oid : mechs) list.children.push_back(MechField("mech", oid));
  return list;
}

TokenField InitView(const NegTokenInit& t, const std::optional<MechToken>& inner,
                    const ViewOptions& options) {
  std::vector<TokenField> f = {Hidden(Text("protocol", "SPNEGO")),
                               Hidden(Text("message_type", "NegTokenInit")),
                               MechTypesField(t.mech_types)};
  if (t.req_flags) f.push_back(Text("req_flags", ToHex(*t.req_flags)));
  if (inner) f.push_back(Renamed(MechTokenView(*inner, options), "mech_token"));
  if (t.neg_hints_name) f.push_back(Text("neg_hints_name", *t.neg_hints_name));
  if (t.mech_list_mic) f.push_back(SecretField("mech_list_mic", *t.mech_list_mic, options));
  return Group("token", std::move(f), "SPNEGO NegTokenInit");
}

TokenField RespView(const NegTokenResp& t, const std::optional<MechToken>& inner,
                    const ViewOptions& options) {
  std::vector<TokenField> f = {Hidden(Text("protocol", "SPNEGO")),
                               Hidden(Text("message_type", "NegTokenResp"))};
  if (t.neg_state) f.push_back(Text("neg_state", std::string(NegStateName(*t.neg_state))));
  if (t.supported_mech) f.push_back(MechField("supported_mech", *t.supported_mech));
  if (inner) f.push_back(Renamed(MechTokenView(*inner, options), "response_token"));
  if (t.mech_list_mic) f.push_back(SecretField("mech_list_mic", *t.mech_list_mic, options));
  return Group("token", std::move(f), "SPNEGO NegTokenResp");
}

TokenField SpnegoView(const SpnegoMessage& m, const ViewOptions& options) {
  if (auto* init = std::get_if<NegTokenInit>(&m.token)) return InitView(*init, m.inner, options);
  return RespView(std::get<NegTokenResp>(m.token), m.inner, options);
}

// Days since 1970-01-01 to a civil date (H. Hinnant's algorithm).
void CivilFromDays(std::int64_t days, std::int64_t& y, unsigned& m, unsigned& d) {
  days += 719468;
  std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  auto doe = static_cast<unsigned>(days - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
}

}  // namespace

std::string FormatFiletime(std::uint64_t filetime) {
  constexpr std::int64_t kSecondsFrom1601To1970 = 11644473600;
  auto seconds = static_cast<std::int64_t>(filetime / 10000000) - kSecondsFrom1601To1970;
  auto fraction = static_cast<unsigned>(filetime % 10000000);
  std::int64_t days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
  std::int64_t in_day = seconds - days * 86400;
  std::int64_t year = 0;
  unsigned month = 0, day = 0;
  CivilFromDays(days, year, month, day);
  std::string out = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", year, month, day,
                                in_day / 3600, in_day / 60 % 60, in_day % 60);
  if (fraction != 0) out += fmt::format(".{:07}", fraction);
  return out + "Z";
}

std::string Fingerprint(ByteView data) {
  auto digest = Sha256(data);
  if (!digest) return "unavailable";
  return ToHex(ByteView(*digest).first(4));
}

TokenField ViewAuthToken(const AuthToken& token, const ViewOptions& options) {
  if (auto* ntlm = std::get_if<NtlmMessage>(&token)) return NtlmView(*ntlm, options);
  if (auto* spnego = std::get_if<SpnegoMessage>(&token)) return SpnegoView(*spnego, options);
  return KerberosView(std::get<KerberosToken>(token), options);
}

}  // namespace probe::auth
