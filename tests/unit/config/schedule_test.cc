#include "config/schedule.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "core/time.h"

namespace crmsync {
namespace {

int64_t at(const std::string& iso) {
  auto t = DateTime::parse(iso);
  EXPECT_TRUE(t.has_value()) << iso;
  return t ? t->micros : 0;
}

std::string iso(int64_t micros) {
  return DateTime{micros, 0}.to_iso8601();
}

struct FireRow {
  const char* expr;
  const char* zone;
  const char* from;
  const char* expected;  // in UTC
};

// next_fire: the first slot strictly after `from`. 2026-01-15 is a Thursday.
const FireRow kNextRows[] = {
    // Field syntax, in UTC.
    {"* * * * *", "UTC", "2026-01-15T10:07:30Z", "2026-01-15T10:08:00Z"},
    {"*/15 * * * *", "UTC", "2026-01-15T10:07:30Z", "2026-01-15T10:15:00Z"},
    {"5 * * * *", "UTC", "2026-01-15T10:07:30Z", "2026-01-15T11:05:00Z"},
    {"0 5 * * *", "UTC", "2026-01-15T05:00:00Z", "2026-01-16T05:00:00Z"},  // strictly after
    {"0 5 * * *", "UTC", "2026-01-15T04:59:59.999999Z", "2026-01-15T05:00:00Z"},
    {"10-20/5 * * * *", "UTC", "2026-01-15T10:07:30Z", "2026-01-15T10:10:00Z"},
    {"10-20/5 * * * *", "UTC", "2026-01-15T10:20:00Z", "2026-01-15T11:10:00Z"},
    {"7,19,48 * * * *", "UTC", "2026-01-15T10:07:30Z", "2026-01-15T10:19:00Z"},
    {"30/10 * * * *", "UTC", "2026-01-15T10:07:30Z", "2026-01-15T10:30:00Z"},  // a/n = a-59/n
    {"30/10 * * * *", "UTC", "2026-01-15T10:50:00Z", "2026-01-15T11:30:00Z"},
    {"0 9-17/4 * * *", "UTC", "2026-01-15T10:07:30Z", "2026-01-15T13:00:00Z"},
    {"0 0 * * MON-FRI", "UTC", "2026-01-15T10:07:30Z", "2026-01-16T00:00:00Z"},
    {"0 0 * * sat", "UTC", "2026-01-15T10:07:30Z", "2026-01-17T00:00:00Z"},
    {"0 0 * * 7", "UTC", "2026-01-15T10:07:30Z", "2026-01-18T00:00:00Z"},  // 7 = Sunday
    {"0 0 * * 0", "UTC", "2026-01-15T10:07:30Z", "2026-01-18T00:00:00Z"},
    {"0 0 * * 5-7", "UTC", "2026-01-17T12:00:00Z", "2026-01-18T00:00:00Z"},
    {"0 0 1 jan,Jul *", "UTC", "2026-01-15T10:07:30Z", "2026-07-01T00:00:00Z"},
    {"0 0 1 3-may *", "UTC", "2026-01-15T10:07:30Z", "2026-03-01T00:00:00Z"},
    // Day-of-month and day-of-week both restricted: either matches (Vixie).
    {"0 0 13 * FRI", "UTC", "2026-01-15T10:07:30Z", "2026-01-16T00:00:00Z"},
    {"0 0 13 * FRI", "UTC", "2026-04-11T00:00:00Z", "2026-04-13T00:00:00Z"},  // a Monday
    // A day field starting with '*' does not restrict (Vixie): odd days AND Mondays.
    {"0 0 */2 * 1", "UTC", "2026-01-19T00:00:00Z", "2026-02-09T00:00:00Z"},
    // Macros.
    {"@hourly", "UTC", "2026-01-15T10:07:30Z", "2026-01-15T11:00:00Z"},
    {"@daily", "UTC", "2026-01-15T10:07:30Z", "2026-01-16T00:00:00Z"},
    {"@midnight", "UTC", "2026-01-15T10:07:30Z", "2026-01-16T00:00:00Z"},
    {"@weekly", "UTC", "2026-01-15T10:07:30Z", "2026-01-18T00:00:00Z"},
    {"@monthly", "UTC", "2026-01-15T10:07:30Z", "2026-02-01T00:00:00Z"},
    {"@yearly", "UTC", "2026-01-15T10:07:30Z", "2027-01-01T00:00:00Z"},
    {"@Annually", "UTC", "2026-01-15T10:07:30Z", "2027-01-01T00:00:00Z"},
    // Month ends, leap days, year ends.
    {"0 0 31 * *", "UTC", "2026-01-31T00:00:00Z", "2026-03-31T00:00:00Z"},
    {"0 0 30 * *", "UTC", "2026-01-30T00:00:00Z", "2026-03-30T00:00:00Z"},
    {"0 0 29 2 *", "UTC", "2026-01-01T00:00:00Z", "2028-02-29T00:00:00Z"},
    {"0 0 29 2 *", "UTC", "2096-03-01T00:00:00Z", "2104-02-29T00:00:00Z"},  // 2100 is no leap year
    {"59 23 31 12 *", "UTC", "2026-12-31T23:59:00Z", "2027-12-31T23:59:00Z"},
    // Intervals, anchored to the epoch (2026-01-15 is epoch day 20468, even).
    {"every 5m", "UTC", "2026-01-15T10:07:30Z", "2026-01-15T10:10:00Z"},
    {"every 90s", "UTC", "1970-01-01T00:00:00Z", "1970-01-01T00:01:30Z"},
    {"every 1h", "UTC", "2026-01-15T10:00:00Z", "2026-01-15T11:00:00Z"},
    {"every 2d", "UTC", "2026-01-15T10:07:30Z", "2026-01-17T00:00:00Z"},
    // A half-hour offset.
    {"0 9 * * *", "Asia/Kolkata", "2026-01-15T00:00:00Z", "2026-01-15T03:30:00Z"},
    {"30 * * * *", "Asia/Kolkata", "2026-01-15T10:07:30Z", "2026-01-15T11:00:00Z"},
    // New York, spring (2026-03-08 02:00 EST -> 03:00 EDT = 07:00Z): a skipped
    // local time fires once at the first minute that exists, 03:00 EDT.
    {"30 2 * * *", "America/New_York", "2026-03-07T12:00:00Z", "2026-03-08T07:00:00Z"},
    {"30 2 * * *", "America/New_York", "2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"},
    {"0 3 * * *", "America/New_York", "2026-03-08T05:00:00Z", "2026-03-08T07:00:00Z"},
    {"0 * * * *", "America/New_York", "2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z"},
    {"0 * * * *", "America/New_York", "2026-03-08T07:00:00Z", "2026-03-08T08:00:00Z"},
    {"30 * * * *", "America/New_York", "2026-03-08T06:30:00Z", "2026-03-08T07:00:00Z"},
    {"30 * * * *", "America/New_York", "2026-03-08T07:00:00Z", "2026-03-08T07:30:00Z"},
    {"*/15 * * * *", "America/New_York", "2026-03-08T06:45:00Z", "2026-03-08T07:00:00Z"},
    {"*/15 * * * *", "America/New_York", "2026-03-08T07:00:00Z", "2026-03-08T07:15:00Z"},
    // New York, autumn (2026-11-01 02:00 EDT -> 01:00 EST = 06:00Z): a
    // repeated local time fires at its first occurrence only.
    {"30 1 * * *", "America/New_York", "2026-11-01T00:00:00Z", "2026-11-01T05:30:00Z"},
    {"30 1 * * *", "America/New_York", "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"},
    {"0 * * * *", "America/New_York", "2026-11-01T05:00:00Z", "2026-11-01T07:00:00Z"},
    {"*/15 * * * *", "America/New_York", "2026-11-01T05:45:00Z", "2026-11-01T07:00:00Z"},
    {"*/15 * * * *", "America/New_York", "2026-11-01T06:10:00Z", "2026-11-01T07:00:00Z"},
    // Berlin, spring (2026-03-29 02:00 CET -> 03:00 CEST = 01:00Z).
    {"30 2 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z", "2026-03-29T01:00:00Z"},
    {"0 * * * *", "Europe/Berlin", "2026-03-29T00:00:00Z", "2026-03-29T01:00:00Z"},
    {"0 * * * *", "Europe/Berlin", "2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z"},
    {"*/15 * * * *", "Europe/Berlin", "2026-03-29T00:45:00Z", "2026-03-29T01:00:00Z"},
    // Berlin, autumn (2026-10-25 03:00 CEST -> 02:00 CET = 01:00Z).
    {"30 2 * * *", "Europe/Berlin", "2026-10-24T12:00:00Z", "2026-10-25T00:30:00Z"},
    {"30 2 * * *", "Europe/Berlin", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"},
    {"0 * * * *", "Europe/Berlin", "2026-10-25T00:00:00Z", "2026-10-25T02:00:00Z"},
    {"*/15 * * * *", "Europe/Berlin", "2026-10-25T00:45:00Z", "2026-10-25T02:00:00Z"},
    // Lord Howe: a 30-minute DST (2026-10-04 02:00 -> 02:30 +11 = 15:30Z on
    // the 3rd; 2026-04-05 02:00 +11 -> 01:30 +10:30 = 15:00Z on the 4th).
    {"0 2 * * *", "Australia/Lord_Howe", "2026-10-03T00:00:00Z", "2026-10-03T15:30:00Z"},
    {"*/15 * * * *", "Australia/Lord_Howe", "2026-10-03T15:15:00Z", "2026-10-03T15:30:00Z"},
    {"45 1 * * *", "Australia/Lord_Howe", "2026-04-04T00:00:00Z", "2026-04-04T14:45:00Z"},
    {"45 1 * * *", "Australia/Lord_Howe", "2026-04-04T14:45:00Z", "2026-04-05T15:15:00Z"},
};

TEST(Schedule, NextFireTable) {
  for (const FireRow& row : kNextRows) {
    auto s = parse_schedule(row.expr, row.zone);
    ASSERT_TRUE(s.ok()) << row.expr << ": " << s.error().message;
    EXPECT_EQ(iso(next_fire(*s, at(row.from))), iso(at(row.expected)))
        << row.expr << " in " << row.zone << " after " << row.from;
  }
}

// previous_fire: the latest slot at or before `from`.
const FireRow kPreviousRows[] = {
    {"0 5 * * *", "UTC", "2026-01-15T05:00:00Z", "2026-01-15T05:00:00Z"},
    {"0 5 * * *", "UTC", "2026-01-15T04:59:59Z", "2026-01-14T05:00:00Z"},
    {"every 5m", "UTC", "2026-01-15T10:07:30Z", "2026-01-15T10:05:00Z"},
    {"every 5m", "UTC", "2026-01-15T10:05:00Z", "2026-01-15T10:05:00Z"},
    {"0 0 * * MON-FRI", "UTC", "2026-01-18T12:00:00Z", "2026-01-16T00:00:00Z"},
    {"0 0 31 * *", "UTC", "2026-03-30T00:00:00Z", "2026-01-31T00:00:00Z"},
    {"0 0 29 2 *", "UTC", "2026-06-01T00:00:00Z", "2024-02-29T00:00:00Z"},
    {"@yearly", "UTC", "2026-06-01T00:00:00Z", "2026-01-01T00:00:00Z"},
    {"30 2 * * *", "America/New_York", "2026-03-08T12:00:00Z", "2026-03-08T07:00:00Z"},
    {"30 1 * * *", "America/New_York", "2026-11-01T06:45:00Z", "2026-11-01T05:30:00Z"},
    {"0 * * * *", "America/New_York", "2026-11-01T06:30:00Z", "2026-11-01T05:00:00Z"},
    {"30 2 * * *", "Europe/Berlin", "2026-10-25T01:45:00Z", "2026-10-25T00:30:00Z"},
    {"0 9 * * *", "Asia/Kolkata", "2026-01-15T03:29:00Z", "2026-01-14T03:30:00Z"},
};

TEST(Schedule, PreviousFireTable) {
  for (const FireRow& row : kPreviousRows) {
    auto s = parse_schedule(row.expr, row.zone);
    ASSERT_TRUE(s.ok()) << row.expr << ": " << s.error().message;
    EXPECT_EQ(iso(previous_fire(*s, at(row.from))), iso(at(row.expected)))
        << row.expr << " in " << row.zone << " at " << row.from;
  }
}

// For any instant t: previous <= t < next, and no slot lies between them,
// across both 2026 transitions of each zone.
TEST(Schedule, PreviousAndNextAgreeAroundTransitions) {
  const char* exprs[] = {"* * * * *",  "*/15 * * * *", "0 * * * *",
                         "30 2 * * *", "30 1 * * *",   "0 0 13 * FRI"};
  const char* zones[] = {"UTC", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe",
                         "Asia/Kolkata"};
  std::mt19937_64 rng(18);
  const int64_t lo = at("2026-01-01T00:00:00Z");
  const int64_t hi = at("2027-01-01T00:00:00Z");
  for (const char* zone : zones) {
    for (const char* expr : exprs) {
      auto s = parse_schedule(expr, zone);
      ASSERT_TRUE(s.ok());
      for (int i = 0; i < 300; ++i) {
        int64_t t = lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(hi - lo));
        int64_t p = previous_fire(*s, t);
        int64_t n = next_fire(*s, t);
        ASSERT_LE(p, t) << expr << " " << zone << " " << iso(t);
        ASSERT_GT(n, t) << expr << " " << zone << " " << iso(t);
        ASSERT_EQ(next_fire(*s, p), n) << expr << " " << zone << " " << iso(t);
        ASSERT_EQ(previous_fire(*s, n - 1), p) << expr << " " << zone << " " << iso(t);
      }
    }
  }
}

// Every 15 minutes through a New York autumn day: the repeated hour fires
// once (its first pass), so the day has 96 slots, not 100.
TEST(Schedule, RepeatedHourFiresOnceSkippedHourOnce) {
  auto s = parse_schedule("*/15 * * * *", "America/New_York");
  ASSERT_TRUE(s.ok());
  auto count = [&](const char* from, const char* to) {
    int n = 0;
    for (int64_t t = next_fire(*s, at(from)); t < at(to); t = next_fire(*s, t)) ++n;
    return n;
  };
  EXPECT_EQ(count("2026-11-01T03:59:59Z", "2026-11-02T04:59:59Z"), 96);  // a 25-hour day
  EXPECT_EQ(count("2026-03-08T04:59:59Z", "2026-03-09T03:59:59Z"), 92);  // a 23-hour day
}

// An independent oracle for the DST rules: glibc's localtime_r (its own tz
// code, not cctz), minute by minute in UTC around each transition.
class GlibcZone {
 public:
  explicit GlibcZone(const char* zone) {
    const char* old = std::getenv("TZ");
    if (old != nullptr) old_ = old;
    had_old_ = old != nullptr;
    setenv("TZ", zone, 1);
    tzset();
  }
  ~GlibcZone() {
    if (had_old_) {
      setenv("TZ", old_.c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }
  // The local wall-clock minute at `unix_sec`, as seconds of a UTC-like
  // civil count (timegm), and its calendar fields.
  static int64_t civil_minute(int64_t unix_sec, std::tm* fields) {
    time_t t = static_cast<time_t>(unix_sec);
    localtime_r(&t, fields);
    fields->tm_sec = 0;
    std::tm copy = *fields;
    return static_cast<int64_t>(timegm(&copy));
  }

 private:
  std::string old_;
  bool had_old_ = false;
};

bool matches(const Schedule& s, int64_t civil) {
  time_t t = static_cast<time_t>(civil);
  std::tm f;
  gmtime_r(&t, &f);
  if (!s.minutes[f.tm_min] || !s.hours[f.tm_hour] || !s.months[f.tm_mon + 1]) return false;
  bool dom = s.days_of_month[f.tm_mday];
  bool dow = s.days_of_week[f.tm_wday];
  return s.dom_restricted && s.dow_restricted ? dom || dow : dom && dow;
}

// Slots in [from, to) (unix seconds, whole minutes): a matching local minute
// at its first occurrence, and a transition instant when a matching local
// minute was skipped by it.
std::vector<int64_t> oracle_slots(const Schedule& s, int64_t from, int64_t to) {
  GlibcZone zone(s.timezone.c_str());
  std::vector<int64_t> out;
  std::tm f;
  for (int64_t u = from; u < to; u += 60) {
    int64_t here = GlibcZone::civil_minute(u, &f);
    int64_t before = GlibcZone::civil_minute(u - 60, &f);
    bool slot = false;
    if (matches(s, here)) {
      slot = true;
      for (int64_t k = 1; k <= 180 && slot; ++k) {
        if (GlibcZone::civil_minute(u - k * 60, &f) == here) slot = false;  // not the first pass
      }
    }
    for (int64_t c = before + 60; c < here && !slot; c += 60) slot = matches(s, c);  // skipped
    if (slot) out.push_back(u);
  }
  return out;
}

TEST(Schedule, FireTimesMatchGlibcAroundEveryTransition) {
  const char* exprs[] = {"* * * * *",  "*/15 * * * *", "0 * * * *",     "30 * * * *",
                         "30 2 * * *", "30 1 * * *",   "0 2 * * *",     "45 1 * * *",
                         "0 3 * * *",  "0 0 * * SUN",  "5,55 0-3 * * *"};
  const char* zones[] = {"America/New_York", "Europe/Berlin", "Australia/Lord_Howe",
                         "Asia/Kolkata"};
  const char* transitions[] = {"2026-03-08T07:00:00Z", "2026-11-01T06:00:00Z",
                               "2026-03-29T01:00:00Z", "2026-10-25T01:00:00Z",
                               "2026-04-04T15:00:00Z", "2026-10-03T15:30:00Z"};
  for (const char* zone : zones) {
    for (const char* expr : exprs) {
      auto s = parse_schedule(expr, zone);
      ASSERT_TRUE(s.ok()) << expr;
      for (const char* transition : transitions) {
        const int64_t from = at(transition) / 1000000 - 5 * 3600;
        const int64_t to = from + 10 * 3600;
        std::vector<int64_t> ours;
        for (int64_t t = next_fire(*s, from * 1000000 - 1); t < to * int64_t{1000000};
             t = next_fire(*s, t)) {
          ours.push_back(t / 1000000);
        }
        EXPECT_EQ(ours, oracle_slots(*s, from, to))
            << expr << " in " << zone << " around " << transition;
      }
    }
  }
}

struct ErrorRow {
  const char* expr;
  const char* zone;
  const char* message;
};

const ErrorRow kErrorRows[] = {
    {"0 0 30 2 *", "UTC", "never fires: February has no day 30"},
    {"0 0 31 4 *", "UTC", "never fires: April has no day 31"},
    {"0 0 30,31 FEB *", "UTC", "never fires: February has no day 30,31"},
    {"0 0 31 4,6,9,11 *", "UTC", "never fires: no month in '4,6,9,11' has a day in '31'"},
    {"60 * * * *", "UTC", "cron field minute '60': value 60 is out of range 0-59"},
    {"0 24 * * *", "UTC", "cron field hour '24': value 24 is out of range 0-23"},
    {"0 0 0 * *", "UTC", "cron field day-of-month '0': value 0 is out of range 1-31"},
    {"0 0 * 13 *", "UTC", "cron field month '13': value 13 is out of range 1-12"},
    {"0 0 * * 8", "UTC", "cron field day-of-week '8': value 8 is out of range 0-7"},
    {"0 0 * FOO *", "UTC", "'FOO' is neither a number nor a name (JAN-DEC)"},
    {"0 0 * * MONDAY", "UTC", "'MONDAY' is neither a number nor a name (SUN-SAT)"},
    {"*/0 * * * *", "UTC", "step '0' must be a number from 1 to 60"},
    {"5-2 * * * *", "UTC", "range 5-2 goes backwards"},
    {"1,,2 * * * *", "UTC", "an empty list item"},
    {"1, * * * *", "UTC", "an empty list item"},
    {"-5 * * * *", "UTC", "'-5' is not a number"},
    {"0 0 * *", "UTC", "found 4 fields"},
    {"@reboot", "UTC", "unknown schedule '@reboot'"},
    {"every 0m", "UTC", "expected 'every N' with a unit s, m, h or d"},
    {"every 5w", "UTC", "expected 'every N' with a unit s, m, h or d"},
    {"every m", "UTC", "expected 'every N' with a unit s, m, h or d"},
    {"every 999999999d", "UTC", "an interval is at most 366 days"},
    {"every 367d", "UTC", "an interval is at most 366 days"},
    {"0 5 * * *", "Mars/Olympus", "unknown time zone 'Mars/Olympus'"},
    {"0 5 * * *", "../../../etc/passwd", "unknown time zone"},
    {"0 5 * * *", "/usr/share/zoneinfo/UTC", "unknown time zone"},
    {"0 5 * * *", "localtime", "unknown time zone"},
    {"0 5 * * *", "", "unknown time zone ''"},
};

TEST(Schedule, ErrorTable) {
  for (const ErrorRow& row : kErrorRows) {
    auto s = parse_schedule(row.expr, row.zone);
    ASSERT_FALSE(s.ok()) << row.expr << " in " << row.zone;
    EXPECT_NE(s.error().message.find(row.message), std::string::npos)
        << row.expr << ": " << s.error().message;
  }
}

TEST(Schedule, ValidEdgeExpressions) {
  for (const char* expr : {"0 0 29 2 *", "0 0 30 2 1", "0 0 31 * *", "0 0 * * 0-7",
                           "0 0 1-31/2 JAN-dec SUN-sat", "59 23 31 12 7"}) {
    EXPECT_TRUE(parse_schedule(expr).ok()) << expr;
    EXPECT_EQ(check_schedule(expr), "") << expr;
  }
  EXPECT_NE(check_schedule("0 0 30 2 *"), "");
  auto every = parse_schedule("every 90s");
  ASSERT_TRUE(every.ok());
  EXPECT_EQ(every->kind, Schedule::Kind::interval);
  EXPECT_EQ(every->interval_micros, 90000000);
  auto cron = parse_schedule("0 0 * * 7");
  ASSERT_TRUE(cron.ok());
  EXPECT_TRUE(cron->days_of_week[0]);  // 7 is read as 0
  EXPECT_EQ(cron->days_of_week.count(), 1u);
}

}  // namespace
}  // namespace crmsync
