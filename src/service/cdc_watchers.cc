#include "service/cdc_watchers.h"

#include <algorithm>

#include "engine/engine.h"

namespace crmsync::service {

CdcWatchers::CdcWatchers(Clock& clock, StateStore& store, ServiceLog& log,
                         net::ApiObserver* api_observer)
    : clock_(clock), store_(store), log_(log), api_observer_(api_observer) {}

CdcWatchers::~CdcWatchers() {
  stop();
}

void CdcWatchers::start(std::shared_ptr<const Config> config) {
  stop();
  for (const FlowConfig& f : config->flows) {
    if (!f.trigger.cdc) continue;
    auto w = std::make_unique<Watcher>();
    w->flow = f.name;
    w->config = config;
    Watcher* raw = w.get();
    w->thread = std::thread([this, raw] { watch(*raw); });
    watchers_.push_back(std::move(w));
  }
}

void CdcWatchers::stop() {
  for (auto& w : watchers_) {
    w->stop = true;
    w->wakeup.notify();
  }
  for (auto& w : watchers_) {
    if (w->thread.joinable()) w->thread.join();
  }
  watchers_.clear();
}

std::vector<std::string> CdcWatchers::watched_flows() const {
  std::vector<std::string> out;
  for (const auto& w : watchers_) out.push_back(w->flow);
  return out;
}

void CdcWatchers::watch(Watcher& w) {
  int64_t backoff = kFirstBackoffMicros;
  while (!w.stop) {
    log_.info("watch_started", {{"flow", Value(w.flow)}});
    int64_t began = clock_.now_micros();
    Status s;
    {
      SyncEngine engine(*w.config, store_, clock_, nullptr, api_observer_);
      engine.set_session_log([this, &w](std::string_view line) {
        log_.warn("http_retry", {{"flow", Value(w.flow)}, {"message", Value(std::string(line))}});
      });
      WatchOptions o;
      o.flows = {w.flow};
      o.log = [this, &w](const std::string& line) {
        log_.info("watch", {{"flow", Value(w.flow)}, {"message", Value(line)}});
      };
      s = engine.watch(o, w.stop);
    }
    if (w.stop) break;
    if (clock_.now_micros() - began > kMaxBackoffMicros) backoff = kFirstBackoffMicros;
    log_.error("watch_failed",
               {{"flow", Value(w.flow)},
                {"message", Value(s ? std::string("watching ended") : s.error().message)},
                {"retry_in_secs", Value(backoff / 1000000)}});
    clock_.wait_until(clock_.now_micros() + backoff, w.wakeup);
    backoff = std::min(backoff * 2, kMaxBackoffMicros);
  }
  log_.info("watch_stopped", {{"flow", Value(w.flow)}});
}

}  // namespace crmsync::service
