#include "service/api_events.h"

#include "service/api_render.h"

namespace crmsync::service {
namespace {

std::string event_text(std::string_view name, const RunProgress& p) {
  JsonOut data;
  write_progress(data, p);
  return "event: " + std::string(name) + "\nid: " + std::to_string(p.version) +
         "\ndata: " + data.take() + "\n\n";
}

}  // namespace

ProgressPublisher::ProgressPublisher(ServiceControl& control, std::chrono::milliseconds tick)
    : control_(control), tick_(tick), inbox_(std::make_shared<Inbox>()) {
  watch_handle_ =
      control_.watch_progress([inbox = inbox_](const RunProgress& p) { on_progress(*inbox, p); });
  thread_ = std::thread([this] { loop(); });
}

ProgressPublisher::~ProgressPublisher() {
  control_.unwatch_progress(watch_handle_);
  {
    std::lock_guard lock(inbox_->mutex);
    inbox_->stopping = true;
  }
  inbox_->wake.notify_all();
  thread_.join();
}

void ProgressPublisher::add(int64_t run_id, uint64_t seen_version,
                            std::shared_ptr<net::ResponseStream> stream) {
  Stream s;
  s.run_id = run_id;
  s.seen_version = seen_version;
  s.last_sent = Steady::now();
  s.out = std::move(stream);
  {
    std::lock_guard lock(inbox_->mutex);
    ++inbox_->watched[run_id];
    inbox_->arrivals.push_back(std::move(s));
    ++inbox_->open;
  }
  inbox_->wake.notify_all();
}

void ProgressPublisher::on_progress(Inbox& inbox, const RunProgress& progress) {
  {
    std::lock_guard lock(inbox.mutex);
    if (!inbox.watched.count(progress.run_id)) return;
    auto [it, inserted] = inbox.changed.try_emplace(progress.run_id, progress);
    // Listeners on several service threads may report out of order.
    if (!inserted && progress.version >= it->second.version) it->second = progress;
  }
  inbox.wake.notify_all();
}

bool ProgressPublisher::serve(Stream& s, const std::optional<RunProgress>& progress,
                              Steady::time_point now, bool tick) {
  if (!progress) {
    s.out->close();  // the run is gone from the store: nothing more will come
    return false;
  }
  const RunProgress& p = *progress;
  if (is_final(p.status)) {
    s.out->write(event_text("end", p));
    s.out->close();
    return false;
  }
  if (p.version > s.seen_version) {
    s.last_event = event_text("progress", p);
    s.seen_version = p.version;
    s.last_sent = now;
    s.fresh = false;
    return s.out->write(s.last_event);
  }
  // Half a tick apart at most, so that the client hears from a live run at
  // least once a tick whatever the phase of the ticks.
  if (tick && now - s.last_sent >= tick_ / 2) {
    s.last_sent = now;
    return s.out->write(s.last_event.empty() ? std::string(": keep-alive\n\n") : s.last_event);
  }
  return true;
}

void ProgressPublisher::loop() {
  std::vector<Stream> streams;
  auto half_tick = std::chrono::duration_cast<Steady::duration>(tick_) / 2;
  auto next_tick = Steady::now() + half_tick;
  for (;;) {
    std::vector<Stream> arrivals;
    std::map<int64_t, RunProgress> changed;
    Inbox& in = *inbox_;
    {
      std::unique_lock lock(in.mutex);
      auto ready = [&] { return in.stopping || !in.arrivals.empty() || !in.changed.empty(); };
      if (streams.empty())
        in.wake.wait(lock, ready);  // idle: no timer, no CPU
      else
        in.wake.wait_until(lock, next_tick, ready);
      if (in.stopping) break;
      arrivals.swap(in.arrivals);
      changed.swap(in.changed);
    }
    auto now = Steady::now();
    bool tick = now >= next_tick;
    if (tick) next_tick = now + half_tick;

    // One look at each run's progress per wake, outside the lock: the
    // service calls on_progress under its own locks.
    std::map<int64_t, std::optional<RunProgress>> current;
    for (auto& [run, p] : changed) current[run] = std::move(p);
    auto progress_of = [&](int64_t run) -> const std::optional<RunProgress>& {
      auto it = current.find(run);
      if (it == current.end()) it = current.emplace(run, control_.progress(run)).first;
      return it->second;
    };

    std::vector<int64_t> finished;
    auto keep = [&](Stream& s, bool serve_it) {
      if (!serve_it) return true;
      if (serve(s, progress_of(s.run_id), now, tick)) return true;
      finished.push_back(s.run_id);
      return false;
    };
    std::vector<Stream> next;
    next.reserve(streams.size() + arrivals.size());
    for (auto& s : streams)
      if (keep(s, tick || current.count(s.run_id) > 0)) next.push_back(std::move(s));
    for (auto& s : arrivals)
      if (keep(s, true)) next.push_back(std::move(s));
    streams.swap(next);

    if (!finished.empty()) {
      std::lock_guard lock(in.mutex);
      for (int64_t run : finished) {
        auto it = in.watched.find(run);
        if (it != in.watched.end() && --it->second == 0) {
          in.watched.erase(it);
          in.changed.erase(run);
        }
        --in.open;
      }
    }
  }
  std::lock_guard lock(inbox_->mutex);
  for (auto& s : streams) s.out->close();
  for (auto& s : inbox_->arrivals) s.out->close();
  inbox_->open = 0;
}

}  // namespace crmsync::service
