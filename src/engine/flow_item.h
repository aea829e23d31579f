#pragma once

#include <optional>
#include <string>

#include "engine/flow_runner.h"
#include "mapping/mapping.h"

namespace crmsync {

// One source record on its way through a batch, with what was decided for
// it and what the target answered.
struct FlowRunner::Item {
  enum class Action {
    none,  // nothing to do (filtered out and never synced, delete ignored)
    skip,  // unchanged since the last write, or the mode forbids the write
    create,
    update,
    upsert,  // by external id: the target decides create or update
    link,    // found in the target by the match key; remember it, write nothing (insert mode)
    remove,  // delete policy: delete in the target
    flag,    // delete policy: set the flag field in the target
    fail,    // mapping, reference or write failed; see error
  };

  Record* source = nullptr;
  std::string source_id;
  bool live = true;  // passes the filter and is not deleted at the source
  std::optional<mapping::MappedRecord> mapped;
  uint64_t source_checksum = 0;
  uint64_t checksum = 0;  // of the mapped record with references resolved
  std::optional<IdMapEntry> entry;
  std::string target_id;  // known target record (id map or match)
  Value match_value;
  Action action = Action::none;
  std::optional<Error> error;
  bool parent_wait = false;  // error is a missing parent, not a failure
  // The missing parent failed in its own flow and is being retried there:
  // the wait is not counted towards parking (it will arrive).
  bool parent_retrying = false;
  bool created = false;  // upsert created the record
  // The create's answer was lost, a look-up found the record, but its
  // update failed: link target_id despite the error, so that the retry
  // updates it instead of creating it again.
  bool link_despite_error = false;
};

}  // namespace crmsync
