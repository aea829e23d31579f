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
  FlowCounts& operator+=(const FlowCounts& o);
};

enum class RunStatus { running, succeeded, partial, failed, interrupted };
std::string_view to_string(RunStatus s);

struct RunInfo {
  int64_t id = 0;
  int64_t started_at = 0;
  int64_t ended_at = 0;  // 0 while running
  RunStatus status = RunStatus::running;
  std::string trigger;  // "cli", "schedule", "retry", ...
  std::string message;  // fatal error text of a failed run
  std::map<std::string, FlowCounts> flows;
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

  // --- runs
  virtual Result<int64_t> begin_run(std::string_view trigger, int64_t now) = 0;
  virtual Status end_run(int64_t run_id, RunStatus status, std::string_view message,
                         int64_t now) = 0;
  virtual Result<std::optional<RunInfo>> run(int64_t run_id) = 0;
  virtual Result<std::vector<RunInfo>> runs(size_t limit) = 0;  // newest first
  // Runs left `running` by a process that died: marked interrupted.
  virtual Status close_abandoned_runs(int64_t now) = 0;

  // --- record errors
  // Errors of a run (run_id > 0) or every open (pending + parked) error (run_id == 0).
  virtual Result<std::vector<RecordError>> errors(int64_t run_id, size_t limit) = 0;
  // Open (pending or parked) errors of these source ids, for attempt counting.
  virtual Result<std::vector<RecordError>> open_errors(std::string_view flow,
                                                       std::span<const std::string> source_ids) = 0;
  // Pending errors of `flow` due at `now`.
  virtual Result<std::vector<RecordError>> due_errors(std::string_view flow, int64_t now,
                                                      size_t limit) = 0;
  // Parked (and pending) errors of a run, or all when run_id == 0, become due now.
  virtual Result<int64_t> requeue_errors(int64_t run_id, int64_t now) = 0;

  // --- secrets (tokens crmsync obtained itself, e.g. by `crmsync connect`)
  // Encrypted at rest with the key in CRMSYNC_SECRET_KEY (secret_cipher.h):
  // put and get return a fatal error naming the variable, never a value,
  // when it is missing, malformed, or (get) not the key the secret was
  // stored with. has_secret needs no key.
  virtual Status put_secret(std::string_view name, std::string_view value, int64_t now) = 0;
  virtual Result<std::optional<std::string>> get_secret(std::string_view name) = 0;
  virtual Result<bool> has_secret(std::string_view name) = 0;
};

// Opens (creating if needed) a SQLite state store at `path` in WAL mode and
// applies the numbered migrations.
Result<std::unique_ptr<StateStore>> open_sqlite_state_store(const std::string& path);

}  // namespace crmsync
