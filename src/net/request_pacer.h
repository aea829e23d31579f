#pragma once

#include <chrono>
#include <cstdint>
#include <deque>

namespace crmsync::net {

// Keeps a client under a rolling-window rate limit (at most `limit` requests
// in any `window`), by waiting before a request instead of being refused
// after it: Pipedrive's burst limit is a rolling 2-second window per token.
// Also honours a server's "wait N seconds" (x-ratelimit-reset, Retry-After).
// One thread at a time.
class RequestPacer {
 public:
  using Clock = std::chrono::steady_clock;
  RequestPacer(int64_t limit, Clock::duration window) : limit_(limit), window_(window) {}

  // Blocks until a request may go out, then counts it. limit 0 = no limit.
  void wait_turn();
  // The server said to wait: no request goes out before `secs` from now.
  void hold_for(double secs);
  // A new limit from now on (the server advertised its own).
  void set_limit(int64_t limit) { limit_ = limit; }
  int64_t limit() const { return limit_; }
  // Requests sent so far that had to wait, and the total wait.
  int64_t waits() const { return waits_; }
  double waited_secs() const { return waited_secs_; }

 private:
  int64_t limit_;
  Clock::duration window_;
  std::deque<Clock::time_point> sent_;
  Clock::time_point hold_until_{};
  int64_t waits_ = 0;
  double waited_secs_ = 0;
};

}  // namespace crmsync::net
