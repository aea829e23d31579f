#include "core/decimal.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace crmsync {
namespace {

constexpr __int128 kMaxCoef = [] {
  __int128 v = 1;
  for (int i = 0; i < 38; ++i) v *= 10;
  return v - 1;  // 38 nines
}();

__int128 pow10(int n) {
  __int128 v = 1;
  for (int i = 0; i < n; ++i) v *= 10;
  return v;
}

// Scales `c` up by 10^n; false on overflow.
bool scale_up(__int128& c, int n) {
  for (int i = 0; i < n; ++i) {
    if (c > kMaxCoef / 10 || c < -kMaxCoef / 10) return false;
    c *= 10;
  }
  return true;
}

}  // namespace

std::optional<Decimal> Decimal::parse(std::string_view s) {
  size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  __int128 coef = 0;
  int scale = 0;
  int digits = 0;
  bool seen_point = false;
  int significant = 0;
  for (; i < s.size(); ++i) {
    char ch = s[i];
    if (ch == '.') {
      if (seen_point) return std::nullopt;
      seen_point = true;
      continue;
    }
    if (ch < '0' || ch > '9') break;
    ++digits;
    if (coef != 0 || ch != '0') ++significant;
    if (significant > 38) return std::nullopt;
    coef = coef * 10 + (ch - '0');
    if (seen_point) ++scale;
  }
  if (digits == 0) return std::nullopt;
  int exp = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool eneg = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
    int edigits = 0;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      exp = exp * 10 + (s[i] - '0');
      if (exp > 1000) return std::nullopt;
      ++edigits;
    }
    if (edigits == 0) return std::nullopt;
    if (eneg) exp = -exp;
  }
  if (i != s.size()) return std::nullopt;
  scale -= exp;
  if (scale < 0) {
    if (!scale_up(coef, -scale)) return std::nullopt;
    scale = 0;
  }
  while (scale > kMaxScale) {  // drop digits only if they are zeros
    if (coef % 10 != 0) return std::nullopt;
    coef /= 10;
    --scale;
  }
  return Decimal(neg ? -coef : coef, scale);
}

std::optional<Decimal> Decimal::from_double(double v) {
  if (!std::isfinite(v)) return std::nullopt;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  // %.17g round-trips but may show noise (0.1 -> 0.10000000000000001);
  // prefer the shortest representation that reads back as the same double.
  for (int prec = 1; prec <= 17; ++prec) {
    char tmp[64];
    std::snprintf(tmp, sizeof tmp, "%.*g", prec, v);
    if (std::strtod(tmp, nullptr) == v) {
      auto d = parse(tmp);
      if (d) return d->normalized();
      break;
    }
  }
  auto d = parse(buf);
  if (!d) return std::nullopt;
  return d->normalized();
}

bool Decimal::is_integer() const {
  return scale_ == 0 || coef_ % pow10(scale_) == 0;
}

std::optional<int64_t> Decimal::to_int64() const {
  if (!is_integer()) return std::nullopt;
  __int128 v = coef_ / pow10(scale_);
  if (v > INT64_MAX || v < INT64_MIN) return std::nullopt;
  return static_cast<int64_t>(v);
}

double Decimal::to_double() const {
  return std::strtod(to_string().c_str(), nullptr);
}

std::string Decimal::to_string() const {
  unsigned __int128 c =
      coef_ < 0 ? -static_cast<unsigned __int128>(coef_) : static_cast<unsigned __int128>(coef_);
  char buf[64];
  int n = 0;
  // 128-bit division is a library call per digit; nearly every amount
  // fits 64 bits, where it is one multiply.
  for (; c > UINT64_MAX; c /= 10) buf[n++] = static_cast<char>('0' + static_cast<int>(c % 10));
  uint64_t small = static_cast<uint64_t>(c);
  do {
    buf[n++] = static_cast<char>('0' + small % 10);
    small /= 10;
  } while (small != 0);
  while (n <= scale_) buf[n++] = '0';  // at least one digit before the point
  std::string out;
  out.reserve(n + 2);
  if (coef_ < 0) out.push_back('-');
  for (int i = n - 1; i >= 0; --i) {
    out.push_back(buf[i]);
    if (i == scale_ && scale_ > 0) out.push_back('.');
  }
  return out;
}

Decimal Decimal::normalized() const {
  __int128 c = coef_;
  int s = scale_;
  while (s > 0 && c % 10 == 0) {
    c /= 10;
    --s;
  }
  return Decimal(c, s);
}

Decimal Decimal::rounded(int scale) const {
  if (scale < 0) scale = 0;
  if (scale >= scale_) {
    __int128 c = coef_;
    if (!scale_up(c, scale - scale_)) return *this;
    return Decimal(c, scale);
  }
  __int128 div = pow10(scale_ - scale);
  __int128 q = coef_ / div;
  __int128 r = coef_ % div;
  if (r < 0) r = -r;
  if (r * 2 >= div) q += coef_ < 0 ? -1 : 1;
  return Decimal(q, scale);
}

int Decimal::compare(const Decimal& o) const {
  if (scale_ == o.scale_) return coef_ < o.coef_ ? -1 : coef_ > o.coef_ ? 1 : 0;
  // Bring both to the larger scale; on overflow the scaled side is larger in magnitude.
  __int128 a = coef_, b = o.coef_;
  if (scale_ < o.scale_) {
    if (!scale_up(a, o.scale_ - scale_)) return a < 0 ? -1 : 1;
  } else if (!scale_up(b, scale_ - o.scale_)) {
    return b < 0 ? 1 : -1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

std::optional<Decimal> Decimal::add(const Decimal& o) const {
  int s = scale_ > o.scale_ ? scale_ : o.scale_;
  __int128 a = coef_, b = o.coef_;
  if (!scale_up(a, s - scale_) || !scale_up(b, s - o.scale_)) return std::nullopt;
  // Two 38-digit coefficients can sum past __int128 (2^127 is about 1.7e38).
  __int128 r;
  if (__builtin_add_overflow(a, b, &r) || r > kMaxCoef || r < -kMaxCoef) return std::nullopt;
  return Decimal(r, s);
}

std::optional<Decimal> Decimal::sub(const Decimal& o) const {
  return add(Decimal(-o.coef_, o.scale_));
}

std::optional<Decimal> Decimal::mul(const Decimal& o) const {
  Decimal a = normalized(), b = o.normalized();
  int s = a.scale_ + b.scale_;
  if (s > kMaxScale) return std::nullopt;
  __int128 x = a.coef_, y = b.coef_;
  if (x != 0 && (y > kMaxCoef / (x < 0 ? -x : x) || y < -kMaxCoef / (x < 0 ? -x : x))) {
    return std::nullopt;
  }
  return Decimal(x * y, s);
}

}  // namespace crmsync
