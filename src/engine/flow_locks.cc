#include "engine/flow_locks.h"

#include <algorithm>

#include "core/time.h"

namespace crmsync {
namespace {

constexpr int64_t kLockPollMicros = 500000;
constexpr const char* kLockAdvice =
    ": a flow runs once at a time; wait for it, or use `crmsync run --wait`";

}  // namespace

std::string describe_lock_holder(const FlowLockHolder& h) {
  return "flow " + h.flow + " is running in " + h.owner + " (run " + std::to_string(h.run_id) +
         ", since " + DateTime{h.since, 0}.floor_to_second_utc().to_iso8601() + ")";
}

bool is_lock_refusal(const Error& error) {
  return error.message.find(kLockAdvice) != std::string::npos;
}

Result<bool> FlowLocks::acquire(int64_t run_id, int64_t wait_micros,
                                const std::function<bool()>& cancelled) {
  int64_t start = clock_.now_micros();
  while (true) {
    auto held = store_.lock_flows(flows_, run_id, clock_.now_micros());
    if (!held) return held.error();
    if (held->empty()) {
      held_ = true;
      return true;
    }
    if (cancelled && cancelled()) return false;
    int64_t waited = clock_.now_micros() - start;
    if (wait_micros >= 0 && waited >= wait_micros) {
      std::string msg = describe_lock_holder(held->front()) + kLockAdvice;
      if (wait_micros > 0) {
        msg += " (waited " + std::to_string(waited / 1000000) + " s)";
      }
      return Error(ErrorKind::fatal, msg);
    }
    int64_t step = kLockPollMicros;
    if (wait_micros >= 0) step = std::min(step, wait_micros - waited);
    clock_.sleep_micros(std::max<int64_t>(step, 1));
  }
}

void FlowLocks::release() {
  if (!held_) return;
  held_ = false;
  // A store that failed keeps the locks until this process ends (then they
  // are taken over); the run already reports the store failure.
  (void)store_.unlock_flows(flows_);
}

}  // namespace crmsync
