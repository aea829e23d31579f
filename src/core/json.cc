#include "core/json.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <optional>
#include <type_traits>

#include "core/utf8.h"

namespace crmsync {

void append_json_string(std::string_view s, std::string& out) {
  // JSON text is UTF-8: bytes from outside that are not get U+FFFD, so every
  // document this writes parses (issue 30 part 6).
  if (!is_valid_utf8(s)) {
    append_json_string(to_valid_utf8(s), out);
    return;
  }
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

// Why and where a parse failed; the offset is in bytes from the start of the
// text (nullopt: the parser did not say, taken from its iterator).
struct Failure {
  std::string cause;
  std::optional<size_t> offset;
};

std::string cause_of(error_code err) {
  switch (err) {
    case UTF8_ERROR:
      return "invalid UTF-8";
    case NUMBER_ERROR:
    case NUMBER_OUT_OF_RANGE:
      return "not a valid JSON number";
    case T_ATOM_ERROR:
    case F_ATOM_ERROR:
    case N_ATOM_ERROR:
      return "not a JSON literal (true, false or null)";
    case STRING_ERROR:
      return "bad string (escape, control character or lone surrogate)";
    case UNCLOSED_STRING:
      return "unclosed string";
    case EMPTY:
      return "no JSON value (empty text)";
    case INCOMPLETE_ARRAY_OR_OBJECT:
      return "the text ends inside an array or object (truncated?)";
    case DEPTH_ERROR:
      return "nested too deeply";
    case TAPE_ERROR:
      return "not a JSON value or structure here";
    default:
      return error_message(err);
  }
}

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
  if (!d) return Error(ErrorKind::rejected, "number out of range");
  return Value(*d);
}

class Converter {
 public:
  Converter(const char* base, Failure& failure) : base_(base), failure_(failure) {}

  template <typename V>
  Result<Value> convert(V&& val, int depth) {
    if (depth > 64) return fail("nested too deeply", where(val));
    ondemand::json_type t;
    if (auto err = val.type().get(t)) return fail(err);
    switch (t) {
      case ondemand::json_type::null: {
        bool is_null = false;
        if (auto err = val.is_null().get(is_null); err || !is_null)
          return fail(err ? err : N_ATOM_ERROR, val);
        return Value();
      }
      case ondemand::json_type::boolean: {
        bool b;
        if (auto err = val.get_bool().get(b)) return fail(err, val);
        return Value(b);
      }
      case ondemand::json_type::number: {
        std::string_view tok = val.raw_json_token();
        auto r = from_number_token(tok);
        if (!r) return fail(r.error().message + ": " + std::string(tok.substr(0, 24)), tok.data());
        return r;
      }
      case ondemand::json_type::string: {
        std::string_view s;
        if (auto err = val.get_string().get(s)) return fail(err, val);
        return Value(std::string(s));
      }
      case ondemand::json_type::array: {
        ondemand::array arr;
        if (auto err = val.get_array().get(arr)) return fail(err);
        Array out;
        for (auto elem : arr) {
          ondemand::value ev;
          if (auto err = elem.get(ev)) return fail(err);
          auto r = convert(ev, depth + 1);
          if (!r) return r.error();
          out.push_back(std::move(*r));
        }
        return Value(std::move(out));
      }
      case ondemand::json_type::object: {
        ondemand::object obj;
        if (auto err = val.get_object().get(obj)) return fail(err);
        Object out;
        for (auto field : obj) {
          std::string_view key;
          if (auto err = field.unescaped_key().get(key)) return fail(err);
          std::string k(key);
          ondemand::value fv;
          if (auto err = field.value().get(fv)) return fail(err);
          auto r = convert(fv, depth + 1);
          if (!r) return r.error();
          out.push_back(Member{std::move(k), std::move(*r)});
        }
        return Value(std::move(out));
      }
    }
    return fail("unknown JSON type");
  }

  // The first byte of `val` in the text, nullptr when the parser cannot say.
  template <typename V>
  static const char* where(V& val) {
    auto tok = val.raw_json_token();
    if constexpr (std::is_same_v<decltype(tok), std::string_view>) {
      return tok.data();
    } else {
      std::string_view t;
      return tok.get(t) == SUCCESS ? t.data() : nullptr;
    }
  }
  template <typename V>
  Error fail(error_code err, V& val) {
    return fail(cause_of(err), where(val));
  }
  Error fail(error_code err) { return fail(cause_of(err), nullptr); }
  // A failure at `at`, or (nullptr) where the parser's iterator stopped.
  Error fail(std::string cause, const char* at = nullptr) {
    failure_.cause = std::move(cause);
    if (at != nullptr) failure_.offset = static_cast<size_t>(at - base_);
    return Error(ErrorKind::rejected, failure_.cause);
  }

