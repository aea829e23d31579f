#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <queue>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"

namespace crmsync::sandbox {

// What a delivery announces, for the delivery log (tests compare what was
// acknowledged with what the receiver synced).
struct WebhookEvent {
  std::string id;      // the payload's event id (v2 meta.id)
  std::string object;  // person, deal, ...
  std::string record_id;
  std::string action;  // create, change, delete
};

// One webhook to deliver: POSTed as JSON, with HTTP basic auth when a user
// is set. The body is made per attempt (payloads carry the attempt number).
// With method "GET" the URL (its query string) is the whole message: no
// body, no Content-Type, only `Connection: Keep-Alive` added (Payamgostar).
struct WebhookDelivery {
  int64_t webhook_id = 0;
  std::string method = "POST";
  std::string url;
  std::string basic_user;
  std::string basic_password;
  WebhookEvent event;
  std::function<std::string(int attempt)> make_body;
};

// What happened to one attempt, for tests and the admin log.
struct DeliveryAttempt {
  int64_t webhook_id = 0;
  int attempt = 0;  // 0: never sent (dropped while delivery was paused)
  int status = 0;   // HTTP status, 0 when the transport failed
  bool delivered = false;
  bool dropped = false;    // the change happened while delivery was paused
  bool duplicate = false;  // the extra copy the duplicate fault made
  WebhookEvent event;
  int64_t sent_at_micros = 0;  // system clock, when the attempt started
  int64_t answered_at_micros = 0;
};

// Delivery controls, as an operator (or a test) sets them: a pause during
// which changes are never delivered (a lost webhook), and faults real
// senders show: a share of deliveries sent twice, and every delivery held
// back a random 0..shuffle_window_ms so they arrive out of order. The
// random draws come from `seed`, so one sequence of changes gets the same
// duplicates and delays every time.
struct DeliveryControls {
  bool paused = false;
  double duplicate_rate = 0;  // 0..1
  int shuffle_window_ms = 0;  // 0..600000
  uint64_t seed = 42;
};

// Parses {"paused":true,"duplicate_rate":0.2,"shuffle_window_ms":500,"seed":7}
// over `base` (absent keys keep their value); unknown keys and values out of
// range are rejected errors.
Result<DeliveryControls> parse_delivery_controls(std::string_view json, DeliveryControls base);
std::string to_json(const DeliveryControls& controls);

// Delivers webhooks on its own thread, like the real services: a timeout
// per attempt, any 2xx is success, failures retried after fixed delays
// (Pipedrive: 3, 30 and 150 s), all delays multiplied by `time_scale` so
// tests need not wait. Thread-safe; stop() (or the destructor) drops what
// is still queued.
struct DeliveryLog {
  std::vector<DeliveryAttempt> attempts;
  // Deliveries still to be sent (queued, retrying or being sent): 0 once
  // `attempts` is final, which a test waits for.
  size_t queued = 0;
};

class WebhookDispatcher {
 public:
  WebhookDispatcher(std::vector<double> retry_delays_secs, double timeout_secs, double time_scale);
  ~WebhookDispatcher();
  WebhookDispatcher(const WebhookDispatcher&) = delete;
  WebhookDispatcher& operator=(const WebhookDispatcher&) = delete;

  // Queues a delivery; while paused it is logged as dropped instead.
  void enqueue(WebhookDelivery delivery);
  void stop();
  // The attempts so far and what is still to be sent, read together: read
  // one after the other, a delivery finishing in between showed "nothing
  // queued" over a log without it (a seed test saw 39 of 40 events).
  DeliveryLog log() const;
  // Drops what is queued and the log (the controls stay).
  void clear();
  // Takes effect for deliveries enqueued from now on (a new seed restarts
  // the random sequence); resuming does not send what was dropped.
  void set_controls(const DeliveryControls& controls);
  DeliveryControls controls() const;

 private:
  struct Job {
    int64_t due_ms;
    int attempt;
    std::shared_ptr<WebhookDelivery> delivery;
    bool duplicate = false;
    bool operator>(const Job& o) const { return due_ms > o.due_ms; }
  };
  void run();
  DeliveryAttempt send(const Job& job);

  std::vector<double> retry_delays_secs_;
  double timeout_secs_;
  double time_scale_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::priority_queue<Job, std::vector<Job>, std::greater<Job>> queue_;
  std::vector<DeliveryAttempt> attempts_;
  size_t sending_ = 0;  // popped, answer not logged yet
  DeliveryControls controls_;
  std::mt19937_64 rng_{controls_.seed};
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace crmsync::sandbox
