#include "probe/core/result.h"

namespace probe {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kDnsFailure:
      return "dns_failure";
    case ErrorCode::kTimeout:
      return "timeout";
    case ErrorCode::kConnectRefused:
      return "connect_refused";
    case ErrorCode::kUnreachable:
      return "unreachable";
    case ErrorCode::kConnectionClosed:
      return "connection_closed";
    case ErrorCode::kTlsHandshake:
      return "tls_handshake";
    case ErrorCode::kMalformed:
      return "malformed";
    case ErrorCode::kUnsupported:
      return "unsupported";
    case ErrorCode::kIo:
      return "io";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "internal";
}

}  // namespace probe
