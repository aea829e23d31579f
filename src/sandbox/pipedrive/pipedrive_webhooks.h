#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/value.h"
#include "sandbox/common/webhook_dispatcher.h"
#include "sandbox/pipedrive/pipedrive_store.h"

namespace crmsync::sandbox::pipedrive {

struct Webhook {
  int64_t id = 0;
  std::string subscription_url;
  std::string event_action;  // create, change, delete or *
  std::string event_object;  // person, organization, deal, note or *
  std::string version;       // "2.0" (default) or "1.0"
  std::string http_auth_user;
  std::string http_auth_password;
  std::string name;
  int64_t add_time = 0;
};

// Marks changes made on this thread as coming from the UI ("app") rather
// than the API, for the payloads' change_source. Used by /__admin edits.
class AsUserScope {
 public:
  AsUserScope();
  ~AsUserScope();
  static bool active();
};

// Webhook subscriptions and their deliveries: every record change the store
// reports becomes a v2 (or v1) payload POSTed to each matching subscription
// with basic auth, a 10 s timeout and retries after 3, 30 and 150 s (times
// `time_scale`). Thread-safe.
class PipedriveWebhooks {
 public:
  PipedriveWebhooks(PipedriveStore& store, double time_scale);

  // Validates a POST /v1/webhooks body; rejected errors carry the message.
  Result<Webhook> add(const Value& body);
  std::vector<Webhook> list() const;
  bool remove(int64_t id);
  void clear();
  DeliveryLog deliveries() const { return dispatcher_.log(); }
  void set_controls(const DeliveryControls& c) { dispatcher_.set_controls(c); }
  DeliveryControls controls() const { return dispatcher_.controls(); }

  void on_change(Entity entity, ChangeAction action, const StoredRecord* before,
                 const StoredRecord& after);

 private:
  std::string payload(const Webhook& hook, Entity entity, ChangeAction action,
                      const StoredRecord* before, const StoredRecord& after, bool from_user,
                      const std::string& event_id, int attempt) const;

  PipedriveStore& store_;
  mutable std::mutex mu_;
  std::vector<Webhook> hooks_;
  int64_t next_id_ = 1;
  // Numbers every change: two changes of a record in one second (the
  // store's time unit) still get distinct event ids.
  int64_t change_seq_ = 0;
  WebhookDispatcher dispatcher_;
};

// The webhook as /v1/webhooks answers it (password never echoed).
Value render_webhook(const Webhook& hook);

}  // namespace crmsync::sandbox::pipedrive
