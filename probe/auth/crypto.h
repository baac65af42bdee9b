// The hash and cipher primitives NTLM needs, from OpenSSL 3. MD4, RC4 and DES live in OpenSSL 3's
// "legacy" provider; it is loaded once into a private library context so that the rest of the
// process (the TLS prober above all) keeps OpenSSL's default algorithm set.
#pragma once

#include <openssl/types.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>

#include "probe/core/bytes.h"
#include "probe/core/result.h"

namespace probe::auth {

using Key16 = std::array<std::uint8_t, 16>;  // MD4/MD5 digests, NTLM keys
using Block8 = std::array<std::uint8_t, 8>;  // DES blocks and keys, NTLM challenges
using Sha256Digest = std::array<std::uint8_t, 32>;

/// Fails with kUnsupported when OpenSSL's legacy provider (MD4, RC4, DES) cannot be loaded.
Result<void> LegacyCryptoAvailable();

Result<Key16> Md4(ByteView data);
/// MD5 over the concatenation of `parts`.
Result<Key16> Md5(std::initializer_list<ByteView> parts);
/// HMAC-MD5 keyed with `key` over the concatenation of `parts`.
Result<Key16> HmacMd5(ByteView key, std::initializer_list<ByteView> parts);
Result<Sha256Digest> Sha256(ByteView data);
/// One DES-ECB block with an 8-byte key (parity bits ignored).
Result<Block8> DesEncryptBlock(const Block8& key, const Block8& block);
/// `n` bytes from OpenSSL's CSPRNG (client challenges, random session keys).
Result<Bytes> RandomBytes(std::size_t n);

/// An RC4 key stream whose state carries over between calls, as NTLM's sealing handle does.
class Rc4 {
 public:
  static Result<Rc4> Create(ByteView key);
  Result<Bytes> Apply(ByteView data);

 private:
  struct CtxFree {
    void operator()(EVP_CIPHER_CTX* ctx) const;
  };
  explicit Rc4(EVP_CIPHER_CTX* ctx) : ctx_(ctx) {}
  std::unique_ptr<EVP_CIPHER_CTX, CtxFree> ctx_;
};

/// RC4 of `data` under a fresh key stream (RC4K in [MS-NLMP]).
Result<Bytes> Rc4Once(ByteView key, ByteView data);

}  // namespace probe::auth
