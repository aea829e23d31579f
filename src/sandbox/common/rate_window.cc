#include "sandbox/common/rate_window.h"

namespace crmsync::sandbox {

void RollingWindow::set_limit(int64_t limit) {
  std::lock_guard lock(mu_);
  limit_ = limit;
}

int64_t RollingWindow::limit() const {
  std::lock_guard lock(mu_);
  return limit_;
}

RateDecision RollingWindow::take(const std::string& key, int64_t now_ms) {
  std::lock_guard lock(mu_);
  RateDecision decision;
  decision.limit = limit_;
  if (limit_ <= 0) return decision;
  auto& times = taken_[key];
  while (!times.empty() && times.front() <= now_ms - window_ms_) times.pop_front();
  if (static_cast<int64_t>(times.size()) >= limit_) {
    decision.allowed = false;
  } else {
    times.push_back(now_ms);
  }
  decision.remaining = limit_ - static_cast<int64_t>(times.size());
  int64_t free_at = times.empty() ? now_ms : times.front() + window_ms_;
  decision.reset_secs = (free_at - now_ms + 999) / 1000;
  return decision;
}

void RollingWindow::clear() {
  std::lock_guard lock(mu_);
  taken_.clear();
}

void DailyBudget::set_budget(int64_t budget) {
  std::lock_guard lock(mu_);
  budget_ = budget;
}

bool DailyBudget::spend(const std::string& key, int64_t cost, int64_t day) {
  std::lock_guard lock(mu_);
  if (budget_ <= 0) return true;
  auto& [spent_day, spent] = spent_[key];
  if (spent_day != day) spent_day = day, spent = 0;  // resets at midnight
  if (spent + cost > budget_) return false;
  spent += cost;
  return true;
}

int64_t DailyBudget::left(const std::string& key, int64_t day) const {
  std::lock_guard lock(mu_);
  if (budget_ <= 0) return 0;
  auto it = spent_.find(key);
  if (it == spent_.end() || it->second.first != day) return budget_;
  return budget_ - it->second.second;
}

bool DailyBudget::limited() const {
  std::lock_guard lock(mu_);
  return budget_ > 0;
}

void DailyBudget::clear() {
  std::lock_guard lock(mu_);
  spent_.clear();
}

}  // namespace crmsync::sandbox
