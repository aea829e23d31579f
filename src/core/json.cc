#include "core/json.h"

#include <simdjson.h>

#include <charconv>
#include <cstdio>

namespace crmsync {

void append_json_string(std::string_view s, std::string& out) {
  out.push_back('"');
  // Runs of characters that need no escaping go in with one append: most
  // strings have none to escape, and this sits on the state store's hot path.
  auto plain = [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && c != '"' && c != '\\';
  };
  for (size_t i = 0; i < s.size();) {
    size_t run = i;
    while (run < s.size() && plain(s[run])) ++run;
    out.append(s.data() + i, run - i);
    if (run == s.size()) break;
    i = run + 1;
    char c = s[run];
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default: {  // the other control characters
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      }
    }
  }
  out.push_back('"');
}

void append_json(const Value& v, std::string& out) {
  switch (v.type()) {
    case ValueType::null:
      out += "null";
      return;
    case ValueType::boolean:
      out += v.as_bool() ? "true" : "false";
      return;
    case ValueType::integer: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof buf, v.as_int());
      out.append(buf, r.ptr);
      return;
    }
    case ValueType::decimal:
      out += v.as_decimal().to_string();
      return;
    case ValueType::string:
      append_json_string(v.as_string(), out);
      return;
    case ValueType::date:
      append_json_string(v.as_date().to_string(), out);
      return;
    case ValueType::datetime:
      append_json_string(v.as_datetime().to_iso8601(), out);
      return;
    case ValueType::array: {
      out.push_back('[');
      bool first = true;
      for (const Value& e : v.as_array()) {
        if (!first) out.push_back(',');
        first = false;
        append_json(e, out);
      }
      out.push_back(']');
      return;
    }
    case ValueType::object: {
      out.push_back('{');
      bool first = true;
      for (const Member& m : v.as_object()) {
        if (!first) out.push_back(',');
        first = false;
        append_json_string(m.key, out);
        out.push_back(':');
        append_json(m.value, out);
      }
      out.push_back('}');
      return;
    }
  }
}

std::string to_json(const Value& value) {
  std::string out;
  append_json(value, out);
  return out;
}

std::string to_json(const Record& record) {
  std::string out;
  out.push_back('{');
  for (size_t i = 0; i < record.size(); ++i) {
    if (i) out.push_back(',');
    append_json_string(record.name(i), out);
    out.push_back(':');
    append_json(record.value(i), out);
  }
  out.push_back('}');
  return out;
}

namespace {

using namespace simdjson;

Result<Value> from_number_token(std::string_view token) {
  // Raw token may carry trailing whitespace.
  while (!token.empty() && (token.back() == ' ' || token.back() == '\n' || token.back() == '\r' ||
                            token.back() == '\t')) {
    token.remove_suffix(1);
  }
  int64_t i;
  auto [p, ec] = std::from_chars(token.data(), token.data() + token.size(), i);
  if (ec == std::errc() && p == token.data() + token.size()) return Value(i);
  auto d = Decimal::parse(token);
  if (!d) return Error(ErrorKind::rejected, "number out of range: " + std::string(token));
  return Value(*d);
}

template <typename V>
Result<Value> convert(V&& val, int depth) {
  if (depth > 64) return Error(ErrorKind::rejected, "JSON nested too deeply");
  ondemand::json_type t;
  if (auto err = val.type().get(t)) return Error(ErrorKind::rejected, error_message(err));
  switch (t) {
    case ondemand::json_type::null:
      return Value();
    case ondemand::json_type::boolean: {
      bool b;
      if (auto err = val.get_bool().get(b)) return Error(ErrorKind::rejected, error_message(err));
      return Value(b);
    }
    case ondemand::json_type::number: {
      std::string_view tok = val.raw_json_token();
      return from_number_token(tok);
    }
    case ondemand::json_type::string: {
      std::string_view s;
      if (auto err = val.get_string().get(s)) return Error(ErrorKind::rejected, error_message(err));
      return Value(std::string(s));
    }
    case ondemand::json_type::array: {
      ondemand::array arr;
      if (auto err = val.get_array().get(arr))
        return Error(ErrorKind::rejected, error_message(err));
      Array out;
      for (auto elem : arr) {
        ondemand::value ev;
        if (auto err = elem.get(ev)) return Error(ErrorKind::rejected, error_message(err));
        auto r = convert(ev, depth + 1);
        if (!r) return r.error();
        out.push_back(std::move(*r));
      }
      return Value(std::move(out));
    }
    case ondemand::json_type::object: {
      ondemand::object obj;
      if (auto err = val.get_object().get(obj))
        return Error(ErrorKind::rejected, error_message(err));
      Object out;
      for (auto field : obj) {
        std::string_view key;
        if (auto err = field.unescaped_key().get(key)) {
          return Error(ErrorKind::rejected, error_message(err));
        }
        std::string k(key);
        ondemand::value fv;
        if (auto err = field.value().get(fv)) return Error(ErrorKind::rejected, error_message(err));
        auto r = convert(fv, depth + 1);
        if (!r) return r.error();
        out.push_back(Member{std::move(k), std::move(*r)});
      }
      return Value(std::move(out));
    }
  }
  return Error(ErrorKind::rejected, "unknown JSON type");
}

}  // namespace

