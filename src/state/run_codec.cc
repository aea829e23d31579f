#include "state/run_codec.h"

#include <chrono>

#include "core/json.h"

namespace crmsync {

std::string run_flows_json(const std::vector<std::string>& flows) {
  std::string out = "[";
  for (size_t i = 0; i < flows.size(); ++i) {
    if (i) out += ',';
    append_json_string(flows[i], out);
  }
  return out + "]";
}

std::string run_params_json(const std::map<std::string, std::string>& params) {
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : params) {
    if (!first) out += ',';
    first = false;
    append_json_string(k, out);
    out += ':';
    append_json_string(v, out);
  }
  return out + "}";
}

std::vector<std::string> parse_run_flows(const std::string& text) {
  std::vector<std::string> out;
  auto v = parse_json(text);
  if (!v.ok() || !v->is_array()) return out;
  for (const Value& f : v->as_array()) {
    if (f.is_string()) out.push_back(f.as_string());
  }
  return out;
}

std::map<std::string, std::string> parse_run_params(const std::string& text) {
  std::map<std::string, std::string> out;
  auto v = parse_json(text);
  if (!v.ok() || !v->is_object()) return out;
  for (const Member& m : v->as_object()) {
    if (m.value.is_string()) out[m.key] = m.value.as_string();
  }
  return out;
}

ErrorKind parse_error_kind(const std::string& s) {
  for (ErrorKind k :
       {ErrorKind::retryable, ErrorKind::auth, ErrorKind::rejected, ErrorKind::fatal}) {
    if (to_string(k) == s) return k;
  }
  return ErrorKind::fatal;
}

RecordErrorStatus parse_error_status(const std::string& s) {
  if (s == "parked") return RecordErrorStatus::parked;
  if (s == "resolved") return RecordErrorStatus::resolved;
  return RecordErrorStatus::pending;
}

int64_t wall_micros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace crmsync
