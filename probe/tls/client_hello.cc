#include "probe/tls/client_hello.h"

#include <fmt/format.h>
#include <openssl/rand.h>

#include <algorithm>

#include "probe/tls/name_match.h"

namespace probe::tls {
namespace {

constexpr std::uint16_t kExtServerName = 0x0000;
constexpr std::uint16_t kExtStatusRequest = 0x0005;
constexpr std::uint16_t kExtSupportedGroups = 0x000a;
constexpr std::uint16_t kExtEcPointFormats = 0x000b;
constexpr std::uint16_t kExtSignatureAlgorithms = 0x000d;
constexpr std::uint16_t kExtAlpn = 0x0010;
constexpr std::uint16_t kExtPadding = 0x0015;
constexpr std::uint16_t kExtExtendedMasterSecret = 0x0017;
constexpr std::uint16_t kExtSessionTicket = 0x0023;
constexpr std::uint16_t kExtSupportedVersions = 0x002b;
constexpr std::uint16_t kExtPskKeyExchangeModes = 0x002d;
constexpr std::uint16_t kExtKeyShare = 0x0033;
constexpr std::uint16_t kExtRenegotiationInfo = 0xff01;

// rsa_pss_rsae_*, ecdsa_*, rsa_pkcs1_*, ed25519, and the SHA-1 pairs old servers need.
constexpr std::uint16_t kSignatureAlgorithms[] = {0x0804, 0x0805, 0x0806, 0x0403, 0x0503,
                                                  0x0603, 0x0401, 0x0501, 0x0601, 0x0807,
                                                  0x0808, 0x0203, 0x0201, 0x0402, 0x0202};

// Length of a key share for a group, so servers that parse the share do not choke on it.
std::size_t KeyShareLength(std::uint16_t group) {
  switch (group) {
    case kGroupX25519:
      return 32;
    case kGroupX448:
      return 56;
    case kGroupSecp256r1:
      return 65;
    case kGroupSecp384r1:
      return 97;
    case kGroupSecp521r1:
      return 133;
    case kGroupFfdhe2048:
      return 256;
    case kGroupFfdhe3072:
      return 384;
    case kGroupFfdhe4096:
      return 512;
    default:
      return 32;
  }
}

Bytes RandomBytes(std::size_t n) {
  Bytes out(n);
  if (RAND_bytes(out.data(), static_cast<int>(n)) != 1) {
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(i * 131 + 7);
  }
  return out;
}

void Extension(ByteWriter& w, std::uint16_t type, const Bytes& body) {
  w.U16Be(type);
  w.U16Be(static_cast<std::uint16_t>(body.size()));
  w.Append(body);
}

Bytes ServerNameBody(const std::string& name) {
  ByteWriter b;
  b.U16Be(static_cast<std::uint16_t>(name.size() + 3));
  b.U8(0);  // host_name
  b.U16Be(static_cast<std::uint16_t>(name.size()));
  b.Append(name);
  return b.Take();
}

Bytes U16ListBody(const std::vector<std::uint16_t>& values, bool one_byte_length) {
  ByteWriter b;
  if (one_byte_length) {
    b.U8(static_cast<std::uint8_t>(values.size() * 2));
  } else {
    b.U16Be(static_cast<std::uint16_t>(values.size() * 2));
  }
  for (auto v : values) b.U16Be(v);
  return b.Take();
}

Bytes KeyShareBody(const std::vector<std::uint16_t>& groups) {
  ByteWriter b;
  auto len = b.BeginLength(2);
  for (auto g : groups) {
    Bytes share = RandomBytes(KeyShareLength(g));
    // An uncompressed EC point starts with 04; the rest may be any bytes for probing.
    if (g == kGroupSecp256r1 || g == kGroupSecp384r1 || g == kGroupSecp521r1) share[0] = 0x04;
    b.U16Be(g);
    b.U16Be(static_cast<std::uint16_t>(share.size()));
    b.Append(share);
  }
  (void)b.FinishLength(len);
  return b.Take();
}

std::vector<std::uint16_t> SignatureAlgorithms(const ClientHelloSpec& spec) {
  return spec.signature_algorithms.value_or(
      std::vector<std::uint16_t>(std::begin(kSignatureAlgorithms), std::end(kSignatureAlgorithms)));
}

std::vector<std::uint16_t> SupportedVersions(const ClientHelloSpec& spec) {
  return spec.supported_versions.value_or(std::vector<std::uint16_t>{0x0304});
}

// ALPN (RFC 7301): u16 list length, then u8-length-prefixed protocol names.
Result<Bytes> AlpnBody(const std::vector<std::string>& protocols) {
  ByteWriter b;
  auto len = b.BeginLength(2);
  for (const auto& p : protocols) {
    if (p.empty() || p.size() > 255) {
      return Fail(ErrorCode::kInvalidArgument, "an ALPN protocol name needs 1..255 bytes");
    }
    b.U8(static_cast<std::uint8_t>(p.size()));
    b.Append(p);
  }
  if (auto ok = b.FinishLength(len); !ok) return Fail(ok.error());
  return b.Take();
}

// The body of one extension a client profile lists; nullopt = leave it out (SNI without a name).
Result<std::optional<Bytes>> ExplicitBody(const ClientHelloSpec& spec, std::uint16_t type) {
  switch (type) {
    case kExtServerName:
      if (spec.server_name.empty() || IsIpLiteral(spec.server_name)) return std::nullopt;
      return ServerNameBody(spec.server_name);
    case kExtStatusRequest:
      return Bytes{0x01, 0x00, 0x00, 0x00, 0x00};  // ocsp, no responder ids, no extensions
    case kExtSupportedGroups:
      return U16ListBody(spec.groups, false);
    case kExtEcPointFormats:
      return Bytes{0x01, 0x00};
    case kExtSignatureAlgorithms:
      return U16ListBody(SignatureAlgorithms(spec), false);
    case kExtAlpn: {
      auto body = AlpnBody(spec.alpn);
      if (!body) return Fail(body.error());
      return std::optional<Bytes>(std::move(*body));
    }
    case kExtExtendedMasterSecret:
    case kExtSessionTicket:
      return Bytes{};
    case kExtSupportedVersions:
      return U16ListBody(SupportedVersions(spec), true);
    case kExtPskKeyExchangeModes:
      return Bytes{0x01, 0x01};  // psk_dhe_ke
    case kExtKeyShare:
      return KeyShareBody(spec.key_share_groups);
    case kExtRenegotiationInfo:
      return Bytes{0x00};
    default:
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("the hello builder cannot fill extension 0x{:04x}", type));
  }
}

// A real client's extensions, exactly as listed. No padding: emulation sends what the client
// sends, even where a balancer would drop it.
Result<Bytes> ExplicitExtensions(const ClientHelloSpec& spec) {
  ByteWriter w;
  for (std::uint16_t type : *spec.extension_order) {
    auto body = ExplicitBody(spec, type);
    if (!body) return Fail(body.error());
    if (!*body) continue;
    if ((*body)->size() > 0xffff || w.size() + (*body)->size() + 4 > 0xffff) {
      return Fail(ErrorCode::kInvalidArgument, "the extensions do not fit a ClientHello");
    }
    Extension(w, type, **body);
  }
  return w.Take();
}

// The extensions block for TLS 1.0-1.3; `padding_hint` is the size of everything before it.
Bytes Extensions(const ClientHelloSpec& spec, std::size_t size_before) {
  ByteWriter w;
  if (!spec.server_name.empty() && !IsIpLiteral(spec.server_name)) {
    Extension(w, kExtServerName, ServerNameBody(spec.server_name));
  }
  Extension(w, kExtSupportedGroups, U16ListBody(spec.groups, false));
  Extension(w, kExtEcPointFormats, Bytes{0x01, 0x00});
  if (spec.version >= TlsVersion::kTls12) {
    Extension(w, kExtSignatureAlgorithms, U16ListBody(SignatureAlgorithms(spec), false));
  }
  Extension(w, kExtSessionTicket, {});
  Extension(w, kExtExtendedMasterSecret, {});
  if (spec.version == TlsVersion::kTls13) {
    Extension(w, kExtSupportedVersions, U16ListBody(SupportedVersions(spec), true));
    Extension(w, kExtPskKeyExchangeModes, Bytes{0x01, 0x01});
    Extension(w, kExtKeyShare, KeyShareBody(spec.key_share_groups));
  }
  Extension(w, kExtRenegotiationInfo, Bytes{0x00});
  // RFC 7685: some F5 balancers drop hellos of 256-511 bytes; pad those to 512. The padding
  // extension is not last-sensitive, but keep a non-empty extension last (testssl PR #792).
  std::size_t total = size_before + 2 + w.size();
  if (total >= 256 && total < 512) {
    std::size_t pad = 512 - total - 4;
    Bytes tail = w.Take();
    ByteWriter padded;
    Extension(padded, kExtPadding, Bytes(pad, 0));
    padded.Append(tail);
    return padded.Take();
  }
  return w.Take();
}

}  // namespace

