#include "service/webhook_auth.h"

#include "net/crypto.h"

namespace crmsync::service {
namespace {

std::optional<net::WebhookAuthFailure> check_basic(const WebhookConfig& config,
                                                   const net::HttpRequest& request) {
  auto header = request.header("Authorization");
  if (!header) {
    return net::WebhookAuthFailure{"missing_auth",
                                   "this endpoint needs HTTP basic auth (the connection's "
                                   "webhooks: user and password)"};
  }
  auto credentials = net::basic_credentials(*header);
  if (!credentials) {
    return net::WebhookAuthFailure{"bad_auth", "the Authorization header is not HTTP basic auth"};
  }
  size_t colon = credentials->find(':');
  std::string_view given(*credentials);
  std::string_view user = given.substr(0, colon);
  std::string_view password =
      colon == std::string_view::npos ? std::string_view() : given.substr(colon + 1);
  // Both compared every time: which one was wrong is not told by timing.
  bool user_ok = net::equal_in_constant_time(user, config.user);
  bool password_ok = net::equal_in_constant_time(password, config.password);
  if (!user_ok || !password_ok) {
    return net::WebhookAuthFailure{"wrong_password", "wrong user or password"};
  }
  return std::nullopt;
}

}  // namespace

std::optional<net::WebhookAuthFailure> authenticate_webhook(
    const WebhookConfig& config, const net::HttpRequest& request,
    std::optional<std::string_view> path_secret, int64_t now_micros) {
  if (config.scheme == WebhookConfig::Scheme::path_secret) {
    if (!path_secret) {
      return net::WebhookAuthFailure{
          "missing_path_secret",
          "this connection takes webhooks only at /hooks/{connection}/{secret}"};
    }
    if (!net::equal_in_constant_time(*path_secret, config.path_secret)) {
      return net::WebhookAuthFailure{"wrong_path_secret", "wrong path secret"};
    }
    return std::nullopt;
  }
  if (path_secret) {
    return net::WebhookAuthFailure{"unexpected_path_secret",
                                   "this connection takes webhooks at /hooks/{connection} only"};
  }
  if (config.scheme == WebhookConfig::Scheme::pipedrive) return check_basic(config, request);
  net::StandardWebhookHeaders h;
  auto id = request.header("webhook-id");
  auto timestamp = request.header("webhook-timestamp");
  auto signature = request.header("webhook-signature");
  if (id) h.id = *id;
  if (timestamp) h.timestamp = *timestamp;
  if (signature) h.signature = *signature;
  return net::verify_standard_webhook(h, request.body, config.secrets, now_micros,
                                      config.tolerance_micros);
}

}  // namespace crmsync::service
