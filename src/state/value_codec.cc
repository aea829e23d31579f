#include "state/value_codec.h"

#include "core/json.h"

namespace crmsync {

std::pair<std::string, std::string> encode_value(const Value& v) {
  return {std::string(to_string(v.type())), v.is_null() ? std::string() : v.to_text()};
}

Value decode_value(const std::string& type, const std::string& text) {
  if (type == "boolean") return Value(text == "true");
  if (type == "integer") return Value(static_cast<int64_t>(std::stoll(text)));
  if (type == "decimal") {
    auto d = Decimal::parse(text);
    return d ? Value(*d) : Value(text);
  }
  if (type == "date") {
    auto d = Date::parse(text);
    return d ? Value(*d) : Value(text);
  }
  if (type == "datetime") {
    auto t = DateTime::parse(text);
    return t ? Value(*t) : Value(text);
  }
  if (type == "array" || type == "object") {
    auto j = parse_json(text);
    return j ? *j : Value(text);
  }
  if (type == "null") return Value();
  return Value(text);
}

}  // namespace crmsync
