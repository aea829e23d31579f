#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace crmsync::cli {

// A live status line on a terminal's stderr for a command whose steps are
// counted before it starts (setup's targets on a big config): how many of
// the total, the rate, an ETA, and the step under way. Redrawn at most 10
// times a second; the last draw ends the line. Disabled: draws nothing (not
// a terminal, --json, --quiet, --no-progress).
class CountProgress {
 public:
  CountProgress(bool enabled, std::string label, std::string unit)
      : enabled_(enabled), label_(std::move(label)), unit_(std::move(unit)) {}
  // `done` steps of `total` are finished; `current` is under way ("" at the end).
  void update(size_t done, size_t total, const std::string& current);

 private:
  bool enabled_;
  std::string label_;
  std::string unit_;
  bool started_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  int frame_ = 0;
};

// The line's text, without the terminal codes: "setup  12/480 targets
// (6.0/s)  ETA 1m18s  pipedrive deal", or "done setup  480/480 targets
// (6.1/s)" when `done` reached `total`. Pure, for tests.
std::string count_progress_text(const std::string& label, const std::string& unit, size_t done,
                                size_t total, double elapsed_secs, const std::string& current);

}  // namespace crmsync::cli
