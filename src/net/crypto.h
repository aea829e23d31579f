#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace crmsync::net {

// Small OpenSSL wrappers for the OAuth flows (JWT bearer, PKCE) on both the
// connector and the sandbox side. Thread-safe. Errors never quote key
// material, only what kind of input was wrong.

// SHA-256 of `bytes` (32 raw bytes).
std::string sha256(std::string_view bytes);
// MD5 of `bytes` (16 raw bytes). Not for security: some vendor logins
// (Siagh) take the password as its MD5 hex digest.
std::string md5(std::string_view bytes);
// Whether `a` equals `b`, in time that depends on neither: their SHA-256
// digests (equal lengths) are compared with CRYPTO_memcmp. For secrets a
// client presents (API bearer tokens), so timing does not reveal a prefix.
bool equal_in_constant_time(std::string_view a, std::string_view b);
// HMAC-SHA256 of `data` under `key` (32 raw bytes): webhook signatures.
std::string hmac_sha256(std::string_view key, std::string_view data);
// `n` bytes from the OS's CSPRNG.
std::string random_bytes(size_t n);
// RSASSA-PKCS1-v1_5 with SHA-256 (JWS "RS256") of `data` with a PEM private
// key (PKCS#1 or PKCS#8, unencrypted). Fatal error when the key does not parse.
Result<std::string> rs256_sign(std::string_view private_key_pem, std::string_view data);
// Whether `signature` is an RS256 signature of `data` by the key of the PEM
// X.509 certificate. Fatal error when the certificate does not parse.
Result<bool> rs256_verify(std::string_view certificate_pem, std::string_view data,
                          std::string_view signature);

}  // namespace crmsync::net
