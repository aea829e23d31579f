// Runs as jobs (issue 18): queued, started, cancelled, resumed, paged and
// filtered; expected totals; the last run of each flow; schedule slots.
#include "state/run_codec.h"
#include "state/sqlite_state_store.h"

namespace crmsync {

Status SqliteStateStore::in_transaction(std::string_view doing,
                                        const std::function<Status()>& body) {
  if (Status s = db_->begin_write(doing); !s) return s;
  Status s = body();
  if (s) s = db_->exec("COMMIT", doing);
  if (!s) (void)db_->exec("ROLLBACK", doing);
  return s;
}

Result<std::vector<RunInfo>> SqliteStateStore::select_runs(const std::string& sql,
                                                           const std::function<void(Stmt&)>& bind) {
  std::vector<RunInfo> out;
  {
    auto q = db_->prepare(sql);
    if (!q) return q.error();
    Stmt st(*q);
    bind(st);
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) {
      RunInfo r;
      r.id = st.int64(0);
      r.queued_at = st.int64(1);
      r.started_at = st.int64(2);
      r.ended_at = st.int64(3);
      r.status = parse_run_status(st.text(4)).value_or(RunStatus::failed);
      r.trigger = st.text(5);
      r.message = st.text(6);
      r.request.flows = parse_run_flows(st.text(7));
      r.request.params = parse_run_params(st.text(8));
      r.request.full = st.int64(9) != 0;
      r.request.trigger = r.trigger;
      r.owner = st.text(10);
      r.cancel_requested = st.int64(11) != 0;
      r.request.resumed_from = st.int64(12);
      r.resumed_by = st.int64(13);
      out.push_back(std::move(r));
    }
    if (rc != SQLITE_DONE) return db_->error("reading runs");
  }
  for (RunInfo& r : out) {
    if (Status s = load_flow_counts(r); !s) return s.error();
  }
  return out;
}

// Keyset paging (id < before_id, newest first): a page costs the same at
// any depth. A flow filter walks run_flows (flow, run_id); a status filter
// runs (status, id).
Result<std::vector<RunInfo>> SqliteStateStore::runs(const RunFilter& f) {
  std::string sql = std::string("SELECT ") + kRunColumns;
  std::string order;
  if (!f.flow.empty()) {
    sql += " FROM run_flows rf JOIN runs r ON r.id = rf.run_id WHERE rf.flow = ?1";
    if (f.before_id > 0) sql += " AND rf.run_id < ?2";
    order = " ORDER BY rf.run_id DESC LIMIT ?4";
  } else {
    sql += " FROM runs r WHERE 1";
    if (f.before_id > 0) sql += " AND r.id < ?2";
    order = " ORDER BY r.id DESC LIMIT ?4";
  }
  if (f.status) sql += " AND r.status = ?3";
  if (f.queued_from > 0) sql += " AND r.queued_at >= ?5";
  if (f.queued_to > 0) sql += " AND r.queued_at < ?6";
  sql += order;
  return select_runs(sql, [&](Stmt& st) {
    if (!f.flow.empty()) st.bind(1, f.flow);
    if (f.before_id > 0) st.bind(2, f.before_id);
    if (f.status) st.bind(3, to_string(*f.status));
    st.bind(4, static_cast<int64_t>(f.limit));
    if (f.queued_from > 0) st.bind(5, f.queued_from);
    if (f.queued_to > 0) st.bind(6, f.queued_to);
  });
}

