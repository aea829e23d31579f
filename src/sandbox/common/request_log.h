#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace crmsync::sandbox {

// One answered request, as the admin endpoint shows it. Never holds
// credentials: the token is kept only as which-token-it-was (a label).
struct LoggedRequest {
  int64_t at_ms = 0;  // steady clock, milliseconds
  std::string method;
  std::string path;
  std::string endpoint;  // "GET /api/v2/persons/{id}"
  int status = 0;
  std::string client;  // token label or "anonymous"
};

// The request log and per-endpoint counters of a sandbox. Thread-safe; keeps
// the last `capacity` requests, counters for all.
class RequestLog {
 public:
  explicit RequestLog(size_t capacity = 100000) : capacity_(capacity) {}

  void add(LoggedRequest request);
  // A request the sandbox's own limits refused (`limit`: "burst", "daily"),
  // so tests can tell those 429s from injected faults.
  void count_refusal(const std::string& limit);
  void clear();
  // {"requests":[...],"total":N} with the last `limit` entries.
  std::string requests_json(size_t limit) const;
  // {"GET /api/v2/persons":12,...,"total":N,"refused":{"burst":N,...}}
  std::string counters_json() const;
  int64_t count(const std::string& endpoint) const;
  int64_t total() const;

 private:
  mutable std::mutex mu_;
  size_t capacity_;
  std::deque<LoggedRequest> requests_;
  std::map<std::string, int64_t> counters_;
  std::map<std::string, int64_t> refusals_;
  int64_t total_ = 0;
};

// The path with numeric segments replaced by "{id}", so counters group by
// endpoint: "/api/v2/persons/17" -> "/api/v2/persons/{id}".
std::string endpoint_of(std::string_view method, std::string_view path);

}  // namespace crmsync::sandbox
