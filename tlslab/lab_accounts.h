// The scenario's users as the NTLM acceptor looks them up: by user and domain name,
// case-insensitively as Windows compares them, with each NT hash computed once at start so no
// password is kept past it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "probe/auth/crypto.h"
#include "tlslab/scenario.h"

namespace tlslab {

/// One lab account. `nt_hash` is a secret: never printed, logged or put in a message.
struct LabAccount {
  std::string account;  // "CONTOSO\alice" as the scenario writes it: what X-Tlslab-User shows
  std::string domain;
  std::string user;
  probe::auth::Key16 nt_hash{};  // NTOWFv1(password)
};

/// The accounts of one scenario.
class AccountStore {
 public:
  /// Hashes every password (MD4 from OpenSSL's legacy provider: fails with kUnsupported where
  /// it is missing).
  static Result<AccountStore> Create(const std::vector<UserSpec>& users);

  /// The account `user` of `domain`, both compared case-insensitively; nullptr when unknown.
  const LabAccount* Find(std::string_view user, std::string_view domain) const;
  std::size_t size() const { return accounts_.size(); }

 private:
  std::vector<LabAccount> accounts_;
};

/// Case-insensitive equality of account and domain names (Windows' simple upper-casing).
bool SameAccountName(std::string_view a, std::string_view b);

}  // namespace tlslab
