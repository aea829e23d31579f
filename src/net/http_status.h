#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "core/error.h"
#include "net/http_message.h"

namespace crmsync::net {

// How the caller wants statuses that mean different things per API treated.
struct HttpStatusPolicy {
  // 403 is a permission problem (fatal) unless an API uses it for limits,
  // e.g. Salesforce REQUEST_LIMIT_EXCEEDED: then say retryable here.
  ErrorKind forbidden = ErrorKind::fatal;
};

// What a non-2xx answer means for the caller (STYLE.md rule 6): 408, 429
// and 5xx retryable; 401 auth; 400, 404, 409, 410, 422 and other 4xx
// rejected; 403 per the policy. Do not call for 2xx.
ErrorKind classify_http_status(int status, const HttpHeaders& headers, std::string_view body,
                               const HttpStatusPolicy& policy = {});

// Seconds to wait from a Retry-After value: delta-seconds or an HTTP-date
// (RFC 9110 section 10.2.3), relative to `now`. nullopt when unparseable;
// dates in the past give 0.
std::optional<double> parse_retry_after(std::string_view value,
                                        std::chrono::system_clock::time_point now);

// An Error for a non-2xx response: the kind from classify_http_status, the
// wait from Retry-After, and a message "<context>: HTTP <status>: <body
// excerpt>" (the API's own words; headers, which may hold tokens, are never
// quoted).
Error http_status_error(const HttpResponse& response, std::string_view context,
                        const HttpStatusPolicy& policy = {});

}  // namespace crmsync::net
