#include "service/webhook_drainer.h"

#include <algorithm>
#include <vector>

namespace crmsync::service {
namespace {

ChangeHint::Action hint_action(const std::string& action) {
  if (action == "create") return ChangeHint::Action::created;
  if (action == "delete") return ChangeHint::Action::deleted;
  return ChangeHint::Action::updated;
}

}  // namespace

WebhookDrainer::WebhookDrainer(Clock& clock, StateStore& store, ServiceLog& log, Metrics& metrics,
                               net::ApiObserver* api_observer, ConfigSource config)
    : clock_(clock),
      store_(store),
      log_(log),
      metrics_(metrics),
      api_observer_(api_observer),
      config_(std::move(config)) {}

WebhookDrainer::~WebhookDrainer() {
  stop();
}

void WebhookDrainer::start() {
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { loop(); });
}

void WebhookDrainer::stop() {
  stop_ = true;
  wakeup_.notify();
  if (thread_.joinable()) thread_.join();
  engine_.reset();
}

void WebhookDrainer::loop() {
  while (!stop_) {
    auto config = config_();
    if (config != engine_config_) {
      // A reload: connections and compiled flows of the new config.
      engine_.reset();
      engine_config_ = config;
      backoff_.clear();
      if (config) {
        engine_ = std::make_unique<SyncEngine>(*config, store_, clock_, nullptr, api_observer_);
        engine_->set_session_log([this](std::string_view line) {
          log_.warn("http_retry", {{"message", Value(std::string(line))}});
        });
      }
    }
    bool more = false;
    int64_t deadline = clock_.now_micros() + kGaugeEveryMicros;
    if (config) {
      for (const FlowConfig& f : config->flows) {
        if (stop_) break;
        if (!f.trigger.webhook) continue;
        auto b = backoff_.find(f.name);
        if (b != backoff_.end() && b->second.next_try_at > clock_.now_micros()) {
          deadline = std::min(deadline, b->second.next_try_at);
          continue;
        }
        if (drain_batch(f)) more = true;
        b = backoff_.find(f.name);
        if (b != backoff_.end()) deadline = std::min(deadline, b->second.next_try_at);
      }
    }
    int64_t now = clock_.now_micros();
    if (now >= next_prune_at_) {
      prune(now);
      next_prune_at_ = now + kPruneEveryMicros;
    }
    if (now >= next_gauge_at_ || more) {
      refresh_gauges();
      next_gauge_at_ = now + kGaugeEveryMicros;
    }
    if (more || stop_) continue;
    if (!clock_.wait_until(std::min(deadline, next_prune_at_), wakeup_)) {
      std::erase_if(backoff_, [](const auto& b) { return b.second.busy; });
    }
  }
}

bool WebhookDrainer::drain_batch(const FlowConfig& flow) {
  auto events = store_.pending_events(flow.name, kBatch);
  if (!events) {
    log_.error("inbox_failed",
               {{"flow", Value(flow.name)}, {"message", Value(events.error().message)}});
    backoff_[flow.name].next_try_at = clock_.now_micros() + kFirstBackoffMicros;
    return false;
  }
  if (events->empty()) return false;
  HintBatchOptions o;
  o.flow = flow.name;
  for (const InboxEvent& e : *events) {
    ChangeHint h;
    h.object = e.object;
    h.ids = {e.record_id};
    h.action = hint_action(e.action);
    o.hints.push_back(std::move(h));
  }
  o.cancelled = [this] { return stop_.load(); };
  int64_t began = clock_.now_micros();
  auto report = engine_->sync_hint_batch(o);
  std::string problem;
  if (!report) {
    problem = report.error().message;
  } else if (!report->ran) {
    if (report->busy) {
      // A scheduled run has the flow: tried again when a job ends (wake())
      // or after a second.
      backoff_[flow.name] =
          Backoff{clock_.now_micros() + kFirstBackoffMicros, kFirstBackoffMicros, true};
    }
    return false;
  } else if (!report->error.empty()) {
    problem = report->error;
  }
  if (report && report->ran) {
    double secs = static_cast<double>(clock_.now_micros() - began) / 1e6;
    metrics_.add_records(flow.name, report->counts);
    metrics_.run_ended(flow.name, report->status, secs);
    if (report->status == RunStatus::succeeded) {
      metrics_.set_last_success(flow.name, clock_.now_micros());
    }
  }
  if (!problem.empty()) {
    // The events stay pending and are tried again later.
    Backoff& b = backoff_[flow.name];
    b.next_try_at = clock_.now_micros() + b.delay;
    log_.error("webhook_drain_failed", {{"flow", Value(flow.name)},
                                        {"events", Value(static_cast<int64_t>(events->size()))},
                                        {"message", Value(problem)},
                                        {"retry_in_secs", Value(b.delay / 1'000'000)}});
    b.delay = std::min(b.delay * 2, kMaxBackoffMicros);
    return false;
  }
  backoff_.erase(flow.name);
  int64_t now = clock_.now_micros();
  std::vector<int64_t> done, skipped, failed;
  for (const InboxEvent& e : *events) {
    if (report->failed.count(e.record_id)) {
      failed.push_back(e.id);
    } else if (report->filtered_out.count(e.record_id)) {
      skipped.push_back(e.id);
    } else {
      done.push_back(e.id);
      if (e.changed_at > 0) {
        metrics_.webhooks().change_latency(flow.name,
                                           static_cast<double>(now - e.changed_at) / 1e6);
      }
    }
  }
  for (auto [ids, state] :
       {std::pair{&done, InboxState::done}, std::pair{&skipped, InboxState::skipped},
        std::pair{&failed, InboxState::failed}}) {
    if (Status s = store_.finish_events(*ids, state, report->run_id, now); !s) {
      // Left pending: drained again, which re-reads and skips what is synced.
      log_.error("inbox_failed",
                 {{"flow", Value(flow.name)}, {"message", Value(s.error().message)}});
      return false;
    }
  }
  if (!skipped.empty())
    metrics_.webhooks().skipped(flow.name, static_cast<int64_t>(skipped.size()));
  const FlowCounts& c = report->counts;
  log_.info("webhook_drained", {{"flow", Value(flow.name)},
                                {"run", Value(report->run_id)},
                                {"events", Value(static_cast<int64_t>(events->size()))},
                                {"created", Value(c.created)},
                                {"updated", Value(c.updated)},
                                {"deleted", Value(c.deleted)},
                                {"unchanged", Value(c.skipped)},
                                {"skipped", Value(static_cast<int64_t>(skipped.size()))},
                                {"failed", Value(c.failed)}});
  return events->size() == kBatch;
}

void WebhookDrainer::prune(int64_t now) {
  auto pruned = store_.prune_inbox(now - kKeepDrainedMicros, now - kKeepSeenMicros);
  if (!pruned) {
    log_.error("inbox_failed", {{"message", Value(pruned.error().message)}});
  } else if (*pruned > 0) {
    log_.info("inbox_pruned", {{"events", Value(*pruned)}});
  }
}

void WebhookDrainer::refresh_gauges() {
  auto summary = store_.inbox_summary();
  if (!summary) return;
  int64_t pending = 0, done = 0, skipped = 0, failed = 0;
  for (const InboxFlowSummary& f : summary->flows) {
    pending += f.pending;
    done += f.done;
    skipped += f.skipped;
    failed += f.failed;
  }
  WebhookMetrics& m = metrics_.webhooks();
  m.set_inbox_events("pending", pending);
  m.set_inbox_events("done", done);
  m.set_inbox_events("skipped", skipped);
  m.set_inbox_events("failed", failed);
}

}  // namespace crmsync::service
