// What the API asks of one failed record and of a dry run (control.h:
// retry_error, plan).
#include "core/redact.h"
#include "service/service_impl.h"

namespace crmsync::service {
namespace {

template <typename T>
Answer<T> refused_with(int status, std::string code, std::string message, std::string field = "") {
  Answer<T> a;
  a.error = RequestError{status, std::move(code), std::move(message), std::move(field)};
  return a;
}

}  // namespace

Answer<int64_t> ServiceImpl::retry_error(int64_t error_id) {
  // Every open error, by id: the first one from error_id on is it, or it
  // is resolved or was never there.
  auto found = store_->errors_page(0, error_id - 1, 1);
  if (!found) return refused_with<int64_t>(503, "store_error", found.error().message);
  if (found->empty() || found->front().id != error_id) {
    return refused_with<int64_t>(
        404, "not_found",
        "no open record error " + std::to_string(error_id) + " (resolved, or never there)", "id");
  }
  RecordError e = found->front();
  auto config = config_snapshot();
  if (config->flow(e.flow) == nullptr) {
    return refused_with<int64_t>(409, "unknown_flow",
                                 "record error " + std::to_string(error_id) + " is of flow '" +
                                     e.flow + "', which the config no longer has");
  }
  // Due now, pending again (a parked error too): the batch replaces the
  // open error of its (flow, source id), and with no run touches no counts.
  e.status = RecordErrorStatus::pending;
  e.next_attempt_at = clock_.now_micros();
  e.updated_at = e.next_attempt_at;
  BatchCommit due;
  due.flow = e.flow;
  due.errors.push_back(e);
  if (Status s = store_->commit(due); !s) {
    return refused_with<int64_t>(503, "store_error", s.error().message);
  }
  RunRequest r;
  r.flows = {e.flow};
  r.params = options_.params;
  if (auto run = store_->run(e.run_id); run && *run) {
    for (const auto& [k, v] : (*run)->request.params) r.params[k] = v;
  }
  r.trigger = "retry";
  auto q = queue_job(r);
  if (!q) return refused_with<int64_t>(503, "store_error", q.error().message);
  log_.info("retry_queued",
            {{"run", Value(q->run_id)}, {"error", Value(error_id)}, {"flow", Value(e.flow)}});
  Answer<int64_t> a;
  a.value = q->run_id;
  return a;
}

Answer<RunReport> ServiceImpl::plan(const RunRequest& request, size_t max_diffs) {
  if (auto refused = refuse_request(request)) {
    Answer<RunReport> a;
    a.error = std::move(*refused);
    return a;
  }
  std::map<std::string, std::string> params = options_.params;
  for (const auto& [k, v] : request.params) params[k] = v;
  auto config = config_for(params, nullptr);
  if (!config) return refused_with<RunReport>(400, "invalid_param", config.error().message);
  SyncEngine engine(**config, *store_, clock_, nullptr, &api_observer_);
  RunOptions ro;
  ro.flows = request.flows;
  ro.full = request.full;
  ro.dry_run = true;
  ro.max_diffs = max_diffs;
  ro.trigger = "plan";
  ro.cancelled = [this] { return stop_flag_.load(); };
  auto report = engine.run(ro);
  if (!report) return refused_with<RunReport>(409, "plan_failed", scrub(report.error().message));
  Answer<RunReport> a;
  a.value = std::move(*report);
  return a;
}

}  // namespace crmsync::service
