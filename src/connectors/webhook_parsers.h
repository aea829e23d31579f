#pragma once

#include <string>
#include <string_view>

#include "connectors/webhook_fields.h"

namespace crmsync {

// The per-connector parse hook of serve's webhook receiver: a connector
// with a delivery format of its own (pipedrive: v1 and v2 bodies) parses
// it, unless the connection's `webhooks:` config names the places itself;
// every other connector (rest, ...) is read at the configured places
// (parse_webhook_fields). A change of an object the connector does not
// sync (Pipedrive's stage, user, ...) comes back with that object's name,
// which no flow reads: the receiver acknowledges and ignores it. Errors
// (kind rejected): a malformed delivery, for a 400. Pure; any thread.
Result<WebhookChange> parse_webhook(std::string_view connection_type, const WebhookConfig& config,
                                    const WebhookRequest& request);

// The name a delivery gives the object a flow reads as `object`
// (pipedrive: "persons" and "person" -> "person"), so the receiver can tell
// which flows a change concerns.
std::string webhook_object_name(std::string_view connection_type, std::string_view object);

}  // namespace crmsync
