#include "probe/tls/server_hello.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace probe::tls {
namespace {

// RFC 8446 §4.1.3: a HelloRetryRequest is a ServerHello with this random.
constexpr std::array<std::uint8_t, 32> kHelloRetryRandom = {
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};
// RFC 8446 §4.1.3: "DOWNGRD" followed by 01 (TLS 1.2) or 00 (TLS 1.1 and below).
constexpr std::array<std::uint8_t, 7> kDowngradePrefix = {0x44, 0x4F, 0x57, 0x4E, 0x47, 0x52, 0x44};

constexpr std::uint16_t kExtSupportedVersions = 0x002b;
constexpr std::uint16_t kExtKeyShare = 0x0033;

Result<void> DecodeExtension(std::uint16_t type, ByteReader& body, ServerHello& hello) {
  if (type == kExtSupportedVersions) {
    auto v = body.U16Be("supported_versions.selected_version");
    if (!v) return Fail(v.error());
    hello.selected_version = *v;
  } else if (type == kExtKeyShare) {
    // ServerHello key_share: group(2) key_exchange<1..2^16-1>; an HRR carries the group only.
    auto group = body.U16Be("key_share.group");
    if (!group) return Fail(group.error());
    hello.key_share_group = *group;
  }
  return {};
}

Result<void> DecodeExtensions(ByteReader& r, ServerHello& hello) {
  if (r.empty()) return {};  // extensions are optional before TLS 1.3
  auto total = r.U16Be("extensions length");
  if (!total) return Fail(total.error());
  auto list = r.Sub(*total, "extensions");
  if (!list) return Fail(list.error());
  while (!list->empty()) {
    auto type = list->U16Be("extension type");
    if (!type) return Fail(type.error());
    auto len = list->U16Be("extension length");
    if (!len) return Fail(len.error());
    auto body = list->Sub(*len, fmt::format("extension 0x{:04x}", *type));
    if (!body) return Fail(body.error());
    hello.extensions.push_back(*type);
    if (auto ok = DecodeExtension(*type, *body, hello); !ok) return Fail(ok.error());
  }
  return {};
}

}  // namespace

// Layout (RFC 5246 §7.4.1.3, RFC 8446 §4.1.3):
//   u8  msg_type = 2          u24 length
//   u16 legacy_version        u8[32] random
//   u8  session_id length     session_id (0..32)
//   u16 cipher_suite          u8 compression_method
//   [u16 extensions length    { u16 type  u16 length  body }* ]
Result<ServerHello> DecodeServerHello(ByteView message) {
  ByteReader outer(message);
  auto type = outer.U8("handshake type");
  if (!type) return Fail(type.error());
  if (*type != 2) {
    return Fail(ErrorCode::kMalformed,
                fmt::format("handshake type {} is not a ServerHello", *type));
  }
  auto length = outer.U24Be("ServerHello length");
  if (!length) return Fail(length.error());
  auto r = outer.Sub(*length, "ServerHello body");
  if (!r) return Fail(r.error());
  if (!outer.empty()) {
    return Fail(ErrorCode::kMalformed,
                fmt::format("{} byte(s) after the ServerHello", outer.remaining()));
  }
  ServerHello hello;
  auto version = r->U16Be("legacy_version");
  if (!version) return Fail(version.error());
  hello.legacy_version = *version;
  auto random = r->Take(32, "random");
  if (!random) return Fail(random.error());
  hello.hello_retry_request = std::equal(random->begin(), random->end(), kHelloRetryRandom.begin());
  hello.downgrade_sentinel =
      std::equal(kDowngradePrefix.begin(), kDowngradePrefix.end(), random->begin() + 24);
  auto sid_len = r->U8("session_id length");
  if (!sid_len) return Fail(sid_len.error());
  if (*sid_len > 32) {
    return Fail(ErrorCode::kMalformed, fmt::format("session_id length {} exceeds 32", *sid_len));
  }
  if (auto ok = r->Skip(*sid_len, "session_id"); !ok) return Fail(ok.error());
  auto suite = r->U16Be("cipher_suite");
  if (!suite) return Fail(suite.error());
  hello.cipher_suite = *suite;
  auto compression = r->U8("compression_method");
  if (!compression) return Fail(compression.error());
  hello.compression = *compression;
  if (auto ok = DecodeExtensions(*r, hello); !ok) return Fail(ok.error());
  if (!r->empty()) {
    return Fail(ErrorCode::kMalformed,
                fmt::format("{} byte(s) after the extensions", r->remaining()));
  }
  return hello;
}

}  // namespace probe::tls
