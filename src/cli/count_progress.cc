#include "cli/count_progress.h"

#include <cstdio>

#include "cli/output.h"
#include "cli/terminal.h"

namespace crmsync::cli {

std::string count_progress_text(const std::string& label, const std::string& unit, size_t done,
                                size_t total, double elapsed_secs, const std::string& current) {
  bool final = done >= total;
  double rate = elapsed_secs > 0 ? static_cast<double>(done) / elapsed_secs : 0;
  char rate_text[32];
  std::snprintf(rate_text, sizeof rate_text, "%.1f/s", rate);
  std::string out = label + "  " + format_count(static_cast<int64_t>(done)) + "/" +
                    format_count(static_cast<int64_t>(total)) + " " + unit + "  (" + rate_text +
                    ")";
  if (!final && rate > 0) {
    auto left = static_cast<int64_t>(static_cast<double>(total - done) / rate * 1e6);
    out += "  ETA " + format_duration(left);
  }
  if (!final && !current.empty()) out += "  " + current;
  return out;
}

void CountProgress::update(size_t done, size_t total, const std::string& current) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (!started_) {
    started_ = true;
    start_ = now;
  }
  bool final = done >= total;
  if (!final && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  static const char* kSpin[] = {"|", "/", "-", "\\"};
  std::string mark = final ? "done" : kSpin[frame_++ % 4];
  if (final && colour_on_stderr()) mark = "\033[32mdone\033[0m";
  double secs = std::chrono::duration<double>(now - start_).count();
  errf("\r\033[K%s %s%s", mark.c_str(),
       count_progress_text(label_, unit_, done, total, secs, current).c_str(), final ? "\n" : "");
  std::fflush(stderr);
}

}  // namespace crmsync::cli
