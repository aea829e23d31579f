#include "net/http_status.h"

#include <ctime>
#include <string>

namespace crmsync::net {

namespace {
constexpr size_t kBodyExcerptBytes = 512;

std::optional<double> parse_http_date(const std::string& value,
                                      std::chrono::system_clock::time_point now) {
  // IMF-fixdate, the form servers must send: "Sun, 06 Nov 1994 08:49:37 GMT".
  std::tm tm{};
  const char* end = strptime(value.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  auto at = std::chrono::system_clock::from_time_t(timegm(&tm));
  double secs = std::chrono::duration<double>(at - now).count();
  return secs > 0 ? secs : 0.0;
}
}  // namespace

ErrorKind classify_http_status(int status, const HttpHeaders& /*headers*/,
                               std::string_view /*body*/, const HttpStatusPolicy& policy) {
  if (status == 408 || status == 429 || status >= 500) return ErrorKind::retryable;
  if (status == 401) return ErrorKind::auth;
  if (status == 403) return policy.forbidden;
  if (status >= 400) return ErrorKind::rejected;
  // 1xx/3xx reaching a caller means a protocol step we do not handle.
  return ErrorKind::fatal;
}

std::optional<double> parse_retry_after(std::string_view value,
                                        std::chrono::system_clock::time_point now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  bool digits = value.find_first_not_of("0123456789") == std::string_view::npos;
  if (digits) {
    if (value.size() > 9) return std::nullopt;  // absurd waits are not a wait
    return std::stod(std::string(value));
  }
  return parse_http_date(std::string(value), now);
}

Error http_status_error(const HttpResponse& response, std::string_view context,
                        const HttpStatusPolicy& policy) {
  ErrorKind kind = classify_http_status(response.status, response.headers, response.body, policy);
  std::string message(context);
  message += ": HTTP " + std::to_string(response.status);
  if (!response.body.empty()) {
    message += ": ";
    message += response.body.substr(0, kBodyExcerptBytes);
    if (response.body.size() > kBodyExcerptBytes) message += "...";
  }
  Error error(kind, std::move(message));
  if (auto retry_after = response.header("Retry-After")) {
    if (auto secs = parse_retry_after(*retry_after, std::chrono::system_clock::now()))
      error.retry_after_secs = *secs;
  }
  return error;
}

}  // namespace crmsync::net
