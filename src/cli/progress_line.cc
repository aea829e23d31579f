#include "cli/progress_line.h"

#include <cstdio>

#include "cli/output.h"
#include "cli/terminal.h"

namespace crmsync::cli {

void ProgressLine::flow_started(const std::string& flow) {
  started_ = std::chrono::steady_clock::now();
  last_draw_ = {};
  if (enabled_) draw(flow, FlowCounts{}, false);
}

void ProgressLine::batch_done(const std::string& flow, const FlowCounts& so_far) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  draw(flow, so_far, false);
}

void ProgressLine::flow_finished(const std::string& flow, const FlowCounts& counts,
                                 const std::string& error) {
  if (!enabled_) return;
  draw(flow, counts, true);
  if (!error.empty()) errf("  stopped: %s\n", error.c_str());
}

void ProgressLine::draw(const std::string& flow, const FlowCounts& c, bool final) {
  static const char* kSpin[] = {"|", "/", "-", "\\"};
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  double rate = secs > 0 ? static_cast<double>(c.read) / secs : 0;
  // Bar of what the records became: created, updated, skipped, failed.
  int64_t total = c.created + c.updated + c.skipped + c.failed + c.deleted;
  const int kWidth = 20;
  std::string bar;
  auto part = [&](int64_t n, const char* glyph) {
    int cells = total > 0 ? static_cast<int>(n * kWidth / total) : 0;
    for (int i = 0; i < cells; ++i) bar += glyph;
    return cells;
  };
  int used = part(c.created, "#") + part(c.updated, "+") + part(c.skipped, "=") +
             part(c.failed, "!") + part(c.deleted, "x");
  for (int i = used; i < kWidth; ++i) bar += final ? (total ? "=" : ".") : ".";
  // Against the total the source announced (expected), where it did: the
  // share done and an ETA at the rate so far.
  std::string of_total, eta;
  if (c.expected > 0) {
    of_total = "/" + format_count(c.expected);
    if (!final && rate > 0 && c.read < c.expected) {
      auto left = static_cast<int64_t>(static_cast<double>(c.expected - c.read) / rate * 1e6);
      eta = "  ETA " + format_duration(left);
    }
  }
  std::string mark = final ? "done" : kSpin[frame_++ % 4];
  if (final && colour_on_stderr()) mark = "\033[32mdone\033[0m";
  errf(
      "\r\033[K%s %-24s [%s] read %s%s  created %s  updated %s  skipped %s  failed %s  "
      "(%.0f/s)%s%s",
      mark.c_str(), flow.c_str(), bar.c_str(), format_count(c.read).c_str(), of_total.c_str(),
      format_count(c.created).c_str(), format_count(c.updated).c_str(),
      format_count(c.skipped).c_str(), format_count(c.failed).c_str(), rate, eta.c_str(),
      final ? "\n" : "");
  std::fflush(stderr);
}

}  // namespace crmsync::cli
