#include "config/spec.h"

#include <algorithm>

#include "config/loader.h"
#include "core/json.h"

namespace crmsync {
namespace {

const char* type_name(OptionSpec::Type t) {
  switch (t) {
    case OptionSpec::Type::string:
      return "string";
    case OptionSpec::Type::integer:
      return "integer";
    case OptionSpec::Type::number:
      return "number";
    case OptionSpec::Type::boolean:
      return "boolean";
    case OptionSpec::Type::path:
      return "path";
    case OptionSpec::Type::list:
      return "list";
    case OptionSpec::Type::object:
      return "object";
    case OptionSpec::Type::enumeration:
      return "one of";
  }
  return "string";
}

bool type_ok(const OptionSpec& s, const Value& v, std::string& expected) {
  switch (s.type) {
    case OptionSpec::Type::string:
    case OptionSpec::Type::path:
      expected = "a text value";
      return v.is_string() || v.is_number() || v.is_bool();
    case OptionSpec::Type::integer:
      expected = "a whole number";
      return v.is_int();
    case OptionSpec::Type::number:
      expected = "a number";
      return v.is_number();
    case OptionSpec::Type::boolean:
      expected = "true or false";
      return v.is_bool();
    case OptionSpec::Type::list:
      expected = "a list";
      return v.is_array();
    case OptionSpec::Type::object:
      expected = "a map";
      return v.is_object();
    case OptionSpec::Type::enumeration: {
      expected = "one of";
      for (const auto& e : s.enum_values) expected += " " + e;
      std::string t = v.to_text();
      return std::find(s.enum_values.begin(), s.enum_values.end(), t) != s.enum_values.end();
    }
  }
  return true;
}

}  // namespace

Diagnostics validate_options(const std::vector<OptionSpec>& specs, const OptionSet& options,
                             OptionSet* with_defaults) {
  Diagnostics out;
  std::vector<std::string> names;
  for (const OptionSpec& s : specs) names.push_back(s.name);
  auto loc = [&](const std::string& key) {
    auto it = options.locations.find(key);
    if (it != options.locations.end()) return it->second;
    Location l = options.location;
    l.key += (l.key.empty() ? "" : ".") + key;
    return l;
  };
  if (options.values.is_object()) {
    for (const Member& m : options.values.as_object()) {
      if (std::find(names.begin(), names.end(), m.key) == names.end()) {
        std::string hint = did_you_mean(m.key, names);
        out.push_back(
            {loc(m.key), "unknown option '" + m.key + "'" + (hint.empty() ? "" : "; " + hint)});
      }
    }
  }
  if (with_defaults) *with_defaults = options;
  for (const OptionSpec& s : specs) {
    const Value* v = options.get(s.name);
    if (v == nullptr || v->is_null()) {
      if (s.required) {
        out.push_back(
            {loc(s.name), "missing required option '" + s.name + "' (" + s.description + ")"});
      } else if (with_defaults && !s.default_value.is_null()) {
        with_defaults->values.as_object().push_back(Member{s.name, s.default_value});
      }
      continue;
    }
    std::string expected;
    if (!type_ok(s, *v, expected)) {
      std::string found = s.secret ? "" : ", found '" + v->to_text() + "'";
      auto at = options.value_locations.find(s.name);
      out.push_back({at != options.value_locations.end() ? at->second : loc(s.name),
                     "expected " + expected + found});
    }
  }
  return out;
}

std::string render_markdown(const ComponentSpec& spec) {
  std::string out = "# `" + spec.type + "` connector\n\n" + spec.summary + "\n";
  auto table = [&](const char* title, const std::vector<OptionSpec>& opts) {
    if (opts.empty()) return;
    out += std::string("\n## ") + title +
           "\n\n| option | type | required | default | description |\n"
           "|---|---|---|---|---|\n";
    for (const OptionSpec& o : opts) {
      std::string type = type_name(o.type);
      if (o.type == OptionSpec::Type::enumeration) {
        for (size_t i = 0; i < o.enum_values.size(); ++i) {
          type += (i ? ", " : " ") + o.enum_values[i];
        }
      }
      out += "| `" + o.name + "` | " + type + " | " + (o.required ? "yes" : "no") + " | " +
             (o.default_value.is_null() ? "" : "`" + o.default_value.to_text() + "`") + " | " +
             o.description + (o.secret ? " (secret: never logged)" : "") +
             (o.example.empty() ? "" : " Example: `" + o.example + "`.") + " |\n";
    }
  };
  table("Connection options", spec.options);
  table("Source options (in a flow's `source:`)", spec.source_options);
  table("Target options (in a flow's `target:`)", spec.target_options);
  return out;
}

namespace {

Value option_schema(const OptionSpec& o) {
  Object s;
  switch (o.type) {
    case OptionSpec::Type::integer:
      s.push_back({"type", Value("integer")});
      break;
    case OptionSpec::Type::number:
      s.push_back({"type", Value("number")});
      break;
    case OptionSpec::Type::boolean:
      s.push_back({"type", Value("boolean")});
      break;
    case OptionSpec::Type::list:
      s.push_back({"type", Value("array")});
      break;
    case OptionSpec::Type::object:
      s.push_back({"type", Value("object")});
      break;
    case OptionSpec::Type::enumeration: {
      Array e;
      for (const auto& v : o.enum_values) e.push_back(Value(v));
      s.push_back({"enum", Value(std::move(e))});
      break;
    }
    default:
      s.push_back({"type", Value("string")});
  }
  s.push_back({"description", Value(o.description)});
  if (!o.default_value.is_null()) s.push_back({"default", o.default_value});
  return Value(std::move(s));
}

Value object_schema(const std::vector<OptionSpec>& opts, Object extra_props,
                    std::vector<std::string> required) {
  Object props = std::move(extra_props);
  for (const OptionSpec& o : opts) {
    props.push_back({o.name, option_schema(o)});
    if (o.required) required.push_back(o.name);
  }
  Array req;
  for (const auto& r : required) req.push_back(Value(r));
  return Value(Object{{"type", Value("object")},
                      {"properties", Value(std::move(props))},
                      {"required", Value(std::move(req))}});
}

// A flow's `trigger:` (config/trigger_reader.h, docs/configuration.md).
Value trigger_schema() {
  auto described = [](Object o, const char* text) {
    o.push_back({"description", Value(text)});
    return Value(std::move(o));
  };
  Value duration = Value(Array{Value("string"), Value("integer")});
  return Value(Object{
      {"type", Value("object")},
      {"additionalProperties", Value(false)},
      {"properties",
       Value(Object{
           {"schedule",
            described({{"type", Value("string")}},
                      "'every N' with a unit s, m, h or d (anchored to the unix epoch), or cron: "
                      "5 fields (minute hour day-of-month month day-of-week) with *, lists, "
                      "ranges, /steps, JAN-DEC, SUN-SAT, or @hourly @daily @weekly @monthly "
                      "@yearly")},
           {"timezone", described({{"type", Value("string")}, {"default", Value("UTC")}},
                                  "IANA zone the cron schedule is read in (Europe/Berlin)")},
           {"cdc", described({{"type", Value("boolean")}, {"default", Value(false)}},
                             "run on the source's change events, in real time")},
           {"webhook", described({{"type", Value("boolean")}, {"default", Value(false)}},
                                 "run on the source connection's webhooks (its webhooks: "
                                 "block), through serve's inbox; a schedule beside it "
                                 "catches lost ones")},
           {"manual",
            described({{"type", Value("boolean")}},
                      "only through the API or `crmsync run`; the default without schedule, "
                      "cdc and webhook")},
           {"catch_up",
            described({{"type", Value(Array{Value("string"), Value("integer"), Value("boolean")})}},
                      "on start, a slot missed while serve was down runs once if at most this "
                      "old (30s, 5m, 1h, 2d); default one interval; 0 or false: never")},
           {"jitter", described({{"type", duration}},
                                "delay each scheduled run by a random 0..jitter (30s, 5m)")}})}});
}

}  // namespace

std::string render_json_schema(const std::vector<ComponentSpec>& specs) {
  Array connection_variants;
  for (const ComponentSpec& c : specs) {
    Object type_prop{{"type", Value(Object{{"const", Value(c.type)}})},
                     {"webhooks", Value(Object{{"type", Value("object")}})}};
    connection_variants.push_back(object_schema(c.options, type_prop, {"type"}));
  }
  Value str = Value(Object{{"type", Value("string")}});
  Value side = Value(Object{
      {"type", Value("object")},
      {"properties", Value(Object{{"connection", str},
                                  {"object", str},
                                  {"filter", str},
                                  {"id_field", str},
                                  {"cursor_field", str},
                                  {"external_id", str},
                                  {"batch_size", Value(Object{{"type", Value("integer")}})}})},
      {"required", Value(Array{Value("connection"), Value("object")})}});
  Value flow = Value(
      Object{{"type", Value("object")},
             {"properties",
              Value(Object{
                  {"source", side},
                  {"target", side},
                  {"mode", Value(Object{{"enum", Value(Array{Value("upsert"), Value("update"),
                                                             Value("insert"), Value("mirror")})}})},
                  {"match", Value(Object{})},
                  {"on_delete", Value(Object{})},
                  {"max_deletes",
                   Value(Object{{"type", Value(Array{Value("integer"), Value("string")})}})},
                  {"mapping", Value(Object{{"type", Value("object")}})},
                  {"retry", Value(Object{{"type", Value("object")}})},
                  {"trigger", trigger_schema()}})},
             {"required", Value(Array{Value("source"), Value("target"), Value("mapping")})}});
  Value schema = Value(Object{
      {"$schema", Value("https://json-schema.org/draft/2020-12/schema")},
      {"title", Value("crmsync configuration")},
      {"type", Value("object")},
      {"properties",
       Value(Object{
           {"version", Value(Object{{"const", Value(int64_t{1})}})},
           {"state", Value(Object{{"type", Value("object")}})},
           {"serve", Value(Object{{"type", Value("object")}})},
           {"connections",
            Value(Object{{"type", Value("object")},
                         {"additionalProperties",
                          Value(Object{{"oneOf", Value(std::move(connection_variants))}})}})},
           {"flows", Value(Object{{"type", Value("object")}, {"additionalProperties", flow}})}})},
      {"required", Value(Array{Value("connections"), Value("flows")})}});
  return to_json(schema);
}

}  // namespace crmsync
