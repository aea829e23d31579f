// The id map, cursors, stream positions, create intents and the batch
// commit of the PostgreSQL state store.
//
// A batch's rows go in one statement per table, as arrays unnested by the
// server: one round trip whatever the batch size, where one statement per
// record would cost a round trip each.
#include <unordered_map>

#include "state/pg_state_store.h"
#include "state/run_codec.h"
#include "state/value_codec.h"

namespace crmsync {
namespace {

constexpr const char* kPgEntryColumns =
    "source_id, target_id, source_checksum, target_checksum, updated_at, run_id, deleted, "
    "seen_run";

IdMapEntry pg_entry(const PgRows& r, int i) {
  IdMapEntry e;
  e.source_id = r.text(i, 0);
  e.target_id = r.text(i, 1);
  e.source_checksum = static_cast<uint64_t>(r.int64(i, 2));
  e.target_checksum = static_cast<uint64_t>(r.int64(i, 3));
  e.updated_at = r.int64(i, 4);
  e.run_id = r.int64(i, 5);
  e.deleted = r.flag(i, 6);
  e.seen_run = r.int64(i, 7);  // NULL reads as 0
  return e;
}

// The last of several items with the same key: what SQLite's row-by-row
// upsert leaves, and ON CONFLICT DO UPDATE refuses two rows of one key in
// one statement.
template <typename T, typename Key>
std::vector<const T*> last_per_key(const std::vector<T>& items, Key key) {
  std::unordered_map<std::string_view, size_t> at;
  std::vector<const T*> out;
  for (const T& item : items) {
    auto [it, fresh] = at.emplace(key(item), out.size());
    if (fresh) {
      out.push_back(&item);
    } else {
      out[it->second] = &item;
    }
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<StateStore>> open_postgres_state_store(const std::string& url) {
  auto db = PgDb::connect(url);
  if (!db) return db.error();
  if (Status s = migrate_postgres(**db); !s) return s.error();
  return std::unique_ptr<StateStore>(new PostgresStateStore(std::move(*db)));
}

Result<std::vector<IdMapEntry>> PostgresStateStore::lookup(std::string_view flow,
                                                           std::span<const std::string> ids) {
  if (ids.empty()) return std::vector<IdMapEntry>{};
  auto r = db_->exec(std::string("SELECT ") + kPgEntryColumns +
                         " FROM id_map WHERE flow = $1 AND source_id = ANY($2::text[])",
                     PgParams().text(flow).text_array(ids), "reading the id map");
  if (!r) return r.error();
  std::vector<IdMapEntry> out;
  out.reserve(static_cast<size_t>(r->size()));
  for (int i = 0; i < r->size(); ++i) out.push_back(pg_entry(*r, i));
  return out;
}

Result<std::vector<IdMapEntry>> PostgresStateStore::unseen(std::string_view flow, int64_t run_id,
                                                           std::string_view after, size_t limit) {
  auto r = db_->exec(std::string("SELECT ") + kPgEntryColumns +
                         " FROM id_map WHERE flow = $1 AND NOT deleted AND source_id > $2 AND "
                         "seen_run IS DISTINCT FROM $3 ORDER BY source_id LIMIT $4",
                     PgParams().text(flow).text(after).num(run_id).num(static_cast<int64_t>(limit)),
                     "reading the id map");
  if (!r) return r.error();
  std::vector<IdMapEntry> out;
  for (int i = 0; i < r->size(); ++i) out.push_back(pg_entry(*r, i));
  return out;
}

Result<int64_t> PostgresStateStore::count_id_map(std::string_view flow) {
  auto r = db_->exec("SELECT COUNT(*) FROM id_map WHERE flow = $1 AND NOT deleted",
                     PgParams().text(flow), "counting the id map");
  if (!r) return r.error();
  return r->int64(0, 0);
}

Result<std::optional<Cursor>> PostgresStateStore::cursor(std::string_view flow) {
  auto r = db_->exec("SELECT value_type, value_text, id FROM cursors WHERE flow = $1",
                     PgParams().text(flow), "reading a cursor");
  if (!r) return r.error();
  if (r->empty()) return std::optional<Cursor>();
  return std::optional<Cursor>(Cursor{decode_value(r->text(0, 0), r->text(0, 1)), r->text(0, 2)});
}

Status PostgresStateStore::reset_cursor(std::string_view flow) {
  auto r =
      db_->exec("DELETE FROM cursors WHERE flow = $1", PgParams().text(flow), "resetting a cursor");
  if (!r) return r.error();
  return {};
}

Result<std::string> PostgresStateStore::stream_position(std::string_view flow) {
  auto r = db_->exec("SELECT position FROM stream_positions WHERE flow = $1", PgParams().text(flow),
                     "reading a stream position");
  if (!r) return r.error();
  return r->empty() ? std::string() : r->text(0, 0);
}

// Nothing of the batch is visible (or acknowledged to the caller) before
// the COMMIT returns; a failure anywhere rolls all of it back.
Status PostgresStateStore::commit(const BatchCommit& batch) {
  return db_->in_transaction("committing a batch", [&] { return apply(batch); });
}

Status PostgresStateStore::apply(const BatchCommit& b) {
  auto run = [&](const std::string& sql, const PgParams& p, std::string_view doing) -> Status {
    auto r = db_->exec(sql, p, doing);
    if (!r) return r.error();
    return {};
  };
  if (!b.upserts.empty()) {
    auto rows = last_per_key(b.upserts,
                             [](const IdMapEntry& e) -> std::string_view { return e.source_id; });
    size_t n = rows.size();
    PgParams p;
    p.text(b.flow)
        .text_array_of(n, [&](size_t i) -> std::string_view { return rows[i]->source_id; })
        .text_array_of(n, [&](size_t i) -> std::string_view { return rows[i]->target_id; })
        .num_array_of(n, [&](size_t i) { return rows[i]->source_checksum; })
        .num_array_of(n, [&](size_t i) { return rows[i]->target_checksum; })
        .num_array_of(n, [&](size_t i) { return rows[i]->updated_at; })
        .num_array_of(n, [&](size_t i) { return rows[i]->run_id; })
        .text_array_of(n,
                       [&](size_t i) -> std::string_view { return rows[i]->deleted ? "t" : "f"; });
    Status s = run(
        "INSERT INTO id_map (flow, source_id, target_id, source_checksum, target_checksum, "
        "updated_at, run_id, deleted) SELECT $1::text, * FROM unnest($2::text[], $3::text[], "
        "$4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::boolean[]) "
        "ON CONFLICT (flow, source_id) DO UPDATE SET target_id = excluded.target_id, "
        "source_checksum = excluded.source_checksum, target_checksum = excluded.target_checksum, "
        "updated_at = excluded.updated_at, run_id = excluded.run_id, deleted = excluded.deleted",
        p, "writing the id map");
    if (!s) return s;
  }
  if (!b.forget.empty()) {
    Status s = run("DELETE FROM id_map WHERE flow = $1 AND source_id = ANY($2::text[])",
                   PgParams().text(b.flow).text_array(b.forget), "removing id-map rows");
    if (!s) return s;
  }
  for (const RecordError& e : b.errors) {
    if (Status s = write_error(e); !s) return s;
  }
  if (!b.resolved.empty()) {
    Status s =
        run("UPDATE record_errors SET status = 'resolved', updated_at = $2 WHERE flow = $1 AND "
            "status <> 'resolved' AND source_id = ANY($3::text[])",
            PgParams().text(b.flow).num(wall_micros()).text_array(b.resolved),
            "resolving record errors");
    if (!s) return s;
  }
  if (!b.settled_intents.empty()) {
    Status s =
        run("DELETE FROM intents WHERE flow = $1 AND source_id = ANY($2::text[])",
            PgParams().text(b.flow).text_array(b.settled_intents), "settling create intents");
    if (!s) return s;
  }
  if (!b.seen.empty()) {
    Status s =
        run("UPDATE id_map SET seen_run = $2 WHERE flow = $1 AND source_id = ANY($3::text[])",
            PgParams().text(b.flow).num(b.run_id).text_array(b.seen), "marking records seen");
    if (!s) return s;
  }
  if (b.cursor) {
    auto [type, text] = encode_value(b.cursor->value);
    Status s = run(
        "INSERT INTO cursors (flow, value_type, value_text, id, updated_at) VALUES "
        "($1, $2, $3, $4, $5) ON CONFLICT (flow) DO UPDATE SET value_type = excluded.value_type, "
        "value_text = excluded.value_text, id = excluded.id, updated_at = excluded.updated_at",
        PgParams().text(b.flow).text(type).text(text).text(b.cursor->id).num(wall_micros()),
        "moving the cursor");
    if (!s) return s;
  }
  if (b.stream_position) {
    Status s =
        b.stream_position->empty()
            ? run("DELETE FROM stream_positions WHERE flow = $1", PgParams().text(b.flow),
                  "storing the stream position")
            : run("INSERT INTO stream_positions (flow, position, updated_at) VALUES ($1, $2, $3) "
                  "ON CONFLICT (flow) DO UPDATE SET position = excluded.position, "
                  "updated_at = excluded.updated_at",
                  PgParams().text(b.flow).text(*b.stream_position).num(wall_micros()),
                  "storing the stream position");
    if (!s) return s;
  }
  if (b.run_id > 0) {
    const FlowCounts& c = b.counts;
    Status s = run(
        "INSERT INTO run_flows (run_id, flow, read, created, updated, skipped, deleted, failed, "
        "api_calls) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (run_id, flow) DO "
        "UPDATE SET read = run_flows.read + excluded.read, "
        "created = run_flows.created + excluded.created, "
        "updated = run_flows.updated + excluded.updated, "
        "skipped = run_flows.skipped + excluded.skipped, "
        "deleted = run_flows.deleted + excluded.deleted, "
        "failed = run_flows.failed + excluded.failed, "
        "api_calls = run_flows.api_calls + excluded.api_calls",
        PgParams()
            .num(b.run_id)
            .text(b.flow)
            .num(c.read)
            .num(c.created)
            .num(c.updated)
            .num(c.skipped)
            .num(c.deleted)
            .num(c.failed)
            .num(c.api_calls),
        "adding to the run's counts");
    if (!s) return s;
  }
  return {};
}

// One row per intent: PostgreSQL's per-statement cost is a round trip,
// not SQLite's per-row B-tree writes that made that store batch them.
Status PostgresStateStore::add_intents(std::string_view flow,
                                       std::span<const CreateIntent> intents) {
  if (intents.empty()) return {};
  std::vector<CreateIntent> all(intents.begin(), intents.end());
  auto rows =
      last_per_key(all, [](const CreateIntent& in) -> std::string_view { return in.source_id; });
  size_t n = rows.size();
  std::vector<std::pair<std::string, std::string>> values;
  for (const CreateIntent* in : rows) values.push_back(encode_value(in->match_value));
  PgParams p;
  p.text(flow)
      .text_array_of(n, [&](size_t i) -> std::string_view { return rows[i]->source_id; })
      .text_array_of(n, [&](size_t i) -> std::string_view { return rows[i]->match_field; })
      .text_array_of(n, [&](size_t i) -> std::string_view { return values[i].first; })
      .text_array_of(n, [&](size_t i) -> std::string_view { return values[i].second; })
      .num_array_of(n, [&](size_t i) { return rows[i]->run_id; })
      .num_array_of(n, [&](size_t i) { return rows[i]->created_at; });
  auto r = db_->exec(
      "INSERT INTO intents (flow, source_id, match_field, match_value_type, match_value_text, "
      "run_id, created_at) SELECT $1::text, * FROM unnest($2::text[], $3::text[], $4::text[], "
      "$5::text[], $6::bigint[], $7::bigint[]) ON CONFLICT (flow, source_id) DO UPDATE SET "
      "match_field = excluded.match_field, match_value_type = excluded.match_value_type, "
      "match_value_text = excluded.match_value_text, run_id = excluded.run_id, "
      "created_at = excluded.created_at",
      p, "recording create intents");
  if (!r) return r.error();
  return {};
}

Result<std::vector<CreateIntent>> PostgresStateStore::open_intents(std::string_view flow) {
  auto r = db_->exec(
      "SELECT source_id, match_field, match_value_type, match_value_text, run_id, created_at "
      "FROM intents WHERE flow = $1 ORDER BY source_id",
      PgParams().text(flow), "reading create intents");
  if (!r) return r.error();
  std::vector<CreateIntent> out;
  for (int i = 0; i < r->size(); ++i) {
    out.push_back(CreateIntent{r->text(i, 0), r->text(i, 1),
                               decode_value(r->text(i, 2), r->text(i, 3)), r->int64(i, 4),
                               r->int64(i, 5)});
  }
  return out;
}

}  // namespace crmsync
