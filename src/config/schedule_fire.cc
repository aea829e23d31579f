// Fire times of a compiled Schedule. A cron search walks local days that
// match (skipping whole months that do not), then the matching hours and
// minutes of those days only: at most a few thousand steps over the 8 years
// a leap-day schedule may need, never one step per minute.
#include <cctz/civil_time.h>

#include <chrono>
#include <cstdint>
#include <limits>

#include "config/schedule.h"
#include "config/schedule_zone.h"

namespace crmsync {
namespace {

constexpr int64_t kMicrosPerSec = 1000000;
// `0 0 29 2 *` fires every 4 years, and 8 around a century not divisible by 400.
constexpr int kSearchDays = 8 * 366 + 2;
// Near a transition, local time is searched from this far before (or after)
// the local time of the given instant: a DST shift is never larger, so no
// slot is missed.
constexpr int kShiftMarginMinutes = 180;

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if (a % b != 0 && ((a < 0) != (b < 0))) --q;
  return q;
}

cctz::time_point<cctz::seconds> at_second(int64_t sec) {
  return cctz::time_point<cctz::seconds>(cctz::seconds(sec));
}

int day_of_week(const cctz::civil_day& d) {  // Sunday = 0
  switch (cctz::get_weekday(d)) {
    case cctz::weekday::sunday:
      return 0;
    case cctz::weekday::monday:
      return 1;
    case cctz::weekday::tuesday:
      return 2;
    case cctz::weekday::wednesday:
      return 3;
    case cctz::weekday::thursday:
      return 4;
    case cctz::weekday::friday:
      return 5;
    case cctz::weekday::saturday:
      return 6;
  }
  return 0;
}

bool day_matches(const Schedule& s, const cctz::civil_day& d) {
  bool dom = s.days_of_month[d.day()];
  bool dow = s.days_of_week[day_of_week(d)];
  if (s.dom_restricted && s.dow_restricted) return dom || dow;  // Vixie cron
  return dom && dow;
}

// The instant a matching local minute fires at (schedule.h, DST): a skipped
// local time fires at the transition, the first minute that exists after
// it; a repeated one at its first occurrence.
int64_t fire_second(const cctz::time_zone& tz, const cctz::civil_minute& m) {
  const cctz::time_zone::civil_lookup cl = tz.lookup(cctz::civil_second(m));
  const auto& tp = cl.kind == cctz::time_zone::civil_lookup::SKIPPED ? cl.trans : cl.pre;
  return tp.time_since_epoch().count();
}

cctz::civil_minute local_minute(const cctz::time_zone& tz, int64_t sec) {
  return cctz::civil_minute(tz.lookup(at_second(sec)).cs);
}

// The margin to search around the local time of `sec`: none when the UTC
// offset is the same three hours either side (nearly always; it spares
// checking 180 candidate minutes of an every-minute schedule).
int shift_margin(const cctz::time_zone& tz, int64_t sec) {
  const int64_t span = int64_t{kShiftMarginMinutes} * 60;
  const int offset = tz.lookup(at_second(sec)).offset;
  if (tz.lookup(at_second(sec - span)).offset == offset &&
      tz.lookup(at_second(sec + span)).offset == offset) {
    return 0;
  }
  return kShiftMarginMinutes;
}

// The fire instants, in local-minute order, are non-decreasing (a skipped
// hour's minutes all map to the transition, a repeated hour's to its first
// pass), so the first match after `after_sec` in local order is the answer.
int64_t next_cron(const Schedule& s, int64_t after_sec) {
  const cctz::time_zone tz = load_zone(s.timezone);
  const cctz::civil_minute from = local_minute(tz, after_sec) - shift_margin(tz, after_sec);
  cctz::civil_day d(from);
  const cctz::civil_day end = d + kSearchDays;
  while (d < end) {
    if (!s.months[d.month()]) {
      d = cctz::civil_day(cctz::civil_month(d) + 1);
      continue;
    }
    if (day_matches(s, d)) {
      const bool first_day = d == cctz::civil_day(from);
      for (int h = first_day ? from.hour() : 0; h < 24; ++h) {
        if (!s.hours[h]) continue;
        for (int mi = first_day && h == from.hour() ? from.minute() : 0; mi < 60; ++mi) {
          if (!s.minutes[mi]) continue;
          int64_t sec = fire_second(tz, cctz::civil_minute(d.year(), d.month(), d.day(), h, mi));
          if (sec > after_sec) return sec;
        }
      }
    }
    ++d;
  }
  return std::numeric_limits<int64_t>::max();
}

int64_t previous_cron(const Schedule& s, int64_t at_sec) {
  const cctz::time_zone tz = load_zone(s.timezone);
  const cctz::civil_minute from = local_minute(tz, at_sec) + shift_margin(tz, at_sec);
  cctz::civil_day d(from);
  const cctz::civil_day end = d - kSearchDays;
  while (d > end) {
    if (!s.months[d.month()]) {
      d = cctz::civil_day(cctz::civil_month(d)) - 1;
      continue;
    }
    if (day_matches(s, d)) {
      const bool first_day = d == cctz::civil_day(from);
      for (int h = first_day ? from.hour() : 23; h >= 0; --h) {
        if (!s.hours[h]) continue;
        for (int mi = first_day && h == from.hour() ? from.minute() : 59; mi >= 0; --mi) {
          if (!s.minutes[mi]) continue;
          int64_t sec = fire_second(tz, cctz::civil_minute(d.year(), d.month(), d.day(), h, mi));
          if (sec <= at_sec) return sec;
        }
      }
    }
    --d;
  }
  return std::numeric_limits<int64_t>::min();
}

}  // namespace

int64_t next_fire(const Schedule& schedule, int64_t after_micros) {
  if (schedule.kind == Schedule::Kind::interval) {
    if (schedule.interval_micros <= 0) return std::numeric_limits<int64_t>::max();
    return (floor_div(after_micros, schedule.interval_micros) + 1) * schedule.interval_micros;
  }
  int64_t sec = next_cron(schedule, floor_div(after_micros, kMicrosPerSec));
  if (sec == std::numeric_limits<int64_t>::max()) return sec;
  return sec * kMicrosPerSec;
}

int64_t previous_fire(const Schedule& schedule, int64_t at_micros) {
  if (schedule.kind == Schedule::Kind::interval) {
    if (schedule.interval_micros <= 0) return 0;
    return floor_div(at_micros, schedule.interval_micros) * schedule.interval_micros;
  }
  int64_t sec = previous_cron(schedule, floor_div(at_micros, kMicrosPerSec));
  if (sec == std::numeric_limits<int64_t>::min()) return 0;
  return sec * kMicrosPerSec;
}

}  // namespace crmsync
