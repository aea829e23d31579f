#include "core/redact.h"
#include "state/run_codec.h"
#include "state/sqlite_state_store.h"

namespace crmsync {
namespace {

// Parameters 1-8 and 12 of both the update and the insert of an error row. The
// message (an API's answer) and the payload are scrubbed here, at the write
// boundary: no secret and no invalid UTF-8 is ever stored (issue 30 part 5).
void bind_error(Stmt& st, const RecordError& e) {
  st.bind(1, e.run_id);
  st.bind(2, to_string(e.kind));
  st.bind(3, scrub(e.message));
  st.bind(4, scrub(e.payload));
  st.bind(5, int64_t{e.attempts});
  st.bind(6, e.next_attempt_at);
  st.bind(7, to_string(e.status));
  st.bind(8, e.updated_at);
  st.bind(12, int64_t{e.outcome_unknown ? 1 : 0});
}

}  // namespace

Result<int64_t> SqliteStateStore::begin_run(std::string_view trigger, int64_t now) {
  ProcessOwner me = ProcessOwner::self(process_role());
  auto q = db_->prepare(
      "INSERT INTO runs (queued_at, started_at, status, trigger, owner, owner_host, owner_pid, "
      "owner_start) VALUES (?1, ?1, 'running', ?2, ?3, ?4, ?5, ?6)");
  if (!q) return q.error();
  Stmt st(*q);
  st.bind(1, now);
  st.bind(2, trigger);
  st.bind(3, me.to_string());
  st.bind(4, me.host);
  st.bind(5, me.pid);
  st.bind(6, me.started);
  if (st.step() != SQLITE_DONE) return db_->error("starting a run");
  return static_cast<int64_t>(sqlite3_last_insert_rowid(db_->handle()));
}

Status SqliteStateStore::end_run(int64_t run_id, RunStatus status, std::string_view message,
                                 int64_t now) {
  auto q = db_->prepare("UPDATE runs SET status = ?, message = ?, ended_at = ? WHERE id = ?");
  if (!q) return q.error();
  Stmt st(*q);
  st.bind(1, to_string(status));
  st.bind(2, scrub(message));  // see bind_error
  st.bind(3, now);
  st.bind(4, run_id);
  if (st.step() != SQLITE_DONE) return db_->error("ending a run");
  return {};
}

Status SqliteStateStore::load_flow_counts(RunInfo& run) {
  auto q = db_->prepare(
      "SELECT flow, read, created, updated, skipped, deleted, failed, api_calls, expected FROM "
      "run_flows WHERE run_id = ? ORDER BY rowid");
  if (!q) return q.error();
  Stmt st(*q);
  st.bind(1, run.id);
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    FlowCounts c{st.int64(1), st.int64(2), st.int64(3), st.int64(4),
                 st.int64(5), st.int64(6), st.int64(7), st.int64(8)};
    run.flows[st.text(0)] = c;
  }
  if (rc != SQLITE_DONE) return db_->error("reading run counts");
  return {};
}

Result<std::vector<RunInfo>> SqliteStateStore::runs(size_t limit) {
  RunFilter all;
  all.limit = limit;
  return runs(all);
}

Result<std::optional<RunInfo>> SqliteStateStore::run(int64_t run_id) {
  auto found = select_runs(std::string("SELECT ") + kRunColumns + " FROM runs r WHERE r.id = ?",
                           [&](Stmt& st) { st.bind(1, run_id); });
  if (!found) return found.error();
  if (found->empty()) return std::optional<RunInfo>();
  return std::optional<RunInfo>(std::move(found->front()));
}

