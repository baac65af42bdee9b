#include "probe/tls/server_answer.h"

#include <fmt/format.h>

namespace probe::tls {
namespace {

ServerAnswer Kind(AnswerKind kind, std::string detail = {}) {
  ServerAnswer a;
  a.kind = kind;
  a.detail = std::move(detail);
  return a;
}

// SSL 2.0 record: u16 header with the high bit set (length in the low 15 bits), then
//   SERVER-HELLO: u8 type=4, u8 session_id_hit, u8 cert_type, u16 version, u16 cert_len,
//                 u16 specs_len, u16 conn_id_len, cert, specs (3 bytes each), conn_id
//   ERROR:        u8 type=0, u16 error code
ServerAnswer ParseSsl2(ByteView received) {
  ByteReader r(received);
  auto header = r.U16Be("SSL 2.0 header");
  if (!header) return Kind(AnswerKind::kNeedMore);
  std::size_t length = *header & 0x7fff;
  if (r.remaining() < length) return Kind(AnswerKind::kNeedMore);
  auto body = *r.Sub(length, "SSL 2.0 record");
  auto type = body.U8("SSL 2.0 message type");
  if (!type) return Kind(AnswerKind::kNotTls, "empty SSL 2.0 record");
  if (*type == 0) return Kind(AnswerKind::kSsl2Error, "SSL 2.0 ERROR message");
  if (*type != 4) return Kind(AnswerKind::kNotTls, fmt::format("SSL 2.0 message type {}", *type));
  ServerAnswer a = Kind(AnswerKind::kSsl2ServerHello);
  auto skip = body.Skip(2, "session_id_hit, certificate_type");
  auto version = body.U16Be("SSL 2.0 version");
  auto cert_len = body.U16Be("certificate length");
  auto specs_len = body.U16Be("cipher_specs length");
  auto conn_len = body.U16Be("connection_id length");
  if (!skip || !version || !cert_len || !specs_len || !conn_len) {
    return Kind(AnswerKind::kMalformed, "SSL 2.0 SERVER-HELLO header truncated");
  }
  a.record_version = *version;
  auto cert = body.Skip(*cert_len, "certificate");
  auto specs = body.Sub(*specs_len, "cipher_specs");
  if (!cert || !specs || *specs_len % 3 != 0) {
    return Kind(AnswerKind::kMalformed, "SSL 2.0 SERVER-HELLO lengths do not fit its record");
  }
  while (specs->remaining() >= 3) {
    std::uint32_t spec = (std::uint32_t{*specs->U8("spec")} << 16);
    spec |= *specs->U16Be("spec");
    a.ssl2_cipher_specs.push_back(spec);
  }
  return a;
}

// TLS records (type u8, version u16, length u16, fragment). Handshake fragments are joined until
// the first handshake message (u8 type, u24 length) is complete; an alert ends the answer.
ServerAnswer ParseTls(ByteView received) {
  ByteReader r(received);
  Bytes handshake;
  std::uint16_t first_version = 0;
  while (!r.empty()) {
    if (r.remaining() < 5) return Kind(AnswerKind::kNeedMore);
    std::uint8_t type = *r.U8("record type");
    std::uint16_t version = *r.U16Be("record version");
    std::uint16_t length = *r.U16Be("record length");
    if (type < 20 || type > 24 || (version >> 8) != 3) {
      return first_version == 0
                 ? Kind(AnswerKind::kNotTls)
                 : Kind(AnswerKind::kMalformed,
                        fmt::format("record type {} version 0x{:04x} after the first record", type,
                                    version));
    }
    if (first_version == 0) first_version = version;
    if (length > kMaxRecordLength) {
      return Kind(AnswerKind::kMalformed,
                  fmt::format("record length {} exceeds {}", length, kMaxRecordLength));
    }
    if (r.remaining() < length) return Kind(AnswerKind::kNeedMore);
    ByteView fragment = *r.Take(length, "record fragment");
    if (type == 21) {  // alert
      if (fragment.size() < 2)
        return Kind(AnswerKind::kMalformed, "alert record shorter than 2 bytes");
      ServerAnswer a = Kind(AnswerKind::kAlert);
      a.record_version = version;
      a.alert_level = fragment[0];
      a.alert_description = fragment[1];
      return a;
    }
    if (type != 22) {
      return Kind(AnswerKind::kMalformed,
                  fmt::format("record type {} before the ServerHello", type));
    }
    handshake.insert(handshake.end(), fragment.begin(), fragment.end());
    if (handshake.size() < 4) continue;
    std::size_t message_length =
        (std::size_t{handshake[1]} << 16) | (handshake[2] << 8) | handshake[3];
    if (handshake[0] != 2) {
      return Kind(AnswerKind::kMalformed,
                  fmt::format("first handshake message is type {}, not ServerHello", handshake[0]));
    }
    if (message_length > kMaxAnswerBytes) {
      return Kind(AnswerKind::kMalformed,
                  fmt::format("ServerHello length {} is implausible", message_length));
    }
    if (handshake.size() < 4 + message_length) continue;
    auto hello = DecodeServerHello(ByteView(handshake).first(4 + message_length));
    if (!hello) return Kind(AnswerKind::kMalformed, "ServerHello: " + hello.error().message);
    ServerAnswer a = Kind(AnswerKind::kServerHello);
    a.record_version = first_version;
    a.hello = *hello;
    return a;
  }
  return Kind(AnswerKind::kNeedMore);
}

}  // namespace

ServerAnswer ParseServerAnswer(ByteView received) {
  if (received.empty()) return Kind(AnswerKind::kNeedMore);
  if (received[0] & 0x80) return ParseSsl2(received);
  return ParseTls(received);
}

}  // namespace probe::tls
