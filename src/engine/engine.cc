#include "engine/engine.h"

#include <set>

#include "connectors/registry.h"
#include "engine/flow_locks.h"
#include "engine/flow_runner.h"
#include "engine/planner.h"
#include "engine/stored_secrets.h"

namespace crmsync {

bool RunReport::any_failed_records() const {
  for (const auto& [name, f] : flows) {
    if (f.counts.failed > 0) return true;
  }
  return false;
}

bool RunReport::any_deletes_withheld() const {
  for (const auto& [name, f] : flows) {
    if (!f.deletes_withheld.reason.empty()) return true;
  }
  return false;
}

bool RunReport::any_flow_stopped() const {
  for (const auto& [name, f] : flows) {
    if (!f.error.empty()) return true;
  }
  return false;
}

SyncEngine::SyncEngine(const Config& config, StateStore& store, Clock& clock,
                       ProgressListener* progress, net::ApiObserver* api_observer)
    : config_(config),
      store_(store),
      clock_(clock),
      progress_(progress),
      api_observer_(api_observer) {}

SyncEngine::~SyncEngine() = default;

Result<Connection*> SyncEngine::connection(const std::string& name) {
  auto it = connections_.find(name);
  if (it != connections_.end()) return it->second.get();
  const ConnectionConfig* cfg = config_.connection(name);
  if (cfg == nullptr) return Error(ErrorKind::fatal, "no connection named '" + name + "'");
  // Tokens crmsync stored itself (crmsync connect) fill their options.
  auto resolved = with_stored_secrets(*cfg, store_);
  if (!resolved) return resolved.error().with_context("connection " + name);
  ConnectorContext context{config_.dir, &clock_};
  context.api_observer = api_observer_;
  context.log = session_log_;
  auto conn = ConnectorRegistry::instance().create(*resolved, context);
  if (!conn) return conn.error().with_context("connection " + name);
  Connection* raw = conn->get();
  connections_.emplace(name, std::move(*conn));
  return raw;
}

Result<std::unique_ptr<FlowRuntime>> SyncEngine::prepare(const FlowConfig& flow,
                                                         const RunOptions& options) {
  auto rt = std::make_unique<FlowRuntime>();
  rt->config = &flow;
  std::string where = "flow " + flow.name;
  if (!flow.source.filter.empty()) {
    auto f = filter::Filter::parse(flow.source.filter);
    if (!f) {
      return f.error().with_context(flow.source.filter_location.to_string());
    }
    rt->filter = std::move(*f);
  }
  mapping::SchemaHints hints;
  for (const FlowConfig& f : config_.flows) hints.flows.push_back(f.name);
  auto compiled = mapping::compile(flow.mapping, hints);
  if (!compiled.mapping) {
    std::string msg = "mapping does not compile:";
    for (const Diagnostic& d : compiled.diagnostics) msg += "\n  " + d.to_string();
    return Error(ErrorKind::fatal, msg).with_context(where);
  }
  rt->mapping = std::move(compiled.mapping);
  auto src = connection(flow.source.connection);
  if (!src) return src.error().with_context(where);
  auto tgt = connection(flow.target.connection);
  if (!tgt) return tgt.error().with_context(where);
  rt->source = *src;
  rt->target = *tgt;
  rt->source_caps = rt->source->capabilities(flow.source.object);
  rt->target_caps = rt->target->capabilities(flow.target.object);
  if (rt->filter && !rt->filter->subqueries().empty() && !rt->source_caps.pushdown_filter) {
    return Error(ErrorKind::fatal,
                 "the filter's IN (SELECT ...) needs a source that runs the filter itself "
                 "(salesforce, SQL); connection '" +
                     flow.source.connection + "' filters in crmsync")
        .with_context(flow.source.filter_location.to_string());
  }

  if (flow.match) {
    rt->match_target_field = flow.match->target_field;
    rt->match_source_field = flow.match->source_field;
    rt->match_ignore_case = flow.match->ignore_case;
    if (rt->match_ignore_case && !rt->target_caps.search_ignoring_case) {
      return Error(ErrorKind::fatal, "match.ignore_case: connection '" + flow.target.connection +
                                         "' cannot search ignoring case")
          .with_context(flow.match->location.to_string());
    }
  } else if (!flow.target.external_id.empty()) {
    rt->match_target_field = flow.target.external_id;
  } else if (!flow.target.id_field.empty()) {
    const auto& targets = rt->mapping->target_fields();
    for (const std::string& t : targets) {
      if (t == flow.target.id_field) rt->match_target_field = t;
    }
  }
  bool full_scan = flow.source.cursor_field.empty() || options.full;
  rt->track_seen =
      flow.on_delete.kind != DeletePolicy::Kind::ignore && full_scan && !options.retry_only;
  return rt;
}

// A queued run (options.run_id) is claimed first; whatever stops it before
// it ends (a config the engine refuses, a lock held too long) ends it as
// failed, so no job stays running or queued behind an error.
Result<RunReport> SyncEngine::run(const RunOptions& options) {
  if (options.run_id <= 0 || options.dry_run) return execute(options);
  auto started = store_.start_run(options.run_id, clock_.now_micros());
  if (!started) return started.error();
  if (!*started) {  // cancelled (or taken by another worker) meanwhile
    RunReport report;
    report.run_id = options.run_id;
    report.status = RunStatus::cancelled;
    return report;
  }
  auto report = execute(options);
  if (!report) {
    (void)store_.end_run(options.run_id, RunStatus::failed, report.error().message,
                         clock_.now_micros());
  }
  return report;
}

Result<RunReport> SyncEngine::execute(const RunOptions& options) {
  std::map<std::string, std::vector<std::string>> refs;
  std::map<std::string, std::unique_ptr<FlowRuntime>> runtimes;
  // Compile every flow first: references are known only from the mappings.
  for (const FlowConfig& flow : config_.flows) {
    mapping::SchemaHints hints;
    for (const FlowConfig& f : config_.flows) hints.flows.push_back(f.name);
    auto compiled = mapping::compile(flow.mapping, hints);
    if (compiled.mapping) refs[flow.name] = compiled.mapping->referenced_flows();
  }
  FlowOrder order = plan_flow_order(config_, refs);
  if (!order.diagnostics.empty()) {
    std::string msg;
    for (const Diagnostic& d : order.diagnostics) {
      if (!msg.empty()) msg += '\n';
      msg += d.to_string();
    }
    return Error(ErrorKind::fatal, msg);
  }
  auto selected = select_flows(order, options.flows);
  if (!selected) return selected.error();
  for (const std::string& name : options.allow_deletes) {
    if (config_.flow(name) == nullptr) {
      return Error(ErrorKind::fatal, "no flow named '" + name + "' (--allow-deletes)");
    }
  }
  for (const std::string& name : *selected) {
    auto rt = prepare(*config_.flow(name), options);
    if (!rt) return rt.error();
    runtimes.emplace(name, std::move(*rt));
  }

  std::map<std::string, uint64_t> calls_at_start;
  for (const auto& [name, conn] : connections_) calls_at_start[name] = conn->api_calls();
  RunReport report;
  report.order = *selected;
  auto cancel_asked = [&] { return options.cancelled && options.cancelled(); };
  // Dry runs write nothing and take no lock.
  FlowLocks locks(store_, clock_, *selected);
  if (!options.dry_run) {
    if (auto closed = store_.close_abandoned_runs(clock_.now_micros()); !closed) {
      return closed.error();
    }
    // Locked before the run begins (run 0 until then): a run that is
    // refused or gives up waiting leaves no run behind.
    auto taken = locks.acquire(options.run_id, options.lock_wait_micros, options.cancelled);
    if (!taken) return taken.error();
    if (!*taken) {
      report.run_id = options.run_id;
      report.status = RunStatus::cancelled;
      if (options.run_id > 0) {
        if (Status s =
                store_.end_run(options.run_id, RunStatus::cancelled,
                               "cancelled while waiting for a flow lock", clock_.now_micros());
            !s) {
          return s.error();
        }
      }
      return report;
    }
    report.run_id = options.run_id;
    if (report.run_id <= 0) {
      auto id = store_.begin_run(options.trigger, clock_.now_micros());
      if (!id) return id.error();
      report.run_id = *id;
      if (auto passed = locks.acquire(report.run_id, 0); !passed) return passed.error();
    }
  }
  report.started_at = clock_.now_micros();
  bool cancelled = false;
  FlowRunner::PlannedCreates planned_creates;
  for (const std::string& name : *selected) {
    if (cancel_asked()) {  // later flows do not start
      cancelled = true;
      break;
    }
    FlowRuntime& rt = *runtimes[name];
    if (progress_) progress_->flow_started(name);
    std::set<Connection*> conns{rt.source, rt.target};
    uint64_t calls_before = 0;
    for (Connection* c : conns) calls_before += c->api_calls();
    FlowRunner runner(rt, store_, clock_, options, report.run_id, progress_);
    if (options.dry_run) runner.set_planned_creates(&planned_creates);
    Status s = runner.run();
    FlowReport& fr = report.flows[name];
    fr.counts = runner.counts();
    uint64_t calls_after = 0;
    for (Connection* c : conns) calls_after += c->api_calls();
    fr.counts.api_calls = static_cast<int64_t>(calls_after - calls_before);
    fr.planned = runner.planned();
    fr.deletes_withheld = runner.delete_hold();
    if (!s) {
      fr.error = s.error().message;
      fr.error_kind = s.error().kind;
    }
    if (!options.dry_run) {
      // API calls are known only per flow; add them to the stored counts.
      BatchCommit calls;
      calls.flow = name;
      calls.run_id = report.run_id;
      calls.counts.api_calls = fr.counts.api_calls;
      if (Status cs = store_.commit(calls); !cs) return cs.error();
    }
    if (progress_) progress_->flow_finished(name, fr.counts, fr.error);
    if (runner.cancelled()) {
      cancelled = true;
      break;
    }
  }
  report.ended_at = clock_.now_micros();
  for (const auto& [name, conn] : connections_) {
    report.api_calls_by_connection[name] = conn->api_calls() - calls_at_start[name];
  }
  if (cancelled) {
    report.status = RunStatus::cancelled;
  } else if (report.any_flow_stopped()) {
    report.status = RunStatus::failed;
  } else if (report.any_failed_records() || report.any_deletes_withheld()) {
    // Withheld deletes leave the target out of step with the source until
    // someone looks: not a success.
    report.status = RunStatus::partial;
  }
  if (!options.dry_run) {
    std::string message;
    for (const auto& [name, f] : report.flows) {
      if (!f.error.empty()) message += (message.empty() ? "" : "; ") + name + ": " + f.error;
      if (!f.deletes_withheld.reason.empty()) {
        message += (message.empty() ? "" : "; ") + name + ": " + f.deletes_withheld.reason;
      }
    }
    if (Status s = store_.end_run(report.run_id, report.status, message, report.ended_at); !s) {
      return s.error();
    }
  }
  return report;
}

}  // namespace crmsync
