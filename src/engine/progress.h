#pragma once

#include <string>

#include "state/state_store.h"

namespace crmsync {

// Told about a run as it goes; the CLI draws a progress bar from it, the
// daemon will publish it. Called on the engine's thread; must be quick.
class ProgressListener {
 public:
  virtual ~ProgressListener() = default;
  virtual void flow_started(const std::string& flow) = 0;
  // After every committed batch, with the flow's counts so far.
  virtual void batch_done(const std::string& flow, const FlowCounts& so_far) = 0;
  virtual void flow_finished(const std::string& flow, const FlowCounts& counts,
                             const std::string& error) = 0;
};

}  // namespace crmsync
