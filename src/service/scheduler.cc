#include "service/scheduler.h"

#include <algorithm>

namespace crmsync::service {
namespace {

Value slot_time(int64_t micros) {
  return Value(log_timestamp(micros));
}

// The catch-up window of a schedule: `catch_up` as configured, -1 meaning
// one interval (the time from the missed slot to the one after it).
int64_t catch_up_window(const Schedule& s, int64_t configured, int64_t missed_slot) {
  if (configured >= 0) return configured;
  return next_fire(s, missed_slot) - missed_slot;
}

}  // namespace

Scheduler::Scheduler(Clock& clock, StateStore& store, ServiceLog& log, SchedulerHost& host,
                     std::map<std::string, std::string> params)
    : clock_(clock),
      store_(store),
      log_(log),
      host_(host),
      params_(std::move(params)),
      rng_(std::random_device{}()) {}

Scheduler::~Scheduler() {
  stop();
}

int64_t Scheduler::draw_jitter(int64_t jitter) {
  if (jitter <= 0) return 0;
  return std::uniform_int_distribution<int64_t>(0, jitter)(rng_);
}

void Scheduler::rebuild(const Config& config, int64_t now) {
  std::map<std::string, Entry> next;
  std::vector<std::string> order;
  for (const FlowConfig& f : config.flows) {
    if (f.trigger.schedule.empty()) continue;
    auto parsed = parse_schedule(f.trigger.schedule, f.trigger.timezone);
    if (!parsed) {
      // Validation rejects this; a schedule that slipped through is logged
      // rather than fired at random.
      log_.error("schedule_invalid",
                 {{"flow", Value(f.name)}, {"message", Value(parsed.error().message)}});
      continue;
    }
    Entry e;
    e.schedule = std::move(*parsed);
    e.catch_up = f.trigger.catch_up_micros;
    e.jitter = f.trigger.jitter_micros;
    auto old = entries_.find(f.name);
    if (old != entries_.end() && old->second.schedule.text == e.schedule.text &&
        old->second.schedule.timezone == e.schedule.timezone) {
      e.next_slot = old->second.next_slot;
      e.fire_at = old->second.jitter == e.jitter ? old->second.fire_at
                                                 : e.next_slot + draw_jitter(e.jitter);
    } else {
      e.next_slot = next_fire(e.schedule, now);
      e.fire_at = e.next_slot + draw_jitter(e.jitter);
      if (old == entries_.end()) {
        // A flow newly scheduled: its missed-slot memory starts now.
        auto stored = store_.schedule_slot(f.name);
        if (stored && *stored == 0) {
          int64_t prev = previous_fire(e.schedule, now);
          (void)store_.set_schedule_slot(f.name, prev > 0 ? prev : now);
        }
      }
    }
    order.push_back(f.name);
    next.emplace(f.name, std::move(e));
  }
  entries_ = std::move(next);
  order_ = std::move(order);
}

Status Scheduler::catch_up(const Config& config) {
  int64_t now = clock_.now_micros();
  std::lock_guard<std::mutex> lock(mu_);
  entries_.clear();
  std::vector<std::string> due;
  int64_t due_slot = 0;
  for (const FlowConfig& f : config.flows) {
    if (f.trigger.schedule.empty()) continue;
    auto parsed = parse_schedule(f.trigger.schedule, f.trigger.timezone);
    if (!parsed) continue;  // rebuild() below logs it
    const Schedule& s = *parsed;
    auto stored = store_.schedule_slot(f.name);
    if (!stored) return stored.error().with_context("flow " + f.name + ": schedule slot");
    int64_t prev = previous_fire(s, now);
    if (*stored == 0) {
      // First start with this flow scheduled: nothing was missed yet.
      Status st = store_.set_schedule_slot(f.name, prev > 0 ? prev : now);
      if (!st) return st.error().with_context("flow " + f.name + ": schedule slot");
      continue;
    }
    if (prev <= *stored) continue;
    int64_t window = catch_up_window(s, f.trigger.catch_up_micros, prev);
    if (window > 0 && now - prev <= window) {
      due.push_back(f.name);
      due_slot = std::max(due_slot, prev);
    } else {
      log_.info("slot_missed", {{"flow", Value(f.name)},
                                {"slot", slot_time(prev)},
                                {"age_secs", Value((now - prev) / 1000000)},
                                {"catch_up_secs", Value(window / 1000000)}});
      Status st = store_.set_schedule_slot(f.name, prev);
      if (!st) return st.error().with_context("flow " + f.name + ": schedule slot");
    }
  }
  if (!due.empty()) {
    RunRequest r;
    r.flows = due;
    r.params = params_;
    r.trigger = "catch_up";
    auto q = host_.queue_job(r);
    if (!q) return q.error().with_context("queueing the catch-up run");
    log_.info("catch_up", {{"flows", string_array(due)},
                           {"slot", slot_time(due_slot)},
                           {"run", Value(q->run_id)},
                           {"coalesced", Value(q->coalesced)}});
    // Stored after the run is queued: a crash in between queues it again
    // on the next start (coalesced with the queued one), never loses it.
    for (const std::string& flow : due) {
      auto parsed =
          parse_schedule(config.flow(flow)->trigger.schedule, config.flow(flow)->trigger.timezone);
      Status st = store_.set_schedule_slot(flow, previous_fire(*parsed, now));
      if (!st) return st.error().with_context("flow " + flow + ": schedule slot");
    }
  }
  rebuild(config, now);
  return {};
}

void Scheduler::start() {
  last_loop_at_ = clock_.now_micros();
  next_config_check_ = clock_.now_micros() + kConfigCheckMicros;
  thread_ = std::thread([this] { loop(); });
}

void Scheduler::stop() {
  stop_ = true;
  wakeup_.notify();
  if (thread_.joinable()) thread_.join();
}

void Scheduler::config_changed() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    rebuild_pending_ = true;
  }
  wakeup_.notify();
}

