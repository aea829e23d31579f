#include "mapping/compiled.h"
#include "mapping/lua_expression.h"

namespace crmsync::mapping {
namespace {

Error field_error(const std::string& target, const Error& e) {
  return Error(ErrorKind::rejected, target + ": " + e.message);
}

bool empty(const Value* v) {
  return v == nullptr || v->is_null() || (v->is_string() && v->as_string().empty());
}

// Applies a rule's source form, transforms, value map, default and
// required check into `v` (null on entry). Refs are collected into `refs`
// (item_index >= 0 inside each). The value is built in its slot of the
// mapped record: this runs per field of every record.
Status eval_rule(const Rule& r, const Record& src, std::vector<PendingRef>& refs,
                 const std::string& parent_field, int item_index, Value& v) {
  switch (r.source) {
    case Rule::Source::copy:
      if (const Value* f = r.from.get(src)) v = *f;
      break;
    case Rule::Source::constant:
      v = r.constant;
      break;
    case Rule::Source::text_template: {
      std::string out;
      for (const Rule::Part& p : r.parts) {
        if (!p.field) {
          out += p.text;
        } else if (const Value* f = p.ref.get(src)) {
          out += f->to_text();
        }
      }
      v = Value(std::move(out));
      break;
    }
    case Rule::Source::coalesce:
      for (const FieldRef& c : r.candidates) {
        const Value* f = c.get(src);
        if (!empty(f)) {
          v = *f;
          break;
        }
      }
      break;
    case Rule::Source::ref: {
      const Value* f = r.from.get(src);
      if (!empty(f)) {
        PendingRef ref;
        ref.flow = r.ref_flow;
        ref.source_id = f->to_text();
        if (item_index >= 0) {
          ref.field = parent_field;
          ref.item_index = item_index;
          ref.item_field = r.target;
        } else {
          ref.field = r.target;
        }
        refs.push_back(std::move(ref));
      }
      return {};
    }
    case Rule::Source::each: {
      const Value* arr = r.from.get(src);
      if (arr == nullptr || arr->is_null()) return {};
      if (!arr->is_array()) {
        return Error(ErrorKind::rejected, r.target + ": each: '" + r.from.path + "' is not a list");
      }
      Array out;
      int idx = 0;
      for (const Value& elem : arr->as_array()) {
        Record item(r.each_names);
        Record elem_rec;
        if (elem.is_object()) {
          std::vector<std::string> names;
          std::vector<Value> values;
          for (const Member& m : elem.as_object()) {
            names.push_back(m.key);
            values.push_back(m.value);
          }
          elem_rec = Record(make_field_names(std::move(names)), std::move(values));
        }
        Object obj;
        for (const Rule& sub : r.each) {
          Value sv;
          if (Status st = eval_rule(sub, elem_rec, refs, r.target, idx, sv); !st)
            return Error(ErrorKind::rejected,
                         r.target + "[" + std::to_string(idx) + "]." + st.error().message);
          obj.push_back(Member{sub.target, std::move(sv)});
        }
        out.push_back(Value(std::move(obj)));
        ++idx;
      }
      v = Value(std::move(out));
      return {};
    }
    case Rule::Source::lua: {
      auto res = r.lua->eval(src);
      if (!res) return field_error(r.target, res.error());
      v = std::move(*res);
      break;
    }
  }
  for (const Step& s : r.steps) {
    if (Status st = apply_step_in_place(s, v); !st) return field_error(r.target, st.error());
  }
  if (r.has_map && !v.is_null()) {
    auto it = v.is_string() ? r.value_map.find(std::string_view(v.as_string()))
                            : r.value_map.find(v.to_text());
    if (it != r.value_map.end()) {
      v = it->second;
    } else if (r.keep_unmapped) {
      // as it is
    } else if (r.default_value) {
      v = *r.default_value;
    } else {
      std::string t = v.to_text();
      if (t.size() > 100) t = t.substr(0, 100) + "...";
      return Error(ErrorKind::rejected,
                   r.target + ": no mapping for '" + t + "' (known: " + r.known_keys + ")");
    }
  }
  if (v.is_null() && r.default_value) v = *r.default_value;
  if (r.required && (v.is_null() || (v.is_string() && v.as_string().empty()))) {
    return Error(ErrorKind::rejected, r.target + ": required but the source value is empty");
  }
  if (r.max_length >= 0 && !v.is_null()) {
    // Characters, as varchar(n) counts them; the target would refuse the
    // value without naming the field.
    std::string t = v.to_text();
    size_t chars = 0;
    for (char c : t) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    if (chars > static_cast<size_t>(r.max_length)) {
      if (t.size() > 100) t = t.substr(0, 100) + "...";
      return Error(ErrorKind::rejected, r.target + ": '" + t + "' has " + std::to_string(chars) +
                                            " characters, more than max_length " +
                                            std::to_string(r.max_length));
    }
  }
  return {};
}

}  // namespace

const Value* FieldRef::get(const Record& r) const {
  if (names != r.names().get()) {
    names = r.names().get();
    index = r.names()->index_of(path);
  }
  if (index >= 0) return &r.value(static_cast<size_t>(index));
  return path.find('.') == std::string::npos ? nullptr : r.get_path(path);
}

Result<MappedRecord> Compiled::apply(const Record& source) {
  MappedRecord out{Record(names_), {}};
  for (size_t i = 0; i < rules_.size(); ++i) {
    Status st = eval_rule(rules_[i], source, out.refs, rules_[i].target, -1, out.record.value(i));
    if (!st) return st.error();
  }
  return out;
}

void set_ref(MappedRecord& mapped, const PendingRef& ref, std::optional<std::string> target_id) {
  Value v = target_id ? Value(std::move(*target_id)) : Value();
  if (ref.item_index < 0) {
    mapped.record.set(ref.field, std::move(v));
    return;
  }
  int i = mapped.record.names()->index_of(ref.field);
  if (i < 0) return;
  Value& arr = mapped.record.value(static_cast<size_t>(i));
  if (!arr.is_array() || ref.item_index >= static_cast<int>(arr.as_array().size())) return;
  Value& item = arr.as_array()[static_cast<size_t>(ref.item_index)];
  if (!item.is_object()) return;
  for (Member& m : item.as_object()) {
    if (m.key == ref.item_field) {
      m.value = std::move(v);
      return;
    }
  }
}

}  // namespace crmsync::mapping
