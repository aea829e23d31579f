#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "config/config.h"
#include "connectors/connector.h"
#include "core/clock.h"
#include "engine/flow_runtime.h"
#include "engine/progress.h"
#include "net/api_observer.h"
#include "state/state_store.h"

namespace crmsync {

struct FlowReport {
  FlowCounts counts;
  std::string error;  // why the flow stopped; empty when it ran to the end
  ErrorKind error_kind = ErrorKind::fatal;
  std::vector<PlannedChange> planned;  // dry runs
  // Full-scan deletes held back (read errors, or the mass-delete guard).
  DeleteHold deletes_withheld;
};

struct RunReport {
  int64_t run_id = 0;  // 0 for dry runs
  RunStatus status = RunStatus::succeeded;
  int64_t started_at = 0;
  int64_t ended_at = 0;
  std::vector<std::string> order;  // flows in the order they ran
  std::map<std::string, FlowReport> flows;
  // API calls made during the run, per connection name (a flow's count is
  // both its sides together).
  std::map<std::string, uint64_t> api_calls_by_connection;

  bool any_failed_records() const;
  bool any_flow_stopped() const;
  bool any_deletes_withheld() const;
};

// `crmsync watch` (engine/watch.cc).
struct WatchOptions {
  std::vector<std::string> flows;  // empty: every flow with `trigger: cdc`
  // How long one poll of one flow's subscription waits for changes; flows
  // take turns.
  std::chrono::milliseconds poll_timeout{2000};
  // One line per synced batch, catch-up run and replay gap.
  std::function<void(const std::string&)> log;
};

// A batch of webhook events for one flow (serve's drainer; hint_run.cc).
struct HintBatchOptions {
  std::string flow;
  std::vector<ChangeHint> hints;
  std::string trigger = "webhook";
  // How long to wait for the flow's lock while another run holds it (-1:
  // no limit; 0: not at all), and what ends the wait early (true: nothing run).
  int64_t lock_wait_micros = 0;
  std::function<bool()> cancelled;
};

struct HintBatchReport {
  bool ran = false;   // false: the lock was held elsewhere (busy) or the wait was cancelled
  bool busy = false;  // another run held the flow's lock past lock_wait_micros
  int64_t run_id = 0;
  RunStatus status = RunStatus::succeeded;
  FlowCounts counts;
  std::unordered_set<std::string> filtered_out;  // hinted ids outside the flow's filter
  std::unordered_set<std::string> failed;        // hinted ids that got a record error
  std::string error;                             // why the batch stopped; empty: it ran through
  ErrorKind error_kind = ErrorKind::fatal;
};

// Runs flows of one config against one state store: opens the connections
// the selected flows need, compiles filters and mappings once, orders flows
// by their references and runs each with a FlowRunner. One run at a time per
// instance; not thread-safe.
class SyncEngine {
 public:
  // `api_observer` is told every API answer of the connections it opens
  // (net::ApiObserver; the service's metrics); null: nobody.
  SyncEngine(const Config& config, StateStore& store, Clock& clock,
             ProgressListener* progress = nullptr, net::ApiObserver* api_observer = nullptr);
  ~SyncEngine();

  // Fatal setup problems (unknown flow, connection cannot be created, a
  // mapping that does not compile, a flow whose lock another run holds
  // past `lock_wait_micros`) are returned as an Error before anything is
  // written (a queued run, options.run_id, is ended as failed). Everything
  // else is in the report. A run asked to stop (options.cancelled) ends at
  // its next batch boundary with status cancelled; a queued run cancelled
  // before it started returns status cancelled at once.
  Result<RunReport> run(const RunOptions& options);

  // Keeps the flows with `trigger: cdc` in sync from their source's change
  // stream until `stop` is set: subscribes (from the stored position, else
  // from now), runs a cursor catch-up run, then syncs each batch of hints
  // and stores the stream position in the batch's commit. On a replay gap
  // it subscribes from now, then runs the cursor again, so nothing falls
  // between the two. An Error means watching stopped (setup problem, a
  // source that stayed unreachable, the state store failed).
  Status watch(const WatchOptions& options, const std::atomic<bool>& stop);

  // One batch of change hints of one flow as a run of its own (trigger
  // "webhook": history and the API show it): waits for the flow's lock (one
  // run of a flow at a time, a scheduled one included), reads the hinted
  // records again by id and syncs them (FlowRunner::sync_hints), ends the
  // run. The flow's compiled runtime is kept for the next batch. An Error:
  // a setup problem before the run began, or the state store failed.
  Result<HintBatchReport> sync_hint_batch(const HintBatchOptions& options);

  // Where the connections' HTTP sessions write their retry lines (default:
  // stderr); serve makes them JSON log events. Before the first run.
  void set_session_log(std::function<void(std::string_view line)> log) {
    session_log_ = std::move(log);
  }

  // Uses `connection` for the connection called `name` instead of creating
  // one from the config. For tests that wrap a real connection to inject
  // faults (a lost answer after the write was applied).
  void use_connection(const std::string& name, std::unique_ptr<Connection> connection) {
    connections_[name] = std::move(connection);
  }

 private:
  Result<RunReport> execute(const RunOptions& options);  // run() once the run is claimed
  Result<Connection*> connection(const std::string& name);
  Result<std::unique_ptr<FlowRuntime>> prepare(const FlowConfig& flow, const RunOptions& options);

  const Config& config_;
  StateStore& store_;
  Clock& clock_;
  ProgressListener* progress_;
  net::ApiObserver* api_observer_;
  std::map<std::string, std::unique_ptr<Connection>> connections_;
  std::map<std::string, std::unique_ptr<FlowRuntime>> hint_runtimes_;  // sync_hint_batch's
  std::function<void(std::string_view line)> session_log_;
};

}  // namespace crmsync
