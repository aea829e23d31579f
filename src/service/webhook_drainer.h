#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "config/config.h"
#include "core/clock.h"
#include "engine/engine.h"
#include "net/api_observer.h"
#include "service/metrics.h"
#include "service/service_log.h"
#include "state/state_store.h"

namespace crmsync::service {

// Drains the webhook inbox (issue 19) on a thread of its own: per flow with
// `trigger: {webhook: true}`, the oldest pending events in batches, each
// batch a run (trigger "webhook") under the flow's lock, so it never
// overlaps a scheduled run of the flow (SyncEngine::sync_hint_batch: the
// records are read again by id; events are hints, state is truth). An event
// ends done, skipped (its record is outside the flow's filter) or failed
// (its record got a record error, retried as every record error is). A
// batch that fails as a whole stays pending and is tried again after a
// backoff (1 s doubling to 5 min). Drained events are pruned after 7 days,
// replay ids after a day (at least twice the signature tolerance).
//
// Woken by wake() (the receiver, after a commit) and by its own timers on
// the Clock: no polling.
class WebhookDrainer {
 public:
  static constexpr size_t kBatch = 500;
  static constexpr int64_t kKeepDrainedMicros = 7LL * 24 * 3600 * 1'000'000;
  static constexpr int64_t kKeepSeenMicros = 24LL * 3600 * 1'000'000;
  static constexpr int64_t kPruneEveryMicros = 3600LL * 1'000'000;
  static constexpr int64_t kGaugeEveryMicros = 10'000'000;
  static constexpr int64_t kFirstBackoffMicros = 1'000'000;
  static constexpr int64_t kMaxBackoffMicros = 300'000'000;

  using ConfigSource = std::function<std::shared_ptr<const Config>()>;
  WebhookDrainer(Clock& clock, StateStore& store, ServiceLog& log, Metrics& metrics,
                 net::ApiObserver* api_observer, ConfigSource config);
  ~WebhookDrainer();

  void start();
  // Stops at the next batch boundary (or lock wait) and joins.
  void stop();
  void wake() { wakeup_.notify(); }

 private:
  void loop();
  // One batch of one flow; true when more may be pending.
  bool drain_batch(const FlowConfig& flow);
  void prune(int64_t now);
  void refresh_gauges();

  Clock& clock_;
  StateStore& store_;
  ServiceLog& log_;
  Metrics& metrics_;
  net::ApiObserver* api_observer_;
  ConfigSource config_;
  std::atomic<bool> stop_{false};
  ClockWakeup wakeup_;
  std::thread thread_;
  // Only the drainer thread touches these.
  std::shared_ptr<const Config> engine_config_;
  std::unique_ptr<SyncEngine> engine_;
  struct Backoff {
    int64_t next_try_at = 0;
    int64_t delay = kFirstBackoffMicros;
    bool busy = false;  // the flow's lock was held: any wake-up may try again
  };
  std::map<std::string, Backoff> backoff_;  // flows whose last batch failed
  int64_t next_prune_at_ = 0;
  int64_t next_gauge_at_ = 0;
};

}  // namespace crmsync::service
