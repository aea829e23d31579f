#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "state/sqlite_db.h"
#include "state/state_store.h"

namespace crmsync {

// StateStore on one SQLite file (WAL). See state_store.h for the contract.
class SqliteStateStore final : public StateStore {
 public:
  explicit SqliteStateStore(std::unique_ptr<SqliteDb> db) : db_(std::move(db)) {}

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
  // Jobs, locks, schedule slots (state_jobs.cc).
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
  Status put_secret(std::string_view name, std::string_view value,
                    int64_t now) override;  // state_secrets.cc
  Result<std::optional<std::string>> get_secret(std::string_view name) override;
  Result<bool> has_secret(std::string_view name) override;
  Result<bool> delete_secret(std::string_view name) override;
  // The webhook inbox (state_inbox.cc).
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
  Status apply(const BatchCommit& batch);  // state_batch_apply.cc
  Status insert_rows(const std::string& head, const std::string& row, const std::string& tail,
                     size_t count, const std::function<void(Stmt&, int, size_t)>& bind,
                     std::string_view doing);
  Status for_ids(const std::string& sql_head, std::string_view flow,
                 std::span<const std::string> ids, std::string_view doing,
                 std::optional<int64_t> number = std::nullopt);
  Result<bool> has_open_errors(std::string_view flow);
  Status write_error(const RecordError& e);
  Result<std::vector<RecordError>> select_errors(const std::string& where,
                                                 const std::vector<std::string>& text_params,
                                                 const std::vector<int64_t>& int_params);
  Status load_flow_counts(RunInfo& run);
  // Runs of a SELECT of kRunColumns (state_jobs.cc), with their counts.
  static constexpr const char* kRunColumns =
      "r.id, r.queued_at, r.started_at, r.ended_at, r.status, r.trigger, r.message, r.flows, "
      "r.params, r.full_read, r.owner, r.cancel_requested, r.resumed_from, r.resumed_by";
  Result<std::vector<RunInfo>> select_runs(const std::string& sql,
                                           const std::function<void(Stmt&)>& bind);
  // Runs that end in one transaction with a statement (BEGIN IMMEDIATE ... COMMIT).
  Status in_transaction(std::string_view doing, const std::function<Status()>& body);

  // Create intents (state_intents.cc): one intent_batches row per
  // add_intents call, mirrored here per flow once read. The mirror follows
  // committed transactions only (it is dropped on a rollback) and is re-read
  // by open_intents, at the start of every run.
  struct FlowIntents {
    int64_t next_batch = 1;
    std::map<int64_t, std::vector<CreateIntent>> batches;
    std::unordered_map<std::string, int64_t> batch_of;  // open intents only
  };
  Result<FlowIntents*> flow_intents(std::string_view flow);
  // Inside a transaction: closes the open intents of `ids`.
  Status settle_intents(std::string_view flow, std::span<const std::string> ids);

  std::unique_ptr<SqliteDb> db_;
  std::map<std::string, FlowIntents, std::less<>> intents_;
};

}  // namespace crmsync
