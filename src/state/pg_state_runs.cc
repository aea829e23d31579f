// Runs and jobs of the PostgreSQL state store: begun, queued, started,
// cancelled, resumed, paged and filtered; expected totals; the last run of
// each flow; schedule slots.
#include <unordered_map>

#include "core/redact.h"
#include "state/pg_state_store.h"
#include "state/run_codec.h"

namespace crmsync {

Result<std::vector<RunInfo>> PostgresStateStore::select_runs(const std::string& sql,
                                                             const PgParams& params) {
  auto r = db_->exec(sql, params, "reading runs");
  if (!r) return r.error();
  std::vector<RunInfo> out;
  std::vector<int64_t> ids;
  for (int i = 0; i < r->size(); ++i) {
    RunInfo run;
    run.id = r->int64(i, 0);
    run.queued_at = r->int64(i, 1);
    run.started_at = r->int64(i, 2);
    run.ended_at = r->int64(i, 3);
    run.status = parse_run_status(r->text(i, 4)).value_or(RunStatus::failed);
    run.trigger = r->text(i, 5);
    run.message = r->text(i, 6);
    run.request.flows = parse_run_flows(r->text(i, 7));
    run.request.params = parse_run_params(r->text(i, 8));
    run.request.full = r->flag(i, 9);
    run.request.trigger = run.trigger;
    run.owner = r->text(i, 10);
    run.cancel_requested = r->flag(i, 11);
    run.request.resumed_from = r->int64(i, 12);
    run.resumed_by = r->int64(i, 13);
    ids.push_back(run.id);
    out.push_back(std::move(run));
  }
  if (out.empty()) return out;
  // The counts of every run of the page in one query.
  auto c = db_->exec(
      "SELECT run_id, flow, read, created, updated, skipped, deleted, failed, api_calls, expected "
      "FROM run_flows WHERE run_id = ANY($1::bigint[])",
      PgParams().num_array_of(ids.size(), [&](size_t i) { return ids[i]; }), "reading run counts");
  if (!c) return c.error();
  std::unordered_map<int64_t, RunInfo*> by_id;
  for (RunInfo& run : out) by_id[run.id] = &run;
  for (int i = 0; i < c->size(); ++i) {
    FlowCounts counts{c->int64(i, 2), c->int64(i, 3), c->int64(i, 4), c->int64(i, 5),
                      c->int64(i, 6), c->int64(i, 7), c->int64(i, 8), c->int64(i, 9)};
    by_id[c->int64(i, 0)]->flows[c->text(i, 1)] = counts;
  }
  return out;
}

Result<int64_t> PostgresStateStore::begin_run(std::string_view trigger, int64_t now) {
  ProcessOwner me = ProcessOwner::self(process_role());
  auto r = db_->exec(
      "INSERT INTO runs (queued_at, started_at, status, trigger, owner, owner_host, owner_pid, "
      "owner_start) VALUES ($1, $1, 'running', $2, $3, $4, $5, $6) RETURNING id",
      PgParams()
          .num(now)
          .text(trigger)
          .text(me.to_string())
          .text(me.host)
          .num(me.pid)
          .num(me.started),
      "starting a run");
  if (!r) return r.error();
  return r->int64(0, 0);
}

Status PostgresStateStore::end_run(int64_t run_id, RunStatus status, std::string_view message,
                                   int64_t now) {
  auto r = db_->exec("UPDATE runs SET status = $1, message = $2, ended_at = $3 WHERE id = $4",
                     PgParams().text(to_string(status)).text(scrub(message)).num(now).num(run_id),
                     "ending a run");
  if (!r) return r.error();
  return {};
}

Result<std::optional<RunInfo>> PostgresStateStore::run(int64_t run_id) {
  auto found = select_runs(std::string("SELECT ") + kRunColumns + " FROM runs r WHERE r.id = $1",
                           PgParams().num(run_id));
  if (!found) return found.error();
  if (found->empty()) return std::optional<RunInfo>();
  return std::optional<RunInfo>(std::move(found->front()));
}

Result<std::vector<RunInfo>> PostgresStateStore::runs(size_t limit) {
  RunFilter all;
  all.limit = limit;
  return runs(all);
}

// Keyset paging, newest first, as the SQLite store does.
Result<std::vector<RunInfo>> PostgresStateStore::runs(const RunFilter& f) {
  std::string sql = std::string("SELECT ") + kRunColumns;
  PgParams p;
  auto next = [&] { return "$" + std::to_string(p.size()); };
  std::string order;
  if (!f.flow.empty()) {
    p.text(f.flow);
    sql += " FROM run_flows rf JOIN runs r ON r.id = rf.run_id WHERE rf.flow = " + next();
    if (f.before_id > 0) sql += " AND rf.run_id < " + (p.num(f.before_id), next());
    order = " ORDER BY rf.run_id DESC LIMIT ";
  } else {
    sql += " FROM runs r WHERE TRUE";
    if (f.before_id > 0) sql += " AND r.id < " + (p.num(f.before_id), next());
    order = " ORDER BY r.id DESC LIMIT ";
  }
  if (f.status) sql += " AND r.status = " + (p.text(to_string(*f.status)), next());
  sql += order + (p.num(static_cast<int64_t>(f.limit)), next());
  return select_runs(sql, p);
}

Result<int64_t> PostgresStateStore::queue_run(const RunRequest& req, int64_t now) {
  int64_t id = 0;
  Status s = db_->in_transaction("queueing a run", [&]() -> Status {
    auto r = db_->exec(
        "INSERT INTO runs (queued_at, started_at, status, trigger, flows, params, full_read, "
        "resumed_from) VALUES ($1, 0, 'queued', $2, $3, $4, $5, $6) RETURNING id",
        PgParams()
            .num(now)
            .text(req.trigger)
            .text(run_flows_json(req.flows))
            .text(run_params_json(req.params))
            .flag(req.full)
            .num(req.resumed_from),
        "queueing a run");
    if (!r) return r.error();
    id = r->int64(0, 0);
    if (req.flows.empty()) return {};
    auto f = db_->exec(
        "INSERT INTO run_flows (run_id, flow) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING",
        PgParams().num(id).text_array(req.flows), "queueing a run");
    if (!f) return f.error();
    return {};
  });
  if (!s) return s.error();
  return id;
}

// One UPDATE: of two workers starting the same job, the second waits for
// the first's row lock, then finds it no longer queued.
Result<bool> PostgresStateStore::start_run(int64_t run_id, int64_t now) {
  ProcessOwner me = ProcessOwner::self(process_role());
  auto r = db_->exec(
      "UPDATE runs SET status = 'running', started_at = $1, owner = $2, owner_host = $3, "
      "owner_pid = $4, owner_start = $5 WHERE id = $6 AND status = 'queued'",
      PgParams()
          .num(now)
          .text(me.to_string())
          .text(me.host)
          .num(me.pid)
          .num(me.started)
          .num(run_id),
      "starting a queued run");
  if (!r) return r.error();
  return r->affected() > 0;
}

Result<bool> PostgresStateStore::request_cancel(int64_t run_id, int64_t now) {
  auto queued = db_->exec(
      "UPDATE runs SET status = 'cancelled', ended_at = $1, cancel_requested = TRUE, message = "
      "'cancelled before it started' WHERE id = $2 AND status = 'queued'",
      PgParams().num(now).num(run_id), "cancelling a run");
  if (!queued) return queued.error();
  if (queued->affected() > 0) return true;
  auto running =
      db_->exec("UPDATE runs SET cancel_requested = TRUE WHERE id = $1 AND status = 'running'",
                PgParams().num(run_id), "cancelling a run");
  if (!running) return running.error();
  return running->affected() > 0;
}

Status PostgresStateStore::mark_resumed(int64_t run_id, int64_t by) {
  return db_->in_transaction("marking a run resumed", [&]() -> Status {
    for (const char* sql :
         {"UPDATE runs SET resumed_by = $1 WHERE id = $2",
          "UPDATE runs SET resumed_from = $2 WHERE id = $1 AND resumed_from = 0"}) {
      auto r = db_->exec(sql, PgParams().num(by).num(run_id), "marking a run resumed");
      if (!r) return r.error();
    }
    return {};
  });
}

Status PostgresStateStore::set_expected(int64_t run_id, std::string_view flow, int64_t expected) {
  auto r = db_->exec(
      "INSERT INTO run_flows (run_id, flow, expected) VALUES ($1, $2, $3) ON CONFLICT (run_id, "
      "flow) DO UPDATE SET expected = excluded.expected",
      PgParams().num(run_id).text(flow).num(expected), "storing a flow's expected count");
  if (!r) return r.error();
  return {};
}

// Per flow, its newest started run and its newest success: two index walks
// down run_flows (flow, run_id) that stop at the first match.
Result<std::map<std::string, FlowLastRun>> PostgresStateStore::flow_last_runs() {
  auto r = db_->exec(
      "SELECT f.flow, l.id, l.status, l.ended_at, COALESCE(s.ended_at, 0) "
      "FROM (SELECT DISTINCT flow FROM run_flows) f "
      "CROSS JOIN LATERAL (SELECT r.id, r.status, r.ended_at FROM run_flows rf JOIN runs r ON "
      "r.id = rf.run_id WHERE rf.flow = f.flow AND r.started_at > 0 ORDER BY rf.run_id DESC "
      "LIMIT 1) l "
      "LEFT JOIN LATERAL (SELECT r.ended_at FROM run_flows rf JOIN runs r ON r.id = rf.run_id "
      "WHERE rf.flow = f.flow AND r.status = 'succeeded' ORDER BY rf.run_id DESC LIMIT 1) s "
      "ON TRUE",
      "reading flows' last runs");
  if (!r) return r.error();
  std::map<std::string, FlowLastRun> out;
  for (int i = 0; i < r->size(); ++i) {
    FlowLastRun l;
    l.run_id = r->int64(i, 1);
    l.status = parse_run_status(r->text(i, 2)).value_or(RunStatus::failed);
    l.ended_at = r->int64(i, 3);
    l.last_success_at = r->int64(i, 4);
    out[r->text(i, 0)] = l;
  }
  return out;
}

Result<int64_t> PostgresStateStore::schedule_slot(std::string_view flow) {
  auto r = db_->exec("SELECT slot FROM schedule_slots WHERE flow = $1", PgParams().text(flow),
                     "reading a schedule slot");
  if (!r) return r.error();
  return r->empty() ? int64_t{0} : r->int64(0, 0);
}

Status PostgresStateStore::set_schedule_slot(std::string_view flow, int64_t slot) {
  auto r = db_->exec(
      "INSERT INTO schedule_slots (flow, slot) VALUES ($1, $2) ON CONFLICT (flow) DO UPDATE SET "
      "slot = excluded.slot",
      PgParams().text(flow).num(slot), "storing a schedule slot");
  if (!r) return r.error();
  return {};
}

}  // namespace crmsync
