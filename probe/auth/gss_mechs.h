// The one table of GSS-API mechanism OIDs exprobe knows ([MS-SPNG], RFC 4178, RFC 4121), shared
// by the SPNEGO encoder, its decoder and the pretty-printer.
#pragma once

#include <optional>
#include <string_view>

#include "probe/core/bytes.h"

namespace probe::auth {

enum class Mech { kSpnego, kNtlm, kKerberos, kMsKerberos, kKerberosU2U, kNegoEx };

struct MechInfo {
  Mech mech;
  std::string_view name;
  std::string_view oid;  // DER contents octets (without tag and length)
};

inline constexpr MechInfo kMechTable[] = {
    {Mech::kSpnego, "SPNEGO", "\x2b\x06\x01\x05\x05\x02"},                 // 1.3.6.1.5.5.2
    {Mech::kNtlm, "NTLMSSP", "\x2b\x06\x01\x04\x01\x82\x37\x02\x02\x0a"},  // 1.3.6.1.4.1.311.2.2.10
    {Mech::kKerberos, "Kerberos 5",
     "\x2a\x86\x48\x86\xf7\x12\x01\x02\x02"},  // 1.2.840.113554.1.2.2
    {Mech::kMsKerberos, "MS Kerberos 5",
     "\x2a\x86\x48\x82\xf7\x12\x01\x02\x02"},  // 1.2.840.48018.1.2.2
    {Mech::kKerberosU2U, "Kerberos 5 user-to-user",
     "\x2a\x86\x48\x86\xf7\x12\x01\x02\x02\x03"},  // 1.2.840.113554.1.2.2.3
    {Mech::kNegoEx, "NEGOEX",
     "\x2b\x06\x01\x04\x01\x82\x37\x02\x02\x1e"},  // 1.3.6.1.4.1.311.2.2.30
};

/// The OID contents octets of `mech`.
ByteView MechOid(Mech mech);
/// The table entry whose OID is `oid` (contents octets), if any.
std::optional<MechInfo> FindMech(ByteView oid);
/// True for the Kerberos family (Kerberos 5, its legacy Microsoft OID, user-to-user).
bool IsKerberos(Mech mech);

}  // namespace probe::auth
