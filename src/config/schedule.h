#pragma once

#include <bitset>
#include <cstdint>
#include <string>

#include "core/result.h"

namespace crmsync {

// A flow's `trigger.schedule`, compiled: either an interval ("every 5m") or a
// 5-field cron expression (minute hour day-of-month month day-of-week) read
// in an IANA time zone (default UTC). A field takes *, lists, ranges and
// /steps ("a/n" runs from a to the field's maximum); month and day-of-week
// also take names (JAN-DEC, SUN-SAT, any case); day-of-week 7 is Sunday;
// @hourly @daily (= @midnight) @weekly @monthly @yearly (= @annually).
//
// Intervals are anchored to the unix epoch: "every 5m" fires at every
// multiple of 5 minutes since 1970-01-01T00:00Z, so the slots are the same
// across restarts and a missed slot is well defined. They ignore DST.
//
// DST (cron in a zone with daylight saving). Each matching local minute
// fires at one instant:
// - a local time that does not exist (the hour skipped in spring) fires once
//   at the next minute that does exist, the transition (`30 2 * * *` in
//   America/New_York on 2026-03-08 fires at 03:00 EDT = 07:00Z);
// - a local time that exists twice (the hour repeated in autumn) fires once,
//   at its first occurrence (`30 1 * * *` on 2026-11-01 in New York fires at
//   01:30 EDT = 05:30Z only, not at 01:30 EST = 06:30Z).
// Several local minutes that land on one instant fire once. So a schedule
// that fires every hour or more often follows the wall clock, not elapsed
// time: in spring its slots in the skipped hour collapse into one fire at
// the transition (`0 * * * *` in New York: 01:00 EST, 03:00 EDT, 04:00 EDT;
// `30 * * * *`: 01:30 EST, 03:00 EDT, 03:30 EDT; `*/15 * * * *`: 01:45 EST,
// 03:00 EDT, 03:15 EDT), and in autumn the repeated hour does not fire on
// its second pass (`0 * * * *`: 01:00 EDT, then 02:00 EST two hours later;
// `*/15`: 01:45 EDT, then 02:00 EST). A day has as many fires as its local
// wall clock has matching minutes, the repeated ones counted once. For a
// cadence in elapsed time use an interval ("every 15m") or UTC.
//
// Day-of-month and day-of-week both restricted: a day matches when either
// matches, as in Vixie cron. As there, a field that starts with '*' ("*",
// "*/2") does not restrict: `0 0 */2 * 1` is Mondays that are odd days.
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
  bool dom_restricted = false;    // day-of-month field did not start with *
  bool dow_restricted = false;    // day-of-week field did not start with *
};

// Compiles `text` in `timezone`. A config error says what is wrong: a bad
// field (which one and its range), an unknown time zone, or an expression
// that never fires ("never fires: February has no day 30"). An interval
// keeps the zone but does not use it. Any thread.
Result<Schedule> parse_schedule(const std::string& text, const std::string& timezone = "UTC");

// The first slot strictly after `after_micros` (unix micros, UTC). Walks
// matching local days, hours and minutes, skipping months that do not match
// (never a minute-by-minute scan); searches 8 years ahead (`0 0 29 2 *` across 2100), so a
// parsed schedule always has one. INT64_MAX for a hand-built Schedule that
// never fires. Any thread.
int64_t next_fire(const Schedule& schedule, int64_t after_micros);

// The latest slot at or before `at_micros` (what catch-up looks at), by the
// same rules and searching 8 years back; 0 when there is none (a hand-built
// Schedule that never fires).
int64_t previous_fire(const Schedule& schedule, int64_t at_micros);

// Kept for the config reader: empty when `schedule` parses in UTC, else what is wrong.
std::string check_schedule(const std::string& schedule);

}  // namespace crmsync
