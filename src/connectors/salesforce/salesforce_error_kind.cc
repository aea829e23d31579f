// What a Salesforce error code means for the caller; apart from the client
// so that the Bulk CSV reader (and its fuzz target) need no HTTP code.
#include "connectors/salesforce/salesforce_client.h"

namespace crmsync {

ErrorKind salesforce_error_kind(std::string_view code, int http_status) {
  if (code == "INVALID_SESSION_ID") return ErrorKind::auth;
  // A daily limit (403) does not lift within a run: stop the flow, the next
  // run resumes from its cursor. With 429 it is the concurrency limit.
  if (code == "REQUEST_LIMIT_EXCEEDED") {
    return http_status == 429 ? ErrorKind::retryable : ErrorKind::fatal;
  }
  if (code == "UNABLE_TO_LOCK_ROW" || code == "ALL_OR_NONE_OPERATION_ROLLED_BACK" ||
      code == "SERVER_UNAVAILABLE" || code == "QUERY_TIMEOUT") {
    return ErrorKind::retryable;
  }
  if (code == "INVALID_TYPE" || code == "INVALID_FIELD" || code == "MALFORMED_QUERY" ||
      code == "INVALID_QUERY_FILTER_OPERATOR" || code == "API_DISABLED_FOR_ORG" ||
      code == "INSUFFICIENT_ACCESS" || code == "NOT_FOUND") {
    // Setup problems when they answer a whole call (an unknown object or
    // field in the config); per-record results classify separately.
    return http_status == 404 && code == "NOT_FOUND" ? ErrorKind::rejected : ErrorKind::fatal;
  }
  if (http_status == 429 || http_status >= 500) return ErrorKind::retryable;
  if (http_status == 401) return ErrorKind::auth;
  if (http_status == 403) return ErrorKind::fatal;
  return ErrorKind::rejected;
}

}  // namespace crmsync
