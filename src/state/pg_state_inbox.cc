// The webhook inbox and the secrets of the PostgreSQL state store.
#include "state/pg_state_store.h"
#include "state/secret_cipher.h"

namespace crmsync {

// One transaction for every delivery: the receiver acknowledges only after
// the COMMIT. Workers receiving at once meet on the unique keys: a second
// copy of an event or of a replay id waits for the first's transaction and
// is then dropped.
Result<std::vector<InboxOutcome>> PostgresStateStore::enqueue(
    std::span<const InboxDelivery> deliveries, int64_t now) {
  std::vector<InboxOutcome> out(deliveries.size());
  Status s = db_->in_transaction("committing webhook deliveries to the inbox", [&]() -> Status {
    for (size_t d = 0; d < deliveries.size(); ++d) {
      const InboxDelivery& delivery = deliveries[d];
      if (!delivery.replay_id.empty()) {
        auto seen = db_->exec(
            "INSERT INTO webhook_seen (connection, message_id, seen_at) VALUES ($1, $2, $3) "
            "ON CONFLICT DO NOTHING",
            PgParams().text(delivery.connection).text(delivery.replay_id).num(now),
            "remembering a webhook message id");
        if (!seen) return seen.error();
        if (seen->affected() == 0) {
          out[d].replayed = true;
          continue;
        }
      }
      for (const InboxEvent& e : delivery.events) {
        auto r = db_->exec(
            "INSERT INTO inbox (flow, event_key, connection, object, record_id, action, "
            "changed_at, received_at, state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending') "
            "ON CONFLICT DO NOTHING",
            PgParams()
                .text(e.flow)
                .text(e.event_key)
                .text(delivery.connection)
                .text(e.object)
                .text(e.record_id)
                .text(e.action)
                .num(e.changed_at)
                .num(now),
            "inserting an inbox event");
        if (!r) return r.error();
        if (r->affected() == 0) {
          ++out[d].duplicates;
        } else {
          ++out[d].queued;
        }
      }
    }
    return {};
  });
  if (!s) return s.error();
  return out;
}

Result<std::vector<InboxEvent>> PostgresStateStore::pending_events(std::string_view flow,
                                                                   size_t limit) {
  auto r = db_->exec(
      "SELECT id, flow, event_key, connection, object, record_id, action, changed_at, "
      "received_at FROM inbox WHERE flow = $1 AND state = 'pending' ORDER BY id LIMIT $2",
      PgParams().text(flow).num(static_cast<int64_t>(limit)), "reading pending inbox events");
  if (!r) return r.error();
  std::vector<InboxEvent> out;
  for (int i = 0; i < r->size(); ++i) {
    InboxEvent e;
    e.id = r->int64(i, 0);
    e.flow = r->text(i, 1);
    e.event_key = r->text(i, 2);
    e.connection = r->text(i, 3);
    e.object = r->text(i, 4);
    e.record_id = r->text(i, 5);
    e.action = r->text(i, 6);
    e.changed_at = r->int64(i, 7);
    e.received_at = r->int64(i, 8);
    out.push_back(std::move(e));
  }
  return out;
}

Status PostgresStateStore::finish_events(std::span<const int64_t> ids, InboxState state,
                                         int64_t run_id, int64_t now) {
  if (ids.empty()) return {};
  auto r = db_->exec(
      "UPDATE inbox SET state = $1, drained_at = $2, run_id = $3 WHERE id = ANY($4::bigint[])",
      PgParams()
          .text(to_string(state))
          .num(now)
          .num(run_id)
          .num_array_of(ids.size(), [&](size_t i) { return ids[i]; }),
      "marking inbox events drained");
  if (!r) return r.error();
  return {};
}

Result<int64_t> PostgresStateStore::prune_inbox(int64_t drained_before, int64_t seen_before) {
  int64_t pruned = 0;
  Status s = db_->in_transaction("pruning the inbox", [&]() -> Status {
    auto r = db_->exec("DELETE FROM inbox WHERE state <> 'pending' AND drained_at < $1",
                       PgParams().num(drained_before), "pruning drained inbox events");
    if (!r) return r.error();
    pruned = r->affected();
    auto seen = db_->exec("DELETE FROM webhook_seen WHERE seen_at < $1",
                          PgParams().num(seen_before), "pruning webhook message ids");
    if (!seen) return seen.error();
    return {};
  });
  if (!s) return s.error();
  return pruned;
}

Status PostgresStateStore::count_rejection(std::string_view connection, std::string_view reason,
                                           int64_t now) {
  auto r = db_->exec(
      "INSERT INTO webhook_rejections (connection, reason, count, last_at) VALUES ($1, $2, 1, $3) "
      "ON CONFLICT (connection, reason) DO UPDATE SET count = webhook_rejections.count + 1, "
      "last_at = excluded.last_at",
      PgParams().text(connection).text(reason).num(now), "counting a refused webhook");
  if (!r) return r.error();
  return {};
}

Result<InboxSummary> PostgresStateStore::inbox_summary() {
  InboxSummary out;
  auto f = db_->exec(
      "SELECT flow, COUNT(*) FILTER (WHERE state = 'pending'), COUNT(*) FILTER (WHERE state = "
      "'done'), COUNT(*) FILTER (WHERE state = 'skipped'), COUNT(*) FILTER (WHERE state = "
      "'failed'), COALESCE(MIN(received_at) FILTER (WHERE state = 'pending'), 0), "
      "MAX(received_at) FROM inbox GROUP BY flow ORDER BY flow",
      "summing up the inbox");
  if (!f) return f.error();
  for (int i = 0; i < f->size(); ++i) {
    out.flows.push_back({f->text(i, 0), f->int64(i, 1), f->int64(i, 2), f->int64(i, 3),
                         f->int64(i, 4), f->int64(i, 5), f->int64(i, 6)});
  }
  auto r = db_->exec(
      "SELECT connection, reason, count, last_at FROM webhook_rejections ORDER BY connection, "
      "reason",
      "reading refused webhook counts");
  if (!r) return r.error();
  for (int i = 0; i < r->size(); ++i) {
    out.rejected.push_back({r->text(i, 0), r->text(i, 1), r->int64(i, 2), r->int64(i, 3)});
  }
  return out;
}

Result<int64_t> PostgresStateStore::count_unannounced(std::string_view flow, int64_t run_id,
                                                      int64_t previous_run_id) {
  auto r = db_->exec(
      "SELECT COUNT(*) FROM id_map m WHERE m.flow = $1 AND m.run_id = $2 AND NOT EXISTS "
      "(SELECT 1 FROM inbox i WHERE i.flow = m.flow AND i.record_id = m.source_id AND "
      "(i.state = 'pending' OR i.run_id > $3))",
      PgParams().text(flow).num(run_id).num(previous_run_id),
      "counting changes no webhook announced");
  if (!r) return r.error();
  return r->int64(0, 0);
}

// Secrets are sealed by crmsync (secret_cipher.h) before they reach the
// server: the database (and its backups) hold ciphertext only.
Status PostgresStateStore::put_secret(std::string_view name, std::string_view value, int64_t now) {
  auto key = secret_key_from_env();
  if (!key) return key.error().with_context("storing secret " + std::string(name));
  std::string sealed = seal_secret(*key, name, value);
  auto r = db_->exec(
      "INSERT INTO secrets (name, ciphertext, updated_at) VALUES ($1, $2, $3) ON CONFLICT (name) "
      "DO UPDATE SET ciphertext = excluded.ciphertext, updated_at = excluded.updated_at",
      PgParams().text(name).bytes(sealed).num(now), "storing a secret");
  if (!r) return r.error();
  return {};
}

Result<bool> PostgresStateStore::has_secret(std::string_view name) {
  auto r = db_->exec("SELECT 1 FROM secrets WHERE name = $1", PgParams().text(name),
                     "looking up a secret");
  if (!r) return r.error();
  return !r->empty();
}

Result<bool> PostgresStateStore::delete_secret(std::string_view name) {
  auto r =
      db_->exec("DELETE FROM secrets WHERE name = $1", PgParams().text(name), "deleting a secret");
  if (!r) return r.error();
  return r->affected() > 0;
}

Result<std::optional<std::string>> PostgresStateStore::get_secret(std::string_view name) {
  auto key = secret_key_from_env();
  if (!key) return key.error().with_context("reading secret " + std::string(name));
  auto r = db_->exec("SELECT ciphertext FROM secrets WHERE name = $1", PgParams().text(name),
                     "reading a secret");
  if (!r) return r.error();
  if (r->empty()) return std::optional<std::string>();
  auto plain = open_secret(*key, name, r->bytes(0, 0));
  if (!plain) return plain.error().with_context("reading secret " + std::string(name));
  return std::optional<std::string>(std::move(*plain));
}

}  // namespace crmsync
