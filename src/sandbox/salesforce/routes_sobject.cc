// sObject rows by Id: create, retrieve (fields=, If-Modified-Since), update
// (If-Unmodified-Since), delete; sObject Basic Information.
#include "core/json.h"
#include "sandbox/salesforce/body_json.h"
#include "sandbox/salesforce/ids.h"
#include "sandbox/salesforce/sandbox_state.h"
#include "sandbox/salesforce/sobject_rows.h"
#include "sandbox/salesforce/wire.h"

namespace crmsync::sandbox::salesforce {
namespace {

// The record of `text` (a 15- or 18-character id of `def`) for a read, or
// nullptr after answering: text that is no id at all is taken for an
// external-id field name, as the real service does (404 NOT_FOUND "Provided
// external ID field does not exist"); an id of another object or with a
// wrong case-safe suffix is MALFORMED_ID; an unknown or deleted one 404.
// Needs the store's read lock.
const Record* readable_row(SandboxState& s, Call& c, const ObjectDef& def,
                           const std::string& text) {
  auto id = normalize_id(text);
  bool id_shaped =
      (text.size() == 15 || text.size() == 18) &&
      text.find_first_not_of("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") ==
          std::string::npos;
  if (!id_shaped) {
    answer_error(
        c.res, sf_error(404, "NOT_FOUND",
                        "Provided external ID field does not exist or is not accessible: " + text));
    return nullptr;
  }
  if (!id || s.schema->by_id(*id) != &def) {
    answer_error(c.res, sf_error(400, "MALFORMED_ID", "malformed id " + text));
    return nullptr;
  }
  const Record* rec = s.store->find(def, *id);
  if (!rec || s.store->deleted_micros(def, *id) != 0) {
    answer_error(c.res, sf_error(404, "NOT_FOUND", "The requested resource does not exist"));
    return nullptr;
  }
  return rec;
}

void retrieve(SandboxState& s, Call& c) {
  const ObjectDef* def = object_or_404(s, c, c.m[2]);
  if (!def) return;
  auto select = field_selection(*def, c);
  if (!select) return;
  auto lock = s.store->read_lock();
  const Record* rec = readable_row(s, c, *def, c.m[3]);
  if (!rec) return;
  int64_t modified = record_modstamp(*def, *rec);
  if (not_modified_since(c, modified) || modified_since_unmodified(c, modified, false)) return;
  answer_record(s, c, *def, *rec, *select);
}

void create(SandboxState& s, Call& c) {
  if (const ObjectDef* def = object_or_404(s, c, c.m[2])) {
    write_create(s, c, *def, api_context(c), c.m[1]);
  }
}

// If-Unmodified-Since on a PATCH: 412 when the record changed after it.
bool update_precondition_failed(SandboxState& s, Call& c, const ObjectDef& def) {
  if (!c.req.header("If-Unmodified-Since")) return false;
  int64_t modified = 0;
  {
    auto lock = s.store->read_lock();
    auto id = normalize_id(c.m[3]);
    const Record* rec = id ? s.store->find(def, *id) : nullptr;
    if (!rec) return false;  // the update answers the missing record
    modified = record_modstamp(def, *rec);
  }
  return modified_since_unmodified(c, modified, true);
}

void update(SandboxState& s, Call& c) {
  const ObjectDef* def = object_or_404(s, c, c.m[2]);
  if (!def || update_precondition_failed(s, c, *def)) return;
  write_update(s, c, *def, c.m[3], api_context(c));
}

void destroy(SandboxState& s, Call& c) {
  if (const ObjectDef* def = object_or_404(s, c, c.m[2])) {
    write_delete(s, c, *def, c.m[3], api_context(c));
  }
}

// sObject Basic Information: the object's summary and the user's recent items of it.
void basic_info(SandboxState& s, Call& c) {
  const ObjectDef* def = object_or_404(s, c, c.m[2]);
  if (!def) return;
  std::string out =
      "{\"objectDescribe\":" + object_summary_json(*def, c.m[1]) + ",\"recentItems\":[";
  out += recent_items_json(s, c.m[1], def, SandboxState::kMaxRecent);
  answer_json(c.res, 200, out + "]}");
}

}  // namespace

void write_create(SandboxState& s, Call& c, const ObjectDef& def, const WriteContext& ctx,
                  const std::string& version) {
  auto body = parse_body(c.req.body, c.res, true);
  if (!body) return;
  auto txn = s.store->begin(ctx);
  auto r = txn->create(def, body->as_object());
  if (auto* e = std::get_if<SfError>(&r)) return answer_error(c.res, *e);
  txn->commit();
  const std::string& id = std::get<std::string>(r);
  std::string out;
  append_save_result(id, nullptr, out);
  answer_json(c.res, 201, std::move(out));
  c.res.headers.emplace("Location", sobject_url(version, def, id));
  s.note_recent(def, id);
}

void write_update(SandboxState& s, Call& c, const ObjectDef& def, const std::string& id,
                  const WriteContext& ctx) {
  auto body = parse_body(c.req.body, c.res, true);
  if (!body) return;
  auto txn = s.store->begin(ctx);
  auto r = txn->update(def, id, body->as_object());
  if (auto* e = std::get_if<SfError>(&r)) return answer_error(c.res, *e);
  txn->commit();
  c.res.status = 204;
  c.res.body.clear();
}

void write_delete(SandboxState& s, Call& c, const ObjectDef& def, const std::string& id,
                  const WriteContext& ctx) {
  auto txn = s.store->begin(ctx);
  auto r = txn->remove(def, id);
  if (auto* e = std::get_if<SfError>(&r)) return answer_error(c.res, *e);
  txn->commit();
  c.res.status = 204;
  c.res.body.clear();
}

std::optional<Value> parse_body(std::string_view body, net::HttpResponse& res, bool object) {
  auto v = parse_json(body);
  if (!v || (object && !v->is_object())) {
    std::string where = v ? "the body is not a JSON object" : v.error().message;
    answer_error(res, sf_error(400, "JSON_PARSER_ERROR", "Unexpected parameter or JSON: " + where));
    return std::nullopt;
  }
  return std::move(*v);
}

void add_sobject_routes(SandboxState& s) {
  using A = Router::Access;
  std::string v = kDataPathPattern;
  s.router.add("GET", v + "/sobjects/([^/]+)/?", "sobject.info", A::session,
               [&s](Call& c) { basic_info(s, c); });
  s.router.add("POST", v + "/sobjects/([^/]+)/?", "sobject.create", A::session,
               [&s](Call& c) { create(s, c); });
  s.router.add("GET", v + "/sobjects/([^/]+)/([^/]+)/?", "sobject.retrieve", A::session,
               [&s](Call& c) { retrieve(s, c); });
  s.router.add("PATCH", v + "/sobjects/([^/]+)/([^/]+)/?", "sobject.update", A::session,
               [&s](Call& c) { update(s, c); });
  s.router.add("DELETE", v + "/sobjects/([^/]+)/([^/]+)/?", "sobject.delete", A::session,
               [&s](Call& c) { destroy(s, c); });
}

}  // namespace crmsync::sandbox::salesforce
