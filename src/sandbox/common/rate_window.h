#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>

namespace crmsync::sandbox {

// What a rate check answered, for the x-ratelimit-* headers.
struct RateDecision {
  bool allowed = true;
  int64_t limit = 0;
  int64_t remaining = 0;
  int64_t reset_secs = 0;  // until a slot frees up (the oldest request leaves)
};

// A rolling window per client key: at most `limit` requests in any
// `window_ms`. Only allowed requests take a slot. Thread-safe. limit 0
// means unlimited.
class RollingWindow {
 public:
  RollingWindow(int64_t limit, int64_t window_ms) : limit_(limit), window_ms_(window_ms) {}

  void set_limit(int64_t limit);
  int64_t limit() const;
  RateDecision take(const std::string& key, int64_t now_ms);
  void clear();

 private:
  mutable std::mutex mu_;
  int64_t limit_;
  int64_t window_ms_;
  std::map<std::string, std::deque<int64_t>> taken_;
};

// A budget of tokens per client key per day; each request costs some.
// Thread-safe; budget 0 means unlimited.
class DailyBudget {
 public:
  explicit DailyBudget(int64_t budget) : budget_(budget) {}

  void set_budget(int64_t budget);
  // Spends `cost` if it fits in what is left of `day` (days since epoch);
  // returns false (and spends nothing) when it does not.
  bool spend(const std::string& key, int64_t cost, int64_t day);
  int64_t left(const std::string& key, int64_t day) const;
  // Whether there is a budget at all (not 0 = unlimited).
  bool limited() const;
  void clear();

 private:
  mutable std::mutex mu_;
  int64_t budget_;
  std::map<std::string, std::pair<int64_t, int64_t>> spent_;  // key -> (day, spent)
};

}  // namespace crmsync::sandbox
