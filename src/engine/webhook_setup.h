#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "connectors/connector.h"

namespace crmsync {

// The webhook subscriptions of one source connection (`crmsync setup`):
// what changed (or, without apply, would change) at `url`. `error` is set
// when the source could not be asked.
struct WebhookSetup {
  std::string connection;
  std::string url;
  SetupReport report;
  std::string error;
};

// With `serve.public_url` set, brings every connection with
// `webhooks: {scheme: pipedrive}` to one subscription per object its flows
// take webhooks for (`trigger: {webhook: true}`), at
// {public_url}/hooks/{connection}; a connection no such flow reads any more
// keeps none there. What the flows need is computed from every flow, so
// naming flows (`flows`, empty: all) only narrows which connections are
// asked: never removes what an unnamed flow needs. Without public_url:
// nothing (an empty list).
Result<std::vector<WebhookSetup>> setup_webhooks(const Config& config,
                                                 const std::vector<std::string>& flows, bool apply);

}  // namespace crmsync
