#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace crmsync {

// A calendar date without a time zone (Salesforce `date`, SQL DATE).
struct Date {
  int32_t days = 0;  // since 1970-01-01

  static std::optional<Date> parse(std::string_view text);  // YYYY-MM-DD
  static Date from_ymd(int y, unsigned m, unsigned d);
  void to_ymd(int& y, unsigned& m, unsigned& d) const;
  std::string to_string() const;  // YYYY-MM-DD
  auto operator<=>(const Date&) const = default;
};

// An instant with the UTC offset it was written in. Equality and order are by
// instant; the offset only decides how it is written back out.
struct DateTime {
  int64_t micros = 0;          // since 1970-01-01T00:00:00Z
  int16_t offset_minutes = 0;  // the zone it was read in, for output

  // ISO 8601: `YYYY-MM-DD[T ]HH:MM[:SS[.f+]]` then `Z`, `+HH:MM`, `+HHMM` or
  // `+HH` (Salesforce writes `2024-01-01T12:00:00.000+0000`). A text without a
  // zone is read in `default_offset_minutes` when given, and rejected
  // otherwise: a time without a zone is ambiguous and we do not guess.
  static std::optional<DateTime> parse(std::string_view text,
                                       std::optional<int> default_offset_minutes = std::nullopt);
  static DateTime from_unix_seconds(int64_t secs) { return DateTime{secs * 1000000, 0}; }

  // `2024-01-01T12:00:00Z`, fractional seconds only when present, the offset
  // it was read in (`+02:00`).
  std::string to_iso8601() const;
  // `2024-01-01T12:00:00.000+0000`: what Salesforce writes and accepts.
  std::string to_salesforce() const;
  // The same instant written in UTC.
  DateTime in_utc() const { return DateTime{micros, 0}; }
  // In UTC, rounded down to the whole second: an inclusive `>=` bound for
  // APIs that take seconds (SOQL literals, Pipedrive updated_since).
  DateTime floor_to_second_utc() const {
    int64_t secs = micros >= 0 ? micros / 1000000 : (micros - 999999) / 1000000;
    return DateTime{secs * 1000000, 0};
  }
  Date date() const;  // calendar date in the stored offset

  bool operator==(const DateTime& o) const { return micros == o.micros; }
  auto operator<=>(const DateTime& o) const { return micros <=> o.micros; }
};

int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
void civil_from_days(int64_t z, int& y, unsigned& m, unsigned& d);

}  // namespace crmsync
