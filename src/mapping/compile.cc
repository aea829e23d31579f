#include <algorithm>
#include <map>
#include <set>

#include "config/loader.h"
#include "mapping/compiled.h"
#include "mapping/lua_expression.h"

namespace crmsync::mapping {
namespace {

const std::vector<std::string> kSourceForms = {"from", "value", "template", "coalesce",
                                               "ref",  "each",  "lua"};
const std::vector<std::string> kKeys = {"from",    "value",    "template", "coalesce",  "ref",
                                        "each",    "lua",      "mapping",  "transform", "map",
                                        "default", "required", "unmapped", "max_length"};

class Compiler {
 public:
  Compiler(const SchemaHints& hints, Diagnostics& diags, std::vector<std::string>& fields,
           std::vector<std::string>& flows)
      : hints_(hints), diags_(diags), fields_(fields), flows_(flows) {}

  bool rule(const MappingEntry& e, const Value& spec, const std::string& sub, bool nested,
            Rule& out) {
    out.target = e.target;
    if (spec.is_string()) {
      use_field(e, sub, spec.as_string());
      out.from.path = spec.as_string();
      return true;
    }
    if (!spec.is_object()) {
      error(e, sub, "expected a source field name or a map (from:, value:, template:, ...)");
      return false;
    }
    int forms = 0;
    for (const Member& m : spec.as_object()) {
      if (std::find(kKeys.begin(), kKeys.end(), m.key) == kKeys.end()) {
        std::string hint = did_you_mean(m.key, kKeys);
        error(e, join(sub, m.key),
              "unknown key '" + m.key + "'" + (hint.empty() ? "" : "; " + hint));
      }
      if (std::find(kSourceForms.begin(), kSourceForms.end(), m.key) != kSourceForms.end() &&
          !(m.key == "from" && (spec.find("ref") || spec.find("each")))) {
        ++forms;
      }
    }
    if (forms != 1) {
      error(e, sub,
            forms == 0 ? "needs one of from, value, template, coalesce, ref, each, lua"
                       : "has more than one of from, value, template, coalesce, ref, each, lua");
      return false;
    }
    if (const Value* v = spec.find("value")) {
      out.source = Rule::Source::constant;
      out.constant = *v;
    } else if (const Value* t = spec.find("template")) {
      out.source = Rule::Source::text_template;
      if (!parse_template(e, join(sub, "template"), t->to_text(), out)) return false;
    } else if (const Value* c = spec.find("coalesce")) {
      out.source = Rule::Source::coalesce;
      if (!c->is_array() || c->as_array().empty()) {
        error(e, join(sub, "coalesce"), "expected a list of source fields");
        return false;
      }
      for (const Value& f : c->as_array()) {
        use_field(e, join(sub, "coalesce"), f.to_text());
        out.candidates.push_back(FieldRef{f.to_text()});
      }
    } else if (const Value* r = spec.find("ref")) {
      out.source = Rule::Source::ref;
      out.ref_flow = r->to_text();
      const Value* from = spec.find("from");
      if (!from) {
        error(e, join(sub, "from"), "ref: needs from: (the source field holding the parent's id)");
        return false;
      }
      out.from.path = from->to_text();
      use_field(e, join(sub, "from"), out.from.path);
      if (!hints_.flows.empty() &&
          std::find(hints_.flows.begin(), hints_.flows.end(), out.ref_flow) == hints_.flows.end()) {
        std::string hint = did_you_mean(out.ref_flow, hints_.flows);
        error(e, join(sub, "ref"),
              "no flow named '" + out.ref_flow + "'" + (hint.empty() ? "" : "; " + hint));
      }
      if (std::find(flows_.begin(), flows_.end(), out.ref_flow) == flows_.end()) {
        flows_.push_back(out.ref_flow);
      }
    } else if (const Value* each = spec.find("each")) {
      out.source = Rule::Source::each;
      if (nested) {
        error(e, join(sub, "each"), "each: inside each: is not supported");
        return false;
      }
      out.from.path = each->to_text();
      use_field(e, join(sub, "each"), out.from.path);
      const Value* m = spec.find("mapping");
      if (!m || !m->is_object()) {
        error(e, join(sub, "mapping"), "each: needs mapping: {target: source, ...}");
        return false;
      }
      std::vector<std::string> names;
      for (const Member& sm : m->as_object()) {
        Rule sr;
        MappingEntry se = e;
        se.target = sm.key;
        if (rule(se, sm.value, join(sub, "mapping." + sm.key), true, sr)) {
          sr.target = sm.key;
          out.each.push_back(std::move(sr));
          names.push_back(sm.key);
        }
      }
      out.each_names = make_field_names(names);
    } else if (const Value* l = spec.find("lua")) {
      out.source = Rule::Source::lua;
      auto compiled = LuaExpression::compile(l->to_text());
      if (!compiled) {
        error(e, join(sub, "lua"), compiled.error().message);
        return false;
      }
      out.lua = *compiled;
      scan_lua_fields(l->to_text());
    } else if (const Value* f = spec.find("from")) {
      out.from.path = f->to_text();
      use_field(e, join(sub, "from"), out.from.path);
    }
    if (const Value* t = spec.find("transform")) {
      Array steps = t->is_array() ? t->as_array() : Array{*t};
      for (const Value& sv : steps) {
        Step st;
        if (sv.is_string()) {
          st.name = sv.as_string();
        } else if (sv.is_object() && sv.as_object().size() == 1) {
          st.name = sv.as_object()[0].key;
          st.arg = sv.as_object()[0].value;
        } else {
          error(e, join(sub, "transform"), "expected a transform name or {name: argument}");
          continue;
        }
        const auto& names = transform_names();
        if (std::find(names.begin(), names.end(), st.name) == names.end()) {
          std::string hint = did_you_mean(st.name, names);
          error(e, join(sub, "transform"),
                "unknown transform '" + st.name + "'" + (hint.empty() ? "" : "; " + hint));
          continue;
        }
        std::string problem = check_step(st);
        if (!problem.empty()) {
          error(e, join(sub, "transform"), st.name + ": " + problem);
          continue;
        }
        out.steps.push_back(std::move(st));
      }
    }
    if (const Value* m = spec.find("map")) {
      if (!m->is_object()) {
        error(e, join(sub, "map"), "expected {source value: target value, ...}");
      } else {
        out.has_map = true;
        size_t n = 0;
        for (const Member& kv : m->as_object()) {
          out.value_map.emplace(kv.key, kv.value);
          if (n++ < 5) out.known_keys += (out.known_keys.empty() ? "" : ", ") + kv.key;
        }
        if (m->as_object().size() > 5) out.known_keys += ", ...";
      }
    }
    if (const Value* d = spec.find("default")) out.default_value = *d;
    if (const Value* u = spec.find("unmapped")) {
      if (!u->is_string() || (u->as_string() != "keep" && u->as_string() != "error")) {
        error(e, join(sub, "unmapped"), "expected keep or error");
      } else if (!spec.find("map")) {
        error(e, join(sub, "unmapped"), "unmapped: needs map:");
      }
      out.keep_unmapped = u->is_string() && u->as_string() == "keep";
    }
    if (const Value* l = spec.find("max_length")) {
      if (!l->is_int() || l->as_int() < 0 || l->as_int() > 100000000) {
        error(e, join(sub, "max_length"), "expected a whole number of characters");
      } else {
        out.max_length = static_cast<int>(l->as_int());
      }
    }
    if (const Value* r = spec.find("required")) {
      if (!r->is_bool()) error(e, join(sub, "required"), "expected true or false");
      out.required = r->is_bool() && r->as_bool();
    }
    return true;
  }