int64_t Scheduler::next_fire_at(const std::string& flow) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(flow);
  return it == entries_.end() ? 0 : it->second.next_slot;
}

void Scheduler::fire_due(int64_t now) {
  std::vector<std::string> due;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const std::string& name : order_) {
      if (entries_.at(name).fire_at <= now) due.push_back(name);
    }
  }
  if (due.empty()) return;
  RunRequest r;
  r.flows = due;
  r.params = params_;
  r.trigger = "schedule";
  auto q = host_.queue_job(r);
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::string& name : due) {
    auto it = entries_.find(name);
    if (it == entries_.end()) continue;  // a reload dropped it meanwhile
    Entry& e = it->second;
    int64_t slot = std::max(e.next_slot, previous_fire(e.schedule, now));
    ServiceLog::Fields fields{
        {"flow", Value(name)}, {"slot", slot_time(slot)}, {"delay_ms", Value((now - slot) / 1000)}};
    if (q) {
      fields.push_back({"run", Value(q->run_id)});
      fields.push_back({"coalesced", Value(q->coalesced)});
      log_.info("slot_fired", std::move(fields));
      Status st = store_.set_schedule_slot(name, slot);
      if (!st) {
        log_.error("schedule_slot_not_stored",
                   {{"flow", Value(name)}, {"message", Value(st.error().message)}});
      }
    } else {
      fields.push_back({"message", Value(q.error().message)});
      log_.error("slot_not_queued", std::move(fields));
    }
    // The next slot after this one; a slot missed by a jump of the clock
    // (suspend) was folded into this run.
    e.next_slot = next_fire(e.schedule, std::max(slot, now));
    e.fire_at = e.next_slot + draw_jitter(e.jitter);
  }
}

void Scheduler::loop() {
  while (!stop_) {
    int64_t now = clock_.now_micros();
    last_loop_at_ = now;
    if (now >= next_config_check_) {
      next_config_check_ = now + kConfigCheckMicros;
      host_.check_config_file();
    }
    bool pending;
    {
      std::lock_guard<std::mutex> lock(mu_);
      pending = rebuild_pending_;
      rebuild_pending_ = false;
    }
    if (pending) {
      auto config = host_.config_snapshot();
      std::lock_guard<std::mutex> lock(mu_);
      rebuild(*config, now);
    }
    fire_due(now);
    int64_t deadline = std::min(now + kMaxWaitMicros, next_config_check_);
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (const auto& [name, e] : entries_) deadline = std::min(deadline, e.fire_at);
    }
    if (stop_) break;
    clock_.wait_until(deadline, wakeup_);
  }
}

}  // namespace crmsync::service
