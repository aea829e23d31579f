#include <cctype>
#include <cstdio>

#include "mapping/name_uuid.h"
#include "mapping/rules.h"

namespace crmsync::mapping {
namespace {

Error bad(const std::string& step, const Value& in, const std::string& why) {
  std::string t = in.to_text();
  if (t.size() > 100) t = t.substr(0, 100) + "...";
  return Error(ErrorKind::rejected, step + ": cannot convert '" + t + "': " + why);
}

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

static const char* kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                "jul", "aug", "sep", "oct", "nov", "dec"};

// strptime subset: %Y %y %m %d %H %M %S %b %%; everything else literal.
bool parse_with_format(const std::string& s, const std::string& fmt, int& y, int& mo, int& d,
                       int& h, int& mi, int& se) {
  y = 1970, mo = 1, d = 1, h = mi = se = 0;
  size_t i = 0;
  auto num = [&](int max_digits, int& out) {
    int v = 0, n = 0;
    while (i < s.size() && n < max_digits && std::isdigit(static_cast<unsigned char>(s[i]))) {
      v = v * 10 + (s[i++] - '0');
      ++n;
    }
    out = v;
    return n > 0;
  };
  for (size_t f = 0; f < fmt.size(); ++f) {
    if (fmt[f] != '%' || f + 1 == fmt.size()) {
      if (i >= s.size() || s[i] != fmt[f]) return false;
      ++i;
      continue;
    }
    char c = fmt[++f];
    bool ok = true;
    switch (c) {
      case 'Y':
        ok = num(4, y);
        break;
      case 'y':
        ok = num(2, y);
        y += y < 70 ? 2000 : 1900;
        break;
      case 'm':
        ok = num(2, mo);
        break;
      case 'd':
        ok = num(2, d);
        break;
      case 'H':
        ok = num(2, h);
        break;
      case 'M':
        ok = num(2, mi);
        break;
      case 'S':
        ok = num(2, se);
        break;
      case 'b': {
        ok = false;
        for (int k = 0; k < 12 && i + 3 <= s.size(); ++k) {
          std::string m3 = s.substr(i, 3);
          for (char& ch : m3) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
          if (m3 == kMonths[k]) {
            mo = k + 1;
            i += 3;
            ok = true;
            break;
          }
        }
        break;
      }
      case '%':
        ok = i < s.size() && s[i++] == '%';
        break;
      default:
        return false;
    }
    if (!ok) return false;
  }
  return i == s.size();
}

std::string format_date(const std::string& fmt, int y, unsigned mo, unsigned d, int h, int mi,
                        int se) {
  std::string out;
  char buf[16];
  for (size_t f = 0; f < fmt.size(); ++f) {
    if (fmt[f] != '%' || f + 1 == fmt.size()) {
      out += fmt[f];
      continue;
    }
    switch (fmt[++f]) {
      case 'Y':
        std::snprintf(buf, sizeof buf, "%04d", y);
        break;
      case 'y':
        std::snprintf(buf, sizeof buf, "%02d", y % 100);
        break;
      case 'm':
        std::snprintf(buf, sizeof buf, "%02u", mo);
        break;
      case 'd':
        std::snprintf(buf, sizeof buf, "%02u", d);
        break;
      case 'H':
        std::snprintf(buf, sizeof buf, "%02d", h);
        break;
      case 'M':
        std::snprintf(buf, sizeof buf, "%02d", mi);
        break;
      case 'S':
        std::snprintf(buf, sizeof buf, "%02d", se);
        break;
      case 'b': {
        std::string m = kMonths[mo - 1];
        m[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(m[0])));
        std::snprintf(buf, sizeof buf, "%s", m.c_str());
        break;
      }
      default:
        std::snprintf(buf, sizeof buf, "%%%c", fmt[f]);
    }
    out += buf;
  }
  return out;
}

std::optional<Decimal> parse_number(std::string s, const std::string& dec_sep,
                                    const std::string& group_sep) {
  s = trim(s);
  std::string clean;
  for (size_t i = 0; i < s.size();) {
    if (!group_sep.empty() && s.compare(i, group_sep.size(), group_sep) == 0) {
      i += group_sep.size();
    } else if (!dec_sep.empty() && dec_sep != "." && s.compare(i, dec_sep.size(), dec_sep) == 0) {
      clean += '.';
      i += dec_sep.size();
    } else {
      clean += s[i++];
    }
  }
  return Decimal::parse(clean);
}

