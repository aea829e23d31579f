#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <vector>

namespace crmsync {

// Ends a Clock::wait_until before its deadline: another thread has news for
// the waiter (stop, reload, new work). A notify sent while nobody waits is
// kept and ends the next wait at once, so a wake-up is never lost between
// the waiter's last look at its state and its wait. One waiter at a time.
class ClockWakeup {
 public:
  void notify();

 private:
  friend class SystemClock;
  friend class ManualClock;
  std::mutex mu_;
  std::condition_variable cv_;
  bool notified_ = false;
  // ManualClock: the waiting thread's "released" mark, set by notify so the
  // woken thread stops counting as a waiter at once.
  std::atomic<bool>* released_ = nullptr;
};

// The one time source for waiting and "now" (engine, HTTP sessions, pacing,
// the service's scheduler); injectable so tests control time and never
// sleep (STYLE.md: hermetic tests with a fake clock). Implementations are
// thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t now_micros() = 0;  // unix micros, UTC
  virtual void sleep_micros(int64_t micros) = 0;
  // Blocks until now_micros() >= deadline_micros (true) or `wakeup` is
  // notified (false; the notification is consumed). Long-lived loops (the
  // scheduler, watcher backoff) wait here, so a ManualClock releases them
  // when a test moves time past their deadline.
  virtual bool wait_until(int64_t deadline_micros, ClockWakeup& wakeup) = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t now_micros() override;
  void sleep_micros(int64_t micros) override;
  bool wait_until(int64_t deadline_micros, ClockWakeup& wakeup) override;
};

// A clock that only moves when told to (sleep advances it at once). Threads
// in wait_until are released when time is moved to or past their deadline.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_micros) : now_(start_micros) {}
  int64_t now_micros() override { return now_.load(); }
  void sleep_micros(int64_t micros) override {
    if (micros > 0) advance_micros(micros);
  }
  bool wait_until(int64_t deadline_micros, ClockWakeup& wakeup) override;
  void advance_secs(double secs) { advance_micros(static_cast<int64_t>(secs * 1e6)); }
  void advance_micros(int64_t micros);
  // Moves time to `micros` (never backwards).
  void set_micros(int64_t micros);

  // Tests: threads blocked in wait_until whose deadline has not come (a
  // thread released by a move of time no longer counts, even before it
  // runs again). await_waiters blocks, in real time, until at least `n`
  // threads wait (true) or `timeout` passed (false): "the scheduler has
  // done its work and waits again", without sleeping.
  size_t waiters();
  bool await_waiters(size_t n, std::chrono::milliseconds timeout);

 private:
  struct Waiter {
    int64_t deadline = 0;
    ClockWakeup* wakeup = nullptr;
    std::atomic<bool> released{false};
  };
  void release_due();

  std::atomic<int64_t> now_;
  std::mutex mu_;  // guards waiters_; taken before any ClockWakeup's mutex
  std::condition_variable waiters_changed_;
  std::vector<Waiter*> waiters_;
};

}  // namespace crmsync
