#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace crmsync::net {

// Why a delivery was refused: `reason` is a short code for counters and
// metrics labels (never a secret, never request data); `message` says what
// to fix, for the 401 body and the log.
struct WebhookAuthFailure {
  std::string reason;
  std::string message;
};

// The three headers of a Standard Webhooks delivery (standardwebhooks.com):
// unset when the request did not carry them.
struct StandardWebhookHeaders {
  std::optional<std::string_view> id;         // webhook-id
  std::optional<std::string_view> timestamp;  // webhook-timestamp, Unix seconds
  std::optional<std::string_view> signature;  // webhook-signature: "v1,<base64> v1,<base64>"
};

// Checks a Standard Webhooks signature: HMAC-SHA256 over "id.timestamp.body"
// (the raw body bytes) with any of `secrets` ("whsec_" + base64 key; several
// while a key is rotated), against any "v1," signature of the header
// (space-separated; other versions are ignored), compared in constant time.
// A timestamp further than `tolerance_micros` from `now_micros` is refused.
// Replay (an id seen before) is the caller's check: this holds no state.
// nullopt: authentic. Reasons: missing_header, bad_timestamp,
// stale_timestamp, bad_signature (no well-formed v1 signature),
// signature_mismatch. Pure; any thread; fuzzable.
std::optional<WebhookAuthFailure> verify_standard_webhook(const StandardWebhookHeaders& headers,
                                                          std::string_view body,
                                                          std::span<const std::string> secrets,
                                                          int64_t now_micros,
                                                          int64_t tolerance_micros);

// The "v1,<base64>" signature a sender makes with `secret` (tests, the
// docs' example, benchmarks). Empty when the secret is not whsec_ base64.
std::string sign_standard_webhook(std::string_view secret, std::string_view id,
                                  std::string_view timestamp, std::string_view body);

// HTTP basic credentials "user:password" from an Authorization header
// value; nullopt when it is not the Basic scheme with valid base64.
std::optional<std::string> basic_credentials(std::string_view authorization);

}  // namespace crmsync::net