 private:
  static std::string join(const std::string& a, const std::string& b) {
    return a.empty() ? b : a + "." + b;
  }

  void error(const MappingEntry& e, const std::string& sub, const std::string& msg) {
    Location loc = e.location;
    auto it = e.key_locations.find(sub);
    if (it != e.key_locations.end())
      loc = it->second;
    else if (!sub.empty())
      loc.key += "." + sub;
    diags_.push_back(Diagnostic{loc, e.target + ": " + msg});
  }

  void use_field(const MappingEntry& e, const std::string& sub, const std::string& path) {
    std::string first = path.substr(0, path.find('.'));
    if (first.empty()) {
      error(e, sub, "empty source field name");
      return;
    }
    if (std::find(fields_.begin(), fields_.end(), first) == fields_.end()) fields_.push_back(first);
    if (!hints_.source_fields.empty() &&
        std::find(hints_.source_fields.begin(), hints_.source_fields.end(), first) ==
            hints_.source_fields.end()) {
      std::string hint = did_you_mean(first, hints_.source_fields);
      error(e, sub, "the source has no field '" + first + "'" + (hint.empty() ? "" : "; " + hint));
    }
  }

  bool parse_template(const MappingEntry& e, const std::string& sub, const std::string& t,
                      Rule& out) {
    std::string lit;
    for (size_t i = 0; i < t.size(); ++i) {
      if (t.compare(i, 2, "{{") == 0 || t.compare(i, 2, "}}") == 0) {
        lit += t[i++];
        continue;
      }
      if (t[i] != '{') {
        lit += t[i];
        continue;
      }
      size_t end = t.find('}', i);
      if (end == std::string::npos) {
        error(e, sub, "unclosed { in template (write {{ for a literal brace)");
        return false;
      }
      if (!lit.empty()) out.parts.push_back(Rule::Part{false, lit, {}});
      lit.clear();
      std::string f = t.substr(i + 1, end - i - 1);
      use_field(e, sub, f);
      out.parts.push_back(Rule::Part{true, "", FieldRef{f}});
      i = end;
    }
    if (!lit.empty()) out.parts.push_back(Rule::Part{false, lit, {}});
    return true;
  }

