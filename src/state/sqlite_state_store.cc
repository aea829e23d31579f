#include "state/sqlite_state_store.h"

#include "state/migrations.h"
#include "state/value_codec.h"

namespace crmsync {

std::string_view to_string(RecordErrorStatus s) {
  switch (s) {
    case RecordErrorStatus::pending:
      return "pending";
    case RecordErrorStatus::parked:
      return "parked";
    case RecordErrorStatus::resolved:
      return "resolved";
  }
  return "pending";
}

std::string_view display_status(const RecordError& e) {
  if (e.outcome_unknown && e.status != RecordErrorStatus::resolved) return "unknown outcome";
  return to_string(e.status);
}

std::string_view to_string(RunStatus s) {
  switch (s) {
    case RunStatus::running:
      return "running";
    case RunStatus::succeeded:
      return "succeeded";
    case RunStatus::partial:
      return "partial";
    case RunStatus::failed:
      return "failed";
    case RunStatus::interrupted:
      return "interrupted";
    case RunStatus::queued:
      return "queued";
    case RunStatus::cancelled:
      return "cancelled";
  }
  return "running";
}

std::optional<RunStatus> parse_run_status(std::string_view s) {
  for (RunStatus r :
       {RunStatus::running, RunStatus::succeeded, RunStatus::partial, RunStatus::failed,
        RunStatus::interrupted, RunStatus::queued, RunStatus::cancelled}) {
    if (to_string(r) == s) return r;
  }
  return std::nullopt;
}

bool is_final(RunStatus s) {
  return s != RunStatus::running && s != RunStatus::queued;
}

FlowCounts& FlowCounts::operator+=(const FlowCounts& o) {
  read += o.read;
  created += o.created;
  updated += o.updated;
  skipped += o.skipped;
  deleted += o.deleted;
  failed += o.failed;
  api_calls += o.api_calls;
  return *this;
}

Result<std::unique_ptr<StateStore>> open_sqlite_state_store(const std::string& path) {
  auto db = SqliteDb::open(path);
  if (!db) return db.error();
  if (Status s = migrate(**db); !s) return s.error();
  return std::unique_ptr<StateStore>(new SqliteStateStore(std::move(*db)));
}

namespace {

constexpr size_t kChunk = 500;  // bound parameters per IN (...) lookup

IdMapEntry read_entry(Stmt& st) {
  IdMapEntry e;
  e.source_id = st.text(0);
  e.target_id = st.text(1);
  e.source_checksum = static_cast<uint64_t>(st.int64(2));
  e.target_checksum = static_cast<uint64_t>(st.int64(3));
  e.updated_at = st.int64(4);
  e.run_id = st.int64(5);
  e.deleted = st.int64(6) != 0;
  e.seen_run = st.int64(7);  // NULL reads as 0
  return e;
}

const char* kEntryColumns =
    "source_id, target_id, source_checksum, target_checksum, updated_at, run_id, deleted, "
    "seen_run";

}  // namespace

Result<std::vector<IdMapEntry>> SqliteStateStore::lookup(std::string_view flow,
                                                         std::span<const std::string> ids) {
  std::vector<IdMapEntry> out;
  for (size_t start = 0; start < ids.size(); start += kChunk) {
    size_t n = std::min(kChunk, ids.size() - start);
    auto q =
        db_->prepare(std::string("SELECT ") + kEntryColumns +
                     " FROM id_map WHERE flow = ? AND source_id IN (" + sql_placeholders(n) + ")");
    if (!q) return q.error();
    Stmt st(*q);
    st.bind_borrowed(1, flow);
    for (size_t i = 0; i < n; ++i) st.bind_borrowed(static_cast<int>(i + 2), ids[start + i]);
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) out.push_back(read_entry(st));
    if (rc != SQLITE_DONE) return db_->error("reading the id map");
  }
  return out;
}

Result<std::vector<IdMapEntry>> SqliteStateStore::unseen(std::string_view flow, int64_t run_id,
                                                         std::string_view after, size_t limit) {
  auto q = db_->prepare(std::string("SELECT ") + kEntryColumns +
                        " FROM id_map WHERE flow = ? AND deleted = 0 AND source_id > ? AND "
                        "(seen_run IS NULL OR seen_run != ?) ORDER BY source_id LIMIT ?");
  if (!q) return q.error();
  Stmt st(*q);
  st.bind(1, flow);
  st.bind(2, after);
  st.bind(3, run_id);
  st.bind(4, static_cast<int64_t>(limit));
  std::vector<IdMapEntry> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) out.push_back(read_entry(st));
  if (rc != SQLITE_DONE) return db_->error("reading the id map");
  return out;
}

Result<int64_t> SqliteStateStore::count_id_map(std::string_view flow) {
  auto q = db_->prepare("SELECT COUNT(*) FROM id_map WHERE flow = ? AND deleted = 0");
  if (!q) return q.error();
  Stmt st(*q);
  st.bind(1, flow);
  if (st.step() != SQLITE_ROW) return db_->error("counting the id map");
  return st.int64(0);
}

Result<std::optional<Cursor>> SqliteStateStore::cursor(std::string_view flow) {
  auto q = db_->prepare("SELECT value_type, value_text, id FROM cursors WHERE flow = ?");
  if (!q) return q.error();
  Stmt st(*q);
  st.bind(1, flow);
  int rc = st.step();
  if (rc == SQLITE_DONE) return std::optional<Cursor>();
  if (rc != SQLITE_ROW) return db_->error("reading a cursor");
  return std::optional<Cursor>(Cursor{decode_value(st.text(0), st.text(1)), st.text(2)});
}

Status SqliteStateStore::reset_cursor(std::string_view flow) {
  auto q = db_->prepare("DELETE FROM cursors WHERE flow = ?");
  if (!q) return q.error();
  Stmt st(*q);
  st.bind(1, flow);
  if (st.step() != SQLITE_DONE) return db_->error("resetting a cursor");
  return {};
}

Result<std::string> SqliteStateStore::stream_position(std::string_view flow) {
  auto q = db_->prepare("SELECT position FROM stream_positions WHERE flow = ?");
  if (!q) return q.error();
  Stmt st(*q);
  st.bind(1, flow);
  int rc = st.step();
  if (rc == SQLITE_DONE) return std::string();
  if (rc != SQLITE_ROW) return db_->error("reading a stream position");
  return st.text(0);
}

Status SqliteStateStore::commit(const BatchCommit& batch) {
  if (Status s = db_->begin_write("starting a batch"); !s) return s;
  Status s = apply(batch);
  if (s) s = db_->exec("COMMIT", "committing a batch");
  if (!s) {
    (void)db_->exec("ROLLBACK", "rolling back a batch");
    intents_.clear();  // it may hold changes that were rolled back
  }
  return s;
}

}  // namespace crmsync
