#include "sandbox/common/jalali.h"

#include <cstdio>

namespace crmsync::sandbox {

namespace {
// Days since 1970-01-01 -> civil date (H. Hinnant's algorithm).
void civil_from_days(int64_t z, int& year, int& month, int& day) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
}

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}
}  // namespace

// The arithmetic of the widely used jdf converter (33-year cycles), exact
// for the years these systems see.
JalaliDate gregorian_to_jalali(int gy, int gm, int gd) {
  static const int kDaysBeforeMonth[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
  int gy2 = gm > 2 ? gy + 1 : gy;
  int64_t days = 355666 + 365 * int64_t{gy} + (gy2 + 3) / 4 - (gy2 + 99) / 100 + (gy2 + 399) / 400 +
                 gd + kDaysBeforeMonth[gm - 1];
  JalaliDate j;
  j.year = static_cast<int>(-1595 + 33 * (days / 12053));
  days %= 12053;
  j.year += static_cast<int>(4 * (days / 1461));
  days %= 1461;
  if (days > 365) {
    j.year += static_cast<int>((days - 1) / 365);
    days = (days - 1) % 365;
  }
  if (days < 186) {
    j.month = static_cast<int>(1 + days / 31);
    j.day = static_cast<int>(1 + days % 31);
  } else {
    j.month = static_cast<int>(7 + (days - 186) / 30);
    j.day = static_cast<int>(1 + (days - 186) % 30);
  }
  return j;
}

JalaliDate tehran_jalali_date(int64_t epoch_secs) {
  int y = 0, m = 0, d = 0;
  civil_from_days(floor_div(epoch_secs + kTehranOffsetSecs, 86400), y, m, d);
  return gregorian_to_jalali(y, m, d);
}

std::string jalali_text(const JalaliDate& date) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d/%02d/%02d", date.year, date.month, date.day);
  return buf;
}

std::string tehran_hh_mm(int64_t epoch_secs) {
  int64_t in_day =
      epoch_secs + kTehranOffsetSecs - floor_div(epoch_secs + kTehranOffsetSecs, 86400) * 86400;
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", static_cast<int>(in_day / 3600),
                static_cast<int>(in_day / 60 % 60));
  return buf;
}

std::string tehran_local_iso(int64_t epoch_millis) {
  int64_t local_ms = epoch_millis + kTehranOffsetSecs * 1000;
  int64_t days = floor_div(local_ms, 86400000);
  int64_t in_day = local_ms - days * 86400000;
  int y = 0, m = 0, d = 0;
  civil_from_days(days, y, m, d);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03d", y, m, d,
                static_cast<int>(in_day / 3600000), static_cast<int>(in_day / 60000 % 60),
                static_cast<int>(in_day / 1000 % 60), static_cast<int>(in_day % 1000));
  return buf;
}

std::string hex_lower(std::string_view bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

}  // namespace crmsync::sandbox
