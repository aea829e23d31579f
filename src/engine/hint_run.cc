// SyncEngine::sync_hint_batch (engine.h): serve's webhook drainer syncs a
// batch of inbox events of one flow as a run of its own.
#include <set>

#include "engine/engine.h"
#include "engine/flow_locks.h"
#include "engine/flow_runner.h"

namespace crmsync {

Result<HintBatchReport> SyncEngine::sync_hint_batch(const HintBatchOptions& options) {
  const FlowConfig* flow = config_.flow(options.flow);
  if (flow == nullptr) return Error(ErrorKind::fatal, "no flow named " + options.flow);
  auto cached = hint_runtimes_.find(options.flow);
  if (cached == hint_runtimes_.end()) {
    auto rt = prepare(*flow, RunOptions{});
    if (!rt) return rt.error();
    if (!(*rt)->source_caps.read_by_ids) {
      return Error(ErrorKind::fatal, "flow " + options.flow + ": connection " +
                                         flow->source.connection +
                                         " cannot read records by id (needed for webhooks)");
    }
    cached = hint_runtimes_.emplace(options.flow, std::move(*rt)).first;
  }
  FlowRuntime& rt = *cached->second;
  HintBatchReport report;
  if (auto closed = store_.close_abandoned_runs(clock_.now_micros()); !closed) {
    return closed.error();
  }
  // Locked before the run begins (as SyncEngine::run does): a batch that
  // gives up waiting leaves no run behind.
  FlowLocks lock(store_, clock_, {options.flow});
  auto taken = lock.acquire(0, options.lock_wait_micros, options.cancelled);
  if (!taken) {
    if (!is_lock_refusal(taken.error())) return taken.error();
    report.busy = true;
    return report;
  }
  if (!*taken) return report;
  auto run_id = store_.begin_run(options.trigger, clock_.now_micros());
  if (!run_id) return run_id.error();
  if (auto passed = lock.acquire(*run_id, 0); !passed) return passed.error();
  report.ran = true;
  report.run_id = *run_id;

  RunOptions run_options;
  run_options.trigger = options.trigger;
  std::set<Connection*> conns{rt.source, rt.target};
  uint64_t calls_before = 0;
  for (Connection* c : conns) calls_before += c->api_calls();
  FlowRunner runner(rt, store_, clock_, run_options, *run_id, progress_);
  Status s = runner.sync_hints(options.hints, "");
  report.counts = runner.counts();
  report.filtered_out = runner.filtered_out();
  uint64_t calls_after = 0;
  for (Connection* c : conns) calls_after += c->api_calls();
  report.counts.api_calls = static_cast<int64_t>(calls_after - calls_before);
  BatchCommit calls;
  calls.flow = options.flow;
  calls.run_id = *run_id;
  calls.counts.api_calls = report.counts.api_calls;
  if (Status cs = store_.commit(calls); !cs) return cs.error();

  if (!s) {
    report.error = s.error().message;
    report.error_kind = s.error().kind;
    report.status = RunStatus::failed;
  } else if (report.counts.failed > 0) {
    report.status = RunStatus::partial;
    std::vector<std::string> ids;
    for (const ChangeHint& h : options.hints) ids.insert(ids.end(), h.ids.begin(), h.ids.end());
    auto open = store_.open_errors(options.flow, ids);
    if (!open) return open.error();
    for (const RecordError& e : *open) {
      if (e.run_id == *run_id) report.failed.insert(e.source_id);
    }
  }
  if (Status es = store_.end_run(*run_id, report.status, report.error, clock_.now_micros()); !es) {
    return es.error();
  }
  return report;
}

}  // namespace crmsync
