#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/value.h"

namespace crmsync::service {

// Writes the API's JSON answers in one pass, commas handled: begin_object,
// key, value..., end_object. Strings pass through scrub() (core/redact.h),
// so no registered secret leaves in an answer. Not thread-safe; one per answer.
class JsonOut {
 public:
  JsonOut& begin_object();
  JsonOut& end_object();
  JsonOut& begin_array();
  JsonOut& end_array();
  JsonOut& key(std::string_view name);

  JsonOut& string(std::string_view s);
  JsonOut& integer(int64_t v);
  JsonOut& number(double v);
  JsonOut& boolean(bool v);
  JsonOut& null();
  JsonOut& value(const Value& v);  // a record value (cursor, payload field)
  // RFC 3339 UTC text of unix micros ("2026-12-06T14:00:00Z"); null for 0.
  JsonOut& time(int64_t unix_micros);
  // A string, or null when empty.
  JsonOut& string_or_null(std::string_view s);
  // Already valid JSON text, inserted as it is.
  JsonOut& raw(std::string_view json);

  const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void separate();

  std::string out_;
  std::vector<bool> first_;  // per open container: nothing written in it yet
  bool after_key_ = false;
};

// RFC 3339 UTC text of unix micros, as JsonOut::time writes it.
std::string rfc3339(int64_t unix_micros);

}  // namespace crmsync::service
