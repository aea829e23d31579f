#pragma once

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
};

// One planned change, shown by `crmsync plan`.
struct PlannedChange {
  std::string action;  // create | update | delete | flag
  std::string source_id;
  std::string target_id;
  struct Field {
    std::string name;
    std::string before;  // empty when unknown (creates, or the target cannot be read)
    std::string after;
  };
  std::vector<Field> fields;
};

}  // namespace crmsync
