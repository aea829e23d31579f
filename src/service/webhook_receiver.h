#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "config/config.h"
#include "core/clock.h"
#include "net/http_server.h"
#include "service/webhook_metrics.h"
#include "state/state_store.h"

namespace crmsync::service {

// Limits of the webhook routes (ServeOptions::webhooks).
struct WebhookLimits {
  size_t max_body_bytes = 1u << 20;  // larger deliveries get 413
  // Deliveries per second from one client address (a token bucket on the
  // Clock), and the burst it may send at once; over it: 429 with
  // Retry-After. Pipedrive sends a bulk edit's events in a burst.
  double per_address_rate = 1000;
  double per_address_burst = 2000;
};

// serve's webhook receivers (issue 19, docs/webhooks.md): POST and GET
// /hooks/{connection} and /hooks/{connection}/{secret}. Each delivery is
// authenticated by the connection's scheme (webhook_auth.h), parsed by its
// connector's hook (connectors/webhook_parsers.h), fanned out to the
// webhook flows that read its object, and committed to the inbox
// (StateStore::enqueue) before the 202 goes out: nothing is acknowledged
// that is not durable. Answers: 202 (queued, duplicate, or ignored: no flow
// reads the object), 400 malformed, 401 auth (reason counted; no secret
// logged), 404 unknown connection or one without `webhooks:`, 413, 429,
// 503 when the store cannot commit. Thread-safe: the server's handler
// threads call it at once.
class WebhookReceiver {
 public:
  using ConfigSource = std::function<std::shared_ptr<const Config>()>;
  // `queued` is told the flows that got new events (wakes the drainer).
  WebhookReceiver(Clock& clock, StateStore& store, WebhookMetrics& metrics, ConfigSource config,
                  std::function<void()> queued, WebhookLimits limits = {});

  void register_routes(net::HttpServer& server);
  // One delivery; `connection` and `path_secret` come from the path.
  void receive(const net::HttpRequest& request, net::HttpResponse& response,
               const std::string& connection, std::optional<std::string_view> path_secret);

 private:
  bool admit(const std::string& address);  // the per-address token bucket
  void refuse(net::HttpResponse& response, const std::string& connection, int status,
              const std::string& reason, const std::string& message);

  struct Bucket {
    double tokens = 0;
    int64_t at = 0;
  };
  Clock& clock_;
  StateStore& store_;
  WebhookMetrics& metrics_;
  ConfigSource config_;
  std::function<void()> queued_;
  WebhookLimits limits_;
  std::mutex buckets_mu_;
  std::map<std::string, Bucket> buckets_;
  std::atomic<uint64_t> sequence_{0};  // event keys of senders with no id and no time
};

}  // namespace crmsync::service
