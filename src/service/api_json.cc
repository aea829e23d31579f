#include "service/api_json.h"

#include <cmath>
#include <cstdio>

#include "core/json.h"
#include "core/redact.h"

namespace crmsync::service {

void JsonOut::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (first_.empty()) return;
  if (!first_.back()) out_ += ',';
  first_.back() = false;
}

JsonOut& JsonOut::begin_object() {
  separate();
  out_ += '{';
  first_.push_back(true);
  return *this;
}

JsonOut& JsonOut::end_object() {
  out_ += '}';
  first_.pop_back();
  return *this;
}

JsonOut& JsonOut::begin_array() {
  separate();
  out_ += '[';
  first_.push_back(true);
  return *this;
}

JsonOut& JsonOut::end_array() {
  out_ += ']';
  first_.pop_back();
  return *this;
}

JsonOut& JsonOut::key(std::string_view name) {
  separate();
  append_json_string(name, out_);
  out_ += ':';
  after_key_ = true;
  return *this;
}

JsonOut& JsonOut::string(std::string_view s) {
  separate();
  append_json_string(scrub(s), out_);
  return *this;
}

JsonOut& JsonOut::integer(int64_t v) {
  separate();
  out_ += std::to_string(v);
  return *this;
}

JsonOut& JsonOut::number(double v) {
  separate();
  if (!std::isfinite(v)) {
    out_ += "null";
    return *this;
  }
  char buf[32];
  int n = std::snprintf(buf, sizeof buf, "%.4g", v);
  out_.append(buf, static_cast<size_t>(n));
  return *this;
}

JsonOut& JsonOut::boolean(bool v) {
  separate();
  out_ += v ? "true" : "false";
  return *this;
}

JsonOut& JsonOut::null() {
  separate();
  out_ += "null";
  return *this;
}

JsonOut& JsonOut::value(const Value& v) {
  separate();
  if (v.is_string()) {
    append_json_string(scrub(v.as_string()), out_);
  } else {
    out_ += scrub(to_json(v));
  }
  return *this;
}

JsonOut& JsonOut::time(int64_t unix_micros) {
  if (unix_micros == 0) return null();
  separate();
  append_json_string(rfc3339(unix_micros), out_);
  return *this;
}

JsonOut& JsonOut::string_or_null(std::string_view s) {
  return s.empty() ? null() : string(s);
}

JsonOut& JsonOut::raw(std::string_view json) {
  separate();
  out_ += json;
  return *this;
}

std::string rfc3339(int64_t unix_micros) {
  return DateTime{unix_micros, 0}.to_iso8601();
}

}  // namespace crmsync::service
