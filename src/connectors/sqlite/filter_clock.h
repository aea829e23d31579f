#pragma once

#include <chrono>
#include <cstdint>

namespace crmsync {

// "Now" for resolving date literals (TODAY, LAST_N_DAYS) in a pushed-down
// filter. Connectors sit below the engine and cannot see its clock.
inline int64_t now_micros_for_filters() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace crmsync
