#pragma once

#include <cstdint>
#include <deque>
#include <mutex>

#include "core/clock.h"

namespace crmsync::net {

// Keeps a client under a rolling-window rate limit (at most `limit` requests
// in any `window`), by waiting before a request instead of being refused
// after it: Pipedrive's burst limit is a rolling 2-second window per token.
// Also honours a server's "wait N seconds" (x-ratelimit-reset, Retry-After).
// Waits go through the injected Clock, so tests with a ManualClock never
// sleep. Thread-safe: a caller reserves its slot under a lock and waits
// outside it, so parallel callers queue up in the window instead of all
// leaving at once.
class RequestPacer {
 public:
  // limit 0 = no limit. `clock` must outlive the pacer.
  RequestPacer(int64_t limit, int64_t window_micros, Clock& clock)
      : limit_(limit), window_(window_micros), clock_(&clock) {}
  RequestPacer(const RequestPacer&) = delete;
  RequestPacer& operator=(const RequestPacer&) = delete;

  // Waits until a request may go out, then counts it.
  void wait_turn();
  // The server said to wait: no request goes out before `secs` from now.
  void hold_for(double secs);
  // A new limit from now on (the server advertised its own).
  void set_limit(int64_t limit);
  int64_t limit() const;
  // Requests sent so far that had to wait, and the total wait.
  int64_t waits() const;
  double waited_secs() const;

 private:
  mutable std::mutex mu_;
  int64_t limit_;
  int64_t window_;
  Clock* clock_;
  std::deque<int64_t> sent_;  // send times (micros) within the window
  int64_t hold_until_ = 0;
  int64_t waits_ = 0;
  double waited_secs_ = 0;
};

}  // namespace crmsync::net
