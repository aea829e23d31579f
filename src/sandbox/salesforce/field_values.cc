#include "sandbox/salesforce/field_values.h"

#include "core/json.h"
#include "sandbox/salesforce/ids.h"

namespace crmsync::sandbox::salesforce {
namespace {

SfError parser_error(const FieldDef& f, const Value& in, const char* what) {
  std::string text = in.is_string() ? in.as_string() : in.to_text();
  return sf_error(400, "JSON_PARSER_ERROR",
                  "Cannot deserialize instance of " + std::string(what) +
                      " from VALUE_STRING value " + text +
                      " or request may be missing a required field",
                  {f.name});
}

std::string as_text(const Value& in) {
  return in.is_string() ? in.as_string() : in.to_text();
}

}  // namespace

std::variant<Value, SfError> to_stored(const FieldDef& f, const Value& in) {
  if (in.is_null()) return Value();
  if (in.is_array() || in.is_object())
    return parser_error(f, in, std::string(describe_type(f.type)).c_str());
  switch (f.type) {
    case FieldType::id:
    case FieldType::reference: {
      std::string text = as_text(in);
      if (text.empty()) return Value();
      auto id = normalize_id(text);
      if (!id) {
        return sf_error(400, "MALFORMED_ID", f.label + ": id value of incorrect type: " + text,
                        {f.name});
      }
      return Value(*id);
    }
    case FieldType::boolean:
      if (in.is_bool()) return in;
      if (in.is_string() && iequals(in.as_string(), "true")) return Value(true);
      if (in.is_string() && iequals(in.as_string(), "false")) return Value(false);
      return parser_error(f, in, "boolean");
    case FieldType::integer: {
      if (in.is_int()) return in;
      auto d =
          in.is_decimal() ? std::optional<Decimal>(in.as_decimal()) : Decimal::parse(as_text(in));
      auto i = d ? d->to_int64() : std::nullopt;
      if (!i) return parser_error(f, in, "int");
      return Value(*i);
    }
    case FieldType::double_:
    case FieldType::currency:
    case FieldType::percent: {
      if (in.is_number()) return Value(in.to_decimal());
      auto d = Decimal::parse(as_text(in));
      if (!d) return parser_error(f, in, "double");
      return Value(*d);
    }
    case FieldType::date: {
      std::string text = as_text(in);
      if (auto d = Date::parse(text)) return Value(*d);
      if (auto t = DateTime::parse(text, 0)) return Value(t->in_utc().date());
      return parser_error(f, in, "date");
    }
    case FieldType::datetime: {
      std::string text = as_text(in);
      if (auto t = DateTime::parse(text, 0)) return Value(t->in_utc());
      if (auto d = Date::parse(text)) return Value(DateTime{int64_t{d->days} * 86400 * 1000000, 0});
      return parser_error(f, in, "datetime");
    }
    default: {
      std::string text = as_text(in);
      if (f.length > 0 && text.size() > static_cast<size_t>(f.length)) {
        return sf_error(400, "STRING_TOO_LONG",
                        f.label + ": data value too large: " + text.substr(0, 40) +
                            " (max length=" + std::to_string(f.length) + ")",
                        {f.name});
      }
      return Value(std::move(text));
    }
  }
}

void append_sf_json(const Value& v, std::string& out) {
  if (v.is_datetime()) {
    append_json_string(v.as_datetime().to_salesforce(), out);
  } else if (v.is_date()) {
    append_json_string(v.as_date().to_string(), out);
  } else {
    append_json(v, out);
  }
}

std::string to_sf_text(const Value& v) {
  // Bulk results write datetimes in UTC with a Z, where JSON has +0000.
  if (v.is_datetime()) {
    std::string text = v.as_datetime().to_salesforce();
    return text.substr(0, text.size() - 5) + "Z";
  }
  if (v.is_null()) return "";
  return v.to_text();
}

}  // namespace crmsync::sandbox::salesforce
