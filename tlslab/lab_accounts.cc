#include "tlslab/lab_accounts.h"

#include "probe/auth/ntlm_crypto.h"
#include "probe/auth/unicode.h"

namespace tlslab {

bool SameAccountName(std::string_view a, std::string_view b) {
  return probe::auth::UpperCaseForNtlm(a) == probe::auth::UpperCaseForNtlm(b);
}

Result<AccountStore> AccountStore::Create(const std::vector<UserSpec>& users) {
  AccountStore store;
  for (const UserSpec& spec : users) {
    auto hash = probe::auth::NtOwfV1(spec.password);
    if (!hash) return tl::unexpected(hash.error().With("user '" + spec.account + "'"));
    store.accounts_.push_back({spec.account, spec.domain, spec.user, *hash});
  }
  return store;
}

const LabAccount* AccountStore::Find(std::string_view user, std::string_view domain) const {
  for (const LabAccount& a : accounts_) {
    if (SameAccountName(a.user, user) && SameAccountName(a.domain, domain)) return &a;
  }
  return nullptr;
}

}  // namespace tlslab
