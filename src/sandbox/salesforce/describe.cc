// describe answers, generated from the schema.
#include "core/json.h"
#include "sandbox/salesforce/sandbox_state.h"

namespace crmsync::sandbox::salesforce {
namespace {

void flag(std::string& out, const char* key, bool v) {
  out += ",\"";
  out += key;
  out += v ? "\":true" : "\":false";
}

void object_summary(const ObjectDef& def, const std::string& version, std::string& out) {
  std::string base = "/services/data/v" + version + "/sobjects/" + def.name;
  out += "{\"name\":";
  append_json_string(def.name, out);
  out += ",\"label\":";
  append_json_string(def.label, out);
  out += ",\"labelPlural\":";
  append_json_string(def.label_plural, out);
  out += ",\"keyPrefix\":\"" + def.key_prefix + "\"";
  flag(out, "custom", def.custom);
  for (const char* k :
       {"createable", "updateable", "deletable", "queryable", "retrieveable", "searchable",
        "replicateable", "undeletable", "triggerable", "layoutable"}) {
    flag(out, k, true);
  }
  out += ",\"urls\":{\"sobject\":\"" + base + "\",\"describe\":\"" + base +
         "/describe\",\"rowTemplate\":\"" + base + "/{ID}\"}";
}

void field_json(const FieldDef& f, std::string& out) {
  out += "{\"name\":";
  append_json_string(f.name, out);
  out += ",\"label\":";
  append_json_string(f.label, out);
  out += ",\"type\":\"";
  out += describe_type(f.type);
  out += "\",\"soapType\":\"";
  out += soap_type(f.type);
  out += "\",\"length\":" + std::to_string(f.length) +
         ",\"precision\":" + std::to_string(f.precision) + ",\"scale\":" + std::to_string(f.scale);
  flag(out, "nillable",
       !f.required && f.type != FieldType::id && f.type != FieldType::boolean &&
           !(f.system && f.type == FieldType::datetime));
  flag(out, "createable", f.createable);
  flag(out, "updateable", f.updateable);
  flag(out, "externalId", f.external_id);
  flag(out, "unique", f.unique);
  flag(out, "idLookup", f.id_lookup);
  flag(out, "custom", f.custom);
  flag(out, "nameField", f.name_field);
  flag(out, "calculated", !f.formula.empty());
  flag(out, "defaultedOnCreate", f.system || !f.default_value.is_null() || f.name == "OwnerId");
  flag(out, "filterable", true);
  flag(out, "sortable", f.type != FieldType::textarea);
  flag(out, "caseSensitive", false);
  out += ",\"defaultValue\":";
  append_json(f.default_value, out);
  out += ",\"referenceTo\":[";
  for (size_t i = 0; i < f.reference_to.size(); ++i) {
    if (i) out += ',';
    append_json_string(f.reference_to[i], out);
  }
  out += "],\"relationshipName\":";
  if (f.relationship_name.empty()) {
    out += "null";
  } else {
    append_json_string(f.relationship_name, out);
  }
  out += ",\"picklistValues\":[";
  for (size_t i = 0; i < f.picklist.size(); ++i) {
    if (i) out += ',';
    out += "{\"active\":true,\"defaultValue\":false,\"label\":";
    append_json_string(f.picklist[i], out);
    out += ",\"validFor\":null,\"value\":";
    append_json_string(f.picklist[i], out);
    out += '}';
  }
  out += "]}";
}

}  // namespace

std::string describe_object_json(const ObjectDef& def, const Schema& schema,
                                 const std::string& version) {
  std::string out;
  object_summary(def, version, out);
  out += ",\"fields\":[";
  for (size_t i = 0; i < def.fields.size(); ++i) {
    if (i) out += ',';
    field_json(def.fields[i], out);
  }
  out += "],\"childRelationships\":[";
  bool first = true;
  for (const ChildRelationship& rel : child_relationships(schema, def)) {
    if (!first) out += ',';
    first = false;
    out += "{\"childSObject\":";
    append_json_string(rel.child->name, out);
    out += ",\"field\":";
    append_json_string(rel.field->name, out);
    out += ",\"cascadeDelete\":false,\"relationshipName\":";
    append_json_string(rel.name, out);
    out += '}';
  }
  out += "],\"recordTypeInfos\":[]}";
  return out;
}

std::string object_summary_json(const ObjectDef& def, const std::string& version) {
  std::string out;
  object_summary(def, version, out);
  return out + '}';
}

std::string describe_global_json(const Schema& schema, const std::string& version) {
  std::string out = "{\"encoding\":\"UTF-8\",\"maxBatchSize\":200,\"sobjects\":[";
  for (size_t i = 0; i < schema.objects().size(); ++i) {
    if (i) out += ',';
    object_summary(schema.objects()[i], version, out);
    out += '}';
  }
  out += "]}";
  return out;
}

}  // namespace crmsync::sandbox::salesforce
