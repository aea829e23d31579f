#include "state/migrations.h"

#include <string>
#include <vector>

namespace crmsync {
namespace {

// Numbered schema migrations, applied in order, each in its own transaction.
// Never edit a released migration: add the next one.
const std::vector<const char*>& migrations() {
  static const std::vector<const char*> kMigrations = {
      // 1: the id map, cursors, runs, errors, create intents, secrets.
      R"sql(
CREATE TABLE id_map (
  flow TEXT NOT NULL, source_id TEXT NOT NULL, target_id TEXT NOT NULL,
  source_checksum INTEGER NOT NULL, target_checksum INTEGER NOT NULL,
  updated_at INTEGER NOT NULL, run_id INTEGER NOT NULL, deleted INTEGER NOT NULL DEFAULT 0,
  seen_run INTEGER,
  PRIMARY KEY (flow, source_id)) WITHOUT ROWID;
CREATE INDEX id_map_target ON id_map (flow, target_id);
CREATE TABLE cursors (
  flow TEXT PRIMARY KEY, value_type TEXT NOT NULL, value_text TEXT NOT NULL, id TEXT NOT NULL,
  updated_at INTEGER NOT NULL);
CREATE TABLE runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT, started_at INTEGER NOT NULL, ended_at INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL, trigger TEXT NOT NULL, message TEXT NOT NULL DEFAULT '');
CREATE TABLE run_flows (
  run_id INTEGER NOT NULL, flow TEXT NOT NULL,
  read INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL DEFAULT 0,
  updated INTEGER NOT NULL DEFAULT 0, skipped INTEGER NOT NULL DEFAULT 0,
  deleted INTEGER NOT NULL DEFAULT 0, failed INTEGER NOT NULL DEFAULT 0,
  api_calls INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, flow));
CREATE TABLE record_errors (
  id INTEGER PRIMARY KEY AUTOINCREMENT, run_id INTEGER NOT NULL, flow TEXT NOT NULL,
  source_id TEXT NOT NULL, kind TEXT NOT NULL, message TEXT NOT NULL, payload TEXT NOT NULL,
  attempts INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'parked', 'resolved')),
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE INDEX record_errors_open ON record_errors (flow, source_id) WHERE status != 'resolved';
CREATE INDEX record_errors_run ON record_errors (run_id);
CREATE TABLE intents (
  flow TEXT NOT NULL, source_id TEXT NOT NULL, match_field TEXT NOT NULL,
  match_value_type TEXT NOT NULL, match_value_text TEXT NOT NULL,
  run_id INTEGER NOT NULL, created_at INTEGER NOT NULL,
  PRIMARY KEY (flow, source_id));
CREATE TABLE secrets (name TEXT PRIMARY KEY, ciphertext BLOB NOT NULL, updated_at INTEGER NOT NULL);
)sql",
      // 2: no query reads the id map by target id yet, and the index cost a
      // random B-tree write per record (a page written to the WAL for each
      // record when target ids are random). Two-way flows add it back.
      R"sql(
DROP INDEX IF EXISTS id_map_target;
)sql",
      // 3: create intents are written and settled for every created
      // record. One row per record cost two B-tree writes per record (insert
      // and delete, each with its key index); one row per write call (its
      // intents as a JSON array) costs one of each per call.
      R"sql(
CREATE TABLE intent_batches (
  flow TEXT NOT NULL, batch_id INTEGER NOT NULL, entries TEXT NOT NULL,
  PRIMARY KEY (flow, batch_id)) WITHOUT ROWID;
INSERT INTO intent_batches SELECT flow, rowid,
  json_array(json_array(source_id, match_field, match_value_type, match_value_text, run_id,
                        created_at))
  FROM intents;
DROP TABLE intents;
)sql",
      // 4: where each flow's change stream (CDC replay id) resumes.
      R"sql(
CREATE TABLE stream_positions (
  flow TEXT PRIMARY KEY, position TEXT NOT NULL, updated_at INTEGER NOT NULL);
)sql",
      // 5: a record error whose write may have been applied although its
      // answer was lost (issue 30): shown as "unknown outcome", looked up
      // by its match key before it is retried.
      R"sql(
