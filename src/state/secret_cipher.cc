#include "state/secret_cipher.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstdlib>
#include <memory>

#include "core/base64.h"

namespace crmsync {
namespace {

constexpr size_t kNonce = 12, kTag = 16, kKey = 32;

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using Ctx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

Result<std::string> secret_key_from_env() {
  const char* text = std::getenv(kSecretKeyEnv);
  const std::string how =
      "; make one with `openssl rand -base64 32` and keep it outside the config and the state "
      "store";
  if (text == nullptr || *text == '\0') {
    return Error(ErrorKind::fatal, std::string(kSecretKeyEnv) +
                                       " is not set: secrets are stored encrypted with it" + how);
  }
  auto key = base64_decode(text);
  if (!key || key->size() != kKey) {
    return Error(ErrorKind::fatal,
                 std::string(kSecretKeyEnv) + " must be base64 of exactly 32 bytes" + how);
  }
  return *key;
}

std::string seal_secret(std::string_view key, std::string_view name, std::string_view plaintext) {
  std::string out(kNonce + plaintext.size() + kTag, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  // A random 96-bit nonce per seal: secrets are few and rarely rewritten,
  // far from the 2^32 seals a key may make.
  if (RAND_bytes(o, kNonce) != 1) std::abort();
  Ctx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key), o);
  EVP_EncryptUpdate(ctx.get(), nullptr, &len, bytes(name), static_cast<int>(name.size()));
  EVP_EncryptUpdate(ctx.get(), o + kNonce, &len, bytes(plaintext),
                    static_cast<int>(plaintext.size()));
  EVP_EncryptFinal_ex(ctx.get(), o + kNonce + len, &len);
  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTag, o + kNonce + plaintext.size());
  return out;
}

Result<std::string> open_secret(std::string_view key, std::string_view name,
                                std::string_view sealed) {
  if (sealed.size() < kNonce + kTag) {
    return Error(ErrorKind::fatal, "the stored secret is damaged (too short)");
  }
  size_t n = sealed.size() - kNonce - kTag;
  std::string out(n, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  std::string tag(sealed.substr(kNonce + n));
  Ctx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key), bytes(sealed));
  EVP_DecryptUpdate(ctx.get(), nullptr, &len, bytes(name), static_cast<int>(name.size()));
  EVP_DecryptUpdate(ctx.get(), o, &len, bytes(sealed) + kNonce, static_cast<int>(n));
  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag, tag.data());
  if (EVP_DecryptFinal_ex(ctx.get(), o + len, &len) != 1) {
    return Error(ErrorKind::fatal, std::string(kSecretKeyEnv) +
                                       " does not open the stored secret: it is not the key "
                                       "the secret was stored with (or the store was altered)");
  }
  return out;
}

}  // namespace crmsync
