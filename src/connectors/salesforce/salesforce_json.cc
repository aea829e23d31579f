#include "connectors/salesforce/salesforce_json.h"

#include "connectors/salesforce/salesforce_client.h"
#include "core/json.h"

namespace crmsync {

// Anything that does not parse stays as Salesforce sent it.
Value salesforce_typed(Value v, std::string_view type) {
  if (!v.is_string()) return v;
  if (type == "date") {
    if (auto d = Date::parse(v.as_string())) return Value(*d);
  } else if (type == "datetime") {
    if (auto t = DateTime::parse(v.as_string())) return Value(*t);
  }
  return v;
}

namespace {

// A related record (Account.Name) without its `attributes`, as an object.
Value strip_attributes(const Value& v, const SalesforceFieldTypes& types) {
  if (!v.is_object()) return v;
  Object out;
  for (const Member& m : v.as_object()) {
    if (m.key == "attributes") continue;
    auto t = types.find(m.key);
    out.push_back(Member{
        m.key, m.value.is_object() ? strip_attributes(m.value, types)
                                   : salesforce_typed(m.value, t == types.end() ? "" : t->second)});
  }
  return Value(std::move(out));
}

}  // namespace

Result<SalesforceQueryPage> parse_query_page(std::string_view body, const FieldNamesPtr& names,
                                             const SalesforceFieldTypes& types) {
  auto v = parse_json(body);
  if (!v)
    return Error(ErrorKind::retryable, "salesforce query: unreadable answer: " + v.error().message);
  const Value* records = v->is_object() ? v->find("records") : nullptr;
  if (records == nullptr || !records->is_array()) {
    return Error(ErrorKind::fatal, "salesforce query: the answer has no records list");
  }
  SalesforceQueryPage page;
  if (const Value* t = v->find("totalSize"); t && t->is_int()) page.total_size = t->as_int();
  const Value* done = v->find("done");
  const Value* next = v->find("nextRecordsUrl");
  if (!(done && done->is_bool() && done->as_bool()) && next && next->is_string()) {
    page.next_records_url = next->as_string();
  }
  page.records.reserve(records->as_array().size());
  for (const Value& r : records->as_array()) {
    if (!r.is_object()) continue;
    Record rec(names);
    for (const Member& m : r.as_object()) {
      if (m.key == "attributes") continue;
      int i = names->index_of(m.key);
      Value value;
      if (m.value.is_object()) {
        value = strip_attributes(m.value, {});
      } else {
        auto t = types.find(m.key);
        value = salesforce_typed(m.value, t == types.end() ? "" : t->second);
      }
      if (i >= 0) {
        rec.value(static_cast<size_t>(i)) = std::move(value);
      } else {
        rec.set(m.key, std::move(value));
      }
    }
    if (const Value* id = rec.get("Id"); id && id->is_string()) rec.set_id(id->as_string());
    if (const Value* del = rec.get("IsDeleted"); del && del->is_bool()) {
      rec.set_deleted(del->as_bool());
    }
    page.records.push_back(std::move(rec));
  }
  return page;
}

Result<ObjectSchema> parse_describe(std::string_view body, SalesforceFieldTypes* types,
                                    SalesforceRelationships* relationships) {
  auto v = parse_json(body);
  const Value* fields = v && v->is_object() ? v->find("fields") : nullptr;
  if (fields == nullptr || !fields->is_array()) {
    return Error(ErrorKind::fatal, "salesforce describe: the answer has no fields list");
  }
  ObjectSchema schema;
  if (const Value* n = v->find("name"); n && n->is_string()) schema.object = n->as_string();
  schema.id_field = "Id";
  for (const Value& f : fields->as_array()) {
    const Value* name = f.find("name");
    const Value* type = f.find("type");
    if (name == nullptr || !name->is_string()) continue;
    std::string t = type && type->is_string() ? type->as_string() : "string";
    FieldInfo info;
    info.name = name->as_string();
    info.type = t == "boolean"                                       ? ValueType::boolean
                : t == "int"                                         ? ValueType::integer
                : t == "double" || t == "currency" || t == "percent" ? ValueType::decimal
                : t == "date"                                        ? ValueType::date
                : t == "datetime"                                    ? ValueType::datetime
                                                                     : ValueType::string;
    const Value* nillable = f.find("nillable");
    info.nullable = !(nillable && nillable->is_bool() && !nillable->as_bool());
    info.key = t == "id";
    if (types) (*types)[info.name] = t;
    const Value* rel = f.find("relationshipName");
    const Value* to = f.find("referenceTo");
    if (relationships && rel && rel->is_string() && to && to->is_array() &&
        !to->as_array().empty() && to->as_array()[0].is_string()) {
      (*relationships)[rel->as_string()] = to->as_array()[0].as_string();
    }
    schema.fields.push_back(std::move(info));
  }
  return schema;
}

Result<std::vector<WriteResult>> parse_collection_results(std::string_view body, size_t expected) {
  auto v = parse_json(body);
  if (!v || !v->is_array()) {
    return Error(ErrorKind::retryable, "salesforce collections: expected a list of results, got: " +
                                           std::string(body.substr(0, 200)));
  }
  if (v->as_array().size() != expected) {
    return Error(ErrorKind::fatal,
                 "salesforce collections: " + std::to_string(v->as_array().size()) +
                     " results for " + std::to_string(expected) + " records");
  }
  std::vector<WriteResult> out(expected);
  for (size_t i = 0; i < expected; ++i) {
    const Value& r = v->as_array()[i];
    WriteResult& w = out[i];
    const Value* ok = r.find("success");
    w.ok = ok && ok->is_bool() && ok->as_bool();
    if (const Value* id = r.find("id"); id && id->is_string()) w.target_id = id->as_string();
    if (const Value* c = r.find("created"); c && c->is_bool()) w.created = c->as_bool();
    if (!w.ok) {
      const Value* errors = r.find("errors");
      std::string text = errors ? salesforce_error_text(to_json(*errors)) : "failed";
      std::string code = errors ? salesforce_error_code(to_json(*errors)) : "";
      ErrorKind kind = salesforce_error_kind(code, 400);
      // Per record, a field or type problem is this record's, not the setup's.
      if (kind == ErrorKind::fatal && code != "REQUEST_LIMIT_EXCEEDED") kind = ErrorKind::rejected;
      w.error = Error(kind, text);
    }
  }
  return out;
}

void append_record_json(const Record& record, std::string_view type, std::string_view id,
                        std::string& out) {
  out += "{\"attributes\":{\"type\":";
  append_json_string(type, out);
  out += '}';
  if (!id.empty()) {
    out += ",\"id\":";
    append_json_string(id, out);
  }
  for (size_t i = 0; i < record.size(); ++i) {
    if (record.name(i) == "Id" || record.name(i) == "attributes") continue;
    out += ',';
    append_json_string(record.name(i), out);
    out += ':';
    const Value& v = record.value(i);
    if (v.is_datetime()) {
      append_json_string(v.as_datetime().to_salesforce(), out);
    } else {
      append_json(v, out);
    }
  }
  out += '}';
}

}  // namespace crmsync
