#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "config/config.h"
#include "core/result.h"
#include "net/http_headers.h"

namespace crmsync {

// A webhook delivery as the receiver got it: no connection state, so the
// parsers below are pure functions (and fuzz targets).
struct WebhookRequest {
  std::string_view method;                                         // GET or POST
  const std::multimap<std::string, std::string>* query = nullptr;  // decoded
  const net::HttpHeaders* headers = nullptr;
  std::string_view body;
};

// What one delivery says changed. A hint (DESIGN.md 4.1): the drainer reads
// the record again, so only the object and the id must be right.
struct WebhookChange {
  std::string event_id;    // the sender's id of the event; empty: it sends none
  std::string object;      // the source object flows read (after the objects map)
  std::string record_id;   // never empty
  std::string action;      // create | update | delete (unknown words: update)
  int64_t changed_at = 0;  // unix micros of the change; 0: the sender does not say
};

// Reads a delivery at the places a connection's `webhooks:` config names
// (`id`, `object`, `action`, `event_id`: "query.NAME", "header.NAME" or
// "body.a.b", a path into a JSON body), then maps the sender's names
// through `objects` and `actions`. No C++ per CRM. An error (kind rejected)
// names the place and what is wrong ("query.id: missing"): the receiver
// answers 400 with it. Pure; any thread.
Result<WebhookChange> parse_webhook_fields(const WebhookConfig& config,
                                           const WebhookRequest& request);

// The action word a sender used, as crmsync names it: through `actions`,
// else create/update/delete themselves (any case), else update (a hint
// re-reads the record anyway).
std::string webhook_action(const WebhookConfig& config, std::string_view said);

}  // namespace crmsync
