#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/result.h"
#include "core/value.h"

namespace crmsync {

// One row of the id map: what flow `flow` knows about one source record.
struct IdMapEntry {
  std::string source_id;
  std::string target_id;
  uint64_t source_checksum = 0;  // of the source record as last read
  uint64_t target_checksum = 0;  // of the mapped record as last written (skip when equal)
  int64_t updated_at = 0;        // unix micros
  int64_t run_id = 0;            // run that last wrote it
  bool deleted = false;          // the target record was deleted or flagged by the delete policy
  // The run whose full read last returned it (BatchCommit::seen); filled by
  // lookup(), so a second copy of an id in one read is found without
  // keeping every id read in memory.
  int64_t seen_run = 0;
};

// Where an incremental read resumes: the (value, id) of the last committed
// record in cursor order. `value` keeps its type (datetime, integer, ...).
struct Cursor {
  Value value;
  std::string id;
};

enum class RecordErrorStatus { pending, parked, resolved };
std::string_view to_string(RecordErrorStatus s);

// A record that failed to sync, with what is needed to retry and to explain.
struct RecordError {
  int64_t id = 0;  // assigned by the store
  int64_t run_id = 0;
  std::string flow;
  std::string source_id;
  ErrorKind kind = ErrorKind::rejected;
  std::string message;  // names field and quotes the API answer; never secrets
  std::string payload;  // source record as JSON
  int attempts = 1;
  int64_t next_attempt_at = 0;  // unix micros; 0 = not scheduled
  RecordErrorStatus status = RecordErrorStatus::pending;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  // The failed write may have been applied (its answer was lost): its
  // create intent stays open and the record is looked up by the match key
  // before it is written again.
  bool outcome_unknown = false;
};

// What `crmsync errors` shows: "unknown outcome" for an open error whose
// write may have been applied, else the status.
std::string_view display_status(const RecordError& e);

// Committed before a create is sent (DESIGN.md 4.4): if the process dies
// between the create and the id-map commit, or the create's answer is lost
// (outcome unknown), the next run finds the created record by `match_value`
// in `match_field` instead of creating it again. Every create has one; with
// no match field (or value) it cannot be looked up, and its record is held
// back until `crmsync retry`.
struct CreateIntent {
  std::string source_id;
  std::string match_field;  // target field searched when settling; empty: none
  Value match_value;
  int64_t run_id = 0;
  int64_t created_at = 0;
};

struct FlowCounts {
  int64_t read = 0, created = 0, updated = 0, skipped = 0, deleted = 0, failed = 0, api_calls = 0;
  // Records the source said it would return (Salesforce COUNT(), SQL
  // COUNT(*)); -1 when it cannot say. Not summed by +=: the last known wins.
  int64_t expected = -1;
  FlowCounts& operator+=(const FlowCounts& o);
};

// A run is also the service's job: queued -> running -> succeeded | partial
// | failed | cancelled | interrupted.
enum class RunStatus { running, succeeded, partial, failed, interrupted, queued, cancelled };
std::string_view to_string(RunStatus s);
std::optional<RunStatus> parse_run_status(std::string_view s);
bool is_final(RunStatus s);  // succeeded, partial, failed, interrupted, cancelled

// Who holds a run or a flow lock: one process on one host. A holder whose
// process is gone (same host, pid not alive or a different process start
// time) is dead and its locks are taken over; its running runs become
// interrupted.
struct ProcessOwner {
  std::string host;
  int64_t pid = 0;
  int64_t started = 0;            // process start time (from /proc), against pid reuse
  std::string role;               // "serve", "cli"
  std::string to_string() const;  // "serve pid 1234 on host"
  static ProcessOwner self(std::string role);
  bool alive() const;  // false only when surely gone (same host)
};

// The role this process records as the owner of its runs and locks
// ("crmsync" until set; main sets "crmsync COMMAND", e.g. "crmsync serve").
void set_process_role(std::string role);
std::string process_role();

// What a queued run asks for (POST /runs, a schedule slot, crmsync run).
struct RunRequest {
  std::vector<std::string> flows;             // empty: all
  std::map<std::string, std::string> params;  // as given (validated by the caller)
  bool full = false;
  std::string trigger = "api";  // "cli", "schedule", "catch_up", "api", "retry", "resume", "cdc"
  int64_t resumed_from = 0;     // the interrupted run this one resumes
};

struct RunInfo {
  int64_t id = 0;
  int64_t queued_at = 0;
  int64_t started_at = 0;  // 0 while queued
  int64_t ended_at = 0;    // 0 while queued or running
  RunStatus status = RunStatus::running;
  std::string trigger;  // "cli", "schedule", "retry", ...
  std::string message;  // fatal error text of a failed run
  RunRequest request;   // what was asked (flows, params, full)
  std::string owner;    // ProcessOwner::to_string of the process running it
  bool cancel_requested = false;
  int64_t resumed_by = 0;  // the run that resumed this interrupted one
  std::map<std::string, FlowCounts> flows;
};

// GET /runs, crmsync history: newest first, `before_id` pages (0: from the newest).
struct RunFilter {
  std::string flow;                 // runs that include this flow; empty: any
  std::optional<RunStatus> status;  // empty: any
  int64_t before_id = 0;
  size_t limit = 50;
  // Runs queued at or after `queued_from` and before `queued_to` (unix
  // micros; 0: no bound). The dashboard's history filter by date.
  int64_t queued_from = 0;
  int64_t queued_to = 0;
};

// A flow's run lock as held by someone else (lock_flows' answer).
struct FlowLockHolder {
  std::string flow;
  std::string owner;  // ProcessOwner::to_string
  int64_t run_id = 0;
  int64_t since = 0;
};

// The last run of a flow and the end of its last success (GET /flows, metrics).
struct FlowLastRun {
  int64_t run_id = 0;
  RunStatus status = RunStatus::succeeded;
  int64_t ended_at = 0;
  int64_t last_success_at = 0;  // 0: never succeeded
};

// Everything one batch of one flow changes, committed atomically: the id map
// rows, the errors, the settled intents and the cursor move together, so a
// crash leaves either all of it or none (DESIGN.md 4.6, STYLE.md Kafka Connect).
struct BatchCommit {
  std::string flow;
  int64_t run_id = 0;
  std::vector<IdMapEntry> upserts;  // insert or replace by (flow, source_id)
  std::vector<std::string> forget;  // id-map rows to remove (target deleted)
  std::vector<RecordError>
      errors;  // failures; replace the open error of the same (flow, source id)
  std::vector<std::string> resolved;         // source ids whose pending/parked errors are resolved
  std::vector<std::string> settled_intents;  // source ids whose intents are done
  std::vector<std::string> seen;             // full-scan difference: mark seen in this run
  std::optional<Cursor> cursor;              // new cursor, when it moves
  // New change-stream position (ChangeHint::position), stored with the
  // batch it completes; an empty string forgets the position.
  std::optional<std::string> stream_position;
  FlowCounts counts;  // added to the run's counts for the flow
};

// --- the webhook inbox (issue 19; state_inbox.cc)

enum class InboxState { pending, done, skipped, failed };
std::string_view to_string(InboxState s);

// One event of a webhook delivery, for one flow that reads its object.
struct InboxEvent {
  int64_t id = 0;  // assigned by the store
  std::string flow;
  // What makes a delivery the same as another: the sender's event id, or
  // for senders without one a key the receiver derived (webhook_receiver.cc).
  // Unique per flow: a second copy is dropped.
  std::string event_key;
  std::string connection;
  std::string object;
  std::string record_id;
  std::string action;      // create | update | delete
  int64_t changed_at = 0;  // unix micros the sender says the change was made; 0: unknown
  int64_t received_at = 0;
  InboxState state = InboxState::pending;
  int64_t drained_at = 0;  // 0 while pending
  int64_t run_id = 0;      // the run that drained it
};

// One delivery, committed at once: its events (one per flow; none when no
// flow reads the object) and, for schemes with replay protection, the
// sender's message id.
struct InboxDelivery {
  std::string connection;
  std::string replay_id;  // non-empty: refused as a replay when already seen
  std::vector<InboxEvent> events;
};

// What enqueue did with a delivery.
struct InboxOutcome {
  bool replayed = false;  // replay_id seen before: nothing stored
  size_t queued = 0;      // new events
  size_t duplicates = 0;  // events whose (flow, event key) was there already
};

// crmsync inbox, GET /api/v1/inbox: per flow, and rejected deliveries.
struct InboxFlowSummary {
  std::string flow;
  int64_t pending = 0, done = 0, skipped = 0, failed = 0;
  int64_t oldest_pending_at = 0;  // received_at of the oldest pending event; 0: none
  int64_t last_received_at = 0;   // 0: none yet
};
struct WebhookRejections {
  std::string connection;
  std::string reason;
  int64_t count = 0;
  int64_t last_at = 0;
};
struct InboxSummary {
  std::vector<InboxFlowSummary> flows;      // by flow name
  std::vector<WebhookRejections> rejected;  // by connection, reason
};

// The engine's durable memory. One instance per process; calls are
// serialized by the caller (one thread at a time). Every method returns a
// fatal Error when the store itself fails (disk full, corrupt file).
class StateStore {
 public:
  virtual ~StateStore() = default;

