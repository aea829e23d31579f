#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/value.h"

namespace crmsync::service {

// The service's log: one JSON object per event, on one line
// ({"ts":"2026-12-06T05:00:00.000Z","level":"info","event":"run_queued",
// "run":12,...}), every string scrubbed of secrets (core/redact.h) before
// it is written. `ts` comes from the service's clock. Thread-safe: lines
// from several threads never interleave.
class ServiceLog {
 public:
  using Sink = std::function<void(std::string_view json_line)>;
  using Fields = std::vector<std::pair<std::string, Value>>;

  // `sink` gets each line without its newline; null: stderr.
  ServiceLog(Clock& clock, Sink sink);

  void info(std::string_view event, Fields fields = {}) { write("info", event, std::move(fields)); }
  void warn(std::string_view event, Fields fields = {}) { write("warn", event, std::move(fields)); }
  void error(std::string_view event, Fields fields = {}) {
    write("error", event, std::move(fields));
  }
  void write(std::string_view level, std::string_view event, Fields fields);

  // The line for an event, as write() sends it (exposed for tests).
  std::string format(std::string_view level, std::string_view event, Fields fields);

 private:
  Clock& clock_;
  Sink sink_;
  std::mutex mu_;
};

// `2026-12-06T05:00:00.000Z` (UTC, milliseconds).
std::string log_timestamp(int64_t unix_micros);

// A JSON array of strings, for log fields and answers.
Value string_array(const std::vector<std::string>& items);

}  // namespace crmsync::service
