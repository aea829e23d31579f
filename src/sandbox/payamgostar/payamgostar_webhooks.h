#pragma once

#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "core/result.h"
#include "sandbox/common/webhook_dispatcher.h"
#include "sandbox/payamgostar/payamgostar_store.h"

namespace crmsync::sandbox::payamgostar {

// One webhook as an admin sets it up under Customization -> "وب هوک": a URL
// per item type (Identity, Quote, Product) and the events that fire it.
struct PgWebhook {
  int64_t id = 0;
  std::string url;
  std::string type;              // Identity | Quote | Product
  std::set<std::string> events;  // Insert, Update, Delete
};

// Turns record changes into Payamgostar's query-only GET deliveries:
// `?event=Update&id=<guid>&type=Identity&subtype=<display name>` (spaces as
// '+', the rest percent-encoded UTF-8), no body, no signature; products
// use the product webhook's `?Event=1&Id=..&Code=..&Name=..` (0 Delete,
// 1 Update, 2 Insert). Deliveries are not retried.
class PgWebhooks {
 public:
  explicit PgWebhooks(const TypeNames& names);

  // {"url","type","events":["Insert","Update"]}; rejected errors name the
  // bad key.
  Result<PgWebhook> add(std::string_view json);
  bool remove(int64_t id);
  std::vector<PgWebhook> list() const;
  void on_change(const CrmRecord& record, const std::string& event);

  WebhookDispatcher& dispatcher() { return dispatcher_; }
  // Forgets the subscriptions and the delivery log.
  void clear();

 private:
  TypeNames names_;
  mutable std::mutex mu_;
  std::vector<PgWebhook> hooks_;
  int64_t next_id_ = 1;
  WebhookDispatcher dispatcher_;
};

// `text` as an HTML form encodes it: spaces as '+', other bytes but
// unreserved ones as %XX (upper case).
std::string form_encode(std::string_view text);
std::string to_json(const PgWebhook& hook);

}  // namespace crmsync::sandbox::payamgostar
