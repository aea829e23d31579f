#pragma once

#include <string>

namespace crmsync {

// Checks a flow's `trigger.schedule`: "every N{s,m,h,d}" or a 5-field cron
// expression (minute hour day-of-month month day-of-week, UTC) with *, lists,
// ranges and steps. Returns an empty string when valid, else what is wrong.
std::string check_schedule(const std::string& schedule);

}  // namespace crmsync