  // --- id map
  // Entries for the given source ids (absent ids are missing from the result).
  virtual Result<std::vector<IdMapEntry>> lookup(std::string_view flow,
                                                 std::span<const std::string> source_ids) = 0;
  // Entries of `flow` not marked seen in `run_id` and not deleted, in
  // source-id order, at most `limit` after `after_source_id` (for paging).
  virtual Result<std::vector<IdMapEntry>> unseen(std::string_view flow, int64_t run_id,
                                                 std::string_view after_source_id,
                                                 size_t limit) = 0;
  virtual Result<int64_t> count_id_map(std::string_view flow) = 0;

  // --- cursors
  virtual Result<std::optional<Cursor>> cursor(std::string_view flow) = 0;
  virtual Status reset_cursor(std::string_view flow) = 0;
  // Where the flow's change subscription resumes (empty: none stored). Set
  // through BatchCommit::stream_position.
  virtual Result<std::string> stream_position(std::string_view flow) = 0;

  // --- batches
  virtual Status commit(const BatchCommit& batch) = 0;

  // --- create intents
  virtual Status add_intents(std::string_view flow, std::span<const CreateIntent> intents) = 0;
  virtual Result<std::vector<CreateIntent>> open_intents(std::string_view flow) = 0;

  // --- runs (and jobs)
  // A run that starts now, owned by this process (crmsync run, watch).
  virtual Result<int64_t> begin_run(std::string_view trigger, int64_t now) = 0;
  // A job: a run in state queued, started later by start_run.
  virtual Result<int64_t> queue_run(const RunRequest& request, int64_t now) = 0;
  // queued -> running, owned by this process. False when the run is not
  // queued any more (cancelled meanwhile).
  virtual Result<bool> start_run(int64_t run_id, int64_t now) = 0;
  virtual Status end_run(int64_t run_id, RunStatus status, std::string_view message,
                         int64_t now) = 0;
  // A queued run becomes cancelled at once (true); a running one gets
  // cancel_requested (true) and stops at its next batch boundary; a run
  // that already ended: false.
  virtual Result<bool> request_cancel(int64_t run_id, int64_t now) = 0;
  virtual Result<std::optional<RunInfo>> run(int64_t run_id) = 0;
  virtual Result<std::vector<RunInfo>> runs(size_t limit) = 0;  // newest first
  virtual Result<std::vector<RunInfo>> runs(const RunFilter& filter) = 0;
  // Runs left `running` by a process that is gone (ProcessOwner::alive):
  // marked interrupted; returns them. A live owner's runs are untouched.
  virtual Result<std::vector<RunInfo>> close_abandoned_runs(int64_t now) = 0;
  // The interrupted run `run_id` is resumed by `by`.
  virtual Status mark_resumed(int64_t run_id, int64_t by) = 0;
  // Adds to / sets counts of a flow in a run outside a batch (expected totals).
  virtual Status set_expected(int64_t run_id, std::string_view flow, int64_t expected) = 0;
  virtual Result<std::map<std::string, FlowLastRun>> flow_last_runs() = 0;

