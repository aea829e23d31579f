// One run of a flow at a time, across processes (flow_locks), and the runs
// of processes that are gone.
#include "state/sqlite_state_store.h"

namespace crmsync {
namespace {

struct LockRow {
  FlowLockHolder holder;
  ProcessOwner owner;
};

bool same_process(const ProcessOwner& a, const ProcessOwner& b) {
  return a.host == b.host && a.pid == b.pid && a.started == b.started;
}

}  // namespace

Result<std::vector<FlowLockHolder>> SqliteStateStore::lock_flows(std::span<const std::string> flows,
                                                                 int64_t run_id, int64_t now) {
  ProcessOwner me = ProcessOwner::self(process_role());
  std::vector<FlowLockHolder> held;
  // All or none: every lock is read and written in one write transaction,
  // so two processes cannot both find a flow free.
  Status s = in_transaction("taking flow locks", [&]() -> Status {
    auto read = db_->prepare(
        "SELECT owner, host, pid, process_start, run_id, since FROM flow_locks WHERE flow = ?");
    if (!read) return read.error();
    for (const std::string& flow : flows) {
      Stmt st(*read);
      st.bind(1, flow);
      int rc = st.step();
      if (rc == SQLITE_DONE) continue;
      if (rc != SQLITE_ROW) return db_->error("reading flow locks");
      ProcessOwner holder;
      holder.host = st.text(1);
      holder.pid = st.int64(2);
      holder.started = st.int64(3);
      int64_t holder_run = st.int64(4);
      // This process's lock for run 0 was taken before its run began
      // (crmsync run locks, then begins): it passes to that run.
      bool ours = holder_run == run_id || holder_run == 0;
      if (same_process(holder, me) ? ours : !holder.alive()) continue;
      held.push_back(FlowLockHolder{flow, st.text(0), holder_run, st.int64(5)});
    }
    if (!held.empty()) return {};
    auto write = db_->prepare(
        "INSERT INTO flow_locks (flow, owner, host, pid, process_start, run_id, since) VALUES "
        "(?, ?, ?, ?, ?, ?, ?) ON CONFLICT(flow) DO UPDATE SET owner = excluded.owner, host = "
        "excluded.host, pid = excluded.pid, process_start = excluded.process_start, run_id = "
        "excluded.run_id, since = excluded.since WHERE flow_locks.run_id != excluded.run_id OR "
        "flow_locks.pid != excluded.pid OR flow_locks.host != excluded.host");
    if (!write) return write.error();
    for (const std::string& flow : flows) {
      Stmt st(*write);
      st.bind(1, flow);
      st.bind(2, me.to_string());
      st.bind(3, me.host);
      st.bind(4, me.pid);
      st.bind(5, me.started);
      st.bind(6, run_id);
      st.bind(7, now);
      if (st.step() != SQLITE_DONE) return db_->error("taking flow locks");
    }
    return {};
  });
  if (!s) return s.error();
  return held;
}

// Only this process's locks: one that was taken over meanwhile belongs to
// its new holder.
Status SqliteStateStore::unlock_flows(std::span<const std::string> flows) {
  ProcessOwner me = ProcessOwner::self(process_role());
  return in_transaction("releasing flow locks", [&]() -> Status {
    auto q = db_->prepare(
        "DELETE FROM flow_locks WHERE flow = ? AND host = ? AND pid = ? AND process_start = ?");
    if (!q) return q.error();
    for (const std::string& flow : flows) {
      Stmt st(*q);
      st.bind(1, flow);
      st.bind(2, me.host);
      st.bind(3, me.pid);
      st.bind(4, me.started);
      if (st.step() != SQLITE_DONE) return db_->error("releasing flow locks");
    }
    return {};
  });
}

Result<std::vector<FlowLockHolder>> SqliteStateStore::flow_locks() {
  auto q = db_->prepare(
      "SELECT flow, owner, host, pid, process_start, run_id, since FROM flow_locks ORDER BY flow");
  if (!q) return q.error();
  Stmt st(*q);
  std::vector<FlowLockHolder> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    ProcessOwner holder;
    holder.host = st.text(2);
    holder.pid = st.int64(3);
    holder.started = st.int64(4);
    if (!holder.alive()) continue;
    out.push_back(FlowLockHolder{st.text(0), st.text(1), st.int64(5), st.int64(6)});
  }
  if (rc != SQLITE_DONE) return db_->error("reading flow locks");
  return out;
}

// Only a run whose owner is surely gone: another process (crmsync serve
// beside a crmsync run) may be running its own right now.
Result<std::vector<RunInfo>> SqliteStateStore::close_abandoned_runs(int64_t now) {
  std::vector<int64_t> dead;
  {
    auto q = db_->prepare(
        "SELECT id, owner_host, owner_pid, owner_start FROM runs WHERE status = 'running'");
    if (!q) return q.error();
    Stmt st(*q);
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) {
      ProcessOwner owner;
      owner.host = st.text(1);
      owner.pid = st.int64(2);
      owner.started = st.int64(3);
      if (!owner.alive()) dead.push_back(st.int64(0));
    }
    if (rc != SQLITE_DONE) return db_->error("finding abandoned runs");
  }
  if (dead.empty()) return std::vector<RunInfo>{};
  Status s = in_transaction("closing abandoned runs", [&]() -> Status {
    auto q = db_->prepare(
        "UPDATE runs SET status = 'interrupted', ended_at = ?, message = 'the process stopped "
        "before the run ended; the next run resumed it' WHERE id = ? AND status = 'running'");
    if (!q) return q.error();
    for (int64_t id : dead) {
      Stmt st(*q);
      st.bind(1, now);
      st.bind(2, id);
      if (st.step() != SQLITE_DONE) return db_->error("closing abandoned runs");
    }
    return {};
  });
  if (!s) return s.error();
  std::vector<RunInfo> out;
  for (int64_t id : dead) {
    auto r = run(id);
    if (!r) return r.error();
    if (*r) out.push_back(std::move(**r));
  }
  return out;
}

}  // namespace crmsync
