// Parsing `trigger.schedule`: intervals, 5-field cron and @macros. The
// fire-time search lives in schedule_fire.cc, the time zones in
// schedule_zone.cc.
#include "config/schedule.h"

#include <array>
#include <cctype>
#include <cstdint>
#include <sstream>
#include <vector>

#include "config/schedule_zone.h"

namespace crmsync {
namespace {

struct FieldSpec {
  const char* name;
  int lo;
  int hi;                    // for day-of-week 7 (Sunday again), folded into 0
  const char* const* names;  // 3-letter names, index 0 = value `names_base`
  int names_count;
  int names_base;
};

constexpr const char* kMonthNames[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                       "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr const char* kDayNames[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};
constexpr const char* kMonthFull[] = {"January",   "February", "March",    "April",
                                      "May",       "June",     "July",     "August",
                                      "September", "October",  "November", "December"};

constexpr FieldSpec kFields[5] = {
    {"minute", 0, 59, nullptr, 0, 0},       {"hour", 0, 23, nullptr, 0, 0},
    {"day-of-month", 1, 31, nullptr, 0, 0}, {"month", 1, 12, kMonthNames, 12, 1},
    {"day-of-week", 0, 7, kDayNames, 7, 0},
};

bool parse_number(const std::string& s, int& out) {
  if (s.empty() || s.size() > 9) return false;
  out = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// One value of a field: a number in range or, for month and day-of-week, a name.
std::string parse_value(const std::string& s, const FieldSpec& f, int& out) {
  if (parse_number(s, out)) {
    if (out < f.lo || out > f.hi) {
      return "value " + s + " is out of range " + std::to_string(f.lo) + "-" + std::to_string(f.hi);
    }
    return {};
  }
  std::string u = upper(s);
  for (int i = 0; i < f.names_count; ++i) {
    if (u == f.names[i]) {
      out = f.names_base + i;
      return {};
    }
  }
  if (f.names != nullptr) {
    return "'" + s + "' is neither a number nor a name (" + f.names[0] + "-" +
           f.names[f.names_count - 1] + ")";
  }
  return "'" + s + "' is not a number";
}

// "*", "*/n", "a", "a-b", "a/n", "a-b/n", and comma lists of those. Sets the
// bits of `mask` (bit i = value i) and tells whether the field starts with '*'.
std::string parse_field(const std::string& field, const FieldSpec& f, uint64_t& mask, bool& star) {
  mask = 0;
  star = !field.empty() && field[0] == '*';
  if (field.empty() || field.back() == ',') return "an empty list item";
  std::stringstream ss(field);
  std::string part;
  while (std::getline(ss, part, ',')) {
    if (part.empty()) return "an empty list item";
    std::string range = part;
    int step = 1;
    bool has_step = false;
    size_t slash = part.find('/');
    if (slash != std::string::npos) {
      has_step = true;
      std::string st = part.substr(slash + 1);
      if (!parse_number(st, step) || step < 1 || step > f.hi - f.lo + 1) {
        return "step '" + st + "' must be a number from 1 to " + std::to_string(f.hi - f.lo + 1);
      }
      range = part.substr(0, slash);
    }
    int a = f.lo;
    int b = f.hi;
    if (range == "*") {
      if (&f == &kFields[4]) b = 6;  // `*` is Sunday once, not 0 and 7
    } else {
      size_t dash = range.find('-', 1);
      std::string err = parse_value(range.substr(0, dash), f, a);
      if (!err.empty()) return err;
      if (dash != std::string::npos) {
        err = parse_value(range.substr(dash + 1), f, b);
        if (!err.empty()) return err;
        if (a > b) return "range " + range + " goes backwards";
      } else if (!has_step) {
        b = a;  // a single value; "a/n" runs from a to the field's maximum
      }
    }
    for (int v = a; v <= b; v += step) mask |= uint64_t{1} << v;
  }
  return {};
}

std::string macro_expansion(const std::string& text) {
  std::string m = upper(text);
  if (m == "@HOURLY") return "0 * * * *";
  if (m == "@DAILY" || m == "@MIDNIGHT") return "0 0 * * *";
  if (m == "@WEEKLY") return "0 0 * * 0";
  if (m == "@MONTHLY") return "0 0 1 * *";
  if (m == "@YEARLY" || m == "@ANNUALLY") return "0 0 1 1 *";
  return {};
}

int days_in_month_max(int month) {  // February counts its leap day
  static constexpr std::array<int, 13> kDays = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return kDays[month];
}

// A day-of-month list that no listed month has (`0 0 30 2 *`) never fires.
// Day-of-week restricted too means either matches (Vixie), so some day does.
std::string never_fires(const Schedule& s, const std::string& dom_field,
                        const std::string& month_field) {
  if (!s.dom_restricted || s.dow_restricted) return {};
  int max_day = 0;
  for (int m = 1; m <= 12; ++m) {
    if (s.months[m]) max_day = std::max(max_day, days_in_month_max(m));
  }
  for (int d = 1; d <= max_day; ++d) {
    if (s.days_of_month[d]) return {};
  }
  std::string months;
  int count = 0;
  for (int m = 1; m <= 12; ++m) {
    if (!s.months[m]) continue;
    months += (count++ ? ", " : "") + std::string(kMonthFull[m - 1]);
  }
  if (count <= 3) {
    return "never fires: " + months + (count == 1 ? " has" : " have") + " no day " + dom_field;
  }
  return "never fires: no month in '" + month_field + "' has a day in '" + dom_field + "'";
}

Result<Schedule> parse_interval(const std::string& text) {
  std::string n = text.substr(6);
  int v = 0;
  int64_t unit = 0;
  if (n.size() >= 2) {
    switch (n.back()) {
      case 's':
        unit = 1;
        break;
      case 'm':
        unit = 60;
        break;
      case 'h':
        unit = 3600;
        break;
      case 'd':
        unit = 86400;
        break;
      default:
        break;
    }
  }
  if (unit == 0 || !parse_number(n.substr(0, n.size() - 1), v) || v < 1) {
    return Error(
        ErrorKind::fatal,
        "expected 'every N' with a unit s, m, h or d (e.g. 'every 5m'), found '" + text + "'");
  }
  // A year at most: longer is surely a typo, and keeps the micros far from overflow.
  if (v * unit > int64_t{366} * 86400) {
    return Error(ErrorKind::fatal, "'" + text + "': an interval is at most 366 days");
  }
  Schedule s;
  s.kind = Schedule::Kind::interval;
  s.text = text;
  s.interval_micros = v * unit * 1000000;
  return s;
}

}  // namespace

Result<Schedule> parse_schedule(const std::string& text, const std::string& timezone) {
  std::string zone_problem = check_time_zone(timezone);
  if (!zone_problem.empty()) return Error(ErrorKind::fatal, zone_problem);
  if (text.rfind("every ", 0) == 0) {
    auto r = parse_interval(text);
    if (r.ok()) r->timezone = timezone;
    return r;
  }
  std::string expanded = text;
  if (!text.empty() && text[0] == '@') {
    expanded = macro_expansion(text);
    if (expanded.empty()) {
      return Error(ErrorKind::fatal, "unknown schedule '" + text +
                                         "' (known: @hourly, @daily, @midnight, @weekly, "
                                         "@monthly, @yearly, @annually)");
    }
  }
  std::stringstream ss(expanded);
  std::vector<std::string> fields;
  std::string word;
  while (ss >> word) fields.push_back(word);
  if (fields.size() != 5) {
    return Error(ErrorKind::fatal,
                 "expected 'every N{s,m,h,d}' or a cron expression with 5 fields (minute hour "
                 "day-of-month month day-of-week), found " +
                     std::to_string(fields.size()) + " field" + (fields.size() == 1 ? "" : "s"));
  }
  Schedule s;
  s.kind = Schedule::Kind::cron;
  s.text = text;
  s.timezone = timezone;
  std::array<uint64_t, 5> masks{};
  std::array<bool, 5> stars{};
  for (int i = 0; i < 5; ++i) {
    std::string err = parse_field(fields[i], kFields[i], masks[i], stars[i]);
    if (!err.empty()) {
      const FieldSpec& f = kFields[i];
      std::string names =
          f.names ? std::string(", names ") + f.names[0] + "-" + f.names[f.names_count - 1] : "";
      return Error(ErrorKind::fatal, std::string("cron field ") + f.name + " '" + fields[i] +
                                         "': " + err + " (" + std::to_string(f.lo) + "-" +
                                         std::to_string(f.hi) + names +
                                         ", *, lists, ranges, /steps)");
    }
  }
  if (masks[4] & (uint64_t{1} << 7)) masks[4] = (masks[4] | 1) & ~(uint64_t{1} << 7);
  for (int v = 0; v < 60; ++v) s.minutes[v] = masks[0] >> v & 1;
  for (int v = 0; v < 24; ++v) s.hours[v] = masks[1] >> v & 1;
  for (int v = 1; v <= 31; ++v) s.days_of_month[v] = masks[2] >> v & 1;
  for (int v = 1; v <= 12; ++v) s.months[v] = masks[3] >> v & 1;
  for (int v = 0; v < 7; ++v) s.days_of_week[v] = masks[4] >> v & 1;
  // Vixie cron: a day field starting with '*' (`*`, `*/2`) does not restrict.
  s.dom_restricted = !stars[2];
  s.dow_restricted = !stars[4];
  std::string never = never_fires(s, fields[2], fields[3]);
  if (!never.empty()) return Error(ErrorKind::fatal, never);
  return s;
}

std::string check_schedule(const std::string& schedule) {
  auto r = parse_schedule(schedule);
  return r.ok() ? std::string() : r.error().message;
}

}  // namespace crmsync