std::string format_number(const Decimal& d, int decimals, const std::string& dec_sep,
                          const std::string& group_sep) {
  std::string t = d.rounded(decimals).to_string();
  bool neg = !t.empty() && t[0] == '-';
  if (neg) t.erase(0, 1);
  size_t dot = t.find('.');
  std::string ip = t.substr(0, dot), fp = dot == std::string::npos ? "" : t.substr(dot + 1);
  std::string grouped;
  for (size_t i = 0; i < ip.size(); ++i) {
    if (i && (ip.size() - i) % 3 == 0) grouped += group_sep;
    grouped += ip[i];
  }
  return (neg ? "-" : "") + grouped + (fp.empty() ? "" : dec_sep + fp);
}

}  // namespace

const std::vector<std::string>& transform_names() {
  static const std::vector<std::string> kNames = {
      "trim",          "lower",   "upper",   "split_name",   "join",     "split",
      "prefix",        "suffix",  "replace", "truncate",     "string",   "integer",
      "number",        "round",   "boolean", "date",         "datetime", "format_date",
      "format_number", "default", "uuid",    "empty_to_null"};
  return kNames;
}

namespace {

StepOp op_of(std::string_view name) {
  const auto& names = transform_names();
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<StepOp>(i + 1);
  }
  return StepOp::unknown;
}

// In place: the value was moved in, so its text needs no copy.
void trim_in_place(std::string& t) {
  size_t e = t.size();
  while (e > 0 && std::isspace(static_cast<unsigned char>(t[e - 1]))) --e;
  t.resize(e);
  size_t b = 0;
  while (b < t.size() && std::isspace(static_cast<unsigned char>(t[b]))) ++b;
  t.erase(0, b);
}

}  // namespace

std::string check_step(Step& s) {
  s.op = op_of(s.name);
  const Value& a = s.arg;
  auto text_arg = [&](const char* what) -> std::string {
    if (!a.is_string() && !a.is_number()) return std::string("expects ") + what;
    s.a = a.to_text();
    return {};
  };
  if (s.name == "uuid") {
    // A UUID names the namespace itself; any other text (a tenant, a
    // flow) is first made one in the URL namespace.
    if (a.is_null()) {
      s.ns = url_namespace();
      return {};
    }
    if (!a.is_string() && !a.is_number()) return "expects a namespace (a UUID or a text)";
    auto parsed = parse_uuid(a.to_text());
    s.ns = parsed ? *parsed : *parse_uuid(uuid_v5(url_namespace(), a.to_text()));
    return {};
  }
  if (s.name == "trim" || s.name == "lower" || s.name == "upper" || s.name == "string" ||
      s.name == "integer" || s.name == "boolean" || s.name == "empty_to_null") {
    return a.is_null() ? "" : "takes no argument";
  }
  if (s.name == "split_name") {
    if (!a.is_string() || (a.as_string() != "first" && a.as_string() != "last")) {
      return "expects first or last";
    }
    s.a = a.as_string();
    return {};
  }
  if (s.name == "join" || s.name == "split") {
    s.a = a.is_null() ? (s.name == "join" ? ", " : ",") : a.to_text();
    // An empty separator is found at every position without advancing:
    // splitting on it looped for ever (found by fuzz_mapping).
    return s.name == "split" && s.a.empty() ? "the separator must not be empty" : "";
  }
  if (s.name == "prefix" || s.name == "suffix") return text_arg("a text");
  if (s.name == "replace") {
    const Value* f = a.find("from");
    const Value* t = a.find("to");
    if (!f || !t) return "expects {from: text, to: text}";
    s.a = f->to_text();
    s.b = t->to_text();
    return s.a.empty() ? "from must not be empty" : "";
  }
  if (s.name == "truncate" || s.name == "round") {
    if (!a.is_int() || a.as_int() < 0 || a.as_int() > 100000) return "expects a whole number";
    s.n = static_cast<int>(a.as_int());
    return {};
  }
  if (s.name == "number" || s.name == "format_number") {
    s.a = ".";
    s.b = s.name == "number" ? "," : "";
    s.n = 2;
    if (a.is_null()) return {};
    if (!a.is_object()) return "expects {decimal_separator, group_separator}";
    for (const Member& m : a.as_object()) {
      if (m.key == "decimal_separator")
        s.a = m.value.to_text();
      else if (m.key == "group_separator")
        s.b = m.value.to_text();
      else if (m.key == "decimals" && s.name == "format_number" && m.value.is_int())
        s.n = static_cast<int>(m.value.as_int());
      else
        return "unknown option '" + m.key + "'";
    }
    return {};
  }
  if (s.name == "date" || s.name == "datetime") {
    s.a = a.is_null() ? "" : a.to_text();
    return {};
  }
  if (s.name == "format_date") return text_arg("a format such as \"%d/%m/%Y\"");
  if (s.name == "default") return {};
  return "unknown transform";
}