  // Best effort: rec.Name and rec["Name"] in the Lua code are source fields.
  void scan_lua_fields(const std::string& code) {
    for (size_t p = code.find("rec"); p != std::string::npos; p = code.find("rec", p + 3)) {
      size_t i = p + 3;
      std::string name;
      if (i < code.size() && code[i] == '.') {
        for (++i; i < code.size() &&
                  (std::isalnum(static_cast<unsigned char>(code[i])) || code[i] == '_');
             ++i)
          name += code[i];
      } else if (code.compare(i, 2, "[\"") == 0) {
        size_t end = code.find('"', i + 2);
        if (end != std::string::npos) name = code.substr(i + 2, end - i - 2);
      }
      if (!name.empty() && std::find(fields_.begin(), fields_.end(), name) == fields_.end()) {
        fields_.push_back(name);
      }
    }
  }

  const SchemaHints& hints_;
  Diagnostics& diags_;
  std::vector<std::string>& fields_;
  std::vector<std::string>& flows_;
};

}  // namespace

CompileResult compile(const std::vector<MappingEntry>& entries, const SchemaHints& hints) {
  CompileResult result;
  auto m = std::make_unique<Compiled>();
  Compiler c(hints, result.diagnostics, m->source_fields_, m->flows_);
  std::set<std::string> seen;
  for (const MappingEntry& e : entries) {
    if (!seen.insert(e.target).second) {
      result.diagnostics.push_back({e.location, e.target + ": mapped twice"});
      continue;
    }
    if (!hints.target_fields.empty() &&
        std::find(hints.target_fields.begin(), hints.target_fields.end(), e.target) ==
            hints.target_fields.end()) {
      std::string hint = did_you_mean(e.target, hints.target_fields);
      result.diagnostics.push_back({e.location, "the target has no field '" + e.target + "'" +
                                                    (hint.empty() ? "" : "; " + hint)});
    }
    Rule r;
    if (c.rule(e, e.spec, "", false, r)) {
      m->rules_.push_back(std::move(r));
      m->target_fields_.push_back(e.target);
    }
  }
  if (entries.empty()) {
    result.diagnostics.push_back({Location{}, "the mapping is empty"});
  }
  if (!result.diagnostics.empty()) return result;
  m->names_ = make_field_names(m->target_fields_);
  result.mapping = std::move(m);
  return result;
}

std::vector<Value> Compiled::fixed_values(std::string_view target) const {
  std::map<std::string, Value> out;
  for (const Rule& r : rules_) {
    if (r.target != target) continue;
    if (r.has_map && !r.keep_unmapped) {
      for (const auto& [key, value] : r.value_map) out.emplace(value.to_text(), value);
      if (r.default_value) out.emplace(r.default_value->to_text(), *r.default_value);
    } else if (r.source == Rule::Source::constant && r.steps.empty()) {
      out.emplace(r.constant.to_text(), r.constant);
    }
  }
  std::vector<Value> values;
  for (auto& [text, v] : out) {
    if (!v.is_null()) values.push_back(std::move(v));
  }
  return values;
}

}  // namespace crmsync::mapping
