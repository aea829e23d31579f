#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace crmsync {

// An exact base-10 number: coefficient * 10^-scale. Money never goes through
// binary floating point, so "123.45" read from one system is "123.45" written
// to the other. 38 significant digits, which covers SQL NUMERIC(38,s) and
// Salesforce currency fields.
class Decimal {
 public:
  static constexpr int kMaxScale = 38;

  Decimal() = default;
  static Decimal from_int(int64_t v) { return Decimal(v, 0); }
  // Accepts [+-]digits[.digits][e[+-]digits]. nullopt on anything else or overflow.
  static std::optional<Decimal> parse(std::string_view text);
  // Nearest decimal with at most 17 significant digits; for sources that only
  // give doubles (Lua numbers). nullopt for NaN/inf.
  static std::optional<Decimal> from_double(double v);

  __int128 coefficient() const { return coef_; }
  int scale() const { return scale_; }
  bool is_integer() const;
  std::optional<int64_t> to_int64() const;  // only when integral and in range
  double to_double() const;

  // Plain notation, no exponent; keeps the scale ("1.50" stays "1.50").
  std::string to_string() const;
  // Trailing fractional zeros removed ("1.50" -> "1.5", "2.000" -> "2"); the
  // form used for checksums and comparisons.
  Decimal normalized() const;
  // Rounds half away from zero to `scale` fractional digits.
  Decimal rounded(int scale) const;

  int compare(const Decimal& other) const;
  bool operator==(const Decimal& o) const { return compare(o) == 0; }
  bool operator<(const Decimal& o) const { return compare(o) < 0; }

  std::optional<Decimal> add(const Decimal& o) const;
  std::optional<Decimal> sub(const Decimal& o) const;
  std::optional<Decimal> mul(const Decimal& o) const;

 private:
  Decimal(__int128 coef, int scale) : coef_(coef), scale_(static_cast<int8_t>(scale)) {}
  __int128 coef_ = 0;
  int8_t scale_ = 0;
};

}  // namespace crmsync