// The requested flows get their run_flows rows now, so a flow filter finds
// the job before it runs (and its counts show zero until it does).
Result<int64_t> SqliteStateStore::queue_run(const RunRequest& req, int64_t now) {
  int64_t id = 0;
  Status s = in_transaction("queueing a run", [&]() -> Status {
    auto q = db_->prepare(
        "INSERT INTO runs (queued_at, started_at, status, trigger, flows, params, full_read, "
        "resumed_from) VALUES (?, 0, 'queued', ?, ?, ?, ?, ?)");
    if (!q) return q.error();
    {
      Stmt st(*q);
      st.bind(1, now);
      st.bind(2, req.trigger);
      st.bind(3, run_flows_json(req.flows));
      st.bind(4, run_params_json(req.params));
      st.bind(5, int64_t{req.full ? 1 : 0});
      st.bind(6, req.resumed_from);
      if (st.step() != SQLITE_DONE) return db_->error("queueing a run");
    }
    id = static_cast<int64_t>(sqlite3_last_insert_rowid(db_->handle()));
    auto f = db_->prepare("INSERT OR IGNORE INTO run_flows (run_id, flow) VALUES (?, ?)");
    if (!f) return f.error();
    for (const std::string& flow : req.flows) {
      Stmt st(*f);
      st.bind(1, id);
      st.bind(2, flow);
      if (st.step() != SQLITE_DONE) return db_->error("queueing a run");
    }
    return {};
  });
  if (!s) return s.error();
  return id;
}

Result<bool> SqliteStateStore::start_run(int64_t run_id, int64_t now) {
  ProcessOwner me = ProcessOwner::self(process_role());
  auto q = db_->prepare(
      "UPDATE runs SET status = 'running', started_at = ?, owner = ?, owner_host = ?, "
      "owner_pid = ?, owner_start = ? WHERE id = ? AND status = 'queued'");
  if (!q) return q.error();
  Stmt st(*q);
  st.bind(1, now);
  st.bind(2, me.to_string());
  st.bind(3, me.host);
  st.bind(4, me.pid);
  st.bind(5, me.started);
  st.bind(6, run_id);
  if (st.step() != SQLITE_DONE) return db_->error("starting a queued run");
  return sqlite3_changes(db_->handle()) > 0;
}

Result<bool> SqliteStateStore::request_cancel(int64_t run_id, int64_t now) {
  auto queued = db_->prepare(
      "UPDATE runs SET status = 'cancelled', ended_at = ?, cancel_requested = 1, message = "
      "'cancelled before it started' WHERE id = ? AND status = 'queued'");
  if (!queued) return queued.error();
  {
    Stmt st(*queued);
    st.bind(1, now);
    st.bind(2, run_id);
    if (st.step() != SQLITE_DONE) return db_->error("cancelling a run");
  }
  if (sqlite3_changes(db_->handle()) > 0) return true;
  auto running =
      db_->prepare("UPDATE runs SET cancel_requested = 1 WHERE id = ? AND status = 'running'");
  if (!running) return running.error();
  Stmt st(*running);
  st.bind(1, run_id);
  if (st.step() != SQLITE_DONE) return db_->error("cancelling a run");
  return sqlite3_changes(db_->handle()) > 0;
}

Status SqliteStateStore::mark_resumed(int64_t run_id, int64_t by) {
  return in_transaction("marking a run resumed", [&]() -> Status {
    for (const char* sql :
         {"UPDATE runs SET resumed_by = ?1 WHERE id = ?2",
          "UPDATE runs SET resumed_from = ?2 WHERE id = ?1 AND resumed_from = 0"}) {
      auto q = db_->prepare(sql);
      if (!q) return q.error();
      Stmt st(*q);
      st.bind(1, by);
      st.bind(2, run_id);
      if (st.step() != SQLITE_DONE) return db_->error("marking a run resumed");
    }
    return {};
  });
}

Status SqliteStateStore::set_expected(int64_t run_id, std::string_view flow, int64_t expected) {
  auto q = db_->prepare(
      "INSERT INTO run_flows (run_id, flow, expected) VALUES (?, ?, ?) ON CONFLICT(run_id, flow) "
      "DO UPDATE SET expected = excluded.expected");
  if (!q) return q.error();
  Stmt st(*q);
  st.bind(1, run_id);
  st.bind(2, flow);
  st.bind(3, expected);
  if (st.step() != SQLITE_DONE) return db_->error("storing a flow's expected count");
  return {};
}

