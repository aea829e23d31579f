#include "net/request_pacer.h"

#include <algorithm>

namespace crmsync::net {

namespace {
// The server's window and ours do not start together.
constexpr int64_t kMarginMicros = 20'000;
}  // namespace

void RequestPacer::wait_turn() {
  int64_t now = clock_->now_micros();
  int64_t until = 0;
  {
    std::lock_guard lock(mu_);
    until = std::max(now, hold_until_);
    if (limit_ > 0) {
      while (!sent_.empty() && sent_.front() + window_ <= now) sent_.pop_front();
      // The slot this request takes: after the oldest of the last `limit`
      // sends (including ones reserved by callers still waiting) leaves the
      // window.
      if (static_cast<int64_t>(sent_.size()) >= limit_) {
        int64_t oldest = sent_[sent_.size() - static_cast<size_t>(limit_)];
        until = std::max(until, oldest + window_ + kMarginMicros);
      }
      sent_.push_back(until);
      std::sort(sent_.begin(), sent_.end());
    }
    if (until > now) {
      ++waits_;
      waited_secs_ += static_cast<double>(until - now) / 1e6;
    }
  }
  if (until > now) clock_->sleep_micros(until - now);
}

void RequestPacer::hold_for(double secs) {
  if (secs <= 0) return;
  int64_t until = clock_->now_micros() + static_cast<int64_t>(secs * 1e6);
  std::lock_guard lock(mu_);
  hold_until_ = std::max(hold_until_, until);
}

void RequestPacer::set_limit(int64_t limit) {
  std::lock_guard lock(mu_);
  limit_ = limit;
}

int64_t RequestPacer::limit() const {
  std::lock_guard lock(mu_);
  return limit_;
}

int64_t RequestPacer::waits() const {
  std::lock_guard lock(mu_);
  return waits_;
}

double RequestPacer::waited_secs() const {
  std::lock_guard lock(mu_);
  return waited_secs_;
}

}  // namespace crmsync::net
