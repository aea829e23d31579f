#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "state/pg_db.h"
#include "state/state_store.h"

namespace crmsync {

// StateStore on a PostgreSQL database (state: {type: postgres, url: ...}),
// with the SQLite store's semantics (state_store.h). Several processes may
// share the database: what the SQLite store gets from its single writer
// (flow locks read and taken at once) takes row or advisory locks here.
// The id map, cursors and batches: pg_state_batch.cc; runs and jobs:
// pg_state_runs.cc; locks: pg_state_locks.cc; errors: pg_state_errors.cc;
// inbox and secrets: pg_state_inbox.cc; schema: pg_migrations.cc.
class PostgresStateStore final : public StateStore {
 public:
  explicit PostgresStateStore(std::unique_ptr<PgDb> db) : db_(std::move(db)) {}

  Result<std::vector<IdMapEntry>> lookup(std::string_view flow,
                                         std::span<const std::string> source_ids) override;
  Result<std::vector<IdMapEntry>> unseen(std::string_view flow, int64_t run_id,
                                         std::string_view after_source_id, size_t limit) override;
  Result<int64_t> count_id_map(std::string_view flow) override;
  Result<std::optional<Cursor>> cursor(std::string_view flow) override;
  Status reset_cursor(std::string_view flow) override;
  Result<std::string> stream_position(std::string_view flow) override;
  Status commit(const BatchCommit& batch) override;
  Status add_intents(std::string_view flow, std::span<const CreateIntent> intents) override;
  Result<std::vector<CreateIntent>> open_intents(std::string_view flow) override;
  Result<int64_t> begin_run(std::string_view trigger, int64_t now) override;
  Status end_run(int64_t run_id, RunStatus status, std::string_view message, int64_t now) override;
  Result<std::optional<RunInfo>> run(int64_t run_id) override;
  Result<std::vector<RunInfo>> runs(size_t limit) override;
  Result<std::vector<RunInfo>> close_abandoned_runs(int64_t now) override;
  // Jobs, schedule slots (pg_state_runs.cc), locks (pg_state_locks.cc).
  Result<int64_t> queue_run(const RunRequest& request, int64_t now) override;
  Result<bool> start_run(int64_t run_id, int64_t now) override;
  Result<bool> request_cancel(int64_t run_id, int64_t now) override;
  Result<std::vector<RunInfo>> runs(const RunFilter& filter) override;
  Status mark_resumed(int64_t run_id, int64_t by) override;
  Status set_expected(int64_t run_id, std::string_view flow, int64_t expected) override;
  Result<std::map<std::string, FlowLastRun>> flow_last_runs() override;
  Result<std::vector<FlowLockHolder>> lock_flows(std::span<const std::string> flows, int64_t run_id,
                                                 int64_t now) override;
  Status unlock_flows(std::span<const std::string> flows) override;
  Result<std::vector<FlowLockHolder>> flow_locks() override;
  Result<int64_t> schedule_slot(std::string_view flow) override;
  Status set_schedule_slot(std::string_view flow, int64_t slot) override;
  Result<std::vector<RecordError>> errors_page(int64_t run_id, int64_t after_id,
                                               size_t limit) override;
  Result<std::vector<RecordError>> errors(int64_t run_id, size_t limit) override;
  Result<std::vector<RecordError>> open_errors(std::string_view flow,
                                               std::span<const std::string> source_ids) override;
  Result<std::vector<RecordError>> due_errors(std::string_view flow, int64_t now,
                                              size_t limit) override;
  Result<int64_t> requeue_errors(int64_t run_id, int64_t now) override;
  Status put_secret(std::string_view name, std::string_view value, int64_t now) override;
  Result<std::optional<std::string>> get_secret(std::string_view name) override;
  Result<bool> has_secret(std::string_view name) override;
  Result<bool> delete_secret(std::string_view name) override;
  // The webhook inbox and secrets (pg_state_inbox.cc).
  Result<std::vector<InboxOutcome>> enqueue(std::span<const InboxDelivery> deliveries,
                                            int64_t now) override;
  Result<std::vector<InboxEvent>> pending_events(std::string_view flow, size_t limit) override;
  Status finish_events(std::span<const int64_t> ids, InboxState state, int64_t run_id,
                       int64_t now) override;
  Result<int64_t> prune_inbox(int64_t drained_before, int64_t seen_before) override;
  Status count_rejection(std::string_view connection, std::string_view reason,
                         int64_t now) override;
  Result<InboxSummary> inbox_summary() override;
  Result<int64_t> count_unannounced(std::string_view flow, int64_t run_id,
                                    int64_t previous_run_id) override;

 private:
  Status apply(const BatchCommit& batch);
  Status write_error(const RecordError& e);
  Result<std::vector<RecordError>> select_errors(const std::string& where, const PgParams& params);
  static constexpr const char* kRunColumns =
      "r.id, r.queued_at, r.started_at, r.ended_at, r.status, r.trigger, r.message, r.flows, "
      "r.params, r.full_read, r.owner, r.cancel_requested, r.resumed_from, r.resumed_by";
  // Runs of a SELECT of kRunColumns, with their counts.
  Result<std::vector<RunInfo>> select_runs(const std::string& sql, const PgParams& params);

  std::unique_ptr<PgDb> db_;
};

// Brings the database's schema to the newest version this build knows,
// under an advisory lock (two processes starting at once migrate once);
// refuses a schema written by a newer build, naming the version it needs.
Status migrate_postgres(PgDb& db);

}  // namespace crmsync
