#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace crmsync {

// The one time source for waiting and "now" (engine, HTTP sessions, pacing);
// injectable so tests control time and never sleep (STYLE.md: hermetic tests
// with a fake clock). Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t now_micros() = 0;  // unix micros, UTC
  virtual void sleep_micros(int64_t micros) = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t now_micros() override;
  void sleep_micros(int64_t micros) override;
};

// A clock that only moves when told to (sleep advances it at once).
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_micros) : now_(start_micros) {}
  int64_t now_micros() override { return now_.load(); }
  void sleep_micros(int64_t micros) override {
    if (micros > 0) now_ += micros;
  }
  void advance_secs(double secs) { now_ += static_cast<int64_t>(secs * 1e6); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace crmsync
