#include "core/value.h"

#include "core/json.h"

namespace crmsync {

std::string_view to_string(ValueType t) {
  switch (t) {
    case ValueType::null:
      return "null";
    case ValueType::boolean:
      return "boolean";
    case ValueType::integer:
      return "integer";
    case ValueType::decimal:
      return "decimal";
    case ValueType::string:
      return "string";
    case ValueType::date:
      return "date";
    case ValueType::datetime:
      return "datetime";
    case ValueType::array:
      return "array";
    case ValueType::object:
      return "object";
  }
  return "unknown";
}

Decimal Value::to_decimal() const {
  if (is_int()) return Decimal::from_int(as_int());
  if (is_decimal()) return as_decimal();
  return Decimal();
}

const Value* Value::find(std::string_view key) const {
  if (!is_object()) return nullptr;
  for (const Member& m : as_object()) {
    if (m.key == key) return &m.value;
  }
  return nullptr;
}

std::string Value::to_text() const {
  switch (type()) {
    case ValueType::null:
      return {};
    case ValueType::boolean:
      return as_bool() ? "true" : "false";
    case ValueType::integer:
      return std::to_string(as_int());
    case ValueType::decimal:
      return as_decimal().to_string();
    case ValueType::string:
      return as_string();
    case ValueType::date:
      return as_date().to_string();
    case ValueType::datetime:
      return as_datetime().to_iso8601();
    case ValueType::array:
    case ValueType::object:
      return to_json(*this);
  }
  return {};
}

namespace {

int rank(ValueType t) {
  switch (t) {
    case ValueType::null:
      return 0;
    case ValueType::boolean:
      return 1;
    case ValueType::integer:
    case ValueType::decimal:
      return 2;
    case ValueType::string:
      return 3;
    case ValueType::date:
    case ValueType::datetime:
      return 4;
    case ValueType::array:
      return 5;
    case ValueType::object:
      return 6;
  }
  return 7;
}

int64_t instant_micros(const Value& v) {
  if (v.is_date()) return int64_t{v.as_date().days} * 86400 * 1000000;
  return v.as_datetime().micros;
}

template <typename T>
int cmp(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

}  // namespace

int Value::compare(const Value& o) const {
  int ra = rank(type()), rb = rank(o.type());
  if (ra != rb) return ra < rb ? -1 : 1;
  switch (type()) {
    case ValueType::null:
      return 0;
    case ValueType::boolean:
      return cmp(as_bool(), o.as_bool());
    case ValueType::integer:
    case ValueType::decimal:
      if (is_int() && o.is_int()) return cmp(as_int(), o.as_int());
      return to_decimal().compare(o.to_decimal());
    case ValueType::string:
      return as_string().compare(o.as_string()) < 0 ? -1 : (as_string() == o.as_string() ? 0 : 1);
    case ValueType::date:
    case ValueType::datetime:
      if (is_date() && o.is_date()) return cmp(as_date().days, o.as_date().days);
      return cmp(instant_micros(*this), instant_micros(o));
    case ValueType::array: {
      const Array &a = as_array(), &b = o.as_array();
      for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
        if (int c = a[i].compare(b[i])) return c;
      }
      return cmp(a.size(), b.size());
    }
    case ValueType::object: {
      const Object &a = as_object(), &b = o.as_object();
      for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
        if (int c = a[i].key.compare(b[i].key)) return c < 0 ? -1 : 1;
        if (int c = a[i].value.compare(b[i].value)) return c;
      }
      return cmp(a.size(), b.size());
    }
  }
  return 0;
}

bool Value::operator==(const Value& o) const {
  if (is_date() != o.is_date() && rank(type()) == 4) return false;  // a date is not a datetime
  return compare(o) == 0;
}

}  // namespace crmsync
