#include "net/daily_budget.h"

#include <chrono>
#include <cmath>
#include <cstdio>

namespace crmsync::net {

int64_t DailyShare::allowed(int64_t daily_limit) const {
  if (share >= 1.0) return daily_limit;
  return static_cast<int64_t>(std::floor(share * static_cast<double>(daily_limit)));
}

bool DailyShare::allows(int64_t spent, int64_t cost, int64_t daily_limit) const {
  if (daily_limit <= 0 || share >= 1.0) return true;
  return spent + cost <= allowed(daily_limit);
}

std::string DailyShare::text() const {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", share);
  return buf;
}

Error daily_limit_error(const std::string& what, const std::string& reset,
                        double retry_after_secs) {
  Error e(ErrorKind::fatal, "budget reached, try after reset (" + reset + "): " + what);
  e.retry_after_secs = retry_after_secs;
  return e;
}

int64_t seconds_to_utc_midnight() {
  using namespace std::chrono;
  int64_t now = duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
  return 86400 - now % 86400;
}

}  // namespace crmsync::net
