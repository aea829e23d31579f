#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "config/schedule.h"
#include "core/clock.h"
#include "service/service_log.h"
#include "state/state_store.h"

namespace crmsync::service {

struct QueuedJob {
  int64_t run_id = 0;
  bool coalesced = false;  // a run already queued for these flows takes the trigger
};

// What the scheduler needs from the service around it.
class SchedulerHost {
 public:
  virtual ~SchedulerHost() = default;
  virtual std::shared_ptr<const Config> config_snapshot() = 0;
  // Queues a run, or coalesces it into a queued one that covers it.
  virtual Result<QueuedJob> queue_job(const RunRequest& request) = 0;
  // Reloads the config when its file changed (called about every minute
  // from the scheduler's thread).
  virtual void check_config_file() = 0;
};

// Fires the flows' `trigger.schedule` slots into queued runs, on one
// thread that waits on the Clock (never polls): until the earliest slot
// (plus the flow's random jitter), a wake-up (stop, reload) or 30 s,
// whichever comes first. Flows due at the same moment share one run; a
// slot whose flows already have a queued run is coalesced into it. The
// last slot of each flow is stored (StateStore::set_schedule_slot) so a
// restart knows what it missed.
class Scheduler {
 public:
  // The loop runs at least this often (readiness: "ran in the last minute").
  static constexpr int64_t kMaxWaitMicros = 30'000'000;
  static constexpr int64_t kConfigCheckMicros = 60'000'000;

  Scheduler(Clock& clock, StateStore& store, ServiceLog& log, SchedulerHost& host,
            std::map<std::string, std::string> params);
  ~Scheduler();

  // Before start(): for each scheduled flow, the missed-slot rule. First
  // start ever (no stored slot): store the latest slot, run nothing. A
  // slot missed while serve was down runs once (trigger "catch_up", one
  // run for all such flows) if it is at most `catch_up` old (default one
  // interval; 0: never), never once per missed slot.
  Status catch_up(const Config& config);
  void start();
  void stop();  // idempotent; joins the thread
  // The config snapshot changed: schedules are read again (a flow whose
  // schedule is unchanged keeps its next slot).
  void config_changed();

  int64_t next_fire_at(const std::string& flow);  // unix micros; 0: none
  int64_t last_loop_at() const { return last_loop_at_.load(); }

 private:
  struct Entry {
    Schedule schedule;
    int64_t catch_up = -1;
    int64_t jitter = 0;
    int64_t next_slot = 0;
    int64_t fire_at = 0;  // next_slot + a random 0..jitter
  };
  void loop();
  void rebuild(const Config& config, int64_t now);  // under mu_
  void fire_due(int64_t now);
  int64_t draw_jitter(int64_t jitter);  // under mu_

  Clock& clock_;
  StateStore& store_;
  ServiceLog& log_;
  SchedulerHost& host_;
  std::map<std::string, std::string> params_;
  std::mutex mu_;  // entries_, order_, rebuild_pending_, rng_
  std::map<std::string, Entry> entries_;
  std::vector<std::string> order_;  // scheduled flows in config order
  bool rebuild_pending_ = false;
  std::mt19937_64 rng_;
  ClockWakeup wakeup_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> last_loop_at_{0};
  int64_t next_config_check_ = 0;
  std::thread thread_;
};

}  // namespace crmsync::service
