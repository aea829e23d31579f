#include "core/time.h"

#include <cstdio>

namespace crmsync {
namespace {

// Reads exactly n digits at s[i]; advances i.
bool digits(std::string_view s, size_t& i, int n, int& out) {
  if (i + n > s.size()) return false;
  int v = 0;
  for (int k = 0; k < n; ++k) {
    char c = s[i + k];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  i += n;
  return true;
}

unsigned days_in_month(int y, unsigned m) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

bool parse_ymd(std::string_view s, size_t& i, int& y, int& m, int& d) {
  if (!digits(s, i, 4, y) || i >= s.size() || s[i++] != '-' || !digits(s, i, 2, m) ||
      i >= s.size() || s[i++] != '-' || !digits(s, i, 2, d)) {
    return false;
  }
  return m >= 1 && m <= 12 && d >= 1 && d <= static_cast<int>(days_in_month(y, m));
}

}  // namespace

// Howard Hinnant's civil calendar algorithms (public domain).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(yy + (m <= 2));
}

std::optional<Date> Date::parse(std::string_view s) {
  size_t i = 0;
  int y, m, d;
  if (!parse_ymd(s, i, y, m, d) || i != s.size()) return std::nullopt;
  return from_ymd(y, m, d);
}

Date Date::from_ymd(int y, unsigned m, unsigned d) {
  return Date{static_cast<int32_t>(days_from_civil(y, m, d))};
}

void Date::to_ymd(int& y, unsigned& m, unsigned& d) const {
  civil_from_days(days, y, m, d);
}

namespace {

// Zero-padded digits without snprintf: dates are formatted for every date
// field written to a target or a checksum-free text column, per record.
void put_digits(char* at, unsigned v, int width) {
  for (int i = width - 1; i >= 0; --i, v /= 10) at[i] = static_cast<char>('0' + v % 10);
}

// "YYYY-MM-DD" for years 0-9999 into `out`; false for other years.
bool put_ymd(int y, unsigned m, unsigned d, char* out) {
  if (y < 0 || y > 9999) return false;
  put_digits(out, static_cast<unsigned>(y), 4);
  out[4] = '-';
  put_digits(out + 5, m, 2);
  out[7] = '-';
  put_digits(out + 8, d, 2);
  return true;
}

}  // namespace

std::string Date::to_string() const {
  int y;
  unsigned m, d;
  to_ymd(y, m, d);
  char buf[32];
  if (put_ymd(y, m, d, buf)) return std::string(buf, 10);
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  return buf;
}

std::optional<DateTime> DateTime::parse(std::string_view s,
                                        std::optional<int> default_offset_minutes) {
  size_t i = 0;
  int y, mo, d, hh = 0, mm = 0, ss = 0;
  if (!parse_ymd(s, i, y, mo, d)) return std::nullopt;
  if (i >= s.size() || (s[i] != 'T' && s[i] != ' ' && s[i] != 't')) return std::nullopt;
  ++i;
  if (!digits(s, i, 2, hh) || i >= s.size() || s[i++] != ':' || !digits(s, i, 2, mm)) {
    return std::nullopt;
  }
  int64_t frac_micros = 0;
  if (i < s.size() && s[i] == ':') {
    ++i;
    if (!digits(s, i, 2, ss)) return std::nullopt;
    if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
      ++i;
      int n = 0;
      int64_t scale = 100000;
      for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, ++n) {
        if (scale > 0) {
          frac_micros += (s[i] - '0') * scale;
          scale /= 10;
        }
      }
      if (n == 0) return std::nullopt;
    }
  }
  if (hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  if (ss == 60) ss = 59;  // leap second: clamp, we have no leap table
  int offset = 0;
  if (i == s.size()) {
    if (!default_offset_minutes) return std::nullopt;
    offset = *default_offset_minutes;
  } else if (s[i] == 'Z' || s[i] == 'z') {
    ++i;
  } else if (s[i] == '+' || s[i] == '-') {
    bool neg = s[i++] == '-';
    int oh = 0, om = 0;
    if (!digits(s, i, 2, oh)) return std::nullopt;
    if (i < s.size() && s[i] == ':') ++i;
    if (i < s.size() && !digits(s, i, 2, om)) return std::nullopt;
    if (oh > 18 || om > 59) return std::nullopt;
    offset = (oh * 60 + om) * (neg ? -1 : 1);
  } else {
    return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  int64_t days = days_from_civil(y, mo, d);
  int64_t secs = days * 86400 + hh * 3600 + mm * 60 + ss - offset * 60;
  // 0000-01-01T00:00+02 is in the year -1 in UTC, which no writer here
  // (to_salesforce, SQL text) can put back (found by fuzz/decimal_time).
  if (secs < days_from_civil(0, 1, 1) * 86400) return std::nullopt;
  return DateTime{secs * 1000000 + frac_micros, static_cast<int16_t>(offset)};
}

namespace {

struct Parts {
  int y;
  unsigned mo, d;
  int hh, mm, ss;
  int64_t micros;
};

Parts split(const DateTime& t) {
  int64_t local = t.micros + int64_t{t.offset_minutes} * 60 * 1000000;
  int64_t secs = local >= 0 ? local / 1000000 : (local - 999999) / 1000000;
  Parts p;
  p.micros = local - secs * 1000000;
  int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  int64_t rem = secs - days * 86400;
  civil_from_days(days, p.y, p.mo, p.d);
  p.hh = static_cast<int>(rem / 3600);
  p.mm = static_cast<int>(rem % 3600 / 60);
  p.ss = static_cast<int>(rem % 60);
  return p;
}

}  // namespace

std::string DateTime::to_iso8601() const {
  Parts p = split(*this);
  char buf[64];
  int n = 19;
  if (put_ymd(p.y, p.mo, p.d, buf)) {
    buf[10] = 'T';
    put_digits(buf + 11, static_cast<unsigned>(p.hh), 2);
    buf[13] = ':';
    put_digits(buf + 14, static_cast<unsigned>(p.mm), 2);
    buf[16] = ':';
    put_digits(buf + 17, static_cast<unsigned>(p.ss), 2);
  } else {
    n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", p.y, p.mo, p.d, p.hh, p.mm,
                      p.ss);
  }
  std::string out(buf, n);
  if (p.micros != 0) {
    char f[7] = {'.'};
    put_digits(f + 1, static_cast<unsigned>(p.micros), 6);  // 0 < micros < 1,000,000
    std::string frac(f, 7);
    while (frac.size() > 4 && frac.back() == '0') frac.pop_back();  // keep at least ms
    out += frac;
  }
  if (offset_minutes == 0) {
    out += 'Z';
  } else {
    int o = offset_minutes < 0 ? -offset_minutes : offset_minutes;
    std::snprintf(buf, sizeof buf, "%c%02d:%02d", offset_minutes < 0 ? '-' : '+', o / 60, o % 60);
    out += buf;
  }
  return out;
}

std::string DateTime::to_salesforce() const {
  Parts p = split(in_utc());
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03d+0000", p.y, p.mo, p.d, p.hh,
                p.mm, p.ss, static_cast<int>(p.micros / 1000));
  return buf;
}

Date DateTime::date() const {
  Parts p = split(*this);
  return Date::from_ymd(p.y, p.mo, p.d);
}

}  // namespace crmsync
