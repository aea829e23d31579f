#include "sandbox/common/request_log.h"

#include <algorithm>

#include "core/json.h"

namespace crmsync::sandbox {

void RequestLog::add(LoggedRequest request) {
  std::lock_guard lock(mu_);
  ++counters_[request.endpoint];
  ++total_;
  requests_.push_back(std::move(request));
  if (requests_.size() > capacity_) requests_.pop_front();
}

void RequestLog::clear() {
  std::lock_guard lock(mu_);
  requests_.clear();
  counters_.clear();
  refusals_.clear();
  total_ = 0;
}

std::string RequestLog::requests_json(size_t limit) const {
  std::lock_guard lock(mu_);
  std::string out = "{\"requests\":[";
  size_t first = requests_.size() > limit ? requests_.size() - limit : 0;
  for (size_t i = first; i < requests_.size(); ++i) {
    const auto& r = requests_[i];
    if (i != first) out += ',';
    out += "{\"at_ms\":" + std::to_string(r.at_ms) + ",\"method\":";
    append_json_string(r.method, out);
    out += ",\"path\":";
    append_json_string(r.path, out);
    out += ",\"endpoint\":";
    append_json_string(r.endpoint, out);
    out += ",\"status\":" + std::to_string(r.status) + ",\"client\":";
    append_json_string(r.client, out);
    out += '}';
  }
  out += "],\"total\":" + std::to_string(total_) + "}";
  return out;
}

std::string RequestLog::counters_json() const {
  std::lock_guard lock(mu_);
  std::string out = "{";
  for (const auto& [endpoint, count] : counters_) {
    append_json_string(endpoint, out);
    out += ':' + std::to_string(count) + ',';
  }
  out += "\"total\":" + std::to_string(total_) + ",\"refused\":{";
  for (const auto& [limit, count] : refusals_) {
    if (out.back() != '{') out += ',';
    append_json_string(limit, out);
    out += ':' + std::to_string(count);
  }
  return out + "}}";
}

void RequestLog::count_refusal(const std::string& limit) {
  std::lock_guard lock(mu_);
  ++refusals_[limit];
}

int64_t RequestLog::count(const std::string& endpoint) const {
  std::lock_guard lock(mu_);
  auto it = counters_.find(endpoint);
  return it == counters_.end() ? 0 : it->second;
}

int64_t RequestLog::total() const {
  std::lock_guard lock(mu_);
  return total_;
}

std::string endpoint_of(std::string_view method, std::string_view path) {
  std::string out(method);
  out += ' ';
  size_t i = 0;
  while (i < path.size()) {
    size_t next = path.find('/', i + 1);
    std::string_view segment =
        path.substr(i, next == std::string_view::npos ? path.npos : next - i);
    std::string_view body = segment.substr(segment.empty() ? 0 : 1);
    bool numeric = !body.empty() && std::all_of(body.begin(), body.end(),
                                                [](char c) { return c >= '0' && c <= '9'; });
    out += numeric ? std::string("/{id}") : std::string(segment);
    if (next == std::string_view::npos) break;
    i = next;
  }
  return out;
}

}  // namespace crmsync::sandbox
