// Writing one batch's changes (BatchCommit) and create intents.
//
// Rows go in multi-row statements, not one statement per record: in SQLite a
// write statement's fixed cost (its statement journal, the program start) is
// as large as the B-tree work of a row, and a batch holds thousands of rows.
#include <algorithm>
#include <functional>

#include "state/run_codec.h"
#include "state/sqlite_state_store.h"
#include "state/value_codec.h"

namespace crmsync {

// Runs `head VALUES row, row, ... tail` over `count` rows, up to 100 rows a
// statement (statements for 100, 10 and 1 rows are cached and reused);
// `bind` binds row i's values starting at parameter `first`.
Status SqliteStateStore::insert_rows(const std::string& head, const std::string& row,
                                     const std::string& tail, size_t count,
                                     const std::function<void(Stmt&, int, size_t)>& bind,
                                     std::string_view doing) {
  int per_row = static_cast<int>(std::count(row.begin(), row.end(), '?'));
  for (size_t done = 0; done < count;) {
    size_t left = count - done;
    size_t n = left >= 100 ? 100 : left >= 10 ? 10 : 1;
    std::string sql = head + " VALUES " + row;
    for (size_t i = 1; i < n; ++i) sql += "," + row;
    auto q = db_->prepare(sql + tail);
    if (!q) return q.error();
    Stmt st(*q);
    for (size_t i = 0; i < n; ++i) bind(st, 1 + static_cast<int>(i) * per_row, done + i);
    if (st.step() != SQLITE_DONE) return db_->error(doing);
    done += n;
  }
  return {};
}

// Runs `sql_head (?, ?, ...)` for the ids in chunks of 500, with ?1 = flow
// and, when given, ?2 = number.
Status SqliteStateStore::for_ids(const std::string& sql_head, std::string_view flow,
                                 std::span<const std::string> ids, std::string_view doing,
                                 std::optional<int64_t> number) {
  int first = number ? 3 : 2;
  for (size_t start = 0; start < ids.size(); start += 500) {
    size_t n = std::min<size_t>(500, ids.size() - start);
    auto q = db_->prepare(sql_head + " (" + sql_placeholders(n) + ")");
    if (!q) return q.error();
    Stmt st(*q);
    st.bind_borrowed(1, flow);
    if (number) st.bind(2, *number);
    for (size_t i = 0; i < n; ++i) st.bind_borrowed(first + static_cast<int>(i), ids[start + i]);
    if (st.step() != SQLITE_DONE) return db_->error(doing);
  }
  return {};
}

Result<bool> SqliteStateStore::has_open_errors(std::string_view flow) {
  auto q = db_->prepare(
      "SELECT EXISTS (SELECT 1 FROM record_errors WHERE flow = ? AND status != 'resolved')");
  if (!q) return q.error();
  Stmt st(*q);
  st.bind(1, flow);
  if (st.step() != SQLITE_ROW) return db_->error("looking for open errors");
  return st.int64(0) != 0;
}

Status SqliteStateStore::apply(const BatchCommit& b) {
  if (!b.upserts.empty()) {
    Status s = insert_rows(
        "INSERT INTO id_map (flow, source_id, target_id, source_checksum, target_checksum, "
        "updated_at, run_id, deleted)",
        "(?,?,?,?,?,?,?,?)",
        " ON CONFLICT(flow, source_id) DO UPDATE SET target_id = excluded.target_id, "
        "source_checksum = excluded.source_checksum, target_checksum = excluded.target_checksum, "
        "updated_at = excluded.updated_at, run_id = excluded.run_id, deleted = excluded.deleted",
        b.upserts.size(),
        [&](Stmt& st, int p, size_t i) {
          const IdMapEntry& e = b.upserts[i];
          st.bind_borrowed(p, b.flow);
          st.bind_borrowed(p + 1, e.source_id);
          st.bind_borrowed(p + 2, e.target_id);
          st.bind(p + 3, static_cast<int64_t>(e.source_checksum));
          st.bind(p + 4, static_cast<int64_t>(e.target_checksum));
          st.bind(p + 5, e.updated_at);
          st.bind(p + 6, e.run_id);
          st.bind(p + 7, int64_t{e.deleted});
        },
        "writing the id map");
    if (!s) return s;
  }
  if (Status s = for_ids("DELETE FROM id_map WHERE flow = ? AND source_id IN", b.flow, b.forget,
                         "removing id-map rows");
      !s) {
    return s;
  }
  for (const RecordError& e : b.errors) {
    if (Status s = write_error(e); !s) return s;
  }
  if (!b.resolved.empty()) {
    // Nearly always there is nothing to resolve: one probe saves the updates.
    auto open = has_open_errors(b.flow);
    if (!open) return open.error();
    if (*open) {
      Status s = for_ids(
          "UPDATE record_errors SET status = 'resolved', updated_at = ?2 WHERE flow = ?1 AND "
          "status != 'resolved' AND source_id IN",
          b.flow, b.resolved, "resolving record errors", wall_micros());
      if (!s) return s;
    }
  }
  if (Status s = settle_intents(b.flow, b.settled_intents); !s) return s;
  if (!b.seen.empty()) {
    Status s = for_ids("UPDATE id_map SET seen_run = ?2 WHERE flow = ?1 AND source_id IN", b.flow,
                       b.seen, "marking records seen", b.run_id);
    if (!s) return s;
  }
  if (b.cursor) {
    auto [type, text] = encode_value(b.cursor->value);
    auto q = db_->prepare(
        "INSERT INTO cursors (flow, value_type, value_text, id, updated_at) VALUES (?,?,?,?,?) "
        "ON CONFLICT(flow) DO UPDATE SET value_type = excluded.value_type, "
        "value_text = excluded.value_text, id = excluded.id, updated_at = excluded.updated_at");
    if (!q) return q.error();
    Stmt st(*q);
    st.bind(1, b.flow);
    st.bind(2, type);
    st.bind(3, text);
    st.bind(4, b.cursor->id);
    st.bind(5, wall_micros());
    if (st.step() != SQLITE_DONE) return db_->error("moving the cursor");
  }
  if (b.stream_position) {
    auto q = b.stream_position->empty()
                 ? db_->prepare("DELETE FROM stream_positions WHERE flow = ?")
                 : db_->prepare(
                       "INSERT INTO stream_positions (flow, position, updated_at) VALUES (?,?,?) "
                       "ON CONFLICT(flow) DO UPDATE SET position = excluded.position, "
                       "updated_at = excluded.updated_at");
    if (!q) return q.error();
    Stmt st(*q);
    st.bind(1, b.flow);
    if (!b.stream_position->empty()) {
      st.bind(2, *b.stream_position);
      st.bind(3, wall_micros());
    }
    if (st.step() != SQLITE_DONE) return db_->error("storing the stream position");
  }
  if (b.run_id > 0) {
    const FlowCounts& c = b.counts;
    auto q = db_->prepare(
        "INSERT INTO run_flows (run_id, flow, read, created, updated, skipped, deleted, failed, "
        "api_calls) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(run_id, flow) DO UPDATE SET "
        "read = read + excluded.read, created = created + excluded.created, "
        "updated = updated + excluded.updated, skipped = skipped + excluded.skipped, "
        "deleted = deleted + excluded.deleted, failed = failed + excluded.failed, "
        "api_calls = api_calls + excluded.api_calls");
    if (!q) return q.error();
    Stmt st(*q);
    st.bind(1, b.run_id);
    st.bind(2, b.flow);
    int64_t v[] = {c.read, c.created, c.updated, c.skipped, c.deleted, c.failed, c.api_calls};
    for (int i = 0; i < 7; ++i) st.bind(3 + i, v[i]);
    if (st.step() != SQLITE_DONE) return db_->error("adding to the run's counts");
  }
  return {};
}

}  // namespace crmsync
