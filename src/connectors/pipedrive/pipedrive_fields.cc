#include "connectors/pipedrive/pipedrive_fields.h"

#include <algorithm>

namespace crmsync {

namespace {

bool is_hex_key(std::string_view key) {
  return key.size() == 40 && std::all_of(key.begin(), key.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace

Result<PipedriveFieldCatalog> PipedriveFieldCatalog::load(PipedriveClient& client,
                                                          const PipedriveObject& obj) {
  PipedriveFieldCatalog cat;
  for (int64_t start = 0;;) {
    auto a =
        client.call("GET", "/v1/" + obj.fields + "?start=" + std::to_string(start) + "&limit=500");
    if (!a) return a.error().with_context("reading the " + obj.name + " field definitions");
    if (!a->data.is_array()) break;
    for (const Value& f : a->data.as_array()) {
      const Value* key = f.find("key");
      const Value* name = f.find("name");
      if (!key || !key->is_string() || !name || !name->is_string()) continue;
      PipedriveField field;
      field.key = key->as_string();
      field.name = name->as_string();
      if (const Value* t = f.find("field_type"); t && t->is_string()) field.type = t->as_string();
      field.custom = is_hex_key(field.key);
      if (const Value* id = f.find("id"); id && id->is_int()) field.id = id->as_int();
      if (const Value* opts = f.find("options"); opts && opts->is_array()) {
        for (const Value& o : opts->as_array()) {
          const Value* id = o.find("id");
          const Value* label = o.find("label");
          if (!id || !id->is_int() || !label) continue;
          field.option_ids[label->to_text()] = id->as_int();
          field.option_labels[id->as_int()] = label->to_text();
        }
      }
      cat.by_key_[field.key] = cat.fields_.size();
      // A custom field's name wins over a standard field of the same name:
      // the config names custom fields by name, standard ones by key.
      if (field.custom || !cat.by_name_.count(field.name)) {
        cat.by_name_[field.name] = cat.fields_.size();
      }
      cat.fields_.push_back(std::move(field));
    }
    const Value* pag = a->additional_data.find("pagination");
    const Value* more = pag ? pag->find("more_items_in_collection") : nullptr;
    const Value* next = pag ? pag->find("next_start") : nullptr;
    if (!more || !more->is_bool() || !more->as_bool() || !next || !next->is_int()) break;
    start = next->as_int();
  }
  return cat;
}

const PipedriveField* PipedriveFieldCatalog::by_name(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : &fields_[it->second];
}

const PipedriveField* PipedriveFieldCatalog::by_key(std::string_view key) const {
  auto it = by_key_.find(key);
  return it == by_key_.end() ? nullptr : &fields_[it->second];
}

std::vector<std::string> PipedriveFieldCatalog::custom_names() const {
  std::vector<std::string> out;
  for (const PipedriveField& f : fields_) {
    if (f.custom) out.push_back(f.name);
  }
  return out;
}

Result<Value> to_pipedrive_value(const PipedriveField& field, const Value& value) {
  if (value.is_null() || (field.type != "enum" && field.type != "set")) return value;
  auto id_of = [&](const std::string& label) -> Result<Value> {
    auto it = field.option_ids.find(label);
    if (it != field.option_ids.end()) return Value(it->second);
    std::string known;
    for (const auto& [l, id] : field.option_ids) known += (known.empty() ? "" : ", ") + l;
    return Error(ErrorKind::rejected, "field '" + field.name + "' has no option '" + label +
                                          "' (options: " + known + ")");
  };
  if (field.type == "enum") return id_of(value.to_text());
  std::vector<std::string> labels;
  if (value.is_array()) {
    for (const Value& v : value.as_array()) labels.push_back(v.to_text());
  } else {
    std::string text = value.to_text();
    size_t at = 0;
    while (at <= text.size()) {
      size_t comma = text.find(',', at);
      std::string part =
          text.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
      part.erase(0, part.find_first_not_of(' '));
      part.erase(part.find_last_not_of(' ') + 1);
      if (!part.empty()) labels.push_back(part);
      if (comma == std::string::npos) break;
      at = comma + 1;
    }
  }
  Array ids;
  for (const std::string& l : labels) {
    auto id = id_of(l);
    if (!id) return id.error();
    ids.push_back(*id);
  }
  return Value(std::move(ids));
}

Value from_pipedrive_value(const PipedriveField& field, const Value& value) {
  auto label = [&](const Value& v) -> Value {
    if (!v.is_int()) return v;
    auto it = field.option_labels.find(v.as_int());
    return it == field.option_labels.end() ? v : Value(it->second);
  };
  if (field.type == "enum") return label(value);
  if (field.type == "set" && value.is_array()) {
    Array out;
    for (const Value& v : value.as_array()) out.push_back(label(v));
    return Value(std::move(out));
  }
  return value;
}

}  // namespace crmsync
