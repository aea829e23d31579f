#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "service/webhook_metrics.h"
#include "state/state_store.h"

namespace crmsync::service {

// The service's Prometheus metrics (GET /metrics, text format 0.0.4).
// Thread-safe. Labels carry flow, connection, op and status names only:
// never a record value or a secret.
//   crmsync_records_total{flow,op}              counter (op: read created updated skipped deleted
//   failed) crmsync_runs_total{flow,status}             counter crmsync_run_duration_seconds{flow}
//   histogram crmsync_api_requests_total{connection,status_class}  counter (2xx 3xx 4xx 5xx error)
//   crmsync_api_budget_remaining{connection}    gauge (only connections that report a budget)
//   crmsync_flow_last_success_timestamp_seconds{flow}  gauge
//   crmsync_jobs{state}                         gauge (queued running)
class Metrics {
 public:
  Metrics();
  ~Metrics();

  void add_records(std::string_view flow, const FlowCounts& delta);
  void run_ended(std::string_view flow, RunStatus status, double duration_secs);
  void set_last_success(std::string_view flow, int64_t unix_micros);
  // status 0: no answer (transport error).
  void api_answer(std::string_view connection, int http_status);
  void set_budget_remaining(std::string_view connection, double remaining);
  // The last budget set for `connection`; nullopt: none yet.
  std::optional<double> budget_remaining(std::string_view connection) const;
  void set_jobs(std::string_view state, int64_t count);

  std::string render() const;  // the whole exposition

  // The webhook families (webhook_metrics.h), rendered after the others.
  WebhookMetrics& webhooks() { return webhooks_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  WebhookMetrics webhooks_;
};

}  // namespace crmsync::service
