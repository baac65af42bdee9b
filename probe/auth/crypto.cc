#include "probe/auth/crypto.h"

#include <fmt/format.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/provider.h>
#include <openssl/rand.h>

#include <string>
#include <string_view>

namespace probe::auth {
namespace {

// The algorithms fetched once from a private library context holding the "default" and
// "legacy" providers. Never freed: they live as long as the process.
struct Algorithms {
  OSSL_LIB_CTX* ctx = nullptr;
  EVP_MD* md4 = nullptr;
  EVP_MD* md5 = nullptr;
  EVP_MD* sha256 = nullptr;
  EVP_MAC* hmac = nullptr;
  EVP_CIPHER* rc4 = nullptr;
  EVP_CIPHER* des_ecb = nullptr;
  std::string legacy_error;  // why the legacy provider did not load, if it did not
};

std::string LastOpenSslError() {
  unsigned long code = ERR_peek_last_error();
  char text[256] = "no OpenSSL error recorded";
  if (code != 0) ERR_error_string_n(code, text, sizeof text);
  ERR_clear_error();
  return text;
}

Algorithms Load() {
  Algorithms a;
  a.ctx = OSSL_LIB_CTX_new();
  if (a.ctx == nullptr || OSSL_PROVIDER_load(a.ctx, "default") == nullptr) {
    a.legacy_error = "no OpenSSL library context: " + LastOpenSslError();
    return a;
  }
  a.md5 = EVP_MD_fetch(a.ctx, "MD5", nullptr);
  a.sha256 = EVP_MD_fetch(a.ctx, "SHA256", nullptr);
  a.hmac = EVP_MAC_fetch(a.ctx, "HMAC", nullptr);
  if (OSSL_PROVIDER_load(a.ctx, "legacy") == nullptr) {
    a.legacy_error = "OpenSSL's legacy provider did not load: " + LastOpenSslError();
    return a;
  }
  a.md4 = EVP_MD_fetch(a.ctx, "MD4", nullptr);
  a.rc4 = EVP_CIPHER_fetch(a.ctx, "RC4", nullptr);
  a.des_ecb = EVP_CIPHER_fetch(a.ctx, "DES-ECB", nullptr);
  if (a.md4 == nullptr || a.rc4 == nullptr || a.des_ecb == nullptr) {
    a.legacy_error = "OpenSSL's legacy provider lacks MD4, RC4 or DES-ECB: " + LastOpenSslError();
  }
  ERR_clear_error();
  return a;
}

const Algorithms& Get() {
  static const Algorithms algorithms = Load();  // thread-safe one-time initialisation
  return algorithms;
}

tl::unexpected<Error> Unavailable(std::string_view algorithm) {
  const std::string& why = Get().legacy_error;
  return Fail(ErrorCode::kUnsupported, fmt::format("{} is unavailable ({})", algorithm,
                                                   why.empty() ? "OpenSSL refused it" : why));
}

tl::unexpected<Error> OpenSslFailed(std::string_view operation) {
  return Fail(ErrorCode::kInternal, fmt::format("{} failed: {}", operation, LastOpenSslError()));
}

struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
struct MacCtxFree {
  void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};

template <std::size_t N>
Result<std::array<std::uint8_t, N>> Digest(const EVP_MD* md, std::string_view name,
                                           std::initializer_list<ByteView> parts) {
  if (md == nullptr) return Unavailable(name);
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex2(ctx.get(), md, nullptr) != 1) return OpenSslFailed(name);
  for (ByteView part : parts) {
    if (EVP_DigestUpdate(ctx.get(), part.data(), part.size()) != 1) return OpenSslFailed(name);
  }
  std::array<std::uint8_t, N> out{};
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(ctx.get(), out.data(), &length) != 1 || length != N) {
    return OpenSslFailed(name);
  }
  return out;
}

}  // namespace

Result<void> LegacyCryptoAvailable() {
  if (!Get().legacy_error.empty()) return Unavailable("MD4/RC4/DES");
  return {};
}

Result<Key16> Md4(ByteView data) { return Digest<16>(Get().md4, "MD4", {data}); }

Result<Key16> Md5(std::initializer_list<ByteView> parts) {
  return Digest<16>(Get().md5, "MD5", parts);
}

Result<Sha256Digest> Sha256(ByteView data) { return Digest<32>(Get().sha256, "SHA-256", {data}); }

Result<Key16> HmacMd5(ByteView key, std::initializer_list<ByteView> parts) {
  if (Get().hmac == nullptr) return Unavailable("HMAC-MD5");
  std::unique_ptr<EVP_MAC_CTX, MacCtxFree> ctx(EVP_MAC_CTX_new(Get().hmac));
  char digest[] = "MD5";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_end()};
  static const std::uint8_t kNoKey = 0;  // a null key pointer would mean "reuse the last key"
  const std::uint8_t* key_data = key.empty() ? &kNoKey : key.data();
  if (!ctx || EVP_MAC_init(ctx.get(), key_data, key.size(), params) != 1) {
    return OpenSslFailed("HMAC-MD5");
  }
  for (ByteView part : parts) {
    if (EVP_MAC_update(ctx.get(), part.data(), part.size()) != 1) return OpenSslFailed("HMAC-MD5");
  }
  Key16 out{};
  std::size_t length = 0;
  if (EVP_MAC_final(ctx.get(), out.data(), &length, out.size()) != 1 || length != out.size()) {
    return OpenSslFailed("HMAC-MD5");
  }
  return out;
}

Result<Block8> DesEncryptBlock(const Block8& key, const Block8& block) {
  if (Get().des_ecb == nullptr) return Unavailable("DES");
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                      &EVP_CIPHER_CTX_free);
  Block8 out{};
  int length = 0;
  if (!ctx || EVP_EncryptInit_ex2(ctx.get(), Get().des_ecb, key.data(), nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out.data(), &length, block.data(), 8) != 1 || length != 8) {
    return OpenSslFailed("DES");
  }
  return out;
}

Result<Bytes> RandomBytes(std::size_t n) {
  Bytes out(n);
  if (Get().ctx == nullptr || RAND_bytes_ex(Get().ctx, out.data(), n, 0) != 1) {
    return OpenSslFailed("random bytes");
  }
  return out;
}

void Rc4::CtxFree::operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }

Result<Rc4> Rc4::Create(ByteView key) {
  if (Get().rc4 == nullptr) return Unavailable("RC4");
  if (key.empty()) return Fail(ErrorCode::kInvalidArgument, "RC4 key is empty");
  Rc4 rc4(EVP_CIPHER_CTX_new());
  EVP_CIPHER_CTX* ctx = rc4.ctx_.get();
  if (ctx == nullptr || EVP_EncryptInit_ex2(ctx, Get().rc4, nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_set_key_length(ctx, static_cast<int>(key.size())) != 1 ||
      EVP_EncryptInit_ex2(ctx, nullptr, key.data(), nullptr, nullptr) != 1) {
    return OpenSslFailed("RC4 key setup");
  }
  return rc4;
}

Result<Bytes> Rc4::Apply(ByteView data) {
  Bytes out(data.size());
  int length = 0;
  if (!data.empty() && (EVP_EncryptUpdate(ctx_.get(), out.data(), &length, data.data(),
                                          static_cast<int>(data.size())) != 1 ||
                        static_cast<std::size_t>(length) != data.size())) {
    return OpenSslFailed("RC4");
  }
  return out;
}

Result<Bytes> Rc4Once(ByteView key, ByteView data) {
  return Rc4::Create(key).and_then([&](Rc4 rc4) { return rc4.Apply(data); });
}

}  // namespace probe::auth