Result<Value> parse_json(std::string_view text) {
  thread_local ondemand::parser parser;
  padded_string padded(text);
  ondemand::document doc;
  if (auto err = parser.iterate(padded).get(doc)) {
    return Error(ErrorKind::rejected, std::string("invalid JSON: ") + error_message(err));
  }
  // Scalars at the document root need the document's own accessors.
  bool scalar = false;
  if (auto err = doc.is_scalar().get(scalar)) {
    return Error(ErrorKind::rejected, std::string("invalid JSON: ") + error_message(err));
  }
  Result<Value> out = Value();
  if (scalar) {
    ondemand::json_type t;
    if (auto err = doc.type().get(t)) {
      return Error(ErrorKind::rejected, std::string("invalid JSON: ") + error_message(err));
    }
    if (t == ondemand::json_type::number) {
      std::string_view tok;
      if (auto err = doc.raw_json_token().get(tok)) {
        return Error(ErrorKind::rejected, std::string("invalid JSON: ") + error_message(err));
      }
      out = from_number_token(tok);
    } else if (t == ondemand::json_type::string) {
      std::string_view s;
      if (auto err = doc.get_string().get(s)) {
        return Error(ErrorKind::rejected, std::string("invalid JSON: ") + error_message(err));
      }
      out = Value(std::string(s));
    } else if (t == ondemand::json_type::boolean) {
      bool b;
      if (auto err = doc.get_bool().get(b)) {
        return Error(ErrorKind::rejected, std::string("invalid JSON: ") + error_message(err));
      }
      out = Value(b);
    } else {
      bool is_null = false;
      if (auto err = doc.is_null().get(is_null); err || !is_null) {
        return Error(ErrorKind::rejected, "invalid JSON: bad literal");
      }
    }
  } else {
    ondemand::value root;
    if (auto err = doc.get_value().get(root)) {
      return Error(ErrorKind::rejected, std::string("invalid JSON: ") + error_message(err));
    }
    out = convert(root, 0);
    if (!out) return out.error().with_context("invalid JSON");
  }
  // Past a root array/object the iterator must be at the end of the input
  // (root scalars are checked for trailing content by simdjson itself).
  if (!scalar && doc.current_location().error() == simdjson::SUCCESS) {
    return Error(ErrorKind::rejected, "invalid JSON: trailing content after the value");
  }
  return out;
}

Record record_from_object(const Value& object, const FieldNamesPtr& names) {
  Record r(names);
  if (!object.is_object()) return r;
  for (const Member& m : object.as_object()) {
    int i = names->index_of(m.key);
    if (i >= 0) {
      r.value(i) = m.value;
    } else {
      r.set(m.key, m.value);
    }
  }
  return r;
}

}  // namespace crmsync
