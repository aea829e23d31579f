#pragma once

#include <bitset>
#include <cstdint>
#include <string>

#include "core/result.h"

namespace crmsync {

// A flow's `trigger.schedule`, compiled: either an interval ("every 5m") or a
// 5-field cron expression (minute hour day-of-month month day-of-week, with
// *, lists, ranges, /steps, and @hourly @daily @weekly) read in an IANA time
// zone (default UTC).
//
// Intervals are anchored to the unix epoch: "every 5m" fires at every
// multiple of 5 minutes since 1970-01-01T00:00Z, so the slots are the same
// across restarts and a missed slot is well defined.
//
// DST (cron in a zone with daylight saving): a local time that does not
// exist (the hour skipped in spring) fires once at the next minute that does
// exist; a local time that exists twice (the hour repeated in autumn) fires
// once, at its first occurrence.
//
// Day-of-month and day-of-week both restricted (neither is *): a day
// matches when either matches, as in Vixie cron.
struct Schedule {
  enum class Kind { interval, cron };
  Kind kind = Kind::interval;
  std::string text;              // as written
  std::string timezone = "UTC";  // IANA name
  int64_t interval_micros = 0;   // Kind::interval
  std::bitset<60> minutes;       // Kind::cron
  std::bitset<24> hours;
  std::bitset<32> days_of_month;  // 1..31
  std::bitset<13> months;         // 1..12
  std::bitset<7> days_of_week;    // 0..6, Sunday = 0 (7 is read as 0)
  bool dom_restricted = false;    // day-of-month field was not *
  bool dow_restricted = false;    // day-of-week field was not *
};

// Compiles `text` in `timezone`. A config error says what is wrong: a bad
// field (which one and its range), an unknown time zone, or an expression
// that never fires ("0 0 30 2 *").
Result<Schedule> parse_schedule(const std::string& text, const std::string& timezone = "UTC");

// The first slot strictly after `after_micros` (unix micros, UTC).
int64_t next_fire(const Schedule& schedule, int64_t after_micros);

// The latest slot at or before `at_micros`; 0 when there is none within
// the preceding 366 days.
int64_t previous_fire(const Schedule& schedule, int64_t at_micros);

// Kept for the config reader: empty when `schedule` parses in UTC, else what is wrong.
std::string check_schedule(const std::string& schedule);

}  // namespace crmsync
