#include "core/backoff.h"

#include <algorithm>
#include <cmath>

namespace crmsync {

int64_t Backoff::delay_micros(int attempt) {
  double ceiling = cap_;
  if (attempt < 60) ceiling = std::min(cap_, base_ * std::ldexp(1.0, std::max(attempt - 1, 0)));
  std::uniform_real_distribution<double> dist(0.0, ceiling);
  return static_cast<int64_t>(dist(rng_) * 1e6);
}

}  // namespace crmsync
