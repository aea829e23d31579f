#include <cmath>
#include <cstdio>

#include "config/config.h"

namespace crmsync {

int64_t DeleteLimit::limit_for(int64_t known) const {
  if (count >= 0) return count;
  auto n = static_cast<int64_t>(std::floor(static_cast<double>(known) * percent / 100.0));
  return n < 1 ? 1 : n;
}

std::string DeleteLimit::to_string() const {
  if (count >= 0) return std::to_string(count);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g%%", percent);
  return buf;
}

}  // namespace crmsync
