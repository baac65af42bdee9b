// The first answer a server gives to a raw ClientHello, decided from the bytes received so far:
// a ServerHello, an alert, an SSL 2.0 SERVER-HELLO, something that is not TLS, or "need more".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "probe/core/bytes.h"
#include "probe/tls/server_hello.h"

namespace probe::tls {

enum class AnswerKind {
  kNeedMore,         // a prefix of a valid answer: read more
  kServerHello,      // `hello` is set
  kAlert,            // `alert_level`, `alert_description`
  kSsl2ServerHello,  // `ssl2_cipher_specs`
  kSsl2Error,        // an SSL 2.0 ERROR message
  kNotTls,           // the first bytes are not a TLS or SSL 2.0 record
  kMalformed,        // a TLS record that breaks its own rules; `detail` says how
};

struct ServerAnswer {
  AnswerKind kind = AnswerKind::kNeedMore;
  std::uint16_t record_version = 0;
  std::optional<ServerHello> hello;
  int alert_level = 0;
  int alert_description = 0;
  std::vector<std::uint32_t> ssl2_cipher_specs;  // 3-byte SSL 2.0 cipher kinds
  std::string detail;
};

/// Largest TLS record a server may send (RFC 8446 §5.2: 2^14 + 256 for ciphertext).
inline constexpr std::size_t kMaxRecordLength = 16384 + 2048;
/// The raw engine gives up on a ServerHello that has not completed within this many bytes.
inline constexpr std::size_t kMaxAnswerBytes = 64 * 1024;

/// Decides the answer from everything received so far (a prefix of the server's byte stream).
/// Pure and bounds-checked; never reads past `received`.
ServerAnswer ParseServerAnswer(ByteView received);

}  // namespace probe::tls
