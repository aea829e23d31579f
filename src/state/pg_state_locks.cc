// Flow locks (one run of a flow at a time, across processes) and the runs
// of processes that are gone, on PostgreSQL.
#include <algorithm>

#include "state/pg_state_store.h"

namespace crmsync {
namespace {

// Taking flow locks reads every lock and writes them all or none. SQLite
// gets that from its single writer; here the transactions that take or
// release flow locks queue on one transaction-scoped advisory lock, so two
// processes cannot both find a flow free (a row lock cannot lock a row not
// there yet). "crmsync" in ASCII, plus one.
constexpr const char* kFlowLocksLock = "SELECT pg_advisory_xact_lock(6536887155717998)";

bool same_owner(const ProcessOwner& a, const ProcessOwner& b) {
  return a.host == b.host && a.pid == b.pid && a.started == b.started;
}

}  // namespace

Result<std::vector<FlowLockHolder>> PostgresStateStore::lock_flows(
    std::span<const std::string> flows, int64_t run_id, int64_t now) {
  ProcessOwner me = ProcessOwner::self(process_role());
  std::vector<FlowLockHolder> held;
  Status s = db_->in_transaction("taking flow locks", [&]() -> Status {
    if (auto l = db_->exec(kFlowLocksLock, "taking flow locks"); !l) return l.error();
    auto r = db_->exec(
        "SELECT flow, owner, host, pid, process_start, run_id, since FROM flow_locks WHERE flow = "
        "ANY($1::text[])",
        PgParams().text_array(flows), "reading flow locks");
    if (!r) return r.error();
    for (int i = 0; i < r->size(); ++i) {
      ProcessOwner holder;
      holder.host = r->text(i, 2);
      holder.pid = r->int64(i, 3);
      holder.started = r->int64(i, 4);
      int64_t holder_run = r->int64(i, 5);
      // This process's lock for run 0 was taken before its run began
      // (crmsync run locks, then begins): it passes to that run.
      bool ours = holder_run == run_id || holder_run == 0;
      if (same_owner(holder, me) ? ours : !holder.alive()) continue;
      held.push_back(FlowLockHolder{r->text(i, 0), r->text(i, 1), holder_run, r->int64(i, 6)});
    }
    if (!held.empty()) {
      // In the order asked, as the SQLite store answers.
      std::stable_sort(held.begin(), held.end(), [&](const auto& a, const auto& b) {
        return std::find(flows.begin(), flows.end(), a.flow) <
               std::find(flows.begin(), flows.end(), b.flow);
      });
      return {};
    }
    auto w = db_->exec(
        "INSERT INTO flow_locks (flow, owner, host, pid, process_start, run_id, since) SELECT "
        "DISTINCT unnest($1::text[]), $2, $3, $4::bigint, $5::bigint, $6::bigint, $7::bigint "
        "ON CONFLICT (flow) DO UPDATE SET owner = excluded.owner, host = excluded.host, pid = "
        "excluded.pid, process_start = excluded.process_start, run_id = excluded.run_id, since = "
        "excluded.since WHERE flow_locks.run_id <> excluded.run_id OR flow_locks.pid <> "
        "excluded.pid OR flow_locks.host <> excluded.host",
        PgParams()
            .text_array(flows)
            .text(me.to_string())
            .text(me.host)
            .num(me.pid)
            .num(me.started)
            .num(run_id)
            .num(now),
        "taking flow locks");
    if (!w) return w.error();
    return {};
  });
  if (!s) return s.error();
  return held;
}

// Only this process's locks: one that was taken over meanwhile belongs to
// its new holder.
Status PostgresStateStore::unlock_flows(std::span<const std::string> flows) {
  ProcessOwner me = ProcessOwner::self(process_role());
  return db_->in_transaction("releasing flow locks", [&]() -> Status {
    if (auto l = db_->exec(kFlowLocksLock, "releasing flow locks"); !l) return l.error();
    auto r = db_->exec(
        "DELETE FROM flow_locks WHERE flow = ANY($1::text[]) AND host = $2 AND pid = $3 AND "
        "process_start = $4",
        PgParams().text_array(flows).text(me.host).num(me.pid).num(me.started),
        "releasing flow locks");
    if (!r) return r.error();
    return {};
  });
}

Result<std::vector<FlowLockHolder>> PostgresStateStore::flow_locks() {
  auto r = db_->exec(
      "SELECT flow, owner, host, pid, process_start, run_id, since FROM flow_locks ORDER BY flow "
      "COLLATE \"C\"",
      "reading flow locks");
  if (!r) return r.error();
  std::vector<FlowLockHolder> out;
  for (int i = 0; i < r->size(); ++i) {
    ProcessOwner holder;
    holder.host = r->text(i, 2);
    holder.pid = r->int64(i, 3);
    holder.started = r->int64(i, 4);
    if (!holder.alive()) continue;
    out.push_back(FlowLockHolder{r->text(i, 0), r->text(i, 1), r->int64(i, 5), r->int64(i, 6)});
  }
  return out;
}

// Only a run whose owner is surely gone: another process may be running
// its own right now.
Result<std::vector<RunInfo>> PostgresStateStore::close_abandoned_runs(int64_t now) {
  auto r = db_->exec(
      "SELECT id, owner_host, owner_pid, owner_start FROM runs WHERE status = 'running' ORDER BY "
      "id",
      "finding abandoned runs");
  if (!r) return r.error();
  std::vector<int64_t> dead;
  for (int i = 0; i < r->size(); ++i) {
    ProcessOwner owner;
    owner.host = r->text(i, 1);
    owner.pid = r->int64(i, 2);
    owner.started = r->int64(i, 3);
    if (!owner.alive()) dead.push_back(r->int64(i, 0));
  }
  if (dead.empty()) return std::vector<RunInfo>{};
  // Of two processes closing at once, each run is closed (and returned) by one.
  auto closed = db_->exec(
      "UPDATE runs SET status = 'interrupted', ended_at = $1, message = 'the process stopped "
      "before the run ended; the next run resumed it' WHERE id = ANY($2::bigint[]) AND status = "
      "'running' RETURNING id",
      PgParams().num(now).num_array_of(dead.size(), [&](size_t i) { return dead[i]; }),
      "closing abandoned runs");
  if (!closed) return closed.error();
  std::vector<int64_t> ids;
  for (int i = 0; i < closed->size(); ++i) ids.push_back(closed->int64(i, 0));
  std::sort(ids.begin(), ids.end());
  std::vector<RunInfo> out;
  for (int64_t id : ids) {
    auto run_info = run(id);
    if (!run_info) return run_info.error();
    if (*run_info) out.push_back(std::move(**run_info));
  }
  return out;
}

}  // namespace crmsync
