#include "service/progress_hub.h"

#include <vector>

namespace crmsync::service {
namespace {

// The listener this thread is calling now (a listener may unwatch itself).
thread_local int64_t t_calling_handle = 0;

}  // namespace

void ProgressHub::update(int64_t run_id, const std::function<void(RunProgress&)>& change) {
  RunProgress snapshot;
  std::vector<std::pair<int64_t, std::shared_ptr<Entry>>> listeners;
  {
    std::lock_guard<std::mutex> lock(mu_);
    RunProgress& p = runs_[run_id];
    bool was_final = p.version > 0 && is_final(p.status);
    p.run_id = run_id;
    change(p);
    ++p.version;
    p.updated_at = clock_.now_micros();
    if (!was_final && is_final(p.status)) {
      ended_order_[++ended_seq_] = run_id;
      while (ended_order_.size() > kKeptEnded) {
        runs_.erase(ended_order_.begin()->second);
        ended_order_.erase(ended_order_.begin());
      }
    }
    snapshot = p;
    listeners.assign(listeners_.begin(), listeners_.end());
  }
  for (auto& [handle, entry] : listeners) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (entry->removed) continue;
      ++entry->in_flight;
    }
    int64_t outer = t_calling_handle;
    t_calling_handle = handle;
    entry->listener(snapshot);
    t_calling_handle = outer;
    std::lock_guard<std::mutex> lock(mu_);
    --entry->in_flight;
    calls_done_.notify_all();
  }
}

std::optional<RunProgress> ProgressHub::get(int64_t run_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = runs_.find(run_id);
  if (it == runs_.end()) return std::nullopt;
  return it->second;
}

int64_t ProgressHub::watch(Listener listener) {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t h = next_handle_++;
  auto e = std::make_shared<Entry>();
  e->listener = std::move(listener);
  listeners_[h] = std::move(e);
  return h;
}

void ProgressHub::unwatch(int64_t handle) {
  std::unique_lock<std::mutex> lock(mu_);
  auto it = listeners_.find(handle);
  if (it == listeners_.end()) return;
  std::shared_ptr<Entry> e = it->second;
  e->removed = true;
  listeners_.erase(it);
  int own = t_calling_handle == handle ? 1 : 0;
  calls_done_.wait(lock, [&] { return e->in_flight <= own; });
}

}  // namespace crmsync::service
