// make_locked_state_store: one mutex around every call, for the threads of
// crmsync serve (workers, watchers, the API) sharing one SQLite connection.
#include <mutex>

#include "state/state_store.h"

namespace crmsync {
namespace {

// Every StateStore method is pure and this class is final and built by
// make_unique: a method added to StateStore and not here makes it abstract,
// and that is a compile error, not a call that skips the mutex.
class LockedStateStore final : public StateStore {
 public:
  explicit LockedStateStore(std::unique_ptr<StateStore> inner) : inner_(std::move(inner)) {}

#define CRMSYNC_LOCKED(call)    \
  std::lock_guard lock(mutex_); \
  return inner_->call

  Result<std::vector<IdMapEntry>> lookup(std::string_view flow,
                                         std::span<const std::string> ids) override {
    CRMSYNC_LOCKED(lookup(flow, ids));
  }
  Result<std::vector<IdMapEntry>> unseen(std::string_view flow, int64_t run_id,
                                         std::string_view after, size_t limit) override {
    CRMSYNC_LOCKED(unseen(flow, run_id, after, limit));
  }
  Result<int64_t> count_id_map(std::string_view flow) override {
    CRMSYNC_LOCKED(count_id_map(flow));
  }
  Result<std::optional<Cursor>> cursor(std::string_view flow) override {
    CRMSYNC_LOCKED(cursor(flow));
  }
  Status reset_cursor(std::string_view flow) override {
    CRMSYNC_LOCKED(reset_cursor(flow));
  }
  Result<std::string> stream_position(std::string_view flow) override {
    CRMSYNC_LOCKED(stream_position(flow));
  }
  Status commit(const BatchCommit& batch) override {
    CRMSYNC_LOCKED(commit(batch));
  }
  Status add_intents(std::string_view flow, std::span<const CreateIntent> intents) override {
    CRMSYNC_LOCKED(add_intents(flow, intents));
  }
  Result<std::vector<CreateIntent>> open_intents(std::string_view flow) override {
    CRMSYNC_LOCKED(open_intents(flow));
  }
  Result<int64_t> begin_run(std::string_view trigger, int64_t now) override {
    CRMSYNC_LOCKED(begin_run(trigger, now));
  }
  Result<int64_t> queue_run(const RunRequest& request, int64_t now) override {
    CRMSYNC_LOCKED(queue_run(request, now));
  }
  Result<bool> start_run(int64_t run_id, int64_t now) override {
    CRMSYNC_LOCKED(start_run(run_id, now));
  }
  Status end_run(int64_t run_id, RunStatus status, std::string_view message, int64_t now) override {
    CRMSYNC_LOCKED(end_run(run_id, status, message, now));
  }
  Result<bool> request_cancel(int64_t run_id, int64_t now) override {
    CRMSYNC_LOCKED(request_cancel(run_id, now));
  }
  Result<std::optional<RunInfo>> run(int64_t run_id) override {
    CRMSYNC_LOCKED(run(run_id));
  }
  Result<std::vector<RunInfo>> runs(size_t limit) override {
    CRMSYNC_LOCKED(runs(limit));
  }
  Result<std::vector<RunInfo>> runs(const RunFilter& filter) override {
    CRMSYNC_LOCKED(runs(filter));
  }
  Result<std::vector<RunInfo>> close_abandoned_runs(int64_t now) override {
    CRMSYNC_LOCKED(close_abandoned_runs(now));
  }
  Status mark_resumed(int64_t run_id, int64_t by) override {
    CRMSYNC_LOCKED(mark_resumed(run_id, by));
  }
  Status set_expected(int64_t run_id, std::string_view flow, int64_t expected) override {
    CRMSYNC_LOCKED(set_expected(run_id, flow, expected));
  }
  Result<std::map<std::string, FlowLastRun>> flow_last_runs() override {
    CRMSYNC_LOCKED(flow_last_runs());
  }
  Result<std::vector<FlowLockHolder>> lock_flows(std::span<const std::string> flows, int64_t run_id,
                                                 int64_t now) override {
    CRMSYNC_LOCKED(lock_flows(flows, run_id, now));
  }
  Status unlock_flows(std::span<const std::string> flows) override {
    CRMSYNC_LOCKED(unlock_flows(flows));
  }
  Result<std::vector<FlowLockHolder>> flow_locks() override {
    CRMSYNC_LOCKED(flow_locks());
  }
  Result<int64_t> schedule_slot(std::string_view flow) override {
    CRMSYNC_LOCKED(schedule_slot(flow));
  }
  Status set_schedule_slot(std::string_view flow, int64_t slot) override {
    CRMSYNC_LOCKED(set_schedule_slot(flow, slot));
  }
  Result<std::vector<RecordError>> errors(int64_t run_id, size_t limit) override {
    CRMSYNC_LOCKED(errors(run_id, limit));
  }
  Result<std::vector<RecordError>> errors_page(int64_t run_id, int64_t after_id,
                                               size_t limit) override {
    CRMSYNC_LOCKED(errors_page(run_id, after_id, limit));
  }
  Result<std::vector<RecordError>> open_errors(std::string_view flow,
                                               std::span<const std::string> ids) override {
    CRMSYNC_LOCKED(open_errors(flow, ids));
  }
  Result<std::vector<RecordError>> due_errors(std::string_view flow, int64_t now,
                                              size_t limit) override {
    CRMSYNC_LOCKED(due_errors(flow, now, limit));
  }
  Result<int64_t> requeue_errors(int64_t run_id, int64_t now) override {
    CRMSYNC_LOCKED(requeue_errors(run_id, now));
  }
  Result<std::vector<InboxOutcome>> enqueue(std::span<const InboxDelivery> deliveries,
                                            int64_t now) override {
    CRMSYNC_LOCKED(enqueue(deliveries, now));
  }
  Result<std::vector<InboxEvent>> pending_events(std::string_view flow, size_t limit) override {
    CRMSYNC_LOCKED(pending_events(flow, limit));
  }
  Status finish_events(std::span<const int64_t> ids, InboxState state, int64_t run_id,
                       int64_t now) override {
    CRMSYNC_LOCKED(finish_events(ids, state, run_id, now));
  }
  Result<int64_t> prune_inbox(int64_t drained_before, int64_t seen_before) override {
    CRMSYNC_LOCKED(prune_inbox(drained_before, seen_before));
  }
  Status count_rejection(std::string_view connection, std::string_view reason,
                         int64_t now) override {
    CRMSYNC_LOCKED(count_rejection(connection, reason, now));
  }
  Result<InboxSummary> inbox_summary() override {
    CRMSYNC_LOCKED(inbox_summary());
  }
  Result<int64_t> count_unannounced(std::string_view flow, int64_t run_id,
                                    int64_t previous_run_id) override {
    CRMSYNC_LOCKED(count_unannounced(flow, run_id, previous_run_id));
  }
  Status put_secret(std::string_view name, std::string_view value, int64_t now) override {
    CRMSYNC_LOCKED(put_secret(name, value, now));
  }
  Result<std::optional<std::string>> get_secret(std::string_view name) override {
    CRMSYNC_LOCKED(get_secret(name));
  }
  Result<bool> delete_secret(std::string_view name) override {
    CRMSYNC_LOCKED(delete_secret(name));
  }
  Result<bool> has_secret(std::string_view name) override {
    CRMSYNC_LOCKED(has_secret(name));
  }

#undef CRMSYNC_LOCKED

 private:
  std::mutex mutex_;
  std::unique_ptr<StateStore> inner_;
};

}  // namespace

std::unique_ptr<StateStore> make_locked_state_store(std::unique_ptr<StateStore> inner) {
  return std::make_unique<LockedStateStore>(std::move(inner));
}

}  // namespace crmsync
