#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/time.h"
#include "service/service.h"

namespace crmsync::testing {

constexpr auto kServiceSafety = std::chrono::seconds(60);

// Unix micros of a UTC wall time.
inline int64_t utc_micros(int y, unsigned mo, unsigned d, int hh, int mm, int ss = 0) {
  return (days_from_civil(y, mo, d) * 86400 + hh * 3600 + mm * 60 + ss) * 1000000;
}

// The JSON lines a Service logs, parsed, and a way to wait for one.
class ServeLogLines {
 public:
  std::function<void(std::string_view)> sink() {
    return [this](std::string_view line) { add(line); };
  }
  void add(std::string_view line) {
    auto v = parse_json(line);
    std::lock_guard<std::mutex> lock(mu_);
    raw_.emplace_back(line);
    if (v.ok()) {
      lines_.push_back(std::move(*v));
    } else {
      ADD_FAILURE() << "log line is not JSON: " << line;
    }
    cv_.notify_all();
  }
  std::vector<Value> events(const std::string& name) {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<Value> out;
    for (const Value& v : lines_) {
      if (const Value* e = v.find("event"); e && e->to_text() == name) out.push_back(v);
    }
    return out;
  }
  size_t count(const std::string& name) { return events(name).size(); }
  // Until `n` events named `name` were logged.
  bool wait_for(const std::string& name, size_t n = 1) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, kServiceSafety, [&] {
      size_t k = 0;
      for (const Value& v : lines_) {
        if (const Value* e = v.find("event"); e && e->to_text() == name) ++k;
      }
      return k >= n;
    });
  }
  std::string text() {
    std::lock_guard<std::mutex> lock(mu_);
    std::string out;
    for (const std::string& l : raw_) out += l + "\n";
    return out;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Value> lines_;
  std::vector<std::string> raw_;
};

// Follows the progress of every run of a service (watch_progress), so a
// test waits for a run to end instead of sleeping; can hold a run's
// worker at its first batch (the listener runs on the worker's thread).
class RunFollower {
 public:
  explicit RunFollower(service::ServiceControl& svc) : svc_(svc) {
    handle_ = svc_.watch_progress([this](const service::RunProgress& p) { seen(p); });
  }
  ~RunFollower() {
    release();
    svc_.unwatch_progress(handle_);
  }

  // The next run to report a committed batch waits there until release().
  void hold_next_run() {
    std::lock_guard<std::mutex> lock(mu_);
    hold_ = true;
    held_run_ = 0;
  }
  int64_t wait_held() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, kServiceSafety, [&] { return held_run_ != 0; });
    return held_run_;
  }
  void release() {
    std::lock_guard<std::mutex> lock(mu_);
    hold_ = false;
    cv_.notify_all();
  }

  // The run's final progress (nullopt: it did not end in time).
  std::optional<service::RunProgress> wait_final(int64_t run_id) {
    std::unique_lock<std::mutex> lock(mu_);
    bool ok = cv_.wait_for(lock, kServiceSafety, [&] {
      auto it = last_.find(run_id);
      return it != last_.end() && is_final(it->second.status);
    });
    if (!ok) return std::nullopt;
    return last_[run_id];
  }
  // Until `n` runs have ended.
  bool wait_ended(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, kServiceSafety, [&] { return ended_count() >= n; });
  }
  size_t ended() {
    std::lock_guard<std::mutex> lock(mu_);
    return ended_count();
  }
  std::vector<int64_t> runs_seen() {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<int64_t> out;
    for (const auto& [id, p] : last_) out.push_back(id);
    return out;
  }

 private:
  size_t ended_count() const {
    size_t n = 0;
    for (const auto& [id, p] : last_) n += is_final(p.status) ? 1 : 0;
    return n;
  }
  void seen(const service::RunProgress& p) {
    std::unique_lock<std::mutex> lock(mu_);
    auto& last = last_[p.run_id];
    if (p.version >= last.version) last = p;
    cv_.notify_all();
    bool batch = p.status == RunStatus::running && !p.flow.empty() && p.flows.count(p.flow) &&
                 p.flows.at(p.flow).read > 0;
    if (hold_ && batch && (held_run_ == 0 || held_run_ == p.run_id)) {
      held_run_ = p.run_id;
      cv_.wait(lock, [&] { return !hold_; });
    }
  }

  service::ServiceControl& svc_;
  int64_t handle_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<int64_t, service::RunProgress> last_;
  bool hold_ = false;
  int64_t held_run_ = 0;
};

}  // namespace crmsync::testing
