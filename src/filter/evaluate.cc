#include <cctype>

#include "filter/ast.h"

namespace crmsync::filter {
namespace {

constexpr int64_t kDay = 86400LL * 1000000;

int64_t floor_div(int64_t a, int64_t b) {
  return a >= 0 ? a / b : (a - b + 1) / b;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// SOQL LIKE: % any run, _ one character, case-insensitive, \% \_ literal.
bool like(std::string_view s, std::string_view p) {
  size_t si = 0, pi = 0, star_p = std::string_view::npos, star_s = 0;
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '%') {
      star_p = pi++;
      star_s = si;
      continue;
    }
    if (pi < p.size()) {
      bool escaped = p[pi] == '\\' && pi + 1 < p.size();
      char pc = escaped ? p[pi + 1] : p[pi];
      if ((!escaped && pc == '_') || std::tolower(static_cast<unsigned char>(pc)) ==
                                         std::tolower(static_cast<unsigned char>(s[si]))) {
        pi += escaped ? 2 : 1;
        ++si;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    pi = star_p + 1;
    si = ++star_s;
  }
  while (pi < p.size() && p[pi] == '%') ++pi;
  return pi == p.size();
}

std::optional<int64_t> instant(const Value& v) {
  if (v.is_datetime()) return v.as_datetime().micros;
  if (v.is_date()) return int64_t{v.as_date().days} * kDay;
  if (v.is_string()) {
    if (auto t = DateTime::parse(v.as_string(), 0)) return t->micros;
    if (auto d = Date::parse(v.as_string())) return int64_t{d->days} * kDay;
  }
  return std::nullopt;
}

bool apply(Op op, int c) {
  switch (op) {
    case Op::eq:
      return c == 0;
    case Op::ne:
      return c != 0;
    case Op::lt:
      return c < 0;
    case Op::le:
      return c <= 0;
    case Op::gt:
      return c > 0;
    case Op::ge:
      return c >= 0;
  }
  return false;
}

// Three-way comparison of a field value with a literal, or nullopt when the
// two cannot be compared (then every operator is false).
std::optional<int> compare(const Value& v, const Value& lit, Op op) {
  if (lit.is_number()) {
    if (v.is_number()) return v.compare(lit);
    if (v.is_string()) {
      auto d = Decimal::parse(v.as_string());
      if (!d) return std::nullopt;
      return d->compare(lit.to_decimal());
    }
    return std::nullopt;
  }
  if (lit.is_string()) {
    std::string text = v.is_string() ? std::string() : v.to_text();
    std::string_view s = v.is_string() ? std::string_view(v.as_string()) : std::string_view(text);
    if (op == Op::eq || op == Op::ne) return iequals(s, lit.as_string()) ? 0 : 1;
    int c = s.compare(lit.as_string());
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  if (lit.is_bool()) {
    if (v.is_bool()) return v.as_bool() == lit.as_bool() ? 0 : 1;
    if (v.is_string()) {
      if (iequals(v.as_string(), "true")) return lit.as_bool() ? 0 : 1;
      if (iequals(v.as_string(), "false")) return lit.as_bool() ? 1 : 0;
    }
    return std::nullopt;
  }
  if (lit.is_date() || lit.is_datetime()) {
    auto a = instant(v);
    if (!a) return std::nullopt;
    if (lit.is_date() && (v.is_datetime() || (v.is_string() && v.as_string().size() > 10))) {
      // A datetime against a date: compare the datetime's UTC date.
      int64_t day = floor_div(*a, kDay) * kDay;
      int64_t l = int64_t{lit.as_date().days} * kDay;
      return day < l ? -1 : day > l ? 1 : 0;
    }
    int64_t b = *instant(lit);
    return *a < b ? -1 : *a > b ? 1 : 0;
  }
  return std::nullopt;
}

bool equal_to(const Value& v, const Literal& lit) {
  auto c = compare(v, lit.value, Op::eq);
  return c && *c == 0;
}

const Value* field_value(const Expr& e, const Record& r) {
  if (e.cached_names != r.names().get()) {
    e.cached_names = r.names().get();
    e.cached_index = r.names()->index_of(e.field);
    if (e.cached_index < 0) {
      // SOQL field names are case-insensitive.
      for (size_t i = 0; i < r.names()->size(); ++i) {
        if (iequals(r.names()->name(i), e.field)) e.cached_index = static_cast<int>(i);
      }
    }
  }
  if (e.cached_index >= 0) return &r.value(static_cast<size_t>(e.cached_index));
  return e.field.find('.') == std::string::npos ? nullptr : r.get_path(e.field);
}

bool eval(const Expr& e, const Record& r, int64_t now) {
  switch (e.kind) {
    case Expr::Kind::and_:
      return eval(*e.left, r, now) && eval(*e.right, r, now);
    case Expr::Kind::or_:
      return eval(*e.left, r, now) || eval(*e.right, r, now);
    case Expr::Kind::not_:
      return !eval(*e.left, r, now);
    default:
      break;
  }
  const Value* fv = field_value(e, r);
  static const Value kNull;
  const Value& v = fv ? *fv : kNull;
  if (e.kind == Expr::Kind::in_select || e.kind == Expr::Kind::not_in_select) {
    const auto& set = e.sub->values;
    bool found = set && !v.is_null() && set->count(v.to_text()) > 0;
    return e.kind == Expr::Kind::in_select ? found : (!found && !v.is_null());
  }
  if (e.kind == Expr::Kind::in || e.kind == Expr::Kind::not_in) {
    bool found = false;
    for (const Literal& lit : e.values) {
      if (lit.value.is_null() ? v.is_null() : (!v.is_null() && equal_to(v, lit))) {
        found = true;
        break;
      }
    }
    return e.kind == Expr::Kind::in ? found : (!found && !v.is_null());
  }
  const Literal& lit = e.values[0];
  if (e.kind == Expr::Kind::like) {
    if (v.is_null()) return false;
    if (v.is_string()) return like(v.as_string(), lit.value.as_string());
    return like(v.to_text(), lit.value.as_string());
  }
  if (!lit.date_literal.empty()) {
    auto a = instant(v);
    if (!a) return false;
    int64_t start, end;
    date_literal_range(lit, now, start, end);
    switch (e.op) {
      case Op::eq:
        return *a >= start && *a < end;
      case Op::ne:
        return *a < start || *a >= end;
      case Op::lt:
        return *a < start;
      case Op::le:
        return *a < end;
      case Op::gt:
        return *a >= end;
      case Op::ge:
        return *a >= start;
    }
  }
  if (lit.value.is_null()) {
    if (e.op == Op::eq) return v.is_null();
    if (e.op == Op::ne) return !v.is_null();
    return false;
  }
  if (v.is_null()) return false;
  auto c = compare(v, lit.value, e.op);
  return c && apply(e.op, *c);
}

}  // namespace

void date_literal_range(const Literal& lit, int64_t now, int64_t& start, int64_t& end) {
  int64_t today = floor_div(now, kDay);
  int y;
  unsigned m, d;
  civil_from_days(today, y, m, d);
  const std::string& n = lit.date_literal;
  auto day = [](int64_t days) { return days * kDay; };
  if (n == "TODAY") {
    start = day(today), end = day(today + 1);
  } else if (n == "YESTERDAY") {
    start = day(today - 1), end = day(today);
  } else if (n == "TOMORROW") {
    start = day(today + 1), end = day(today + 2);
  } else if (n == "LAST_N_DAYS") {
    start = day(today - lit.n), end = day(today + 1);
  } else if (n == "NEXT_N_DAYS") {
    start = day(today + 1), end = day(today + 1 + lit.n);
  } else if (n == "THIS_MONTH" || n == "LAST_MONTH") {
    int yy = y;
    int mm = static_cast<int>(m) - (n == "LAST_MONTH" ? 1 : 0);
    if (mm == 0) mm = 12, --yy;
    start = day(days_from_civil(yy, mm, 1));
    int ny = mm == 12 ? yy + 1 : yy, nm = mm == 12 ? 1 : mm + 1;
    end = day(days_from_civil(ny, nm, 1));
  } else {  // THIS_YEAR, LAST_YEAR
    int yy = n == "LAST_YEAR" ? y - 1 : y;
    start = day(days_from_civil(yy, 1, 1));
    end = day(days_from_civil(yy + 1, 1, 1));
  }
}

bool Filter::matches(const Record& record, int64_t now_micros) const {
  return root_ == nullptr || eval(*root_, record, now_micros);
}

}  // namespace crmsync::filter
