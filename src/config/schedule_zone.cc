#include "config/schedule_zone.h"

namespace crmsync {
namespace {

// A zone name is a relative path under the zoneinfo folder: letters, digits
// and _+- in parts separated by '/'. Rejecting the rest keeps a config from
// making cctz open an arbitrary file ("../../etc/passwd", "/tmp/x").
bool looks_like_zone_name(const std::string& name) {
  if (name.empty() || name.size() > 64 || name.front() == '/' || name.back() == '/') return false;
  if (name.find("..") != std::string::npos || name.find("//") != std::string::npos) return false;
  for (char c : name) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '+' || c == '-' || c == '/';
    if (!ok) return false;
  }
  return name != "localtime";  // the host's zone: a config means the same everywhere
}

}  // namespace

std::string check_time_zone(const std::string& name) {
  cctz::time_zone tz;
  if (!looks_like_zone_name(name) || !cctz::load_time_zone(name, &tz)) {
    return "unknown time zone '" + name +
           "' (expected an IANA name such as UTC, Europe/Berlin or America/New_York)";
  }
  return {};
}

cctz::time_zone load_zone(const std::string& name) {
  cctz::time_zone tz;
  if (!looks_like_zone_name(name) || !cctz::load_time_zone(name, &tz)) return cctz::utc_time_zone();
  return tz;
}

}  // namespace crmsync
