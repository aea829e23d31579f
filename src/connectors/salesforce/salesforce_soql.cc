#include "connectors/salesforce/salesforce_soql.h"

#include <algorithm>

namespace crmsync {

std::string soql_literal(const Value& v) {
  switch (v.type()) {
    case ValueType::null:
      return "null";
    case ValueType::boolean:
      return v.as_bool() ? "true" : "false";
    case ValueType::integer:
    case ValueType::decimal:
      return v.to_text();
    case ValueType::date:
      return v.as_date().to_string();
    case ValueType::datetime:
      return v.as_datetime().floor_to_second_utc().to_iso8601();
    default: {
      std::string out = "'";
      for (char c : v.to_text()) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
      }
      return out + "'";
    }
  }
}

std::string soql_select(const std::vector<std::string>& fields, const std::string& object) {
  std::vector<std::string> list = {"Id"};
  for (const std::string& f : fields) {
    if (f.empty() || std::find(list.begin(), list.end(), f) != list.end()) continue;
    list.push_back(f);
  }
  std::string out = "SELECT ";
  for (size_t i = 0; i < list.size(); ++i) out += (i ? ", " : "") + list[i];
  return out + " FROM " + object;
}

std::string soql_in(const std::string& field, std::span<const Value> values) {
  std::string out = field + " IN (";
  for (size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + soql_literal(values[i]);
  return out + ")";
}

}  // namespace crmsync
