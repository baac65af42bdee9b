#include "tlslab/end_point_binding.h"

#include <openssl/evp.h>
#include <openssl/objects.h>

#include "probe/auth/channel_binding.h"

namespace tlslab {

using probe::ErrorCode;

probe::Result<std::optional<probe::Bytes>> TlsServerEndPoint(X509* leaf) {
  int md_nid = NID_undef;
  if (X509_get_signature_info(leaf, &md_nid, nullptr, nullptr, nullptr) != 1 ||
      md_nid == NID_undef) {
    return std::nullopt;
  }
  const EVP_MD* md =
      (md_nid == NID_md5 || md_nid == NID_sha1) ? EVP_sha256() : EVP_get_digestbynid(md_nid);
  if (md == nullptr) return std::nullopt;
  probe::Bytes digest(EVP_MAX_MD_SIZE);
  unsigned length = 0;
  if (X509_digest(leaf, md, digest.data(), &length) != 1) {
    return probe::Fail(ErrorCode::kInternal, "X509_digest of the listener certificate failed");
  }
  digest.resize(length);
  return digest;
}

probe::Result<std::optional<probe::auth::Key16>> ExpectedChannelBinding(X509* leaf) {
  auto hash = TlsServerEndPoint(leaf);
  if (!hash) return tl::unexpected(hash.error());
  if (!*hash) return std::nullopt;
  auto binding = probe::auth::ChannelBindingHash(probe::auth::TlsServerEndPointData(**hash));
  if (!binding) return tl::unexpected(binding.error());
  return *binding;
}

}  // namespace tlslab
