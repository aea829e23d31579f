#pragma once

#include <string_view>

namespace crmsync::net {

// Sees what a connection's API answers: the service's metrics
// (crmsync_api_requests_total, crmsync_api_budget_remaining). Set through
// SessionOptions::observer; HttpSession calls it on the sending thread after
// every send, retries and resends after a renewed login included, so an
// implementation must be thread-safe and quick (no I/O). `connection` is the
// connection's name (SessionOptions::connection). Must outlive the sessions
// that hold it.
class ApiObserver {
 public:
  virtual ~ApiObserver() = default;
  // One send's outcome: the HTTP status, or 0 when no answer came (a
  // transport error: refused connection, timeout, reset).
  virtual void answered(std::string_view connection, int http_status) = 0;
  // API calls left in the budget an answer reported (Salesforce: M - N of
  // Sforce-Limit-Info api-usage=N/M; Pipedrive: x-daily-requests-left).
  // Called after answered(), only for answers that carry a budget.
  virtual void budget_remaining(std::string_view connection, double remaining) = 0;
};

}  // namespace crmsync::net
