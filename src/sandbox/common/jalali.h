#pragma once

#include <cstdint>
#include <string>

namespace crmsync::sandbox {

// Iran's civil calendar and clock, which Siagh and Payamgostar speak: the
// Jalali (Solar Hijri) date and the local time of Tehran (UTC+03:30; Iran
// has had no daylight saving time since 2022).
constexpr int64_t kTehranOffsetSecs = 3 * 3600 + 30 * 60;

struct JalaliDate {
  int year = 0;
  int month = 0;  // 1..12
  int day = 0;    // 1..31
};

// The Jalali date of a Gregorian one (month 1..12).
JalaliDate gregorian_to_jalali(int year, int month, int day);
// The Jalali date in Tehran at `epoch_secs` (UTC).
JalaliDate tehran_jalali_date(int64_t epoch_secs);
// "1404/09/04": the date form of Siagh's SystemDate and RegDate.
std::string jalali_text(const JalaliDate& date);
// "17:33": Tehran's wall-clock time at `epoch_secs`.
std::string tehran_hh_mm(int64_t epoch_secs);
// "2025-12-21T14:06:17.173": Tehran's local time with milliseconds and no
// offset, as Payamgostar writes creatDate and modifyDate.
std::string tehran_local_iso(int64_t epoch_millis);

// Lower-case hex of `bytes`.
std::string hex_lower(std::string_view bytes);

}  // namespace crmsync::sandbox