std::string GroupName(std::uint16_t group) {
  switch (group) {
    case kGroupSecp256r1:
      return "secp256r1";
    case kGroupSecp384r1:
      return "secp384r1";
    case kGroupSecp521r1:
      return "secp521r1";
    case kGroupX25519:
      return "x25519";
    case kGroupX448:
      return "x448";
    case kGroupFfdhe2048:
      return "ffdhe2048";
    case kGroupFfdhe3072:
      return "ffdhe3072";
    case kGroupFfdhe4096:
      return "ffdhe4096";
    case 0x0103:
      return "ffdhe6144";
    case 0x0104:
      return "ffdhe8192";
    case 0x11ec:
      return "X25519MLKEM768";
    default:
      return fmt::format("0x{:04x}", group);
  }
}

// Record: type 0x16, version, u16 length; handshake: type 1, u24 length; body: client_version,
// random[32], session_id<0..32>, cipher_suites<2..2^16-2>, compression<1..2^8-1>, extensions.
Result<Bytes> BuildClientHello(const ClientHelloSpec& spec) {
  if (spec.version == TlsVersion::kSsl2) {
    return Fail(ErrorCode::kInvalidArgument, "SSL 2.0 uses BuildSsl2ClientHello");
  }
  if (spec.cipher_suites.empty() || spec.cipher_suites.size() > 4000) {
    return Fail(ErrorCode::kInvalidArgument, "a ClientHello needs 1..4000 cipher suites");
  }
  bool tls13 = spec.version == TlsVersion::kTls13;
  bool ssl3 = spec.version == TlsVersion::kSsl3;
  std::uint16_t record_version = spec.record_version.value_or(ssl3 ? 0x0300 : 0x0301);
  ByteWriter body;
  body.U16Be(tls13 ? 0x0303 : WireVersion(spec.version));
  bool zero_random =
      std::all_of(spec.random.begin(), spec.random.end(), [](auto b) { return b == 0; });
  body.Append(zero_random ? RandomBytes(32) : Bytes(spec.random.begin(), spec.random.end()));
  if (tls13) {
    body.U8(32);  // middlebox compatibility mode (RFC 8446 §D.4)
    body.Append(RandomBytes(32));
  } else {
    body.U8(0);
  }
  std::vector<std::uint16_t> suites = spec.cipher_suites;
  if (!tls13 && spec.renegotiation_scsv) suites.push_back(0x00FF);
  body.Append(U16ListBody(suites, false));
  body.U8(1);
  body.U8(0);  // null compression only
  if (!ssl3 && spec.extension_order) {
    auto ext = ExplicitExtensions(spec);
    if (!ext) return Fail(ext.error());
    if (!spec.extension_order->empty()) {
      body.U16Be(static_cast<std::uint16_t>(ext->size()));
      body.Append(*ext);
    }
  } else if (!ssl3) {
    Bytes ext = Extensions(spec, 4 + 5 + body.size());
    body.U16Be(static_cast<std::uint16_t>(ext.size()));
    body.Append(ext);
  }
  ByteWriter record;
  record.U8(0x16);
  record.U16Be(record_version);
  auto record_len = record.BeginLength(2);
  record.U8(0x01);
  auto hs_len = record.BeginLength(3);
  record.Append(body.bytes());
  if (auto ok = record.FinishLength(hs_len); !ok) return Fail(ok.error());
  if (auto ok = record.FinishLength(record_len); !ok) return Fail(ok.error());
  return record.Take();
}

Bytes BuildSsl2ClientHello() {
  // The seven SSL 2.0 cipher kinds (RC4, RC2, IDEA, DES, 3DES, and the EXPORT40 variants).
  static constexpr std::uint8_t kSpecs[] = {0x01, 0x00, 0x80, 0x02, 0x00, 0x80, 0x03,
                                            0x00, 0x80, 0x04, 0x00, 0x80, 0x05, 0x00,
                                            0x80, 0x06, 0x00, 0x40, 0x07, 0x00, 0xc0};
  Bytes challenge = RandomBytes(16);
  ByteWriter body;
  body.U8(0x01);       // MSG-CLIENT-HELLO
  body.U16Be(0x0002);  // SSL 2.0
  body.U16Be(sizeof kSpecs);
  body.U16Be(0);  // session id length
  body.U16Be(static_cast<std::uint16_t>(challenge.size()));
  body.Append(ByteView(kSpecs, sizeof kSpecs));
  body.Append(challenge);
  ByteWriter out;
  out.U16Be(static_cast<std::uint16_t>(0x8000 | body.size()));
  out.Append(body.bytes());
  return out.Take();
}

}  // namespace probe::tls
