#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/result.h"

namespace crmsync {

// Orders flows so that every flow runs after the flows it references through
// `ref:` (parents before children, DESIGN.md 4.5). `refs` maps each flow to
// the flows it references. Cycles and references to unknown flows are
// diagnostics naming the flows involved.
struct FlowOrder {
  std::vector<std::string> order;
  Diagnostics diagnostics;
};
FlowOrder plan_flow_order(const Config& config,
                          const std::map<std::string, std::vector<std::string>>& refs);

// The flows to run for a selection (empty = all), in dependency order. A
// selected flow's parents are not added: their id maps are read as they are.
Result<std::vector<std::string>> select_flows(const FlowOrder& order,
                                              const std::vector<std::string>& selection);

}  // namespace crmsync
