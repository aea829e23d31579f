#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace crmsync::net {

// Orders header names without regard to ASCII case (HTTP field names are
// case-insensitive, RFC 9110 section 5.1).
struct CaseInsensitiveLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const;
};

// Header fields in arrival order per name; lookups ignore case.
using HttpHeaders = std::multimap<std::string, std::string, CaseInsensitiveLess>;

// The first value of `name`, or nullopt when absent.
std::optional<std::string> find_header(const HttpHeaders& headers, std::string_view name);

// Replaces every value of `name` with `value`.
void set_header(HttpHeaders& headers, std::string_view name, std::string value);

// True for headers whose values are credentials and must never be logged.
bool is_secret_header(std::string_view name);

}  // namespace crmsync::net
