// Workers: take the oldest queued run whose flows are free, run it on its
// config snapshot, publish its progress and metrics (service_impl.h).
#include <algorithm>
#include <utility>

#include "engine/engine.h"
#include "service/service_impl.h"

namespace crmsync::service {
namespace {

// How long a worker waits for news before it looks at the queue again
// anyway (a run queued by another process). Real time: it is not a
// business deadline, only a safety net.
constexpr auto kQueueRescan = std::chrono::seconds(10);
// How often a running job asks the store whether someone else (the CLI,
// another process) requested its cancel.
constexpr auto kCancelCheck = std::chrono::seconds(1);

FlowCounts counts_delta(const FlowCounts& now, const FlowCounts& before) {
  FlowCounts d;
  d.read = now.read - before.read;
  d.created = now.created - before.created;
  d.updated = now.updated - before.updated;
  d.skipped = now.skipped - before.skipped;
  d.deleted = now.deleted - before.deleted;
  d.failed = now.failed - before.failed;
  d.api_calls = now.api_calls - before.api_calls;
  d.expected = now.expected;
  return d;
}

Value counts_value(const FlowCounts& c) {
  Object o{{"read", Value(c.read)},       {"created", Value(c.created)},
           {"updated", Value(c.updated)}, {"skipped", Value(c.skipped)},
           {"deleted", Value(c.deleted)}, {"failed", Value(c.failed)}};
  if (c.expected >= 0) o.push_back({"expected", Value(c.expected)});
  return Value(std::move(o));
}

// The engine's progress, as RunProgress versions and record metrics.
class JobProgress final : public ProgressListener {
 public:
  JobProgress(ProgressHub& hub, Metrics& metrics, int64_t run_id)
      : hub_(hub), metrics_(metrics), run_id_(run_id) {}

  void flow_started(const std::string& flow) override {
    hub_.update(run_id_, [&](RunProgress& p) {
      p.status = RunStatus::running;
      p.flow = flow;
      p.flows.emplace(flow, FlowCounts{});
    });
  }
  void batch_done(const std::string& flow, const FlowCounts& so_far) override {
    record(flow, so_far);
    hub_.update(run_id_, [&](RunProgress& p) {
      p.flow = flow;
      p.flows[flow] = so_far;
    });
  }
  void flow_finished(const std::string& flow, const FlowCounts& counts,
                     const std::string&) override {
    record(flow, counts);
    hub_.update(run_id_, [&](RunProgress& p) {
      p.flow.clear();
      p.flows[flow] = counts;
    });
  }

 private:
  void record(const std::string& flow, const FlowCounts& so_far) {
    FlowCounts& before = seen_[flow];
    metrics_.add_records(flow, counts_delta(so_far, before));
    before = so_far;
  }

