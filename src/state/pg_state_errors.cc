// Record errors of the PostgreSQL state store: one open error per (flow,
// source id), retry scheduling, pages.
#include "core/redact.h"
#include "state/pg_state_store.h"
#include "state/run_codec.h"

namespace crmsync {
namespace {

constexpr const char* kPgErrorColumns =
    "id, run_id, flow, source_id, kind, message, payload, attempts, next_attempt_at, status, "
    "created_at, updated_at, outcome_unknown";

// $1-$9 of both the update and the insert of an error row. The message (an
// API's answer) and the payload are scrubbed at the write boundary, as the
// SQLite store does: no secret and no invalid UTF-8 is ever stored.
PgParams pg_error_params(const RecordError& e) {
  PgParams p;
  p.num(e.run_id)
      .text(to_string(e.kind))
      .text(scrub(e.message))
      .text(scrub(e.payload))
      .num(e.attempts)
      .num(e.next_attempt_at)
      .text(to_string(e.status))
      .num(e.updated_at)
      .flag(e.outcome_unknown)
      .text(e.flow)
      .text(e.source_id);
  return p;
}

}  // namespace

Status PostgresStateStore::write_error(const RecordError& e) {
  auto u = db_->exec(
      "UPDATE record_errors SET run_id = $1, kind = $2, message = $3, payload = $4, attempts = "
      "$5, next_attempt_at = $6, status = $7, updated_at = $8, outcome_unknown = $9 WHERE flow = "
      "$10 AND source_id = $11 AND status <> 'resolved'",
      pg_error_params(e), "recording a record error");
  if (!u) return u.error();
  if (u->affected() > 0) return {};
  auto i = db_->exec(
      "INSERT INTO record_errors (run_id, kind, message, payload, attempts, next_attempt_at, "
      "status, updated_at, outcome_unknown, flow, source_id, created_at) VALUES ($1, $2, $3, $4, "
      "$5, $6, $7, $8, $9, $10, $11, $12)",
      pg_error_params(e).num(e.created_at), "recording a record error");
  if (!i) return i.error();
  return {};
}

Result<std::vector<RecordError>> PostgresStateStore::select_errors(const std::string& where,
                                                                   const PgParams& params) {
  auto r =
      db_->exec(std::string("SELECT ") + kPgErrorColumns + " FROM record_errors WHERE " + where,
                params, "reading record errors");
  if (!r) return r.error();
  std::vector<RecordError> out;
  for (int i = 0; i < r->size(); ++i) {
    RecordError e;
    e.id = r->int64(i, 0);
    e.run_id = r->int64(i, 1);
    e.flow = r->text(i, 2);
    e.source_id = r->text(i, 3);
    e.kind = parse_error_kind(r->text(i, 4));
    e.message = r->text(i, 5);
    e.payload = r->text(i, 6);
    e.attempts = static_cast<int>(r->int64(i, 7));
    e.next_attempt_at = r->int64(i, 8);
    e.status = parse_error_status(r->text(i, 9));
    e.created_at = r->int64(i, 10);
    e.updated_at = r->int64(i, 11);
    e.outcome_unknown = r->flag(i, 12);
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::vector<RecordError>> PostgresStateStore::errors(int64_t run_id, size_t limit) {
  if (run_id > 0) {
    return select_errors("run_id = $1 ORDER BY id DESC LIMIT $2",
                         PgParams().num(run_id).num(static_cast<int64_t>(limit)));
  }
  return select_errors("status <> 'resolved' ORDER BY id DESC LIMIT $1",
                       PgParams().num(static_cast<int64_t>(limit)));
}

Result<std::vector<RecordError>> PostgresStateStore::errors_page(int64_t run_id, int64_t after_id,
                                                                 size_t limit) {
  if (run_id > 0) {
    return select_errors("run_id = $1 AND id > $2 ORDER BY id LIMIT $3",
                         PgParams().num(run_id).num(after_id).num(static_cast<int64_t>(limit)));
  }
  return select_errors("status <> 'resolved' AND id > $1 ORDER BY id LIMIT $2",
                       PgParams().num(after_id).num(static_cast<int64_t>(limit)));
}

Result<std::vector<RecordError>> PostgresStateStore::open_errors(
    std::string_view flow, std::span<const std::string> source_ids) {
  if (source_ids.empty()) return std::vector<RecordError>{};
  return select_errors("flow = $1 AND status <> 'resolved' AND source_id = ANY($2::text[])",
                       PgParams().text(flow).text_array(source_ids));
}

Result<std::vector<RecordError>> PostgresStateStore::due_errors(std::string_view flow, int64_t now,
                                                                size_t limit) {
  return select_errors(
      "flow = $1 AND status = 'pending' AND next_attempt_at <= $2 ORDER BY next_attempt_at "
      "LIMIT $3",
      PgParams().text(flow).num(now).num(static_cast<int64_t>(limit)));
}

Result<int64_t> PostgresStateStore::requeue_errors(int64_t run_id, int64_t now) {
  std::string sql =
      "UPDATE record_errors SET status = 'pending', next_attempt_at = $1 WHERE status <> "
      "'resolved'";
  PgParams p;
  p.num(now);
  if (run_id > 0) {
    sql += " AND run_id = $2";
    p.num(run_id);
  }
  auto r = db_->exec(sql, p, "queueing errors for retry");
  if (!r) return r.error();
  return r->affected();
}

}  // namespace crmsync
