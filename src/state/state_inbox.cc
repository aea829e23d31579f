// The webhook inbox (migration 7, issue 19): deliveries committed before
// the receiver acknowledges them, drained per flow by serve's drainer.
#include "state/sqlite_state_store.h"

namespace crmsync {
std::string_view to_string(InboxState s) {
  switch (s) {
    case InboxState::pending:
      return "pending";
    case InboxState::done:
      return "done";
    case InboxState::skipped:
      return "skipped";
    case InboxState::failed:
      return "failed";
  }
  return "pending";
}

Result<std::vector<InboxOutcome>> SqliteStateStore::enqueue(
    std::span<const InboxDelivery> deliveries, int64_t now) {
  std::vector<InboxOutcome> out(deliveries.size());
  Status s = in_transaction("committing webhook deliveries to the inbox", [&]() -> Status {
    auto seen = db_->prepare(
        "INSERT INTO webhook_seen (connection, message_id, seen_at) VALUES (?, ?, ?) "
        "ON CONFLICT DO NOTHING");
    if (!seen) return seen.error();
    auto insert = db_->prepare(
        "INSERT INTO inbox (flow, event_key, connection, object, record_id, action, changed_at, "
        "received_at, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending') ON CONFLICT DO NOTHING");
    if (!insert) return insert.error();
    for (size_t d = 0; d < deliveries.size(); ++d) {
      const InboxDelivery& delivery = deliveries[d];
      if (!delivery.replay_id.empty()) {
        Stmt st(*seen);
        st.bind(1, delivery.connection);
        st.bind(2, delivery.replay_id);
        st.bind(3, now);
        if (st.step() != SQLITE_DONE) return db_->error("remembering a webhook message id");
        if (sqlite3_changes(db_->handle()) == 0) {
          out[d].replayed = true;
          continue;
        }
      }
      for (const InboxEvent& e : delivery.events) {
        Stmt st(*insert);
        st.bind_borrowed(1, e.flow);
        st.bind_borrowed(2, e.event_key);
        st.bind_borrowed(3, delivery.connection);
        st.bind_borrowed(4, e.object);
        st.bind_borrowed(5, e.record_id);
        st.bind_borrowed(6, e.action);
        st.bind(7, e.changed_at);
        st.bind(8, now);
        if (st.step() != SQLITE_DONE) return db_->error("inserting an inbox event");
        if (sqlite3_changes(db_->handle()) == 0) {
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

Result<std::vector<InboxEvent>> SqliteStateStore::pending_events(std::string_view flow,
                                                                 size_t limit) {
  auto q = db_->prepare(
      "SELECT id, flow, event_key, connection, object, record_id, action, changed_at, "
      "received_at FROM inbox WHERE flow = ? AND state = 'pending' ORDER BY id LIMIT ?");
  if (!q) return q.error();
  Stmt st(*q);
  st.bind(1, flow);
  st.bind(2, static_cast<int64_t>(limit));
  std::vector<InboxEvent> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    InboxEvent e;
    e.id = st.int64(0);
    e.flow = st.text(1);
    e.event_key = st.text(2);
    e.connection = st.text(3);
    e.object = st.text(4);
    e.record_id = st.text(5);
    e.action = st.text(6);
    e.changed_at = st.int64(7);
    e.received_at = st.int64(8);
    out.push_back(std::move(e));
  }
  if (rc != SQLITE_DONE) return db_->error("reading pending inbox events");
  return out;
}

Status SqliteStateStore::finish_events(std::span<const int64_t> ids, InboxState state,
                                       int64_t run_id, int64_t now) {
  if (ids.empty()) return {};
  return in_transaction("marking inbox events drained", [&]() -> Status {
    auto q = db_->prepare("UPDATE inbox SET state = ?, drained_at = ?, run_id = ? WHERE id = ?");
    if (!q) return q.error();
    std::string name(to_string(state));
    for (int64_t id : ids) {
      Stmt st(*q);
      st.bind(1, name);
      st.bind(2, now);
      st.bind(3, run_id);
      st.bind(4, id);
      if (st.step() != SQLITE_DONE) return db_->error("marking an inbox event drained");
    }
    return {};
  });
}

Result<int64_t> SqliteStateStore::prune_inbox(int64_t drained_before, int64_t seen_before) {
  int64_t pruned = 0;
  Status s = in_transaction("pruning the inbox", [&]() -> Status {
    auto q = db_->prepare("DELETE FROM inbox WHERE state != 'pending' AND drained_at < ?");
    if (!q) return q.error();
    {
      Stmt st(*q);
      st.bind(1, drained_before);
      if (st.step() != SQLITE_DONE) return db_->error("pruning drained inbox events");
      pruned = sqlite3_changes(db_->handle());
    }
    auto seen = db_->prepare("DELETE FROM webhook_seen WHERE seen_at < ?");
    if (!seen) return seen.error();
    Stmt st(*seen);
    st.bind(1, seen_before);
    if (st.step() != SQLITE_DONE) return db_->error("pruning webhook message ids");
    return {};
  });
  if (!s) return s.error();
  return pruned;
}

Status SqliteStateStore::count_rejection(std::string_view connection, std::string_view reason,
                                         int64_t now) {
  auto q = db_->prepare(
      "INSERT INTO webhook_rejections (connection, reason, count, last_at) VALUES (?, ?, 1, ?) "
      "ON CONFLICT (connection, reason) DO UPDATE SET count = count + 1, last_at = "
      "excluded.last_at");
  if (!q) return q.error();
  Stmt st(*q);
  st.bind(1, connection);
  st.bind(2, reason);
  st.bind(3, now);
  if (st.step() != SQLITE_DONE) return db_->error("counting a refused webhook");
  return {};
}

Result<InboxSummary> SqliteStateStore::inbox_summary() {
  InboxSummary out;
  {
    auto q = db_->prepare(
        "SELECT flow, SUM(state = 'pending'), SUM(state = 'done'), SUM(state = 'skipped'), "
        "SUM(state = 'failed'), COALESCE(MIN(CASE WHEN state = 'pending' THEN received_at END), "
        "0), MAX(received_at) FROM inbox GROUP BY flow ORDER BY flow");
    if (!q) return q.error();
    Stmt st(*q);
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) {
      InboxFlowSummary f;
      f.flow = st.text(0);
      f.pending = st.int64(1);
      f.done = st.int64(2);
      f.skipped = st.int64(3);
      f.failed = st.int64(4);
      f.oldest_pending_at = st.int64(5);
      f.last_received_at = st.int64(6);
      out.flows.push_back(std::move(f));
    }
    if (rc != SQLITE_DONE) return db_->error("summing up the inbox");
  }
  auto q = db_->prepare(
      "SELECT connection, reason, count, last_at FROM webhook_rejections "
      "ORDER BY connection, reason");
  if (!q) return q.error();
  Stmt st(*q);
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    out.rejected.push_back({st.text(0), st.text(1), st.int64(2), st.int64(3)});
  }
  if (rc != SQLITE_DONE) return db_->error("reading refused webhook counts");
  return out;
}

Result<int64_t> SqliteStateStore::count_unannounced(std::string_view flow, int64_t run_id,
                                                    int64_t previous_run_id) {
  // A range scan of the flow's id map (no index by run: it would cost every
  // written record a B-tree write, migration 2), once per scheduled run of a
  // webhook flow.
  auto q = db_->prepare(
      "SELECT COUNT(*) FROM id_map m WHERE m.flow = ? AND m.run_id = ? AND NOT EXISTS "
      "(SELECT 1 FROM inbox i WHERE i.flow = m.flow AND i.record_id = m.source_id AND "
      "(i.state = 'pending' OR i.run_id > ?))");
  if (!q) return q.error();
  Stmt st(*q);
  st.bind(1, flow);
  st.bind(2, run_id);
  st.bind(3, previous_run_id);
  if (st.step() != SQLITE_ROW) return db_->error("counting changes no webhook announced");
  return st.int64(0);
}

}  // namespace crmsync
