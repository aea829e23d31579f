#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/backoff.h"
#include "core/clock.h"
#include "engine/flow_runtime.h"
#include "engine/progress.h"
#include "state/state_store.h"

namespace crmsync {

// Runs one flow once (DESIGN.md section 4): settles create intents left by a
// crashed run, retries due record errors, reads the source from its cursor
// in batches, and for every batch filters, maps, resolves references,
// matches, writes and commits id map + errors + cursor in one transaction.
// Finally applies the delete policy to records that disappeared.
//
// A returned Error means the flow stopped (fatal setup problem or the state
// store failed); per-record problems are counted and stored, never returned.
class FlowRunner {
 public:
  FlowRunner(FlowRuntime& flow, StateStore& store, Clock& clock, const RunOptions& options,
             int64_t run_id, ProgressListener* progress);

  Status run();
  const FlowCounts& counts() const { return counts_; }
  const std::vector<PlannedChange>& planned() const { return planned_; }
  // Set when the run held back this flow's full-scan deletes (run exits 1).
  const DeleteHold& delete_hold() const { return hold_; }
  // The run was asked to stop (RunOptions::cancelled) and this flow stopped
  // after a committed batch; its full-scan deletes were not applied.
  bool cancelled() const { return cancelled_; }

  // Dry runs: the source ids each flow of the plan would create. A child
  // whose parent is among them is planned against a placeholder parent
  // instead of failing as "not synced yet". Shared by the flows of one run.
  using PlannedCreates = std::map<std::string, std::unordered_set<std::string>>;
  void set_planned_creates(PlannedCreates* planned) { planned_creates_ = planned; }

  // Syncs the records named by change hints (hint_sync.cc): reads their
  // current state by id (ids the source no longer has, or that left the
  // flow's filter, get the delete policy), then the normal match, write and
  // commit path; `position` is committed with the last batch.
  Status sync_hints(const std::vector<ChangeHint>& hints, const std::string& position);
  // The hinted ids sync_hints found outside the flow's filter (webhook
  // events for records the flow does not take: skipped and counted).
  const std::unordered_set<std::string>& filtered_out() const { return filtered_out_; }

  struct Item;  // one source record in flight through a batch (flow_item.h)

 private:
  // Asks RunOptions::cancelled (at batch boundaries); once true, stays true.
  bool stop_asked();
  // How many records the read will return, when the source can say
  // (RunOptions::count_expected): stored and shown as progress.
  Status count_expected(const ReadRequest& request);
  Status settle_intents();
  Status retry_due_errors();
  Status read_source();
  Status read_scope_exits();
  Status delete_unseen();
  // Full-scan deletes (full_scan_deletes.cc): how many the read implies, and
  // whether the mass-delete guard lets them through.
  Result<int64_t> count_unseen();
  Status check_delete_guard(int64_t would_delete);
  bool deletes_allowed() const;  // named by --allow-deletes for this run
  // A batch's copies of one id (full_scan_deletes.cc): every copy becomes a
  // bad record, none is written.
  void reject_duplicate_ids(std::vector<Record>& batch, std::vector<RecordReader::BadRecord>& bad);
  // A full read's copy of an id an earlier batch of the same read returned
  // (the id map's seen mark, or the dry run's seen set): a record error and
  // a read error, so the run withholds its deletes.
  void mark_repeated_ids(std::vector<Item>& items);
  Status process_batch(std::vector<Record>& records,
                       const std::vector<RecordReader::BadRecord>& bad,
                       std::optional<Cursor> cursor, bool from_retry);

  // Batch steps (batch_steps.cc).
  void map_records(std::vector<Item>& items);
  Status resolve_refs(std::vector<Item>& items);
  Status match_in_target(std::vector<Item>& items);
  void decide(std::vector<Item>& items);
  Status write_items(std::vector<Item>& items);
  Status commit_items(std::vector<Item>& items, const std::vector<RecordReader::BadRecord>& bad,
                      std::optional<Cursor> cursor, const std::vector<std::string>& seen,
                      bool from_retry);
  void record_plan(const std::vector<Item>& items);

  // Calls the target once (the connection's HTTP session owns retries of
  // a call) and checks that it answered for every record.
  Result<std::vector<WriteResult>> write_call(const WriteRequest& request);
  // Unknown outcomes (unknown_outcome.cc): creates that may have been
  // applied although their answer was lost are looked up by the match key
  // before anything is sent again; found -> linked and updated, absent ->
  // created, no way to look -> parked.
  bool can_look_up(const Item& item) const;
  Status resolve_lost_creates(std::vector<Item*>& lost, std::vector<WriteItem>& writes);
  // Target ids by match value text, searched in `field`, 200 values a call.
  Result<std::unordered_map<std::string, std::string>> look_up(const std::string& field,
                                                               const std::vector<Value>& values);
  void park_unverifiable(Item& item, std::string_view cause);
  // Whether a failed create keeps its intent open for settling by a look-up.
  bool intent_stays_open(const Item& item) const;
  RecordError make_error(const std::string& source_id, const Error& error,
                         const std::string& payload, int previous_attempts, bool parent_wait,
                         bool parent_retrying = false);

  FlowRuntime& flow_;
  StateStore& store_;
  Clock& clock_;
  const RunOptions& options_;
  int64_t run_id_;
  ProgressListener* progress_;
  Backoff record_backoff_;
  FlowCounts counts_;
  std::vector<PlannedChange> planned_;
  std::unordered_set<std::string> dry_run_seen_;
  PlannedCreates* planned_creates_ = nullptr;
  std::optional<std::string> stream_position_;  // goes into the next batch commit
  // Records whose earlier create may have been applied (answer lost, or
  // killed mid-call) and that the target offers no way to look up: never
  // created again until `crmsync retry` says the operator checked.
  std::unordered_set<std::string> unverifiable_;
  // Full-scan delete safety: set while read_source reads the whole source;
  // rows or pages it could not use; ids found more than once.
  bool in_full_read_ = false;
  int64_t read_errors_ = 0;
  std::unordered_set<std::string> duplicate_ids_;
  DeleteHold hold_;
  bool cancelled_ = false;
  std::unordered_set<std::string> filtered_out_;
};

}  // namespace crmsync
