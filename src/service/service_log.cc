#include "service/service_log.h"

#include <unistd.h>

#include <cstdio>

#include "core/json.h"
#include "core/redact.h"
#include "core/time.h"

namespace crmsync::service {
namespace {

Value scrubbed(const Value& v) {
  if (v.is_string()) return Value(scrub(v.as_string()));
  if (v.is_array()) {
    Array out;
    for (const Value& item : v.as_array()) out.push_back(scrubbed(item));
    return Value(std::move(out));
  }
  if (v.is_object()) {
    Object out;
    for (const Member& m : v.as_object()) out.push_back({scrub(m.key), scrubbed(m.value)});
    return Value(std::move(out));
  }
  return v;
}

void write_stderr(std::string_view line) {
  std::string out(line);
  out += '\n';
  // One write per line: lines of other threads (and processes sharing the
  // descriptor) never cut into it.
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::write(STDERR_FILENO, out.data() + done, out.size() - done);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

}  // namespace

std::string log_timestamp(int64_t unix_micros) {
  int64_t ms = unix_micros >= 0 ? unix_micros / 1000 : (unix_micros - 999) / 1000;
  int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  int64_t in_day = secs - days * 86400;
  int y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", y, m, d,
                static_cast<int>(in_day / 3600), static_cast<int>(in_day / 60 % 60),
                static_cast<int>(in_day % 60), static_cast<int>(ms - secs * 1000));
  return buf;
}

Value string_array(const std::vector<std::string>& items) {
  Array out;
  for (const std::string& s : items) out.push_back(Value(s));
  return Value(std::move(out));
}

ServiceLog::ServiceLog(Clock& clock, Sink sink) : clock_(clock), sink_(std::move(sink)) {}

std::string ServiceLog::format(std::string_view level, std::string_view event, Fields fields) {
  Object o;
  o.push_back({"ts", Value(log_timestamp(clock_.now_micros()))});
  o.push_back({"level", Value(std::string(level))});
  o.push_back({"event", Value(std::string(event))});
  for (auto& [k, v] : fields) o.push_back({k, scrubbed(v)});
  return to_json(Value(std::move(o)));
}

void ServiceLog::write(std::string_view level, std::string_view event, Fields fields) {
  std::string line = format(level, event, std::move(fields));
  std::lock_guard<std::mutex> lock(mu_);
  if (sink_) {
    sink_(line);
  } else {
    write_stderr(line);
  }
}

}  // namespace crmsync::service