  // --- flow locks (one run of a flow at a time, across processes)
  // Takes the lock of every flow in `flows` for this process and `run_id`,
  // all or none. Returns who holds the ones it could not take (empty:
  // taken). Locks of dead owners (ProcessOwner::alive) are taken over.
  // Within one process a lock belongs to one run; run 0 is a run not begun
  // yet (crmsync run locks before it begins): taking the lock again with
  // the run's id passes it on. One thread at a time may use run 0.
  virtual Result<std::vector<FlowLockHolder>> lock_flows(std::span<const std::string> flows,
                                                         int64_t run_id, int64_t now) = 0;
  virtual Status unlock_flows(std::span<const std::string> flows) = 0;
  // Locks held now by live owners (a dead owner's lock is left out), by flow
  // (crmsync status, GET /flows: who runs the flow now).
  virtual Result<std::vector<FlowLockHolder>> flow_locks() = 0;

  // --- schedules: the last slot a flow's schedule fired (or skipped) for
  virtual Result<int64_t> schedule_slot(std::string_view flow) = 0;  // 0: none yet
  virtual Status set_schedule_slot(std::string_view flow, int64_t slot) = 0;

  // --- record errors
  // Errors of a run (run_id > 0) or every open (pending + parked) error (run_id == 0).
  virtual Result<std::vector<RecordError>> errors(int64_t run_id, size_t limit) = 0;
  // The same, paged by error id (ascending, ids > after_id).
  virtual Result<std::vector<RecordError>> errors_page(int64_t run_id, int64_t after_id,
                                                       size_t limit) = 0;
  // Open (pending or parked) errors of these source ids, for attempt counting.
  virtual Result<std::vector<RecordError>> open_errors(std::string_view flow,
                                                       std::span<const std::string> source_ids) = 0;
  // Pending errors of `flow` due at `now`.
  virtual Result<std::vector<RecordError>> due_errors(std::string_view flow, int64_t now,
                                                      size_t limit) = 0;
  // Parked (and pending) errors of a run, or all when run_id == 0, become due now.
  virtual Result<int64_t> requeue_errors(int64_t run_id, int64_t now) = 0;

