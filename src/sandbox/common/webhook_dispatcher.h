#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <queue>
#include <string>
#include <thread>
#include <vector>

namespace crmsync::sandbox {

// One webhook to deliver: POSTed as JSON, with HTTP basic auth when a user
// is set. The body is made per attempt (payloads carry the attempt number).
struct WebhookDelivery {
  int64_t webhook_id = 0;
  std::string url;
  std::string basic_user;
  std::string basic_password;
  std::function<std::string(int attempt)> make_body;
};

// What happened to one attempt, for tests and the admin log.
struct DeliveryAttempt {
  int64_t webhook_id = 0;
  int attempt = 0;
  int status = 0;  // HTTP status, 0 when the transport failed
  bool delivered = false;
};

// Delivers webhooks on its own thread, like the real services: a timeout
// per attempt, any 2xx is success, failures retried after fixed delays
// (Pipedrive: 3, 30 and 150 s), all delays multiplied by `time_scale` so
// tests need not wait. Thread-safe; stop() (or the destructor) drops what
// is still queued.
class WebhookDispatcher {
 public:
  WebhookDispatcher(std::vector<double> retry_delays_secs, double timeout_secs, double time_scale);
  ~WebhookDispatcher();
  WebhookDispatcher(const WebhookDispatcher&) = delete;
  WebhookDispatcher& operator=(const WebhookDispatcher&) = delete;

  void enqueue(WebhookDelivery delivery);
  void stop();
  std::vector<DeliveryAttempt> attempts() const;
  void clear();

 private:
  struct Job {
    int64_t due_ms;
    int attempt;
    std::shared_ptr<WebhookDelivery> delivery;
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
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace crmsync::sandbox
