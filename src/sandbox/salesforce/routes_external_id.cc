// sObject Rows by External ID (GET, HEAD, PATCH upsert, DELETE) and sObject
// Relationships, which share the path shape /sobjects/T/{a}/{b}: when {a} is
// a field of T it is an external-id lookup, else {a} is a record id and {b}
// a relationship name.
#include "core/json.h"
#include "sandbox/salesforce/body_json.h"
#include "sandbox/salesforce/ids.h"
#include "sandbox/salesforce/sandbox_state.h"
#include "sandbox/salesforce/sobject_rows.h"
#include "sandbox/salesforce/wire.h"

namespace crmsync::sandbox::salesforce {
namespace {

const SfError kNotFound{404, "NOT_FOUND", "The requested resource does not exist", {}};

// The live rows whose external-id field (or Id) `c.m[3]` equals `c.m[4]`;
// nullopt after answering 404 for a field that is not an external id.
// Needs the store's read lock.
std::optional<std::vector<size_t>> matching_rows(SandboxState& s, Call& c, const ObjectDef& def) {
  int idx = def.field_index(c.m[3]);
  const FieldDef* f = idx >= 0 ? &def.fields[static_cast<size_t>(idx)] : nullptr;
  if (!f || (f->type != FieldType::id && !f->external_id)) {
    answer_error(
        c.res,
        sf_error(404, "NOT_FOUND",
                 "Provided external ID field does not exist or is not accessible: " + c.m[3]));
    return std::nullopt;
  }
  if (f->type != FieldType::id) return s.store->find_by_key(def, idx, c.m[4]);
  std::vector<size_t> rows;
  auto id = normalize_id(c.m[4]);
  const Table& t = s.store->table(def);
  auto it = id ? t.by_id.find(*id) : t.by_id.end();
  if (it != t.by_id.end() && t.deleted_micros[it->second] == 0) rows.push_back(it->second);
  return rows;
}

std::vector<std::string> ids_of(SandboxState& s, const ObjectDef& def,
                                const std::vector<size_t>& rows) {
  std::vector<std::string> ids;
  for (size_t r : rows) ids.push_back(s.store->table(def).rows[r].id());
  return ids;
}

void get_by_external_id(SandboxState& s, Call& c, const ObjectDef& def) {
  auto select = field_selection(def, c);
  if (!select) return;
  auto lock = s.store->read_lock();
  auto rows = matching_rows(s, c, def);
  if (!rows) return;
  if (rows->empty()) return answer_error(c.res, kNotFound);
  if (rows->size() > 1) return answer_multiple_choices(c, def, ids_of(s, def, *rows));
  const Record& rec = s.store->table(def).rows[rows->front()];
  int64_t modified = record_modstamp(def, rec);
  if (not_modified_since(c, modified) || modified_since_unmodified(c, modified, false)) return;
  answer_record(s, c, def, rec, *select);
}

// A parent record (/sobjects/Contact/{id}/Account) or the child records
// (/sobjects/Account/{id}/Contacts) of the record {id}.
void get_relationship(SandboxState& s, Call& c, const ObjectDef& def) {
  const std::string& rel_name = c.m[4];
  const FieldDef* parent_ref = def.relationship(rel_name);
  const ChildRelationship* child_rel = nullptr;
  auto children = child_relationships(*s.schema, def);
  for (const ChildRelationship& r : children) {
    if (iequals(r.name, rel_name)) child_rel = &r;
  }
  const ObjectDef* target = parent_ref  ? s.schema->find(parent_ref->reference_to[0])
                            : child_rel ? child_rel->child
                                        : nullptr;
  auto lock = s.store->read_lock();
  auto id = normalize_id(c.m[3]);
  bool id_shaped = id || c.m[3].size() == 15 || c.m[3].size() == 18;
  if (!id_shaped) {
    return answer_error(
        c.res,
        sf_error(404, "NOT_FOUND",
                 "Provided external ID field does not exist or is not accessible: " + c.m[3]));
  }
  if (!id || s.schema->by_id(*id) != &def) {
    return answer_error(c.res, sf_error(400, "MALFORMED_ID", "malformed id " + c.m[3]));
  }
  const Record* rec = s.store->find(def, *id);
  if (!rec || s.store->deleted_micros(def, *id) != 0 || !target)
    return answer_error(c.res, kNotFound);
  auto select = field_selection(*target, c);
  if (!select) return;
  if (parent_ref) {
    const Value& ref = rec->value(static_cast<size_t>(def.field_index(parent_ref->name)));
    const Record* parent = ref.is_string() ? s.store->find(*target, ref.as_string()) : nullptr;
    if (!parent || s.store->deleted_micros(*target, parent->id()) != 0) {
      return answer_error(c.res, kNotFound);
    }
    return answer_record(s, c, *target, *parent, *select);
  }
  const Table& t = s.store->table(*target);
  size_t field = static_cast<size_t>(target->field_index(child_rel->field->name));
  std::string records;
  size_t n = 0;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const Value& v = t.rows[r].value(field);
    if (t.deleted_micros[r] != 0 || !v.is_string() || v.as_string() != *id) continue;
    if (n++) records += ',';
    render_record(*s.store, t.rows[r], *select, c.m[1], records);
  }
  answer_json(
      c.res, 200,
      "{\"totalSize\":" + std::to_string(n) + ",\"done\":true,\"records\":[" + records + "]}");
}

void get(SandboxState& s, Call& c) {
  const ObjectDef* def = object_or_404(s, c, c.m[2]);
  if (!def) return;
  if (def->field_index(c.m[3]) >= 0) return get_by_external_id(s, c, *def);
  c.endpoint = "sobject.relationship";
  get_relationship(s, c, *def);
}

void destroy(SandboxState& s, Call& c) {
  const ObjectDef* def = object_or_404(s, c, c.m[2]);
  if (!def) return;
  std::string id;
  {
    auto lock = s.store->read_lock();
    auto rows = matching_rows(s, c, *def);
    if (!rows) return;
    if (rows->empty()) return answer_error(c.res, kNotFound);
    if (rows->size() > 1) return answer_multiple_choices(c, *def, ids_of(s, *def, *rows));
    id = s.store->table(*def).rows[rows->front()].id();
  }
  write_delete(s, c, *def, id, api_context(c));
}

// Upsert: 201 + save result (created) or, from v46.0, 200 + save result
// with created:false (204 without a body before); Location names the record.
void upsert(SandboxState& s, Call& c) {
  const ObjectDef* def = object_or_404(s, c, c.m[2]);
  if (!def) return;
  auto body = parse_body(c.req.body, c.res, true);
  if (!body) return;
  auto txn = s.store->begin(api_context(c));
  auto r = txn->upsert(*def, c.m[3], c.m[4], body->as_object());
  if (auto* e = std::get_if<SfError>(&r)) {
    if (e->http_status != 300) return answer_error(c.res, *e);
    std::vector<std::string> ids;
    std::string_view text = e->message;  // the matching ids joined by ','
    while (!text.empty()) {
      size_t comma = text.find(',');
      ids.emplace_back(text.substr(0, comma));
      if (comma == std::string_view::npos) break;
      text.remove_prefix(comma + 1);
    }
    return answer_multiple_choices(c, *def, ids);
  }
  txn->commit();
  const auto& u = std::get<Store::Txn::Upserted>(r);
  bool v46 = version_at_least(c.m[1], 46.0);
  if (!u.created && !v46) {
    c.res.status = 204;
    c.res.body.clear();
  } else {
    std::string out;
    append_save_result(u.id, nullptr, out, v46 ? &u.created : nullptr);
    answer_json(c.res, u.created ? 201 : 200, std::move(out));
  }
  c.res.headers.emplace("Location", sobject_url(c.m[1], *def, u.id));
  s.note_recent(*def, u.id);
}

}  // namespace

void add_external_id_routes(SandboxState& s) {
  using A = Router::Access;
  std::string path = std::string(kDataPathPattern) + "/sobjects/([^/]+)/([^/]+)/(.+)";
  s.router.add("GET", path, "sobject.byExternalId", A::session, [&s](Call& c) { get(s, c); });
  s.router.add("PATCH", path, "sobject.upsert", A::session, [&s](Call& c) { upsert(s, c); });
  s.router.add("DELETE", path, "sobject.byExternalId.delete", A::session,
               [&s](Call& c) { destroy(s, c); });
}

}  // namespace crmsync::sandbox::salesforce
