#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>

#include "core/result.h"
#include "net/http_message.h"

namespace crmsync::sandbox {

// Faults a sandbox injects into answers, to rehearse a client's retries.
// Rates are probabilities per request (0..1).
struct FaultConfig {
  double rate_429 = 0;
  double rate_500 = 0;
  double rate_503 = 0;
  double reset_rate = 0;  // connection dropped with a TCP reset, no answer
  int latency_ms = 0;     // added to every request before answering
};

// Parses a FaultConfig from JSON {"rate_429":0.1,...}; unknown keys and
// rates outside 0..1 are rejected.
Result<FaultConfig> parse_fault_config(std::string_view json);
std::string to_json(const FaultConfig& config);

// Decides per request whether to inject a fault. Thread-safe; a fixed seed
// makes a run's fault pattern repeatable.
class FaultInjector {
 public:
  explicit FaultInjector(uint64_t seed = 42) : rng_(seed) {}

  void set(const FaultConfig& config);
  FaultConfig config() const;

  // Sleeps for the configured latency, then returns the status to answer
  // with instead of the real one (429, 500, 503), 0 for a connection reset,
  // or nullopt to serve the request normally.
  std::optional<int> next();

 private:
  mutable std::mutex mu_;
  FaultConfig config_;
  std::mt19937_64 rng_;
};

}  // namespace crmsync::sandbox