ALTER TABLE record_errors ADD COLUMN outcome_unknown INTEGER NOT NULL DEFAULT 0;
)sql",
      // 6: runs are also the service's jobs (issue 18): queued with what
      // they ask for, owned by a process (host, pid, process start: a
      // reused pid is not the owner), cancellable, resumable. One run of a
      // flow at a time across processes (flow_locks); the last slot each
      // schedule fired for. Runs page by id, filtered by status or by flow
      // (run_flows holds the requested flows of a queued run too).
      R"sql(
ALTER TABLE runs ADD COLUMN queued_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN flows TEXT NOT NULL DEFAULT '[]';
ALTER TABLE runs ADD COLUMN params TEXT NOT NULL DEFAULT '{}';
ALTER TABLE runs ADD COLUMN full_read INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN owner_host TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN owner_pid INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN owner_start INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN resumed_from INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN resumed_by INTEGER NOT NULL DEFAULT 0;
UPDATE runs SET queued_at = started_at;
CREATE INDEX runs_status ON runs (status, id);
ALTER TABLE run_flows ADD COLUMN expected INTEGER NOT NULL DEFAULT -1;
CREATE INDEX run_flows_flow ON run_flows (flow, run_id);
CREATE TABLE flow_locks (
  flow TEXT PRIMARY KEY, owner TEXT NOT NULL, host TEXT NOT NULL, pid INTEGER NOT NULL,
  process_start INTEGER NOT NULL, run_id INTEGER NOT NULL, since INTEGER NOT NULL);
CREATE TABLE schedule_slots (flow TEXT PRIMARY KEY, slot INTEGER NOT NULL);
)sql",
      // 7: the webhook inbox (issue 19). One row per (flow, event), fanned
      // out when the delivery is received; UNIQUE (flow, event_key) drops a
      // sender's repeated delivery. Pending rows are drained per flow in
      // receive order; drained rows stay 7 days for audit. webhook_seen
      // holds the message ids of signed deliveries (replay protection);
      // webhook_rejections counts refused deliveries by reason.
      R"sql(
CREATE TABLE inbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT, flow TEXT NOT NULL, event_key TEXT NOT NULL,
  connection TEXT NOT NULL, object TEXT NOT NULL, record_id TEXT NOT NULL,
  action TEXT NOT NULL, changed_at INTEGER NOT NULL, received_at INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'skipped', 'failed')),
  drained_at INTEGER NOT NULL DEFAULT 0, run_id INTEGER NOT NULL DEFAULT 0,
  UNIQUE (flow, event_key));
CREATE INDEX inbox_pending ON inbox (flow, id) WHERE state = 'pending';
CREATE INDEX inbox_record ON inbox (flow, record_id, received_at);
CREATE INDEX inbox_drained ON inbox (drained_at) WHERE state != 'pending';
CREATE TABLE webhook_seen (
  connection TEXT NOT NULL, message_id TEXT NOT NULL, seen_at INTEGER NOT NULL,
  PRIMARY KEY (connection, message_id)) WITHOUT ROWID;
CREATE INDEX webhook_seen_at ON webhook_seen (seen_at);
CREATE TABLE webhook_rejections (
  connection TEXT NOT NULL, reason TEXT NOT NULL, count INTEGER NOT NULL,
  last_at INTEGER NOT NULL, PRIMARY KEY (connection, reason));
)sql",
  };
  return kMigrations;
}

}  // namespace

Status migrate(SqliteDb& db) {
  if (Status s = db.exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
                         "version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)",
                         "creating schema_migrations");
      !s) {
    return s;
  }
  auto q = db.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!q) return q.error();
  int64_t current = 0;
  {
    Stmt st(*q);
    if (st.step() == SQLITE_ROW) current = st.int64(0);
  }
  const auto& all = migrations();
  if (current > static_cast<int64_t>(all.size())) {
    return Error(ErrorKind::fatal,
                 "state store " + db.path() + " was written by a newer crmsync (schema " +
                     std::to_string(current) + " > " + std::to_string(all.size()) + ")");
  }
  for (size_t v = static_cast<size_t>(current) + 1; v <= all.size(); ++v) {
    std::string sql = std::string("BEGIN IMMEDIATE;") + all[v - 1] +
                      "INSERT INTO schema_migrations VALUES (" + std::to_string(v) +
                      ", strftime('%s','now'));COMMIT;";
    if (Status s = db.exec(sql, "applying migration " + std::to_string(v)); !s) {
      (void)db.exec("ROLLBACK", "rolling back");
      return s;
    }
  }
  return {};
}

}  // namespace crmsync
