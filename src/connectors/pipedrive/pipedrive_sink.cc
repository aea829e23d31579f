#include "connectors/pipedrive/pipedrive_connection.h"
#include "core/json.h"

namespace crmsync {

// The v2 body of a record (v1 for notes): standard fields at the root under
// their keys, custom fields under custom_fields by key with option ids.
Status PipedriveConnection::resolve_stage(const Record& record, Object& out) {
  const Value* stage = record.get("stage_id");
  const Value* pipeline = record.get("pipeline_id");
  auto given = [](const Value* v) { return v != nullptr && !v->is_null(); };
  auto named = [&](const Value* v) { return given(v) && !pipedrive_id_value(*v); };
  // Integers go as they are; digit strings become integers (v2 does not
  // coerce) and names become ids, which needs the catalog.
  if ((!given(stage) || stage->is_int()) && (!given(pipeline) || pipeline->is_int())) return {};
  const PipedriveStageCatalog* cat = nullptr;
  if (named(stage) || named(pipeline)) {
    auto loaded = stage_catalog();
    if (!loaded) return loaded.error();
    cat = *loaded;
  }
  std::optional<int64_t> pipeline_id;
  if (given(pipeline)) {
    auto id = cat ? cat->pipeline_id(*pipeline) : Result<int64_t>(*pipedrive_id_value(*pipeline));
    if (!id) return id.error();
    pipeline_id = *id;
    out.push_back({"pipeline_id", Value(*id)});
  }
  if (given(stage)) {
    auto id =
        cat ? cat->stage_id(*stage, pipeline_id) : Result<int64_t>(*pipedrive_id_value(*stage));
    if (!id) return id.error();
    out.push_back({"stage_id", Value(*id)});
  }
  return {};
}

namespace {

bool is_id_text(const std::string& name, const Value& v) {
  if (name.size() < 3 || name.compare(name.size() - 3, 3, "_id") != 0 || !v.is_string()) {
    return false;
  }
  const std::string& s = v.as_string();
  return !s.empty() && s.size() < 19 && s.find_first_not_of("0123456789") == std::string::npos;
}

}  // namespace

Result<std::string> PipedriveConnection::body_for(const Record& record, const PipedriveObject& obj,
                                                  const PipedriveFieldCatalog& fields) {
  std::string root, custom;
  // Stage and pipeline names become ids (deals only).
  Object resolved;
  if (obj.name == "deal") {
    if (auto s = resolve_stage(record, resolved); !s) return s.error();
  }
  for (size_t i = 0; i < record.size(); ++i) {
    const std::string& name = record.name(i);
    if (name == "id") continue;
    const Value* named = nullptr;
    for (const Member& m : resolved)
      if (m.key == name) named = &m.value;
    const Value& v = named ? *named : record.value(i);
    const PipedriveField* f = fields.by_name(name);
    if (f == nullptr) f = fields.by_key(name);
    std::string& out = f && f->custom && obj.v2 ? custom : root;
    if (obj.v2 && obj.name == "person" && (name == "email" || name == "phone") &&
        !(f && f->custom)) {
      // v2 takes `emails` / `phones` as lists of {value, primary, label}; one
      // mapped text is the person's primary one, as the UI's first entry.
      out += out.empty() ? "" : ",";
      append_json_string(name + "s", out);
      out += ":[";
      if (!v.is_null() && !(v.is_string() && v.as_string().empty())) {
        out += "{\"value\":";
        append_json_string(v.to_text(), out);
        out += ",\"primary\":true,\"label\":\"work\"}";
      }
      out += ']';
      continue;
    }
    std::string key = f && f->custom ? f->key : name;
    Value value = v;
    if (!(f && f->custom) && is_id_text(name, v)) {
      // References (person_id from a `ref:`, ids kept as text in a source)
      // arrive as text; v2 rejects anything but a number there.
      value = Value(static_cast<int64_t>(std::stoll(v.as_string())));
    }
    if (obj.name == "activity" && name == "location" && v.is_string()) {
      // v2 takes an activity's location as an address object; a mapped
      // text is its value (the UI's address line).
      value = Value(Object{{"value", v}});
    }
    if (f && f->custom) {
      auto converted = to_pipedrive_value(*f, v);
      if (!converted) return converted.error();
      value = std::move(*converted);
    }
    out += out.empty() ? "" : ",";
    append_json_string(key, out);
    out += ':';
    if (value.is_datetime()) {
      append_json_string(value.as_datetime().in_utc().to_iso8601(), out);
    } else {
      append_json(value, out);
    }
  }
  std::string body = "{" + root;
  if (!custom.empty())
    body += std::string(root.empty() ? "" : ",") + "\"custom_fields\":{" + custom + "}";
  return body + "}";
}

WriteResult PipedriveConnection::write_one(const WriteItem& it, const PipedriveObject& obj,
                                           const PipedriveFieldCatalog& fields) {
  WriteResult res;
  std::string base = obj.v2 ? "/api/v2/" + obj.plural : "/v1/" + obj.plural;
  Result<PipedriveClient::Answer> a = Error(ErrorKind::fatal, "no call");
  if (it.op == WriteOp::remove) {
    a = call("DELETE", base + "/" + it.target_id);
  } else if (it.op == WriteOp::update || it.op == WriteOp::create) {
    auto body = body_for(it.record, obj, fields);
    if (!body) {
      res.error = body.error();
      return res;
    }
    if (it.op == WriteOp::create) {
      a = call("POST", base, *body);
    } else {
      a = call(obj.v2 ? "PATCH" : "PUT", base + "/" + it.target_id, *body);
    }
  } else {
    res.error =
        Error(ErrorKind::fatal, "pipedrive has no upsert by external id: match on a field instead");
    return res;
  }
  if (!a) {
    res.error = a.error();
    return res;
  }
  const Value* id = a->data.find("id");
  res.ok = true;
  res.target_id = id && !id->is_null() ? id->to_text() : it.target_id;
  res.created = it.op == WriteOp::create;
  return res;
}

Result<std::vector<WriteResult>> PipedriveConnection::write(const WriteRequest& req) {
  auto obj = object(req.object);
  if (!obj) return obj.error();
  auto cat = catalog(**obj);
  if (!cat) return cat.error();
  std::vector<WriteResult> results;
  results.reserve(req.items.size());
  for (const WriteItem& it : req.items) {
    results.push_back(write_one(it, **obj, **cat));
    const WriteResult& r = results.back();
    // A setup problem (bad token, unknown object) fails the same way for
    // every record: stop here instead of sending the rest.
    if (!r.ok && (r.error.kind == ErrorKind::fatal || r.error.kind == ErrorKind::auth)) {
      return r.error.with_context("writing " + (*obj)->name);
    }
  }
  return results;
}

}  // namespace crmsync
