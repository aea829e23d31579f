#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "connectors/connector.h"
#include "filter/filter.h"
#include "mapping/mapping.h"

namespace crmsync {

// A flow ready to run: its config with the filter and mapping compiled once
// and its two connections opened.
struct FlowRuntime {
  const FlowConfig* config = nullptr;
  std::optional<filter::Filter> filter;
  std::unique_ptr<mapping::CompiledMapping> mapping;
  Connection* source = nullptr;
  Connection* target = nullptr;
  Capabilities source_caps;
  Capabilities target_caps;
  // Target field searched to find an existing record when the id map has
  // none, and the source field holding its value (empty = the mapped value
  // of the target field). Empty target field = no matching.
  std::string match_target_field;
  std::string match_source_field;
  bool match_ignore_case = false;
  // Whether the records of this flow must be tracked for deletes by
  // full-scan difference (delete policy set and the read is a full scan).
  bool track_seen = false;

  const std::string& name() const { return config->name; }
};

struct RunOptions {
  std::vector<std::string> flows;  // empty = all
  bool full = false;               // ignore cursors: read everything
  bool dry_run = false;            // plan: read, map, match; never write or commit
  std::string trigger = "cli";
  size_t max_diffs = 10;    // plan: diffs kept per flow
  bool retry_only = false;  // only retry due errors (crmsync retry)
  // Flows whose full-scan deletes may exceed their `max_deletes` in this
  // run (`crmsync run --allow-deletes FLOW`).
  std::vector<std::string> allow_deletes;
  // A queued run (StateStore::queue_run) to start and fill; 0: the engine
  // begins a new run with `trigger`.
  int64_t run_id = 0;
  // Asked at every batch boundary; true stops the run there (the batch
  // committed, the cursor where it stopped): status cancelled.
  std::function<bool()> cancelled;
  // Ask the source how many records the read will return (one more API
  // call per flow), for progress: FlowCounts::expected.
  bool count_expected = false;
  // When another process (or run) holds a selected flow's lock: wait up to
  // this long for it (-1: no limit), then fail with who holds it. 0: refuse
  // at once.
  int64_t lock_wait_micros = 0;
};

// Why a flow's full-scan deletes were held back in a run (empty `reason`:
// they were not). Either the read was not clean (a row or page that could
// not be read makes an absent id meaningless) or there were more deletes
// than the flow's `max_deletes` allows.
struct DeleteHold {
  std::string reason;        // "deletes withheld: 3 read errors", or the guard's message
  int64_t read_errors = 0;   // rows or pages the read could not use
  int64_t would_delete = 0;  // deletes (or flags) the guard held back
  int64_t limit = -1;        // the guard's limit in records; -1 when it did not apply
};

// One planned change, shown by `crmsync plan`.
struct PlannedChange {
  std::string action;  // create | update | delete | flag
  std::string source_id;
  std::string target_id;
  bool held = false;  // a delete the mass-delete guard (max_deletes) holds back
  struct Field {
    std::string name;
    std::string before;  // empty when unknown (creates, or the target cannot be read)
    std::string after;
  };
  std::vector<Field> fields;
};

}  // namespace crmsync
