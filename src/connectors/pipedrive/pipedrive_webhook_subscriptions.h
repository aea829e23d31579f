#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "connectors/connector.h"
#include "core/result.h"
#include "core/value.h"

namespace crmsync {

// A webhook subscription as `GET /v1/webhooks` lists it.
struct PipedriveSubscription {
  int64_t id = 0;
  std::string url;
  std::string event_action;  // create, change, delete or *
  std::string event_object;  // person, deal, ... or *
  std::string version;       // "1.0" or "2.0"
  std::string user;          // http_auth_user
  std::string password;      // http_auth_password as listed (masked or absent on most accounts)
  std::string name;
};

// What `setup_webhooks` does to bring the subscriptions to a request:
// creates first (so an object is never without one while being replaced),
// then deletes. `lines` says each change for people, in that order.
struct PipedriveSubscriptionPlan {
  std::vector<std::string> create_objects;
  std::vector<int64_t> delete_ids;
  std::vector<std::string> lines;
  bool empty() const { return create_objects.empty() && delete_ids.empty(); }
};

// The subscriptions in a `/v1/webhooks` answer's data (a list; null: none).
// A fatal error names what is not as Pipedrive documents it.
Result<std::vector<PipedriveSubscription>> parse_pipedrive_subscriptions(const Value& data);

// Pure: the changes that make `existing` hold, at request.url, exactly one
// subscription per requested object (event_action *, version 2.0, the
// request's basic auth) and nothing else. A subscription at request.url is
// kept only when it is all that; one whose action, version, user or
// password drifted is replaced; a second one for an object (a duplicate)
// and one for an object no longer requested are deleted. Subscriptions at
// any other URL are left alone.
PipedriveSubscriptionPlan plan_pipedrive_subscriptions(
    const std::vector<PipedriveSubscription>& existing, const WebhookSubscriptionRequest& request);

// The name our subscriptions carry: "crmsync " and a fingerprint of the
// URL, user and password (16 hex digits of a SHA-256 over them). The list
// does not give the password back, so a changed password shows as a changed
// name; the fingerprint never reveals the password itself.
std::string pipedrive_subscription_name(const WebhookSubscriptionRequest& request);

// The `POST /v1/webhooks` body that subscribes `request.url` to `object`.
std::string pipedrive_subscription_body(const WebhookSubscriptionRequest& request,
                                        const std::string& object);

}  // namespace crmsync
