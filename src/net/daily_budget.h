#pragma once

#include <cstdint>
#include <string>

#include "core/error.h"

namespace crmsync::net {

// `max_daily_api_share`: the part of a system's daily API allowance that a
// connection may use, shared by the connectors whose services count a daily
// allowance (Pipedrive's tokens, Salesforce's API requests). What is counted
// and where the numbers come from stays with each connector.
struct DailyShare {
  double share = 1.0;  // 0 < share <= 1

  // What the share allows of `daily_limit` (rounded down).
  int64_t allowed(int64_t daily_limit) const;
  // Whether spending `cost` on top of `spent` stays within allowed(daily_limit).
  // Always true while the limit is unknown (0) or the share is whole.
  bool allows(int64_t spent, int64_t cost, int64_t daily_limit) const;
  // "0.5": the share as configured, for messages.
  std::string text() const;
};

// The error that stops a connection at a daily limit: fatal (waiting
// seconds will not help; the next run resumes from its cursors), message
// "budget reached, try after reset (<reset>): <what>", where `what` names
// the limit and its numbers. `retry_after_secs` is 0 when unknown.
Error daily_limit_error(const std::string& what, const std::string& reset, double retry_after_secs);

// Seconds until the next 00:00 UTC, from the system clock.
int64_t seconds_to_utc_midnight();

}  // namespace crmsync::net
