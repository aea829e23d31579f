#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "config/config.h"
#include "net/http_message.h"
#include "net/standard_webhook.h"

namespace crmsync::service {

// Whether a delivery to /hooks/{connection}[/{secret}] is the sender's,
// by the connection's scheme (docs/webhooks.md):
// - pipedrive: HTTP basic auth, user and password compared in constant time;
// - standard: Standard Webhooks signature and timestamp (net/standard_webhook.h);
// - path_secret: the last path segment, compared in constant time.
// `path_secret` is that segment (nullopt on the one-segment path). A
// two-segment path is refused for the other schemes (a secret in a URL ends
// up in proxies' logs). nullopt: authentic. Replay is checked when the
// delivery is committed (StateStore::enqueue). Messages never quote what
// the request sent. Pure; any thread.
std::optional<net::WebhookAuthFailure> authenticate_webhook(
    const WebhookConfig& config, const net::HttpRequest& request,
    std::optional<std::string_view> path_secret, int64_t now_micros);

}  // namespace crmsync::service
