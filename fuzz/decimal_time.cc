// Decimals and datetimes (core/decimal, core/time). The input is two lines:
// each is read as a decimal, a date and a datetime; what parses writes back
// as text that parses to the same value, and two decimals' arithmetic and
// order agree with each other.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/decimal.h"
#include "core/time.h"
#include "fuzz_check.h"

namespace {

using crmsync::Date;
using crmsync::DateTime;
using crmsync::Decimal;

std::optional<Decimal> decimal_round_trip(std::string_view text) {
  auto d = Decimal::parse(text);
  if (!d) return d;
  std::string out = d->to_string();
  auto again = Decimal::parse(out);
  FUZZ_CHECK(again && again->compare(*d) == 0 && again->scale() == d->scale(), "%s -> %s",
             std::string(text).c_str(), out.c_str());
  Decimal n = d->normalized();
  FUZZ_CHECK(n.compare(*d) == 0, "normalized %s", out.c_str());
  for (int scale = 0; scale <= 4; ++scale) (void)d->rounded(scale);
  if (auto i = d->to_int64()) FUZZ_CHECK(Decimal::from_int(*i).compare(*d) == 0, "%s", out.c_str());
  (void)d->to_double();
  return d;
}

void time_round_trip(std::string_view text) {
  if (auto d = Date::parse(text)) {
    auto again = Date::parse(d->to_string());
    FUZZ_CHECK(again && *again == *d, "date %s -> %s", std::string(text).c_str(),
               d->to_string().c_str());
  }
  for (std::optional<int> zone : {std::optional<int>(), std::optional<int>(90)}) {
    auto t = DateTime::parse(text, zone);
    if (!t) continue;
    std::string iso = t->to_iso8601();
    auto again = DateTime::parse(iso);
    FUZZ_CHECK(again && again->micros == t->micros && again->offset_minutes == t->offset_minutes,
               "datetime %s -> %s", std::string(text).c_str(), iso.c_str());
    auto sf = DateTime::parse(t->to_salesforce());
    FUZZ_CHECK(sf.has_value(), "salesforce form %s", t->to_salesforce().c_str());
    (void)t->date();
    (void)t->floor_to_second_utc();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  size_t nl = text.find('\n');
  std::string_view a = text.substr(0, nl);
  std::string_view b = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
  auto x = decimal_round_trip(a);
  auto y = decimal_round_trip(b);
  time_round_trip(a);
  time_round_trip(b);
  if (!x || !y) return 0;
  int order = x->compare(*y);
  FUZZ_CHECK(order == -y->compare(*x), "compare is not antisymmetric");
  if (auto diff = x->sub(*y)) {
    int sign = diff->compare(Decimal());
    FUZZ_CHECK(sign == order, "%s - %s = %s", x->to_string().c_str(), y->to_string().c_str(),
               diff->to_string().c_str());
    if (auto back = diff->add(*y)) FUZZ_CHECK(back->compare(*x) == 0, "(x - y) + y != x");
  }
  auto s1 = x->add(*y);
  auto s2 = y->add(*x);
  FUZZ_CHECK(s1.has_value() == s2.has_value() && (!s1 || s1->compare(*s2) == 0), "add order");
  auto p1 = x->mul(*y);
  auto p2 = y->mul(*x);
  FUZZ_CHECK(p1.has_value() == p2.has_value() && (!p1 || p1->compare(*p2) == 0), "mul order");
  return 0;
}
