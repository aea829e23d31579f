#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crmsync::net {

// Percent-encodes everything but RFC 3986 unreserved characters, so the
// result is safe in a path segment or a query key or value.
std::string url_encode(std::string_view text);
// Reverses url_encode; '+' becomes a space when `plus_is_space` (forms).
std::string url_decode(std::string_view text, bool plus_is_space = true);

// Builds "base?k=v&k2=v2" with keys and values encoded, in insertion order.
class QueryBuilder {
 public:
  QueryBuilder& add(std::string_view key, std::string_view value);
  QueryBuilder& add(std::string_view key, long long value);
  // "k=v&..." without the leading '?'; empty when nothing was added.
  std::string query() const;
  // `base` with the query appended ('?' or '&' as needed).
  std::string url(std::string_view base) const;

 private:
  std::vector<std::pair<std::string, std::string>> params_;
};

// `url` with the values of credential-like query parameters (api_token,
// access_token, password, ...) replaced by "REDACTED", for errors and logs.
std::string redact_url(std::string_view url);

}  // namespace crmsync::net