Status apply_step_in_place(const Step& s, Value& v) {
  StepOp op = s.op == StepOp::unknown ? op_of(s.name) : s.op;
  if ((op == StepOp::trim || op == StepOp::lower || op == StepOp::upper) && v.is_string()) {
    std::string& t = v.as_string();
    if (op == StepOp::trim) trim_in_place(t);
    // ASCII only, as std::tolower in the "C" locale.
    if (op == StepOp::lower)
      for (char& c : t) c = c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
    if (op == StepOp::upper)
      for (char& c : t) c = c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c;
    return {};
  }
  auto next = apply_step(s, std::move(v));
  if (!next) return next.error();
  v = std::move(*next);
  return {};
}

Result<Value> apply_step(const Step& s, Value in) {
  StepOp op = s.op == StepOp::unknown ? op_of(s.name) : s.op;
  if (op == StepOp::default_value) return in.is_null() ? s.arg : in;
  if (in.is_null()) return in;
  const std::string& n = s.name;
  if (op == StepOp::empty_to_null) {
    return in.is_string() && trim(in.as_string()).empty() ? Value() : in;
  }
  if (op == StepOp::uuid) return Value(uuid_v5(s.ns, in.to_text()));

  if (op == StepOp::trim || op == StepOp::lower || op == StepOp::upper) {
    if (!in.is_string()) return in;
    (void)apply_step_in_place(s, in);  // cannot fail on text
    return in;
  }
  if (op == StepOp::string) return Value(in.to_text());
  if (op == StepOp::split_name) {
    std::string t = trim(in.to_text());
    size_t sp = t.rfind(' ');
    if (sp == std::string::npos) return Value(s.a == "first" ? std::string() : t);
    return Value(s.a == "first" ? trim(t.substr(0, sp)) : t.substr(sp + 1));
  }
  if (op == StepOp::join) {
    if (!in.is_array()) return Value(in.to_text());
    std::string out;
    for (const Value& e : in.as_array()) {
      if (e.is_null()) continue;
      out += (out.empty() ? "" : s.a) + e.to_text();
    }
    return Value(out);
  }
  if (op == StepOp::split) {
    Array out;
    std::string t = in.to_text();
    size_t start = 0;
    while (true) {
      size_t p = t.find(s.a, start);
      std::string part =
          trim(t.substr(start, p == std::string::npos ? std::string::npos : p - start));
      if (!part.empty()) out.push_back(Value(part));
      if (p == std::string::npos) break;
      start = p + s.a.size();
    }
    return Value(std::move(out));
  }
  if (op == StepOp::prefix) return Value(s.a + in.to_text());
  if (op == StepOp::suffix) return Value(in.to_text() + s.a);
  if (op == StepOp::replace) {
    std::string t = in.to_text();
    for (size_t p = t.find(s.a); p != std::string::npos; p = t.find(s.a, p + s.b.size())) {
      t.replace(p, s.a.size(), s.b);
    }
    return Value(t);
  }
  if (op == StepOp::truncate) {
    std::string t = in.to_text();
    size_t cps = 0, i = 0;
    for (; i < t.size(); ++i) {
      if ((static_cast<unsigned char>(t[i]) & 0xC0) != 0x80) {
        if (cps == static_cast<size_t>(s.n)) break;
        ++cps;
      }
    }
    return Value(t.substr(0, i));
  }
  if (op == StepOp::integer) {
    if (in.is_int()) return in;
    Decimal d;
    if (in.is_decimal()) {
      d = in.as_decimal();
    } else if (auto p = Decimal::parse(trim(in.to_text()))) {
      d = *p;
    } else {
      return bad(n, in, "not a number");
    }
    auto i = d.to_int64();
    if (!i) return bad(n, in, "not a whole number");
    return Value(*i);
  }
  if (op == StepOp::number) {
    if (in.is_number()) return Value(in.to_decimal());
    auto d = parse_number(in.to_text(), s.a, s.b);
    if (!d) return bad(n, in, "not a number");
    return Value(*d);
  }
  if (op == StepOp::round) {
    if (!in.is_number()) return bad(n, in, "not a number");
    return Value(in.to_decimal().rounded(s.n));
  }
  if (op == StepOp::boolean) {
    if (in.is_bool()) return in;
    std::string t = trim(in.to_text());
    for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (t == "true" || t == "yes" || t == "y" || t == "1") return Value(true);
    if (t == "false" || t == "no" || t == "n" || t == "0") return Value(false);
    return bad(n, in, "expected true/false, yes/no or 1/0");
  }
  if (op == StepOp::date || op == StepOp::datetime) {
    if (op == StepOp::date && in.is_date()) return in;
    if (in.is_datetime()) return op == StepOp::date ? Value(in.as_datetime().date()) : in;
    if (op == StepOp::datetime && in.is_date())
      return Value(DateTime{int64_t{in.as_date().days} * 86400000000LL, 0});
    std::string t = trim(in.to_text());
    if (s.a.empty()) {
      if (op == StepOp::date) {
        if (auto d = Date::parse(t)) return Value(*d);
        if (auto dt = DateTime::parse(t, 0)) return Value(dt->date());
      } else {
        if (auto dt = DateTime::parse(t, 0)) return Value(*dt);
        if (auto d = Date::parse(t)) return Value(DateTime{int64_t{d->days} * 86400000000LL, 0});
      }
      return bad(n, in,
                 "expected ISO 8601 (2024-01-31" +
                     std::string(op == StepOp::datetime ? "T12:00:00Z" : "") + ")");
    }
    int y, mo, d, h, mi, se;
    if (!parse_with_format(t, s.a, y, mo, d, h, mi, se) || mo < 1 || mo > 12 || d < 1 || d > 31 ||
        h > 23 || mi > 59 || se > 59) {
      return bad(n, in, "does not match the format \"" + s.a + "\"");
    }
    Date date = Date::from_ymd(y, mo, d);
    if (date.to_string() != Date::parse(date.to_string())->to_string())
      return bad(n, in, "no such date");
    if (op == StepOp::date) return Value(date);
    return Value(DateTime{(int64_t{date.days} * 86400 + h * 3600 + mi * 60 + se) * 1000000, 0});
  }
  if (op == StepOp::format_date) {
    if (!in.is_date() && !in.is_datetime()) {
      auto dt = DateTime::parse(in.to_text(), 0);
      auto d = Date::parse(in.to_text());
      if (dt)
        in = Value(*dt);
      else if (d)
        in = Value(*d);
      else
        return bad(n, in, "not a date");
    }
    int y;
    unsigned mo, d;
    int h = 0, mi = 0, se = 0;
    if (in.is_date()) {
      in.as_date().to_ymd(y, mo, d);
    } else {
      DateTime t = in.as_datetime();
      int64_t local = t.micros / 1000000 + t.offset_minutes * 60;
      int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
      int64_t rem = local - days * 86400;
      civil_from_days(days, y, mo, d);
      h = static_cast<int>(rem / 3600), mi = static_cast<int>(rem % 3600 / 60),
      se = static_cast<int>(rem % 60);
    }
    return Value(format_date(s.a, y, mo, d, h, mi, se));
  }
  if (op == StepOp::format_number) {
    Decimal d;
    if (in.is_number()) {
      d = in.to_decimal();
    } else if (auto p = Decimal::parse(trim(in.to_text()))) {
      d = *p;
    } else {
      return bad(n, in, "not a number");
    }
    return Value(format_number(d, s.n, s.a, s.b));
  }
  return Error(ErrorKind::fatal, "unknown transform " + n);
}

}  // namespace crmsync::mapping
