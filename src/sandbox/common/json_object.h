#pragma once

#include <string>
#include <string_view>

#include "core/value.h"

namespace crmsync::sandbox {

// Small helpers for building and reading JSON objects (core::Object keeps
// member order, which the emulated APIs' answers rely on).
const Value* member(const Object& object, std::string_view key);
// Sets `key`, replacing an existing member in place (order kept).
void put(Object& object, std::string_view key, Value value);
bool erase(Object& object, std::string_view key);

// UTC seconds since the epoch as "YYYY-MM-DDTHH:MM:SSZ" (RFC 3339) or
// "YYYY-MM-DD HH:MM:SS" (the older APIs' form).
std::string rfc3339(int64_t epoch_secs);
std::string sql_datetime(int64_t epoch_secs);
// Parses RFC 3339 ("2024-01-01T00:00:00Z", fractions and offsets allowed);
// -1 when malformed.
int64_t parse_rfc3339(std::string_view text);

std::string base64_encode(std::string_view bytes);
// Empty optional-like result: false when `text` is not valid base64.
bool base64_decode(std::string_view text, std::string& out);

}  // namespace crmsync::sandbox
