#pragma once

#include <cctz/time_zone.h>

#include <string>

namespace crmsync {

// IANA time zones for schedules, through Google's cctz (Debian libcctz-dev)
// reading the system's tzdata (/usr/share/zoneinfo): GCC 12 has no
// std::chrono time zones.

// Empty when `name` names a zone that loads ("UTC", "Europe/Berlin"), else
// what is wrong. Only zone names are accepted, never a path.
std::string check_time_zone(const std::string& name);

// The zone `name`; UTC when it does not load (check_time_zone said so
// first). cctz caches loaded zones; safe from any thread.
cctz::time_zone load_zone(const std::string& name);

}  // namespace crmsync
