#include "sandbox/common/fault_injector.h"

#include <chrono>
#include <thread>

#include "core/json.h"

namespace crmsync::sandbox {

Result<FaultConfig> parse_fault_config(std::string_view json) {
  auto parsed = parse_json(json);
  if (!parsed.ok()) return parsed.error().with_context("fault config");
  if (!parsed->is_object()) return Error(ErrorKind::rejected, "fault config: expected an object");
  FaultConfig config;
  for (const auto& [key, value] : parsed->as_object()) {
    if (!value.is_number())
      return Error(ErrorKind::rejected, "fault config: " + key + " must be a number");
    double number = std::stod(value.to_text());
    if (key == "latency_ms") {
      if (number < 0 || number > 60000)
        return Error(ErrorKind::rejected, "fault config: latency_ms must be 0..60000");
      config.latency_ms = static_cast<int>(number);
      continue;
    }
    double* rate = key == "rate_429"     ? &config.rate_429
                   : key == "rate_500"   ? &config.rate_500
                   : key == "rate_503"   ? &config.rate_503
                   : key == "reset_rate" ? &config.reset_rate
                                         : nullptr;
    if (rate == nullptr) return Error(ErrorKind::rejected, "fault config: unknown key " + key);
    if (number < 0 || number > 1)
      return Error(ErrorKind::rejected, "fault config: " + key + " must be between 0 and 1");
    *rate = number;
  }
  return config;
}

std::string to_json(const FaultConfig& c) {
  return "{\"rate_429\":" + std::to_string(c.rate_429) +
         ",\"rate_500\":" + std::to_string(c.rate_500) +
         ",\"rate_503\":" + std::to_string(c.rate_503) +
         ",\"reset_rate\":" + std::to_string(c.reset_rate) +
         ",\"latency_ms\":" + std::to_string(c.latency_ms) + "}";
}

void FaultInjector::set(const FaultConfig& config) {
  std::lock_guard lock(mu_);
  config_ = config;
}

FaultConfig FaultInjector::config() const {
  std::lock_guard lock(mu_);
  return config_;
}

std::optional<int> FaultInjector::next() {
  FaultConfig config;
  double draw = 0;
  {
    std::lock_guard lock(mu_);
    config = config_;
    draw = std::uniform_real_distribution<double>(0, 1)(rng_);
  }
  if (config.latency_ms > 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(config.latency_ms));
  // One draw against stacked bands keeps the rates independent of order.
  double band = config.rate_429;
  if (draw < band) return 429;
  if (draw < (band += config.rate_500)) return 500;
  if (draw < (band += config.rate_503)) return 503;
  if (draw < (band += config.reset_rate)) return 0;
  return std::nullopt;
}

}  // namespace crmsync::sandbox
