// Queueing jobs: coalescing, resuming interrupted runs, the config a job
// runs on (service_impl.h).
#include <algorithm>

#include "service/service_impl.h"

namespace crmsync::service {
namespace {

// Whether the queued run `q` does what `r` asks: the same params, every
// flow of `r` (a run of all flows covers any), at least as full.
bool covers(const RunRequest& q, const RunRequest& r) {
  if (q.params != r.params) return false;
  if (r.full && !q.full) return false;
  if (q.flows.empty()) return true;
  if (r.flows.empty()) return false;
  return std::all_of(r.flows.begin(), r.flows.end(), [&](const std::string& f) {
    return std::find(q.flows.begin(), q.flows.end(), f) != q.flows.end();
  });
}

}  // namespace

std::vector<std::string> ServiceImpl::resolve_flows(const Config& config,
                                                    const std::vector<std::string>& flows) {
  if (!flows.empty()) return flows;
  std::vector<std::string> all;
  for (const FlowConfig& f : config.flows) all.push_back(f.name);
  return all;
}

Result<QueuedJob> ServiceImpl::queue_job(const RunRequest& request) {
  std::lock_guard<std::mutex> lock(queue_mu_);
  RunFilter filter;
  filter.status = RunStatus::queued;
  filter.limit = 1000;
  auto queued = store_->runs(filter);
  if (!queued) return queued.error().with_context("listing queued runs");
  for (const RunInfo& q : *queued) {
    if (!covers(q.request, request)) continue;
    log_.info("coalesced", {{"run", Value(q.id)},
                            {"flows", string_array(request.flows)},
                            {"trigger", Value(request.trigger)}});
    return QueuedJob{q.id, true};
  }
  auto id = store_->queue_run(request, clock_.now_micros());
  if (!id) return id.error().with_context("queueing a run");
  progress_.update(*id, [](RunProgress& p) { p.status = RunStatus::queued; });
  ServiceLog::Fields fields{{"run", Value(*id)},
                            {"flows", string_array(request.flows)},
                            {"trigger", Value(request.trigger)}};
  if (request.resumed_from > 0) fields.push_back({"resumed_from", Value(request.resumed_from)});
  if (request.full) fields.push_back({"full", Value(true)});
  log_.info("run_queued", std::move(fields));
  {
    std::lock_guard<std::mutex> jl(jobs_mu_);
    ++queue_generation_;
  }
  jobs_cv_.notify_all();
  update_job_gauges();
  return QueuedJob{*id, false};
}

Status ServiceImpl::resume_interrupted() {
  int64_t now = clock_.now_micros();
  auto closed = store_->close_abandoned_runs(now);
  if (!closed) return closed.error().with_context("closing runs of processes that are gone");
  for (const RunInfo& r : *closed) {
    log_.warn("run_interrupted", {{"run", Value(r.id)},
                                  {"owner", Value(r.owner)},
                                  {"message", Value("its process is gone")}});
  }
  std::vector<RunInfo> open;
  RunFilter filter;
  filter.status = RunStatus::interrupted;
  filter.limit = 200;
  for (int page = 0; page < 50; ++page) {
    auto runs = store_->runs(filter);
    if (!runs) return runs.error().with_context("listing interrupted runs");
    for (const RunInfo& r : *runs) {
      // A webhook batch is not resumed as a run (it names no flows: that
      // would run them all): its events are still pending in the inbox and
      // the drainer takes them again.
      if (r.resumed_by == 0 && r.trigger != "webhook") open.push_back(r);
    }
    if (runs->size() < filter.limit) break;
    filter.before_id = runs->back().id;
  }
  std::reverse(open.begin(), open.end());  // oldest first
  for (const RunInfo& r : open) {
    RunRequest req = r.request;
    req.trigger = "resume";
    req.resumed_from = r.id;
    if (req.params.empty()) req.params = options_.params;
    auto q = queue_job(req);
    if (!q) return q.error();
    if (Status s = store_->mark_resumed(r.id, q->run_id); !s) return s;
    log_.info("run_resumed", {{"run", Value(q->run_id)}, {"resumed_from", Value(r.id)}});
  }
  return {};
}

void ServiceImpl::update_job_gauges() {
  RunFilter filter;
  filter.status = RunStatus::queued;
  filter.limit = 100000;
  auto queued = store_->runs(filter);
  int64_t running;
  {
    std::lock_guard<std::mutex> lock(jobs_mu_);
    running = static_cast<int64_t>(claimed_.size());
  }
  if (queued) {
    // A job a worker took is still queued in the store until its engine starts it.
    metrics_.set_jobs("queued", std::max<int64_t>(0, static_cast<int64_t>(queued->size())));
  }
  metrics_.set_jobs("running", running);
}

Result<std::shared_ptr<const Config>> ServiceImpl::config_for(
    const std::map<std::string, std::string>& params, std::string* bad_param) {
  std::map<std::string, std::string> merged = options_.params;
  std::string differing;
  for (const auto& [k, v] : params) {
    auto it = merged.find(k);
    if ((it == merged.end() || it->second != v) && differing.empty()) differing = k;
    merged[k] = v;
  }
  if (merged == options_.params) return config_snapshot();
  if (bad_param) *bad_param = differing;
  ConfigLoad load = load_service_config(options_.config_path, merged);
  if (!load.config) {
    std::string text;
    for (const Diagnostic& d : load.errors) text += (text.empty() ? "" : "; ") + d.message;
    return Error(ErrorKind::fatal, "with params." + differing + ": " + text);
  }
  if (load.config->state.path != state_path_) {
    return Error(ErrorKind::fatal, "params." + differing + " selects another state store (" +
                                       load.config->state.path + ") than this serve's (" +
                                       state_path_ + "); start a serve with --param " + differing +
                                       "=" + params.at(differing) + " for it");
  }
  return std::shared_ptr<const Config>(load.config);
}

}  // namespace crmsync::service
