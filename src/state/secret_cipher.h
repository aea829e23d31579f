#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace crmsync {

// Encryption of the state store's secrets at rest: AES-256-GCM with a
// 32-byte key given as base64 in the environment variable
// CRMSYNC_SECRET_KEY. A sealed secret is nonce (12 bytes) | ciphertext |
// tag (16 bytes); the secret's name is authenticated with it, so a value
// cannot be moved to another name. Errors never quote the key or a value.

inline constexpr const char* kSecretKeyEnv = "CRMSYNC_SECRET_KEY";

// The 32 raw key bytes from CRMSYNC_SECRET_KEY; fatal when it is unset or
// not base64 of 32 bytes (the message says how to make one).
Result<std::string> secret_key_from_env();
std::string seal_secret(std::string_view key, std::string_view name, std::string_view plaintext);
// Fatal when the key is not the one that sealed it (or the data was altered).
Result<std::string> open_secret(std::string_view key, std::string_view name,
                                std::string_view sealed);

}  // namespace crmsync
