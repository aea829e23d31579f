#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "sandbox/common/fault_injector.h"
#include "sandbox/common/webhook_dispatcher.h"
#include "sandbox/pipedrive/pipedrive_pipeline_seed.h"

namespace crmsync::sandbox::pipedrive {

struct PipedriveSandboxOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0 picks a free port
  std::string api_token = "demo-token";
  // The one OAuth app (/oauth/authorize, /oauth/token); its access tokens
  // last 60 minutes of sandbox time.
  std::string oauth_client_id = "demo-client";
  std::string oauth_client_secret = "demo-secret";
  int seed_records = 0;  // persons, organizations and deals each
  // Rolling 2-second burst per token (Growth plan, API token: 40); 0 = off.
  int64_t burst_limit = 40;
  // Search endpoints: 10 per 2 s on every plan; 0 = off.
  int64_t search_burst_limit = 10;
  // Daily token budget (30,000 x Growth multiplier 2, one seat); 0 = off.
  int64_t daily_budget = 60000;
  // Pipelines (with their stages) added after the default "Sales pipeline",
  // at start and after every admin reset.
  std::vector<PipelineSeed> pipelines;
  FaultConfig faults;
  // Multiplies webhook retry delays (3, 30, 150 s); tests use e.g. 0.01.
  double webhook_time_scale = 1.0;
  // Paused delivery, duplicates, shuffled order (POST /__admin/webhook_delivery).
  DeliveryControls webhook_delivery;
  size_t threads = 16;
  // Sandbox time in epoch seconds; the system clock when empty.
  std::function<int64_t()> clock;
};

// A local, stateful emulator of the Pipedrive API (v1 at /v1, v2 at
// /api/v2, admin at /__admin), for tests, benchmarks and rehearsals.
// Construct, start(), use port(), stop(); the destructor stops.
class PipedriveSandbox {
 public:
  explicit PipedriveSandbox(PipedriveSandboxOptions options);
  ~PipedriveSandbox();
  PipedriveSandbox(const PipedriveSandbox&) = delete;
  PipedriveSandbox& operator=(const PipedriveSandbox&) = delete;

  // Binds and serves on a background thread. Fatal error when the port is
  // taken.
  Status start();
  void stop();
  int port() const;
  // "http://127.0.0.1:PORT"
  std::string base_url() const;

  struct Context;

 private:
  std::unique_ptr<Context> ctx_;
};

}  // namespace crmsync::sandbox::pipedrive
