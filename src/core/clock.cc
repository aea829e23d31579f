#include "core/clock.h"

#include <algorithm>
#include <thread>

namespace crmsync {

void ClockWakeup::notify() {
  std::lock_guard<std::mutex> lock(mu_);
  notified_ = true;
  if (released_ != nullptr) *released_ = true;
  cv_.notify_all();
}

int64_t SystemClock::now_micros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void SystemClock::sleep_micros(int64_t micros) {
  if (micros > 0) std::this_thread::sleep_for(std::chrono::microseconds(micros));
}

bool SystemClock::wait_until(int64_t deadline_micros, ClockWakeup& wakeup) {
  std::unique_lock<std::mutex> lock(wakeup.mu_);
  // Waits in steps of at most a minute against the system clock, so a
  // wall-clock jump (NTP, suspend) is noticed within a minute.
  while (!wakeup.notified_) {
    int64_t left = deadline_micros - now_micros();
    if (left <= 0) return true;
    auto step = std::chrono::microseconds(std::min<int64_t>(left, 60'000'000));
    wakeup.cv_.wait_for(lock, step);
  }
  wakeup.notified_ = false;
  return false;
}

bool ManualClock::wait_until(int64_t deadline_micros, ClockWakeup& wakeup) {
  Waiter w;
  w.deadline = deadline_micros;
  w.wakeup = &wakeup;
  {
    std::lock_guard<std::mutex> lock(wakeup.mu_);
    if (wakeup.notified_) {
      wakeup.notified_ = false;
      return false;
    }
    wakeup.released_ = &w.released;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (now_.load() < deadline_micros) {
      waiters_.push_back(&w);
      waiters_changed_.notify_all();
    }
  }
  bool reached;
  {
    std::unique_lock<std::mutex> lock(wakeup.mu_);
    wakeup.cv_.wait(lock, [&] { return wakeup.notified_ || now_.load() >= deadline_micros; });
    reached = !wakeup.notified_;
    wakeup.notified_ = false;
    wakeup.released_ = nullptr;
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto it = std::find(waiters_.begin(), waiters_.end(), &w);
  if (it != waiters_.end()) waiters_.erase(it);
  waiters_changed_.notify_all();
  return reached;
}

void ManualClock::advance_micros(int64_t micros) {
  if (micros <= 0) return;
  now_ += micros;
  release_due();
}

void ManualClock::set_micros(int64_t micros) {
  int64_t cur = now_.load();
  while (micros > cur && !now_.compare_exchange_weak(cur, micros)) {
  }
  release_due();
}

void ManualClock::release_due() {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t now = now_.load();
  for (Waiter* w : waiters_) {
    if (w->released || now < w->deadline) continue;
    w->released = true;
    // Under the waiter's mutex: it is either before its predicate check
    // (and sees the new time) or inside wait (and gets this notify).
    std::lock_guard<std::mutex> wl(w->wakeup->mu_);
    w->wakeup->cv_.notify_all();
  }
}

size_t ManualClock::waiters() {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<size_t>(
      std::count_if(waiters_.begin(), waiters_.end(), [](Waiter* w) { return !w->released; }));
}

bool ManualClock::await_waiters(size_t n, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return waiters_changed_.wait_for(lock, timeout, [&] {
    return static_cast<size_t>(std::count_if(waiters_.begin(), waiters_.end(),
                                             [](Waiter* w) { return !w->released; })) >= n;
  });
}

}  // namespace crmsync
