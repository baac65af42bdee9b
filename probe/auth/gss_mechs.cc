#include "probe/auth/gss_mechs.h"

#include <algorithm>

namespace probe::auth {

ByteView MechOid(Mech mech) {
  for (const MechInfo& info : kMechTable) {
    if (info.mech == mech) return AsBytes(info.oid);
  }
  return {};
}

std::optional<MechInfo> FindMech(ByteView oid) {
  for (const MechInfo& info : kMechTable) {
    ByteView known = AsBytes(info.oid);
    if (std::equal(known.begin(), known.end(), oid.begin(), oid.end())) return info;
  }
  return std::nullopt;
}

bool IsKerberos(Mech mech) {
  return mech == Mech::kKerberos || mech == Mech::kMsKerberos || mech == Mech::kKerberosU2U;
}

}  // namespace probe::auth