 private:
  const char* base_;
  Failure& failure_;
};

// Up to 16 bytes either side of `offset`, quoted, with every byte that is
// not printable ASCII written as \xNN: the excerpt itself is always valid
// UTF-8, whatever the answer held.
std::string excerpt(std::string_view text, size_t offset) {
  constexpr size_t kSide = 16;
  size_t from = offset > kSide ? offset - kSide : 0;
  size_t to = std::min(text.size(), offset + kSide);
  std::string out = from > 0 ? "\"..." : "\"";
  for (size_t i = from; i < to; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  out += to < text.size() ? "...\"" : "\"";
  return out;
}

Error parse_error(std::string_view text, const Failure& f) {
  size_t offset = std::min(f.offset.value_or(text.size()), text.size());
  std::string cause = f.cause;
  if (offset == text.size() && !text.empty()) {
    cause = "the text ends before the JSON value does (truncated?)";
  } else if (offset < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[offset]);
    char buf[16];
    if (c >= 0x20 && c < 0x7F) {
      std::snprintf(buf, sizeof buf, "'%c'", c);
    } else {
      std::snprintf(buf, sizeof buf, "byte 0x%02x", c);
    }
    cause += std::string(", unexpected ") + buf;
  }
  std::string msg = "invalid JSON at byte " + std::to_string(offset) + " of " +
                    std::to_string(text.size()) + ": " + cause;
  if (!text.empty()) msg += " (near " + excerpt(text, offset) + ")";
  return Error(ErrorKind::rejected, std::move(msg));
}

Result<Value> parse_root(const padded_string& padded, Failure& failure) {
  thread_local ondemand::parser parser;
  Converter conv(padded.data(), failure);
  ondemand::document doc;
  if (auto err = parser.iterate(padded).get(doc)) return conv.fail(err);
  // Where the document's iterator stopped, for errors that do not say.
  auto located = [&](Error e) {
    const char* at = nullptr;
    if (!failure.offset && doc.current_location().get(at) == SUCCESS)
      failure.offset = static_cast<size_t>(at - padded.data());
    return e;
  };
  // Scalars at the document root need the document's own accessors.
  bool scalar = false;
  if (auto err = doc.is_scalar().get(scalar)) return located(conv.fail(err));
  if (!scalar) {
    ondemand::value root;
    if (auto err = doc.get_value().get(root)) return located(conv.fail(err));
    Result<Value> out = conv.convert(root, 0);
    if (!out) return located(out.error());
    // Past a root array/object the iterator must be at the end of the input
    // (root scalars are checked for trailing content by simdjson itself).
    const char* at = nullptr;
    if (doc.current_location().get(at) == SUCCESS) {
      return conv.fail("trailing content after the value", at);
    }
    return out;
  }
  failure.offset = 0;
  ondemand::json_type t;
  if (auto err = doc.type().get(t)) return conv.fail(err);
  if (t == ondemand::json_type::number) {
    std::string_view tok;
    if (auto err = doc.raw_json_token().get(tok)) return conv.fail(err);
    auto r = from_number_token(tok);
    if (!r) return conv.fail(r.error().message + ": " + std::string(tok.substr(0, 24)), tok.data());
    return r;
  }
  if (t == ondemand::json_type::string) {
    std::string_view s;
    if (auto err = doc.get_string().get(s)) return conv.fail(err);
    return Value(std::string(s));
  }
  if (t == ondemand::json_type::boolean) {
    bool b;
    if (auto err = doc.get_bool().get(b)) return conv.fail(err);
    return Value(b);
  }
  bool is_null = false;
  if (auto err = doc.is_null().get(is_null); err || !is_null) {
    return conv.fail("not a JSON value (a literal, number, string, array or object)");
  }
  return Value();
}

}  // namespace

Result<Value> parse_json(std::string_view text) {
  Failure failure;
  // simdjson checks UTF-8 up front without saying where; this says where.
  if (size_t bad = invalid_utf8_offset(text); bad != std::string_view::npos) {
    failure.cause = "invalid UTF-8";
    failure.offset = bad;
    return parse_error(text, failure);
  }
  padded_string padded(text);
  Result<Value> out = parse_root(padded, failure);
  if (!out) return parse_error(text, failure);
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
