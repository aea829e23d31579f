#pragma once

#include <functional>
#include <string>
#include <vector>

#include "config/config.h"
#include "connectors/connector.h"

namespace crmsync {

// What one flow's target needs before a first run (`crmsync setup`): custom
// fields the mapping writes and values it fixes (stage names) that the
// target lacks. `error` is set when the target could not be asked.
struct FlowSetup {
  std::string flow;
  std::string connection;
  std::string object;
  SetupReport report;
  std::string error;
};

// Asks the target of each selected flow (all when `flows` is empty) what is
// missing and, with `apply`, creates what the connector can create. Targets
// shared by several flows are asked once per (connection, object).
// `progress`, when set, is told before each target is asked (done = the
// targets asked so far, of `total`) and once after the last (done == total).
using SetupProgress =
    std::function<void(size_t done, size_t total, const std::string& connection_object)>;
Result<std::vector<FlowSetup>> setup_targets(const Config& config,
                                             const std::vector<std::string>& flows, bool apply,
                                             const SetupProgress& progress = {});

}  // namespace crmsync
