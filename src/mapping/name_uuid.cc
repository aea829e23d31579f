#include "mapping/name_uuid.h"

#include <openssl/evp.h>

namespace crmsync::mapping {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<UuidBytes> parse_uuid(std::string_view t) {
  if (t.size() != 36) return std::nullopt;
  UuidBytes out{};
  size_t b = 0;
  for (size_t i = 0; i < t.size();) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (t[i] != '-') return std::nullopt;
      ++i;
      continue;
    }
    int hi = hex_digit(t[i]), lo = hex_digit(t[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[b++] = static_cast<unsigned char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

std::string uuid_v5(const UuidBytes& ns, std::string_view name) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha1(), nullptr);
  EVP_DigestUpdate(ctx, ns.data(), ns.size());
  EVP_DigestUpdate(ctx, name.data(), name.size());
  EVP_DigestFinal_ex(ctx, digest, &len);
  EVP_MD_CTX_free(ctx);
  digest[6] = static_cast<unsigned char>((digest[6] & 0x0F) | 0x50);  // version 5
  digest[8] = static_cast<unsigned char>((digest[8] & 0x3F) | 0x80);  // RFC variant
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0x0F];
  }
  return out;
}

const UuidBytes& url_namespace() {
  static const UuidBytes ns = *parse_uuid("6ba7b811-9dad-11d1-80b4-00c04fd430c8");
  return ns;
}

}  // namespace crmsync::mapping
