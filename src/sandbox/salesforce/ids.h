#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace crmsync::sandbox::salesforce {

// Salesforce record ids: a 3-character key prefix, then 12 base-62
// characters (15, case-sensitive), then a 3-character suffix that makes the
// id unique ignoring case (18). The API writes 18 and accepts both.

// The 18-character id for `prefix` and sequence number `n`:
// prefix + "Sb" (our pod) + "0" + n in base 62 over 9 characters + suffix.
std::string make_id(std::string_view prefix, uint64_t n);

// The case-safe suffix of a 15-character id: for each 5-character chunk,
// bit i set when character i is an upper-case letter; 0-25 -> A-Z, 26-31 -> 0-5.
std::string id_suffix(std::string_view id15);

// The 18-character form of a 15- or 18-character id, or nullopt when the
// text is not an id (wrong length, characters outside [0-9A-Za-z], or an
// 18-character id whose suffix does not match).
std::optional<std::string> normalize_id(std::string_view id);

}  // namespace crmsync::sandbox::salesforce
