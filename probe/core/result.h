// Result<T> and Error: the one error vocabulary of exprobe and tlslab.
#pragma once

#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <utility>

namespace probe {

/// What kind of "could not find out" an Error is. Outcomes (a server rejecting TLS 1.0, a 401)
/// are data in typed results, never Errors.
enum class ErrorCode {
  kInvalidArgument,   // bad user input: an option, a file, a plan
  kDnsFailure,        // the name did not resolve (NXDOMAIN, no address, server failure)
  kTimeout,           // the deadline passed
  kConnectRefused,    // TCP RST to our SYN
  kUnreachable,       // no route, network down, host unreachable
  kConnectionClosed,  // the peer closed or reset mid-exchange
  kTlsHandshake,      // the TLS handshake failed
  kMalformed,         // the peer's (or a file's) bytes do not parse
  kUnsupported,       // asked for something this build or peer cannot do
  kIo,                // a local I/O failure (socket, file)
  kInternal,          // a bug in exprobe
};

/// Stable lower-case name of an ErrorCode, used in JSON and traces.
std::string_view ErrorCodeName(ErrorCode code);

/// A typed error plus a human sentence. Context is prepended as the error rises
/// (ninja's habit): "connect 127.0.0.1:443: connection refused".
struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;

  /// Returns a copy with "context: " prepended to the message.
  Error With(std::string_view context) const {
    return Error{code, std::string(context) + ": " + message};
  }
};

template <class T>
using Result = tl::expected<T, Error>;

/// Shorthand for returning an error from a function that returns Result<T>.
inline tl::unexpected<Error> Fail(ErrorCode code, std::string message) {
  return tl::unexpected<Error>(Error{code, std::move(message)});
}
inline tl::unexpected<Error> Fail(Error error) { return tl::unexpected<Error>(std::move(error)); }

}  // namespace probe
