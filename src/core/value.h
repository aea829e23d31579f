#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/decimal.h"
#include "core/time.h"

namespace crmsync {

class Value;
struct Member;
using Array = std::vector<Value>;
using Object = std::vector<Member>;  // keeps the order the source gave

enum class ValueType : uint8_t {
  null,
  boolean,
  integer,
  decimal,
  string,
  date,
  datetime,
  array,
  object
};
std::string_view to_string(ValueType t);

// One field value in the record model every connector speaks. Numbers are
// either 64-bit integers or exact decimals, never doubles.
class Value {
 public:
  Value() = default;
  // Defined below Member: with clang and C++20's constexpr std::vector, a
  // constructor body here would instantiate ~vector<Member> while Member is
  // still incomplete (the fuzz build is clang).
  Value(std::nullptr_t);
  Value(bool b);
  Value(int v);
  Value(int64_t v);
  Value(Decimal d);
  Value(std::string s);
  Value(std::string_view s);
  Value(const char* s);
  Value(Date d);
  Value(DateTime t);
  Value(Array a);
  Value(Object o);

  ValueType type() const { return static_cast<ValueType>(v_.index()); }
  bool is_null() const { return v_.index() == 0; }
  bool is_bool() const { return type() == ValueType::boolean; }
  bool is_int() const { return type() == ValueType::integer; }
  bool is_decimal() const { return type() == ValueType::decimal; }
  bool is_number() const { return is_int() || is_decimal(); }
  bool is_string() const { return type() == ValueType::string; }
  bool is_date() const { return type() == ValueType::date; }
  bool is_datetime() const { return type() == ValueType::datetime; }
  bool is_array() const { return type() == ValueType::array; }
  bool is_object() const { return type() == ValueType::object; }

  bool as_bool() const { return std::get<bool>(v_); }
  int64_t as_int() const { return std::get<int64_t>(v_); }
  const Decimal& as_decimal() const { return std::get<Decimal>(v_); }
  const std::string& as_string() const { return std::get<std::string>(v_); }
  std::string& as_string() { return std::get<std::string>(v_); }
  Date as_date() const { return std::get<Date>(v_); }
  DateTime as_datetime() const { return std::get<DateTime>(v_); }
  const Array& as_array() const { return std::get<Array>(v_); }
  Array& as_array() { return std::get<Array>(v_); }
  const Object& as_object() const { return std::get<Object>(v_); }
  Object& as_object() { return std::get<Object>(v_); }

  // Any number as a Decimal (integers convert exactly).
  Decimal to_decimal() const;
  // Field lookup on objects; nullptr when absent or not an object.
  const Value* find(std::string_view key) const;

  // Text form for CSV cells, SQL text columns, messages: strings as they are,
  // numbers exact, dates ISO 8601, arrays/objects as JSON, null as "".
  std::string to_text() const;

  // Semantic equality: 5 == 5.0, datetimes by instant, arrays/objects deep.
  bool operator==(const Value& o) const;
  // Total order for filters and sorting: null < bool < numbers < strings <
  // dates < datetimes < arrays < objects; numbers compare numerically. Dates
  // and datetimes compare with each other by the start of the date in UTC.
  int compare(const Value& o) const;

 private:
  std::variant<std::monostate, bool, int64_t, Decimal, std::string, Date, DateTime, Array, Object>
      v_;
};

struct Member {
  std::string key;
  Value value;
  bool operator==(const Member&) const = default;
};

inline Value::Value(std::nullptr_t) {}
inline Value::Value(bool b) : v_(b) {}
inline Value::Value(int v) : v_(int64_t{v}) {}
inline Value::Value(int64_t v) : v_(v) {}
inline Value::Value(Decimal d) : v_(d) {}
inline Value::Value(std::string s) : v_(std::move(s)) {}
inline Value::Value(std::string_view s) : v_(std::string(s)) {}
inline Value::Value(const char* s) : v_(std::string(s)) {}
inline Value::Value(Date d) : v_(d) {}
inline Value::Value(DateTime t) : v_(t) {}
inline Value::Value(Array a) : v_(std::move(a)) {}
inline Value::Value(Object o) : v_(std::move(o)) {}

}  // namespace crmsync
