#include "net/request_pacer.h"

#include <thread>

namespace crmsync::net {

void RequestPacer::wait_turn() {
  Clock::time_point now = Clock::now();
  Clock::time_point until = hold_until_;
  if (limit_ > 0) {
    while (!sent_.empty() && sent_.front() + window_ <= now) sent_.pop_front();
    // A small margin: the server's window and ours do not start together.
    if (static_cast<int64_t>(sent_.size()) >= limit_) {
      until = std::max(until, sent_.front() + window_ + std::chrono::milliseconds(20));
    }
  }
  if (until > now) {
    ++waits_;
    waited_secs_ += std::chrono::duration<double>(until - now).count();
    std::this_thread::sleep_until(until);
    now = Clock::now();
    while (!sent_.empty() && sent_.front() + window_ <= now) sent_.pop_front();
  }
  if (limit_ > 0) sent_.push_back(now);
}

void RequestPacer::hold_for(double secs) {
  if (secs <= 0) return;
  Clock::time_point until = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                               std::chrono::duration<double>(secs));
  hold_until_ = std::max(hold_until_, until);
}

}  // namespace crmsync::net
