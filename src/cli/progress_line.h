#pragma once

#include <chrono>
#include <string>

#include "engine/progress.h"

namespace crmsync::cli {

// A live status line on a terminal's stderr: flow, records so far (of the
// total the source announced, with an ETA, where it did), rate.
// Redrawn at most 10 times a second so drawing never slows the run.
class ProgressLine final : public ProgressListener {
 public:
  explicit ProgressLine(bool enabled) : enabled_(enabled) {}
  void flow_started(const std::string& flow) override;
  void batch_done(const std::string& flow, const FlowCounts& so_far) override;
  void flow_finished(const std::string& flow, const FlowCounts& counts,
                     const std::string& error) override;

 private:
  void draw(const std::string& flow, const FlowCounts& c, bool final);
  bool enabled_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_draw_;
  int frame_ = 0;
};

}  // namespace crmsync::cli
