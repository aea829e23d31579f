#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/clock.h"
#include "service/control.h"

namespace crmsync::service {

// The live progress of the runs this process queued or runs, and the
// listeners that follow it (the API's Server-Sent Events). Every change of
// a run makes a new RunProgress with a higher version and goes to every
// listener, on the thread that made the change (a worker, mostly). A slow
// listener holds up only that thread. Ended runs are kept for a while (the
// last kKeptEnded) so a late reader still sees the final version.
class ProgressHub {
 public:
  static constexpr size_t kKeptEnded = 200;
  using Listener = std::function<void(const RunProgress&)>;

  explicit ProgressHub(Clock& clock) : clock_(clock) {}

  // Changes run `run_id` with `change` (status, flow, counts) and tells
  // the listeners.
  void update(int64_t run_id, const std::function<void(RunProgress&)>& change);
  std::optional<RunProgress> get(int64_t run_id);

  int64_t watch(Listener listener);
  // After it returns the listener is not called again, and no call of it
  // is going on (except this thread's own, when a listener unwatches
  // itself).
  void unwatch(int64_t handle);

 private:
  struct Entry {
    Listener listener;
    int in_flight = 0;
    bool removed = false;
  };

  Clock& clock_;
  std::mutex mu_;
  std::condition_variable calls_done_;
  std::map<int64_t, RunProgress> runs_;
  std::map<uint64_t, int64_t> ended_order_;  // sequence -> run id
  uint64_t ended_seq_ = 0;
  std::map<int64_t, std::shared_ptr<Entry>> listeners_;
  int64_t next_handle_ = 1;
};

}  // namespace crmsync::service
