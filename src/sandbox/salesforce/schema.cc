#include "sandbox/salesforce/schema.h"

#include <cctype>

#include "core/json.h"

namespace crmsync::sandbox::salesforce {

// The text of schema.json, compiled in by CMake (schema_text.cc).
extern const char* const kBuiltinSchemaJson;

namespace {

struct TypeName {
  FieldType type;
  const char* describe;
  const char* soap;
};
constexpr TypeName kTypes[] = {
    {FieldType::id, "id", "tns:ID"},
    {FieldType::string, "string", "xsd:string"},
    {FieldType::textarea, "textarea", "xsd:string"},
    {FieldType::email, "email", "xsd:string"},
    {FieldType::phone, "phone", "xsd:string"},
    {FieldType::url, "url", "xsd:string"},
    {FieldType::picklist, "picklist", "xsd:string"},
    {FieldType::boolean, "boolean", "xsd:boolean"},
    {FieldType::integer, "int", "xsd:int"},
    {FieldType::double_, "double", "xsd:double"},
    {FieldType::currency, "currency", "xsd:double"},
    {FieldType::percent, "percent", "xsd:double"},
    {FieldType::date, "date", "xsd:date"},
    {FieldType::datetime, "datetime", "xsd:dateTime"},
    {FieldType::reference, "reference", "tns:ID"},
};

std::string text_of(const Value& o, std::string_view key, std::string def = {}) {
  const Value* v = o.find(key);
  return v && v->is_string() ? v->as_string() : def;
}

bool flag_of(const Value& o, std::string_view key, bool def) {
  const Value* v = o.find(key);
  return v && v->is_bool() ? v->as_bool() : def;
}

int int_of(const Value& o, std::string_view key) {
  const Value* v = o.find(key);
  return v && v->is_int() ? static_cast<int>(v->as_int()) : 0;
}

std::vector<std::string> list_of(const Value& o, std::string_view key) {
  std::vector<std::string> out;
  const Value* v = o.find(key);
  if (v && v->is_array()) {
    for (const Value& e : v->as_array()) {
      if (e.is_string()) out.push_back(e.as_string());
    }
  }
  return out;
}

FieldDef system_field(const char* name, FieldType type, const std::string& ref = {},
                      const char* rel = "") {
  FieldDef f;
  f.name = name;
  f.label = name;
  f.type = type;
  f.system = true;
  f.createable = false;
  f.updateable = false;
  f.length = type == FieldType::id || type == FieldType::reference ? 18 : 0;
  if (!ref.empty()) f.reference_to = {ref};
  f.relationship_name = rel;
  f.id_lookup = type == FieldType::id;
  return f;
}

Result<FieldDef> parse_field(const Value& v, const std::string& object) {
  FieldDef f;
  f.name = text_of(v, "name");
  if (f.name.empty())
    return Error(ErrorKind::fatal, "schema: a field of " + object + " has no name");
  std::string type = text_of(v, "type");
  bool known = false;
  for (const TypeName& t : kTypes) {
    if (type == t.describe) f.type = t.type, known = true;
  }
  if (!known) {
    return Error(ErrorKind::fatal,
                 "schema: field " + object + "." + f.name + " has unknown type '" + type + "'");
  }
  f.label = text_of(v, "label", f.name);
  f.length = int_of(v, "length");
  if (f.type == FieldType::reference) f.length = 18;
  f.precision = int_of(v, "precision");
  f.scale = int_of(v, "scale");
  f.required = flag_of(v, "required", false);
  f.createable = flag_of(v, "createable", true);
  f.updateable = flag_of(v, "updateable", true);
  f.external_id = flag_of(v, "externalId", false);
  f.unique = flag_of(v, "unique", false);
  f.id_lookup = flag_of(v, "idLookup", f.external_id);
  f.custom = flag_of(v, "custom", f.name.ends_with("__c"));
  f.name_field = flag_of(v, "nameField", false);
  f.reference_to = list_of(v, "referenceTo");
  f.relationship_name = text_of(v, "relationshipName");
  f.picklist = list_of(v, "picklist");
  if (const Value* d = v.find("default")) f.default_value = *d;
  std::string formula = text_of(v, "formula");
  for (size_t s = 0; s < formula.size();) {
    size_t e = formula.find(' ', s);
    if (e == std::string::npos) e = formula.size();
    if (e > s) f.formula.push_back(formula.substr(s, e - s));
    s = e + 1;
  }
  if (f.type == FieldType::reference && (f.reference_to.empty() || f.relationship_name.empty())) {
    return Error(ErrorKind::fatal, "schema: reference field " + object + "." + f.name +
                                       " needs referenceTo and relationshipName");
  }
  return f;
}

Result<ObjectDef> parse_object(const Value& v) {
  ObjectDef o;
  o.name = text_of(v, "name");
  o.key_prefix = text_of(v, "keyPrefix");
  if (o.name.empty() || o.key_prefix.size() != 3) {
    return Error(ErrorKind::fatal,
                 "schema: object '" + o.name + "' needs a name and a 3-char keyPrefix");
  }
  o.label = text_of(v, "label", o.name);
  o.label_plural = text_of(v, "labelPlural", o.label + "s");
  o.custom = flag_of(v, "custom", o.name.ends_with("__c"));
  o.fields.push_back(system_field("Id", FieldType::id));
  if (flag_of(v, "owned", true)) {
    FieldDef owner = system_field("OwnerId", FieldType::reference, "User", "Owner");
    owner.createable = owner.updateable = true;  // defaulted to the API user
    o.fields.push_back(owner);
  }
  o.fields.push_back(system_field("IsDeleted", FieldType::boolean));
  const Value* fields = v.find("fields");
  if (fields && fields->is_array()) {
    for (const Value& fv : fields->as_array()) {
      auto f = parse_field(fv, o.name);
      if (!f) return f.error();
      o.fields.push_back(std::move(*f));
    }
  }
  o.fields.push_back(system_field("CreatedDate", FieldType::datetime));
  o.fields.push_back(system_field("CreatedById", FieldType::reference, "User", "CreatedBy"));
  o.fields.push_back(system_field("LastModifiedDate", FieldType::datetime));
  o.fields.push_back(
      system_field("LastModifiedById", FieldType::reference, "User", "LastModifiedBy"));
  o.fields.push_back(system_field("SystemModstamp", FieldType::datetime));
  std::vector<std::string> names;
  for (size_t i = 0; i < o.fields.size(); ++i) {
    auto [it, fresh] = o.index_by_lower.emplace(to_lower(o.fields[i].name), static_cast<int>(i));
    if (!fresh)
      return Error(ErrorKind::fatal, "schema: " + o.name + "." + o.fields[i].name + " twice");
    names.push_back(o.fields[i].name);
  }
  o.names = make_field_names(std::move(names));
  return o;
}

}  // namespace

std::string_view describe_type(FieldType t) {
  for (const TypeName& n : kTypes) {
    if (n.type == t) return n.describe;
  }
  return "string";
}

std::string_view soap_type(FieldType t) {
  for (const TypeName& n : kTypes) {
    if (n.type == t) return n.soap;
  }
  return "xsd:string";
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

int ObjectDef::field_index(std::string_view name) const {
  auto it = index_by_lower.find(to_lower(name));
  return it == index_by_lower.end() ? -1 : it->second;
}

const FieldDef* ObjectDef::relationship(std::string_view rel) const {
  for (const FieldDef& f : fields) {
    if (f.type == FieldType::reference && iequals(f.relationship_name, rel)) return &f;
  }
  return nullptr;
}

Result<Schema> Schema::parse(std::string_view json_text) {
  auto doc = parse_json(json_text);
  if (!doc) return doc.error().with_context("schema");
  const Value* objects = doc->find("objects");
  if (!objects || !objects->is_array())
    return Error(ErrorKind::fatal, "schema: no 'objects' array");
  Schema s;
  for (const Value& ov : objects->as_array()) {
    auto o = parse_object(ov);
    if (!o) return o.error();
    if (s.find(o->name) || s.by_id(o->key_prefix)) {
      return Error(ErrorKind::fatal, "schema: object or key prefix of " + o->name + " twice");
    }
    s.objects_.push_back(std::move(*o));
  }
  for (const ObjectDef& o : s.objects_) {
    for (const FieldDef& f : o.fields) {
      for (const std::string& target : f.reference_to) {
        if (!s.find(target)) {
          return Error(ErrorKind::fatal,
                       "schema: " + o.name + "." + f.name + " refers to unknown object " + target);
        }
      }
    }
  }
  return s;
}

Result<Schema> Schema::builtin() {
  return parse(kBuiltinSchemaJson);
}

const ObjectDef* Schema::find(std::string_view name) const {
  for (const ObjectDef& o : objects_) {
    if (iequals(o.name, name)) return &o;
  }
  return nullptr;
}

const ObjectDef* Schema::by_id(std::string_view id) const {
  if (id.size() < 3) return nullptr;
  for (const ObjectDef& o : objects_) {
    if (id.substr(0, 3) == o.key_prefix) return &o;
  }
  return nullptr;
}

namespace {

std::string plural(const std::string& name) {
  if (name.size() > 1 && name.back() == 'y' &&
      std::string_view("aeiou").find(name[name.size() - 2]) == std::string_view::npos) {
    return name.substr(0, name.size() - 1) + "ies";
  }
  if (!name.empty() && name.back() == 's') return name + "es";
  return name + "s";
}

}  // namespace

std::vector<ChildRelationship> child_relationships(const Schema& schema, const ObjectDef& parent) {
  std::vector<ChildRelationship> out;
  for (const ObjectDef& child : schema.objects()) {
    bool first_of_child = true;
    for (const FieldDef& f : child.fields) {
      if (f.type != FieldType::reference || f.system || f.reference_to.empty() ||
          f.reference_to[0] != parent.name) {
        continue;
      }
      std::string name;
      if (!f.custom) {
        name = child.name == parent.name ? "Child" + plural(child.name) : plural(child.name);
      } else {
        std::string label = child.label_plural;
        for (char& ch : label) {
          if (ch == ' ') ch = '_';
        }
        name = label + "__r";
        if (!first_of_child) {
          std::string field = f.name.substr(0, f.name.size() - 3);  // without __c
          name = field + "_" + name;
        }
      }
      first_of_child = false;
      out.push_back(ChildRelationship{&child, &f, std::move(name)});
    }
  }
  return out;
}

}  // namespace crmsync::sandbox::salesforce
