// sObject Collections: create, update, upsert, delete and retrieve up to 200
// records in one call, each with its own result, or all-or-none.
#include "core/json.h"
#include "sandbox/salesforce/body_json.h"
#include "sandbox/salesforce/ids.h"
#include "sandbox/salesforce/sandbox_state.h"
#include "sandbox/salesforce/wire.h"

namespace crmsync::sandbox::salesforce {
namespace {

constexpr size_t kMaxRecords = 200;

const SfError kRolledBack{400,
                          "ALL_OR_NONE_OPERATION_ROLLED_BACK",
                          "Record rolled back because not all records were valid and the request "
                          "was using AllOrNone header",
                          {}};

struct Outcome {
  std::string id;
  std::optional<SfError> error;
  std::optional<bool> created;
};

// One operation on one record inside a transaction.
using Op = std::function<Outcome(Store::Txn&, size_t index)>;

// Runs `n` operations: each in its own transaction, or (all_or_none) all in
// one that is rolled back when any fails. Answers the array of results.
void run_ops(SandboxState& s, Call& c, size_t n, bool all_or_none, const Op& op) {
  WriteContext ctx{c.user_id, "com/salesforce/api/rest/" + c.m[1]};
  std::vector<Outcome> results(n);
  if (all_or_none) {
    auto txn = s.store->begin(ctx);
    bool failed = false;
    for (size_t i = 0; i < n; ++i) {
      results[i] = op(*txn, i);
      failed = failed || results[i].error.has_value();
    }
    if (failed) {
      txn->rollback();
      for (Outcome& r : results) {
        if (!r.error) r.error = kRolledBack;
        r.created.reset();
        if (!r.id.empty() && r.id.size() == 18 && c.req.method == "POST") r.id.clear();
      }
    } else {
      txn->commit();
    }
  } else {
    for (size_t i = 0; i < n; ++i) {
      auto txn = s.store->begin(ctx);
      results[i] = op(*txn, i);
      if (!results[i].error) txn->commit();
    }
  }
  std::string out = "[";
  for (size_t i = 0; i < n; ++i) {
    if (i) out += ',';
    bool created = results[i].created.value_or(false);
    append_save_result(results[i].id, results[i].error ? &*results[i].error : nullptr, out,
                       results[i].created ? &created : nullptr);
  }
  answer_json(c.res, 200, out + "]");
}

// {"allOrNone":bool,"records":[...]}; answers the error itself when malformed.
std::optional<Value> records_body(Call& c, bool& all_or_none) {
  auto body = parse_body(c.req.body, c.res, true);
  if (!body) return std::nullopt;
  const Value* aon = body->find("allOrNone");
  all_or_none = aon && aon->is_bool() && aon->as_bool();
  const Value* recs = body->find("records");
  if (!recs || !recs->is_array() || recs->as_array().empty()) {
    answer_error(c.res, sf_error(400, "REQUIRED_FIELD_MISSING", "At least 1 record is required"));
    return std::nullopt;
  }
  if (recs->as_array().size() > kMaxRecords) {
    answer_error(c.res, sf_error(400, "EXCEEDED_ID_LIMIT",
                                 "record limit reached. cannot submit more than 200 records into "
                                 "this call"));
    return std::nullopt;
  }
  return *recs;
}

// The object of a collection record from attributes.type (or `fixed`).
std::variant<const ObjectDef*, SfError> record_object(SandboxState& s, const Value& rec,
                                                      const ObjectDef* fixed) {
  if (!rec.is_object()) return sf_error(400, "JSON_PARSER_ERROR", "record is not a JSON object");
  const Value* attrs = rec.find("attributes");
  const Value* type = attrs ? attrs->find("type") : nullptr;
  if (!type || !type->is_string()) {
    if (fixed) return fixed;
    return sf_error(400, "INVALID_TYPE", "sObject type must be specified in attributes");
  }
  const ObjectDef* def = s.schema->find(type->as_string());
  if (!def || (fixed && def != fixed)) {
    return sf_error(400, "INVALID_TYPE",
                    "sObject type '" + type->as_string() + "' is not supported.");
  }
  return def;
}

Object without(const Object& o, std::string_view key) {
  Object out;
  for (const Member& m : o) {
    if (!iequals(m.key, key)) out.push_back(m);
  }
  return out;
}

void create_all(SandboxState& s, Call& c) {
  bool aon = false;
  auto recs = records_body(c, aon);
  if (!recs) return;
  const Array& a = recs->as_array();
  run_ops(s, c, a.size(), aon, [&](Store::Txn& txn, size_t i) {
    auto def = record_object(s, a[i], nullptr);
    if (auto* e = std::get_if<SfError>(&def)) return Outcome{"", *e, {}};
    auto r = txn.create(*std::get<const ObjectDef*>(def), a[i].as_object());
    if (auto* e = std::get_if<SfError>(&r)) return Outcome{"", *e, {}};
    return Outcome{std::get<std::string>(r), std::nullopt, {}};
  });
}

void update_all(SandboxState& s, Call& c) {
  bool aon = false;
  auto recs = records_body(c, aon);
  if (!recs) return;
  const Array& a = recs->as_array();
  run_ops(s, c, a.size(), aon, [&](Store::Txn& txn, size_t i) {
    auto def = record_object(s, a[i], nullptr);
    if (auto* e = std::get_if<SfError>(&def)) return Outcome{"", *e, {}};
    const Value* id = a[i].find("id");
    if (!id) id = a[i].find("Id");
    if (!id || !id->is_string()) {
      return Outcome{
          "", sf_error(400, "MISSING_ARGUMENT", "Id not specified in an update call"), {}};
    }
    auto r = txn.update(*std::get<const ObjectDef*>(def), id->as_string(),
                        without(without(a[i].as_object(), "id"), "Id"));
    if (auto* e = std::get_if<SfError>(&r)) return Outcome{id->as_string(), *e, {}};
    return Outcome{normalize_id(id->as_string()).value_or(id->as_string()), std::nullopt, {}};
  });
}

void upsert_all(SandboxState& s, Call& c) {
  const ObjectDef* fixed = s.schema->find(c.m[2]);
  if (!fixed)
    return answer_error(c.res, sf_error(404, "NOT_FOUND", "The requested resource does not exist"));
  bool aon = false;
  auto recs = records_body(c, aon);
  if (!recs) return;
  const Array& a = recs->as_array();
  const std::string field = c.m[3];
  run_ops(s, c, a.size(), aon, [&](Store::Txn& txn, size_t i) {
    auto def = record_object(s, a[i], fixed);
    if (auto* e = std::get_if<SfError>(&def)) return Outcome{"", *e, {}};
    const Value* key = nullptr;
    for (const Member& m : a[i].as_object()) {
      if (iequals(m.key, field)) key = &m.value;
    }
    if (!key || key->is_null()) {
      return Outcome{"", sf_error(400, "MISSING_ARGUMENT", field + " not specified"), {}};
    }
    std::string text = key->is_string() ? key->as_string() : key->to_text();
    auto r = txn.upsert(*fixed, field, text, without(a[i].as_object(), field));
    if (auto* e = std::get_if<SfError>(&r)) {
      SfError err = *e;
      if (err.http_status == 300) {
        err = sf_error(
            300, "DUPLICATE_EXTERNAL_ID",
            field + ": more than one record found for external id field: [" + err.message + "]");
      }
      return Outcome{"", err, {}};
    }
    const auto& u = std::get<Store::Txn::Upserted>(r);
    return Outcome{u.id, std::nullopt, u.created};
  });
}

void delete_all(SandboxState& s, Call& c) {
  std::vector<std::string> ids;
  const std::string ids_param = c.req.query_param("ids").value_or("");
  std::string_view list = ids_param;
  while (!list.empty()) {
    size_t comma = list.find(',');
    ids.emplace_back(list.substr(0, comma));
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  if (ids.empty())
    return answer_error(c.res, sf_error(400, "MISSING_ARGUMENT", "ids parameter is required"));
  if (ids.size() > kMaxRecords) {
    return answer_error(
        c.res,
        sf_error(400, "EXCEEDED_ID_LIMIT",
                 "record limit reached. cannot submit more than 200 records into this call"));
  }
  bool aon = c.req.query_param("allOrNone").value_or("false") == "true";
  run_ops(s, c, ids.size(), aon, [&](Store::Txn& txn, size_t i) {
    auto id18 = normalize_id(ids[i]);
    const ObjectDef* def = id18 ? s.schema->by_id(*id18) : nullptr;
    if (!def) return Outcome{ids[i], sf_error(400, "MALFORMED_ID", "malformed id " + ids[i]), {}};
    auto r = txn.remove(*def, *id18);
    if (auto* e = std::get_if<SfError>(&r)) return Outcome{*id18, *e, {}};
    return Outcome{*id18, std::nullopt, {}};
  });
}

void retrieve_all(SandboxState& s, Call& c) {
  const ObjectDef* def = s.schema->find(c.m[2]);
  if (!def)
    return answer_error(c.res, sf_error(404, "NOT_FOUND", "The requested resource does not exist"));
  std::vector<std::string> ids, fields;
  auto split = [](std::string_view text, std::vector<std::string>& out) {
    while (!text.empty()) {
      size_t comma = text.find(',');
      out.emplace_back(text.substr(0, comma));
      if (comma == std::string_view::npos) break;
      text.remove_prefix(comma + 1);
    }
  };
  if (c.req.method == "POST") {
    auto body = parse_body(c.req.body, c.res, true);
    if (!body) return;
    for (const char* key : {"ids", "fields"}) {
      const Value* list = body->find(key);
      if (!list || !list->is_array()) continue;
      for (const Value& v : list->as_array()) {
        if (v.is_string()) (key[0] == 'i' ? ids : fields).push_back(v.as_string());
      }
    }
  } else {
    split(c.req.query_param("ids").value_or(""), ids);
    split(c.req.query_param("fields").value_or(""), fields);
  }
  SelectNode select;
  select.name = def->name;
  select.object = def;
  for (const std::string& f : fields) {
    int idx = def->field_index(f);
    if (idx < 0) {
      return answer_error(c.res,
                          sf_error(400, "INVALID_FIELD",
                                   "No such column '" + f + "' on sobject of type " + def->name));
    }
    SelectNode leaf;
    leaf.field = idx;
    leaf.object = def;
    leaf.name = def->fields[static_cast<size_t>(idx)].name;
    select.children.push_back(std::move(leaf));
  }
  if (fields.empty()) select = select_all(*def);
  std::string out = "[";
  auto lock = s.store->read_lock();
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i) out += ',';
    auto id18 = normalize_id(ids[i]);
    const Record* rec = id18 ? s.store->find(*def, *id18) : nullptr;
    if (!rec || s.store->deleted_micros(*def, *id18) != 0) {
      out += "null";
    } else {
      render_record(*s.store, *rec, select, c.m[1], out);
    }
  }
  answer_json(c.res, 200, out + "]");
}

}  // namespace

void add_collection_routes(SandboxState& s) {
  using A = Router::Access;
  std::string base = std::string(kDataPathPattern) + "/composite/sobjects";
  s.router.add("POST", base + "/?", "collections.create", A::session,
               [&s](Call& c) { create_all(s, c); });
  s.router.add("PATCH", base + "/?", "collections.update", A::session,
               [&s](Call& c) { update_all(s, c); });
  s.router.add("DELETE", base + "/?", "collections.delete", A::session,
               [&s](Call& c) { delete_all(s, c); });
  s.router.add("PATCH", base + "/([^/]+)/([^/]+)/?", "collections.upsert", A::session,
               [&s](Call& c) { upsert_all(s, c); });
  s.router.add("POST", base + "/([^/]+)/?", "collections.retrieve", A::session,
               [&s](Call& c) { retrieve_all(s, c); });
  s.router.add("GET", base + "/([^/]+)/?", "collections.retrieve", A::session,
               [&s](Call& c) { retrieve_all(s, c); });
}

}  // namespace crmsync::sandbox::salesforce
