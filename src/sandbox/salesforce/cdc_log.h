#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sandbox/salesforce/store.h"

namespace crmsync::sandbox::salesforce {

// One retained change event: what CometD delivers as `data` (schema, payload
// with the ChangeEventHeader, event.replayId), rendered once at commit.
struct CdcEvent {
  int64_t replay_id = 0;
  int64_t commit_micros = 0;  // sandbox time; retention counts from it
  std::string object;         // entity name: "Account", "Loan__c"
  std::string data_json;
};

// The Change Data Capture event bus of the sandbox: every committed store
// change gets the next replay id and is kept for `retention_secs` of sandbox
// time (the store's clock, as session expiry), or until `max_events` newer
// ones push it out. Thread-safe; waiters (CometD long polls) are woken by
// every append and by shutdown().
class CdcLog {
 public:
  using Clock = std::function<int64_t()>;  // unix micros, the sandbox clock

  CdcLog(Clock clock, int64_t retention_secs, size_t max_events);

  // Store listener: renders and retains one event (called under the store's
  // write lock, so it only renders and appends).
  void append(const ChangeEvent& e, const ObjectDef& def);
  // Forgets every event (sandbox reset): positions issued before are no
  // longer retained.
  void clear();

  // Where delivery starts for a subscribe with replay id `replay`: -1 new
  // events only, -2 every retained one, N the events after N. Delivery then
  // sends events with ids above the answer. nullopt: N is not (or no longer)
  // retained — the caller answers the real service's 400 replayId error.
  std::optional<int64_t> start_after(int64_t replay);

  // Copies of up to `max` retained events with ids above `after` whose
  // object is `object` (empty: any), in replay order. Returns the id of the
  // last event looked at, so the next call continues after it.
  int64_t collect(int64_t after, std::string_view object, size_t max, std::vector<CdcEvent>& out);

  // What a waiter has seen: take it before looking for events, so that an
  // event or wake() that comes before wait() is not missed.
  struct Mark {
    int64_t last_id = 0;
    uint64_t wakes = 0;
  };
  Mark mark();
  // Blocks until an event or a wake() after `seen`, shutdown(), or
  // `deadline`. False once shut down.
  bool wait(Mark seen, std::chrono::steady_clock::time_point deadline);
  void wake();
  void shutdown();
  bool is_shut_down();

 private:
  void prune_locked();

  Clock clock_;
  int64_t retention_micros_;
  size_t max_events_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<CdcEvent> events_;  // ids contiguous: events_[i].replay_id == first id + i
  int64_t last_id_ = 0;          // last id handed out
  int64_t pruned_through_ = 0;   // every id <= this is gone
  int64_t commit_number_ = 0;
  std::string last_txn_;
  int last_sequence_ = 0;
  uint64_t wakes_ = 0;
  bool shut_down_ = false;
};

// The CDC channel of an object: `/data/AccountChangeEvent`,
// `/data/Loan__ChangeEvent` for the custom object `Loan__c`.
std::string change_event_channel(std::string_view object);

}  // namespace crmsync::sandbox::salesforce
