#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "service/control.h"
#include "service/metrics.h"
#include "service/webhook_receiver.h"

namespace crmsync::net {
class HttpServer;
}

namespace crmsync::service {

struct ServeOptions {
  std::string config_path;
  std::map<std::string, std::string> params;  // --param NAME=VALUE
  // host:port; port 0 picks a free one (tests). Empty: no HTTP server
  // (scheduler-only tests).
  std::string listen = "127.0.0.1:8765";
  Clock* clock = nullptr;  // null: the system clock
  // One JSON object per event (no newline); null: to stderr.
  std::function<void(std::string_view json_line)> log;
  std::string api_token;  // empty: load_or_create_api_token (api.h)
  size_t workers = 1;     // runs at once (never two of one flow)
  // Both set: the HTTP server speaks HTTPS only (PEM files).
  std::string tls_cert_file;
  std::string tls_key_file;
  // Registers the routes (the API, health, metrics: api.h) on the server
  // before it listens; cmd_serve sets it. Null: a server with no routes.
  std::function<void(net::HttpServer& server, ServiceControl& control, Metrics& metrics)>
      register_routes;
  // The webhook receivers' body limit and per-address flood limit
  // (webhook_receiver.h); the routes are there whenever the server is.
  WebhookLimits webhooks;
};

// `crmsync serve` (docs/service.md): runs every flow's trigger until
// stopped. Schedules fire into durable jobs (runs in state queued) that
// workers start; CDC flows are watched; the API (api.h) sees and steers it.
class Service : public ServiceControl {
 public:
  // Loads and validates the config (every problem in one fatal Error, as
  // `crmsync validate` prints them) and opens the state store.
  static Result<std::unique_ptr<Service>> create(ServeOptions options);
  ~Service() override;

  // Marks runs of dead processes interrupted and queues their resumption,
  // queues missed slots within catch_up, starts the scheduler, the workers,
  // the watchers and the HTTP server.
  virtual Status start() = 0;
  // SIGTERM: stops taking jobs, lets the batches being written commit,
  // marks running runs interrupted, stops within 10 s. Idempotent.
  virtual void stop() = 0;
  // SIGHUP: loads the config again. Invalid: the old one stays and every
  // problem is logged (and returned). Runs going on finish on the old one.
  virtual Status reload() = 0;
  // The bound HTTP port (after start).
  virtual int port() const = 0;
  // The config file changed on disk since the last (re)load (checked every minute by serve).
  virtual bool config_changed() = 0;

 protected:
  Service() = default;
};

}  // namespace crmsync::service