  ProgressHub& hub_;
  Metrics& metrics_;
  int64_t run_id_;
  std::map<std::string, FlowCounts> seen_;  // engine thread only
};

}  // namespace

void ServiceImpl::worker_loop(size_t) {
  while (true) {
    std::optional<Job> job = take_job();
    if (!job) return;
    run_job(*job);
    finish_job(*job);
  }
}

std::optional<ServiceImpl::Job> ServiceImpl::take_job() {
  std::unique_lock<std::mutex> lock(jobs_mu_);
  while (!stopping_) {
    uint64_t generation = queue_generation_;
    lock.unlock();
    RunFilter filter;
    filter.status = RunStatus::queued;
    filter.limit = 1000;
    auto queued = store_->runs(filter);  // newest first
    auto config = config_snapshot();
    lock.lock();
    if (stopping_) break;
    if (!queued) {
      log_.error("queue_unreadable", {{"message", Value(queued.error().message)}});
    } else {
      for (auto it = queued->rbegin(); it != queued->rend(); ++it) {
        if (claimed_.count(it->id)) continue;
        std::vector<std::string> flows = resolve_flows(*config, it->request.flows);
        bool busy = std::any_of(flows.begin(), flows.end(),
                                [&](const std::string& f) { return flow_owner_.count(f) > 0; });
        if (busy) continue;  // after the run of those flows going on now
        claimed_.insert(it->id);
        for (const std::string& f : flows) flow_owner_[f] = it->id;
        return Job{*it, nullptr, std::move(flows)};
      }
    }
    if (generation == queue_generation_) jobs_cv_.wait_for(lock, kQueueRescan);
  }
  return std::nullopt;
}

bool ServiceImpl::cancel_asked(int64_t run_id) {
  {
    std::lock_guard<std::mutex> lock(jobs_mu_);
    if (cancel_requested_.count(run_id)) return true;
    auto now = std::chrono::steady_clock::now();
    auto& last = cancel_checked_[run_id];
    if (now - last < kCancelCheck) return false;
    last = now;
  }
  auto info = store_->run(run_id);
  if (!info || !*info || !(*info)->cancel_requested) return false;
  std::lock_guard<std::mutex> lock(jobs_mu_);
  cancel_requested_.insert(run_id);
  return true;
}

void ServiceImpl::run_job(Job& job) {
  const int64_t id = job.info.id;
  auto end_failed = [&](const std::string& message) {
    Status s = store_->end_run(id, RunStatus::failed, message, clock_.now_micros());
    if (!s)
      log_.error("run_not_ended", {{"run", Value(id)}, {"message", Value(s.error().message)}});
    log_.error("run_ended",
               {{"run", Value(id)}, {"status", Value("failed")}, {"message", Value(message)}});
    progress_.update(id, [](RunProgress& p) {
      p.status = RunStatus::failed;
      p.flow.clear();
    });
  };
  auto config = config_for(job.info.request.params, nullptr);
  if (!config) return end_failed(config.error().message);
  job.config = *config;

  log_.info("run_started", {{"run", Value(id)},
                            {"flows", string_array(job.flows)},
                            {"trigger", Value(job.info.trigger)}});
  progress_.update(id, [](RunProgress& p) { p.status = RunStatus::running; });
  int64_t began = clock_.now_micros();
  JobProgress listener(progress_, metrics_, id);
  Result<RunReport> report = Error(ErrorKind::fatal, "not run");
  {
    SyncEngine engine(*job.config, *store_, clock_, &listener, &api_observer_);
    engine.set_session_log([this, id](std::string_view line) {
      log_.warn("http_retry", {{"run", Value(id)}, {"message", Value(std::string(line))}});
    });
    RunOptions ro;
    ro.flows = job.info.request.flows;
    ro.full = job.info.request.full;
    ro.trigger = job.info.trigger;
    ro.run_id = id;
    ro.count_expected = true;
    ro.cancelled = [this, id] { return stop_flag_.load() || cancel_asked(id); };
    // A flow locked by another process (crmsync run) or this one's CDC
    // watcher: wait for it, as long as the run is not cancelled or serve
    // stopped.
    ro.lock_wait_micros = -1;
    report = engine.run(ro);
  }
  auto stored = store_->run(id);
  if (stored && *stored && (*stored)->status == RunStatus::queued) {
    // The engine never started the queued run: never leave it queued, or
    // it would be taken again and again.
    return end_failed(report ? "the run was not started" : report.error().message);
  }
  if (!report) {
    if (stored && *stored && is_final((*stored)->status)) {
      // Cancelled before it started: the store already says so.
      RunStatus st = (*stored)->status;
      log_.info("run_ended", {{"run", Value(id)},
                              {"status", Value(std::string(to_string(st)))},
                              {"message", Value(report.error().message)}});
      progress_.update(id, [&](RunProgress& p) { p.status = st; });
      return;
    }
    return end_failed(report.error().message);
  }
  RunStatus status = report->status;
  bool user_cancel = cancel_asked(id);
  if (status == RunStatus::cancelled && stop_flag_ && !user_cancel) {
    // Stopped by serve's stop, not by a person: the next start resumes it.
    Status s = store_->end_run(id, RunStatus::interrupted, "serve stopped", clock_.now_micros());
    if (s) status = RunStatus::interrupted;
  }
  count_missed(job, *report);
  int64_t ended = clock_.now_micros();
  double secs = static_cast<double>(ended - began) / 1e6;
  Object flows;
  for (const std::string& name : report->order) {
    // A run cancelled (or stopped) before a flow began has no report of it.
    auto it = report->flows.find(name);
    if (it == report->flows.end()) continue;
    const FlowReport& f = it->second;
    RunStatus flow_status = status;
    if (!f.error.empty()) flow_status = RunStatus::failed;
    metrics_.run_ended(name, flow_status, secs);
    if (flow_status == RunStatus::succeeded) metrics_.set_last_success(name, ended);
    Value c = counts_value(f.counts);
    if (!f.error.empty()) c.as_object().push_back({"error", Value(f.error)});
    flows.push_back({name, std::move(c)});
  }
  ServiceLog::Fields fields{{"run", Value(id)},
                            {"status", Value(std::string(to_string(status)))},
                            {"trigger", Value(job.info.trigger)},
                            {"duration_ms", Value((ended - began) / 1000)},
                            {"flows", Value(std::move(flows))}};
  if (status == RunStatus::failed) {
    log_.error("run_ended", std::move(fields));
  } else if (status == RunStatus::succeeded || status == RunStatus::cancelled) {
    log_.info("run_ended", std::move(fields));
  } else {
    log_.warn("run_ended", std::move(fields));
  }
  progress_.update(id, [&](RunProgress& p) {
    p.status = status;
    p.flow.clear();
    for (const auto& [name, f] : report->flows) p.flows[name] = f.counts;
  });
}

void ServiceImpl::finish_job(const Job& job) {
  {
    std::lock_guard<std::mutex> lock(jobs_mu_);
    claimed_.erase(job.info.id);
    for (const std::string& f : job.flows) {
      auto it = flow_owner_.find(f);
      if (it != flow_owner_.end() && it->second == job.info.id) flow_owner_.erase(it);
    }
    cancel_requested_.erase(job.info.id);
    cancel_checked_.erase(job.info.id);
    ++queue_generation_;
  }
  jobs_cv_.notify_all();
  update_job_gauges();
  if (drainer_) drainer_->wake();  // webhook events may have waited for these flows
}

void ServiceImpl::count_missed(const Job& job, const RunReport& report) {
  const std::string& trigger = job.info.trigger;
  if (trigger != "schedule" && trigger != "catch_up") return;
  for (const auto& [name, f] : report.flows) {
    const FlowConfig* flow = job.config->flow(name);
    if (flow == nullptr || !flow->trigger.webhook || !f.error.empty()) continue;
    // Announced: an event still waiting, or drained after the flow's
    // previous run of any kind (a webhook batch included). A record
    // announced during an earlier storm and changed again unannounced is
    // missed.
    int64_t previous_run = 0;
    RunFilter previous;
    previous.flow = name;
    previous.before_id = report.run_id;
    previous.limit = 1;
    auto prev = store_->runs(previous);
    if (prev.ok() && !prev->empty()) previous_run = prev->front().id;
    auto missed = store_->count_unannounced(name, report.run_id, previous_run);
    if (!missed) {
      log_.error("inbox_failed",
                 {{"flow", Value(name)}, {"message", Value(missed.error().message)}});
      continue;
    }
    metrics_.webhooks().missed(name, *missed);
    if (*missed > 0) {
      log_.warn("webhook_missed", {{"flow", Value(name)},
                                   {"run", Value(report.run_id)},
                                   {"records", Value(*missed)},
                                   {"message", Value("the scheduled run wrote records no webhook "
                                                     "announced (lost or late webhooks)")}});
    }
  }
}

}  // namespace crmsync::service
