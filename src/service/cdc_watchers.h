#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "core/clock.h"
#include "net/api_observer.h"
#include "service/service_log.h"
#include "state/state_store.h"

namespace crmsync::service {

// The flows with `trigger: {cdc: true}`, each kept in sync from its
// source's change stream by SyncEngine::watch (what `crmsync watch` does)
// on a thread and an engine of its own. Watching that stops with an error
// is logged and started again after a backoff on the clock (1 s doubling
// to 5 min; back to 1 s after a watch that lasted longer than that).
class CdcWatchers {
 public:
  static constexpr int64_t kFirstBackoffMicros = 1'000'000;
  static constexpr int64_t kMaxBackoffMicros = 300'000'000;

  // `api_observer` (may be null) sees every API answer of their connections.
  CdcWatchers(Clock& clock, StateStore& store, ServiceLog& log, net::ApiObserver* api_observer);
  ~CdcWatchers();

  // Starts a watcher per CDC flow of `config` (after stopping the ones of
  // the previous config: a reload restarts them on the new one).
  void start(std::shared_ptr<const Config> config);
  // Stops every watcher at its next poll (a few seconds at most) and joins.
  void stop();
  std::vector<std::string> watched_flows() const;

 private:
  struct Watcher {
    std::string flow;
    std::shared_ptr<const Config> config;
    std::atomic<bool> stop{false};
    ClockWakeup wakeup;
    std::thread thread;
  };
  void watch(Watcher& w);

  Clock& clock_;
  StateStore& store_;
  ServiceLog& log_;
  net::ApiObserver* api_observer_;
  std::vector<std::unique_ptr<Watcher>> watchers_;  // only touched by start/stop (one caller)
};

}  // namespace crmsync::service
