#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "state/state_store.h"

namespace crmsync {

// The run locks of some flows (StateStore::lock_flows), held from acquire()
// until this goes out of scope: every return path of a run releases them.
class FlowLocks {
 public:
  FlowLocks(StateStore& store, Clock& clock, std::vector<std::string> flows)
      : store_(store), clock_(clock), flows_(std::move(flows)) {}
  ~FlowLocks() { release(); }
  FlowLocks(const FlowLocks&) = delete;
  FlowLocks& operator=(const FlowLocks&) = delete;

  // Takes all of them for `run_id`. While one is held elsewhere, polls every
  // half second on the clock for up to `wait_micros` (-1: no limit; 0: not
  // at all), then fails (fatal) naming the flow, its holder and what to do.
  // False (nothing taken) when `cancelled` turns true while waiting.
  Result<bool> acquire(int64_t run_id, int64_t wait_micros,
                       const std::function<bool()>& cancelled = {});
  void release();

 private:
  StateStore& store_;
  Clock& clock_;
  std::vector<std::string> flows_;
  bool held_ = false;
};

// Whether a run failed because another run held one of its flows past its
// wait (FlowLocks::acquire's error).
bool is_lock_refusal(const Error& error);

// "flow f is running in crmsync serve pid 12 on host (run 7, since
// 2026-12-06T15:00:00Z)": who holds a flow's lock, for messages.
std::string describe_lock_holder(const FlowLockHolder& holder);

}  // namespace crmsync