// At most one open error per (flow, source id): a new failure of the same
// record updates it, so attempts count up and the list stays one line per record.
Status SqliteStateStore::write_error(const RecordError& e) {
  auto q = db_->prepare(
      "UPDATE record_errors SET run_id = ?1, kind = ?2, message = ?3, payload = ?4, attempts = ?5, "
      "next_attempt_at = ?6, status = ?7, updated_at = ?8, outcome_unknown = ?12 WHERE flow = ?10 "
      "AND source_id = ?11 AND status != 'resolved'");
  if (!q) return q.error();
  {
    Stmt st(*q);
    bind_error(st, e);
    st.bind(10, e.flow);
    st.bind(11, e.source_id);
    if (st.step() != SQLITE_DONE) return db_->error("recording a record error");
  }
  if (sqlite3_changes(db_->handle()) > 0) return {};
  auto ins = db_->prepare(
      "INSERT INTO record_errors (run_id, kind, message, payload, attempts, next_attempt_at, "
      "status, updated_at, created_at, flow, source_id, outcome_unknown) VALUES "
      "(?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!ins) return ins.error();
  Stmt st(*ins);
  bind_error(st, e);
  st.bind(9, e.created_at);
  st.bind(10, e.flow);
  st.bind(11, e.source_id);
  if (st.step() != SQLITE_DONE) return db_->error("recording a record error");
  return {};
}

Result<std::vector<RecordError>> SqliteStateStore::select_errors(
    const std::string& where, const std::vector<std::string>& text_params,
    const std::vector<int64_t>& int_params) {
  auto q = db_->prepare(
      "SELECT id, run_id, flow, source_id, kind, message, payload, attempts, next_attempt_at, "
      "status, created_at, updated_at, outcome_unknown FROM record_errors WHERE " +
      where);
  if (!q) return q.error();
  Stmt st(*q);
  int i = 1;
  for (const std::string& t : text_params) st.bind(i++, t);
  for (int64_t v : int_params) st.bind(i++, v);
  std::vector<RecordError> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    RecordError e;
    e.id = st.int64(0);
    e.run_id = st.int64(1);
    e.flow = st.text(2);
    e.source_id = st.text(3);
    e.kind = parse_error_kind(st.text(4));
    e.message = st.text(5);
    e.payload = st.text(6);
    e.attempts = static_cast<int>(st.int64(7));
    e.next_attempt_at = st.int64(8);
    e.status = parse_error_status(st.text(9));
    e.created_at = st.int64(10);
    e.updated_at = st.int64(11);
    e.outcome_unknown = st.int64(12) != 0;
    out.push_back(std::move(e));
  }
  if (rc != SQLITE_DONE) return db_->error("reading record errors");
  return out;
}

Result<std::vector<RecordError>> SqliteStateStore::errors(int64_t run_id, size_t limit) {
  if (run_id > 0) {
    return select_errors("run_id = ? ORDER BY id DESC LIMIT ?", {},
                         {run_id, static_cast<int64_t>(limit)});
  }
  return select_errors("status != 'resolved' ORDER BY id DESC LIMIT ?", {},
                       {static_cast<int64_t>(limit)});
}

Result<std::vector<RecordError>> SqliteStateStore::open_errors(
    std::string_view flow, std::span<const std::string> source_ids) {
  std::vector<RecordError> out;
  for (size_t start = 0; start < source_ids.size(); start += 500) {
    size_t n = std::min<size_t>(500, source_ids.size() - start);
    std::vector<std::string> params{std::string(flow)};
    params.insert(params.end(), source_ids.begin() + start, source_ids.begin() + start + n);
    auto part = select_errors(
        "flow = ? AND status != 'resolved' AND source_id IN (" + sql_placeholders(n) + ")", params,
        {});
    if (!part) return part.error();
    out.insert(out.end(), part->begin(), part->end());
  }
  return out;
}

Result<std::vector<RecordError>> SqliteStateStore::due_errors(std::string_view flow, int64_t now,
                                                              size_t limit) {
  return select_errors(
      "flow = ? AND status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?",
      {std::string(flow)}, {now, static_cast<int64_t>(limit)});
}

Result<int64_t> SqliteStateStore::requeue_errors(int64_t run_id, int64_t now) {
  std::string sql =
      "UPDATE record_errors SET status = 'pending', next_attempt_at = ? WHERE status != "
      "'resolved'";
  if (run_id > 0) sql += " AND run_id = ?";
  auto q = db_->prepare(sql);
  if (!q) return q.error();
  Stmt st(*q);
  st.bind(1, now);
  if (run_id > 0) st.bind(2, run_id);
  if (st.step() != SQLITE_DONE) return db_->error("queueing errors for retry");
  return static_cast<int64_t>(sqlite3_changes(db_->handle()));
}

}  // namespace crmsync