// Per flow: the distinct flows by skipping through run_flows (flow, run_id)
// (one index seek each, not a scan of the history), then its newest started
// run and newest success, each a walk down that index that stops at the
// first match.
Result<std::map<std::string, FlowLastRun>> SqliteStateStore::flow_last_runs() {
  std::vector<std::string> flows;
  {
    auto q = db_->prepare(
        "WITH RECURSIVE f(flow) AS (SELECT MIN(flow) FROM run_flows UNION ALL SELECT (SELECT "
        "MIN(flow) FROM run_flows WHERE flow > f.flow) FROM f WHERE f.flow IS NOT NULL) SELECT "
        "flow FROM f WHERE flow IS NOT NULL");
    if (!q) return q.error();
    Stmt st(*q);
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) flows.push_back(st.text(0));
    if (rc != SQLITE_DONE) return db_->error("reading flows' last runs");
  }
  auto last = db_->prepare(
      "SELECT r.id, r.status, r.ended_at FROM run_flows rf JOIN runs r ON r.id = rf.run_id WHERE "
      "rf.flow = ? AND r.started_at > 0 ORDER BY rf.run_id DESC LIMIT 1");
  if (!last) return last.error();
  auto success = db_->prepare(
      "SELECT r.ended_at FROM run_flows rf CROSS JOIN runs r ON r.id = rf.run_id WHERE rf.flow = ? "
      "AND "
      "r.status = 'succeeded' ORDER BY rf.run_id DESC LIMIT 1");
  if (!success) return success.error();
  std::map<std::string, FlowLastRun> out;
  for (const std::string& flow : flows) {
    FlowLastRun l;
    {
      Stmt st(*last);
      st.bind(1, flow);
      int rc = st.step();
      if (rc == SQLITE_DONE) continue;  // only queued or cancelled before they started
      if (rc != SQLITE_ROW) return db_->error("reading flows' last runs");
      l.run_id = st.int64(0);
      l.status = parse_run_status(st.text(1)).value_or(RunStatus::failed);
      l.ended_at = st.int64(2);
    }
    {
      Stmt st(*success);
      st.bind(1, flow);
      int rc = st.step();
      if (rc == SQLITE_ROW)
        l.last_success_at = st.int64(0);
      else if (rc != SQLITE_DONE)
        return db_->error("reading flows' last runs");
    }
    out[flow] = l;
  }
  return out;
}

Result<int64_t> SqliteStateStore::schedule_slot(std::string_view flow) {
  auto q = db_->prepare("SELECT slot FROM schedule_slots WHERE flow = ?");
  if (!q) return q.error();
  Stmt st(*q);
  st.bind(1, flow);
  int rc = st.step();
  if (rc == SQLITE_DONE) return int64_t{0};
  if (rc != SQLITE_ROW) return db_->error("reading a schedule slot");
  return st.int64(0);
}

Status SqliteStateStore::set_schedule_slot(std::string_view flow, int64_t slot) {
  auto q = db_->prepare(
      "INSERT INTO schedule_slots (flow, slot) VALUES (?, ?) ON CONFLICT(flow) DO UPDATE SET "
      "slot = excluded.slot");
  if (!q) return q.error();
  Stmt st(*q);
  st.bind(1, flow);
  st.bind(2, slot);
  if (st.step() != SQLITE_DONE) return db_->error("storing a schedule slot");
  return {};
}

Result<std::vector<RecordError>> SqliteStateStore::errors_page(int64_t run_id, int64_t after_id,
                                                               size_t limit) {
  if (run_id > 0) {
    return select_errors("run_id = ? AND id > ? ORDER BY id LIMIT ?", {},
                         {run_id, after_id, static_cast<int64_t>(limit)});
  }
  return select_errors("status != 'resolved' AND id > ? ORDER BY id LIMIT ?", {},
                       {after_id, static_cast<int64_t>(limit)});
}

}  // namespace crmsync