  // --- webhook inbox (issue 19)
  // Commits every delivery in one transaction (the receiver acknowledges
  // only after this returns): per delivery, a replay id seen before stores
  // nothing; else the id is remembered and each event is inserted unless
  // its (flow, event key) is there already. One outcome per delivery.
  virtual Result<std::vector<InboxOutcome>> enqueue(std::span<const InboxDelivery> deliveries,
                                                    int64_t now) = 0;
  // The oldest pending events of `flow`, at most `limit`, oldest first.
  virtual Result<std::vector<InboxEvent>> pending_events(std::string_view flow, size_t limit) = 0;
  // Drained events leave pending: state, drained_at and the run.
  virtual Status finish_events(std::span<const int64_t> ids, InboxState state, int64_t run_id,
                               int64_t now) = 0;
  // Deletes drained events received before `drained_before` and replay ids
  // seen before `seen_before`; how many events went.
  virtual Result<int64_t> prune_inbox(int64_t drained_before, int64_t seen_before) = 0;
  // Counts a refused delivery (kept across restarts: crmsync inbox shows it).
  virtual Status count_rejection(std::string_view connection, std::string_view reason,
                                 int64_t now) = 0;
  virtual Result<InboxSummary> inbox_summary() = 0;
  // Records of `flow` that run `run_id` wrote (created, updated or deleted)
  // with no inbox event still pending or drained by a run after
  // `previous_run_id` (the flow's run before this one): what a scheduled run
  // found that no webhook announced. Run ids, not times: they order runs
  // and drains whatever the clock says (a test's ManualClock stands still).
  virtual Result<int64_t> count_unannounced(std::string_view flow, int64_t run_id,
                                            int64_t previous_run_id) = 0;

  // --- secrets (tokens crmsync obtained itself, e.g. by `crmsync connect`)
  // Encrypted at rest with the key in CRMSYNC_SECRET_KEY (secret_cipher.h):
  // put and get return a fatal error naming the variable, never a value,
  // when it is missing, malformed, or (get) not the key the secret was
  // stored with. has_secret needs no key.
  virtual Status put_secret(std::string_view name, std::string_view value, int64_t now) = 0;
  virtual Result<std::optional<std::string>> get_secret(std::string_view name) = 0;
  virtual Result<bool> has_secret(std::string_view name) = 0;
  // Forgets the secret (true when there was one). Needs no key.
  virtual Result<bool> delete_secret(std::string_view name) = 0;
};

// Serializes every call of `inner` with one mutex, for a process whose
// threads share one store (crmsync serve: workers, watchers, the API).
std::unique_ptr<StateStore> make_locked_state_store(std::unique_ptr<StateStore> inner);

// Opens (creating if needed) a SQLite state store at `path` in WAL mode and
// applies the numbered migrations.
Result<std::unique_ptr<StateStore>> open_sqlite_state_store(const std::string& path);

// Connects to the PostgreSQL database at `url` (postgres://USER:PASSWORD@HOST:PORT/DB)
// and applies its numbered migrations under an advisory lock. An unreachable
// server is a fatal error naming the host, never the password.
Result<std::unique_ptr<StateStore>> open_postgres_state_store(const std::string& url);

}  // namespace crmsync
