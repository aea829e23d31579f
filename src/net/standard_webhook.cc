#include "net/standard_webhook.h"

#include <cctype>
#include <vector>

#include "core/base64.h"
#include "net/crypto.h"

namespace crmsync::net {
namespace {

// The raw key of a "whsec_<base64>" secret (the prefix is optional, as the
// reference libraries accept); nullopt when the rest is not base64.
std::optional<std::string> signing_key(std::string_view secret) {
  constexpr std::string_view kPrefix = "whsec_";
  if (secret.substr(0, kPrefix.size()) == kPrefix) secret.remove_prefix(kPrefix.size());
  if (secret.empty()) return std::nullopt;
  return base64_decode(secret);
}

std::string signed_content(std::string_view id, std::string_view timestamp, std::string_view body) {
  std::string content;
  content.reserve(id.size() + timestamp.size() + body.size() + 2);
  content.append(id).append(".").append(timestamp).append(".").append(body);
  return content;
}

std::optional<int64_t> unix_seconds(std::string_view text) {
  if (text.empty() || text.size() > 12) return std::nullopt;
  int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace

std::optional<WebhookAuthFailure> verify_standard_webhook(const StandardWebhookHeaders& headers,
                                                          std::string_view body,
                                                          std::span<const std::string> secrets,
                                                          int64_t now_micros,
                                                          int64_t tolerance_micros) {
  if (!headers.id || headers.id->empty() || !headers.timestamp || !headers.signature) {
    return WebhookAuthFailure{
        "missing_header",
        "a signed delivery needs the headers webhook-id, webhook-timestamp and "
        "webhook-signature"};
  }
  auto seconds = unix_seconds(*headers.timestamp);
  if (!seconds) {
    return WebhookAuthFailure{"bad_timestamp", "webhook-timestamp is not Unix seconds"};
  }
  int64_t skew = *seconds * 1'000'000 - now_micros;
  if (skew > tolerance_micros || -skew > tolerance_micros) {
    return WebhookAuthFailure{"stale_timestamp",
                              "webhook-timestamp is " +
                                  std::to_string((skew < 0 ? -skew : skew) / 1'000'000) +
                                  " s away from this server's clock (tolerance " +
                                  std::to_string(tolerance_micros / 1'000'000) + " s)"};
  }
  std::string content = signed_content(*headers.id, *headers.timestamp, body);
  std::vector<std::string> expected;
  for (const std::string& secret : secrets) {
    if (auto key = signing_key(secret)) expected.push_back(hmac_sha256(*key, content));
  }
  bool any_v1 = false;
  std::string_view rest = *headers.signature;
  while (!rest.empty()) {
    size_t space = rest.find(' ');
    std::string_view item = rest.substr(0, space);
    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
    if (item.substr(0, 3) != "v1,") continue;
    auto given = base64_decode(item.substr(3));
    if (!given || given->size() != 32) continue;
    any_v1 = true;
    for (const std::string& e : expected) {
      if (equal_in_constant_time(*given, e)) return std::nullopt;
    }
  }
  if (!any_v1) {
    return WebhookAuthFailure{"bad_signature",
                              "webhook-signature holds no \"v1,<base64 of 32 bytes>\" signature"};
  }
  return WebhookAuthFailure{"signature_mismatch",
                            "no signature matches the body under the connection's secrets"};
}

std::string sign_standard_webhook(std::string_view secret, std::string_view id,
                                  std::string_view timestamp, std::string_view body) {
  auto key = signing_key(secret);
  if (!key) return {};
  return "v1," + base64_encode(hmac_sha256(*key, signed_content(id, timestamp, body)));
}

std::optional<std::string> basic_credentials(std::string_view authorization) {
  constexpr std::string_view kScheme = "basic ";
  if (authorization.size() < kScheme.size()) return std::nullopt;
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != kScheme[i])
      return std::nullopt;
  }
  std::string_view b64 = authorization.substr(kScheme.size());
  while (!b64.empty() && b64.front() == ' ') b64.remove_prefix(1);
  while (!b64.empty() && (b64.back() == ' ' || b64.back() == '\t')) b64.remove_suffix(1);
  return base64_decode(b64);
}

}  // namespace crmsync::net
