// TLS alert descriptions (RFC 5246 §7.2, RFC 8446 §6): one table for names everywhere.
#pragma once

#include <string>

namespace probe::tls {

/// "handshake_failure" for 40; "alert_<n>" for codes no RFC names.
std::string AlertName(int description);

}  // namespace probe::tls
