#pragma once

#include <cstdint>
#include <random>

namespace crmsync {

// Exponential backoff with full jitter (AWS architecture blog, "Exponential
// Backoff And Jitter"): a uniformly random wait in [0, min(cap, base * 2^n)).
// Full jitter spreads retries of many records so they do not hit a
// recovering API at the same moment.
class Backoff {
 public:
  Backoff(double base_secs, double cap_secs, uint64_t seed = std::random_device{}())
      : base_(base_secs), cap_(cap_secs), rng_(seed) {}
  // Wait before retry number `attempt` (1 = first retry), in microseconds.
  int64_t delay_micros(int attempt);

 private:
  double base_, cap_;
  std::mt19937_64 rng_;
};

}  // namespace crmsync
