// sObject rows: create, retrieve, update, delete, upsert by external id.
#include "core/json.h"
#include "sandbox/salesforce/body_json.h"
#include "sandbox/salesforce/ids.h"
#include "sandbox/salesforce/sandbox_state.h"
#include "sandbox/salesforce/wire.h"

namespace crmsync::sandbox::salesforce {
namespace {

const ObjectDef* object_or_404(SandboxState& s, Call& c) {
  const ObjectDef* def = s.schema->find(c.m[2]);
  if (!def)
    answer_error(c.res, sf_error(404, "NOT_FOUND", "The requested resource does not exist"));
  return def;
}

WriteContext api_context(const Call& c) {
  return WriteContext{c.user_id, "com/salesforce/api/rest/" + c.m[1]};
}

// The selection of `?fields=a,b` (all fields when absent); nullopt after
// answering INVALID_FIELD.
std::optional<SelectNode> selection(const ObjectDef& def, Call& c) {
  auto fields = c.req.query_param("fields");
  if (!fields) return select_all(def);
  SelectNode root;
  root.name = def.name;
  root.object = &def;
  std::string_view rest = *fields;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string name(rest.substr(0, comma));
    int idx = def.field_index(name);
    if (idx < 0) {
      answer_error(c.res, sf_error(400, "INVALID_FIELD",
                                   "No such column '" + name + "' on sobject of type " + def.name));
      return std::nullopt;
    }
    SelectNode leaf;
    leaf.field = idx;
    leaf.object = &def;
    leaf.name = def.fields[static_cast<size_t>(idx)].name;
    root.children.push_back(std::move(leaf));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return root;
}

void retrieve(SandboxState& s, Call& c) {
  const ObjectDef* def = object_or_404(s, c);
  if (!def) return;
  auto id = normalize_id(c.m[3]);
  auto select = selection(*def, c);
  if (!select) return;
  auto lock = s.store->read_lock();
  const Record* rec = id ? s.store->find(*def, *id) : nullptr;
  if (!rec || s.store->deleted_micros(*def, *id) != 0) {
    return answer_error(c.res, sf_error(404, "NOT_FOUND", "The requested resource does not exist"));
  }
  std::string out;
  render_record(*s.store, *rec, *select, c.m[1], out);
  answer_json(c.res, 200, std::move(out));
}

void create(SandboxState& s, Call& c) {
  if (const ObjectDef* def = object_or_404(s, c)) write_create(s, c, *def, api_context(c), c.m[1]);
}

void update(SandboxState& s, Call& c) {
  if (const ObjectDef* def = object_or_404(s, c)) write_update(s, c, *def, c.m[3], api_context(c));
}

void destroy(SandboxState& s, Call& c) {
  if (const ObjectDef* def = object_or_404(s, c)) write_delete(s, c, *def, c.m[3], api_context(c));
}

bool at_least(const std::string& version, double v) {
  return std::stod(version) >= v;
}

void upsert(SandboxState& s, Call& c) {
  const ObjectDef* def = object_or_404(s, c);
  if (!def) return;
  auto body = parse_body(c.req.body, c.res, true);
  if (!body) return;
  auto txn = s.store->begin(api_context(c));
  auto r = txn->upsert(*def, c.m[3], c.m[4], body->as_object());
  if (auto* e = std::get_if<SfError>(&r)) {
    if (e->http_status != 300) return answer_error(c.res, *e);
    // 300: the URLs of the matching records.
    std::string out = "[";
    std::string_view ids = e->message;
    while (!ids.empty()) {
      size_t comma = ids.find(',');
      if (out.size() > 1) out += ',';
      out += "\"/services/data/v" + c.m[1] + "/sobjects/" + def->name + "/" +
             std::string(ids.substr(0, comma)) + "\"";
      if (comma == std::string_view::npos) break;
      ids.remove_prefix(comma + 1);
    }
    return answer_json(c.res, 300, out + "]");
  }
  txn->commit();
  const auto& u = std::get<Store::Txn::Upserted>(r);
  bool v46 = at_least(c.m[1], 46.0);
  if (!u.created && !v46) {
    c.res.status = 204;
    c.res.body.clear();
    return;
  }
  std::string out;
  append_save_result(u.id, nullptr, out, v46 ? &u.created : nullptr);
  answer_json(c.res, u.created ? 201 : 200, std::move(out));
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
  c.res.headers.emplace("Location",
                        "/services/data/v" + version + "/sobjects/" + def.name + "/" + id);
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
  s.router.add("GET", v + "/sobjects/([^/]+)/?", "sobject.info", A::session, [&s](Call& c) {
    const ObjectDef* def = object_or_404(s, c);
    if (!def) return;
    answer_json(c.res, 200,
                "{\"objectDescribe\":{\"name\":\"" + def->name + "\",\"keyPrefix\":\"" +
                    def->key_prefix + "\"},\"recentItems\":[]}");
  });
  s.router.add("POST", v + "/sobjects/([^/]+)/?", "sobject.create", A::session,
               [&s](Call& c) { create(s, c); });
  s.router.add("GET", v + "/sobjects/([^/]+)/([^/]+)/?", "sobject.retrieve", A::session,
               [&s](Call& c) { retrieve(s, c); });
  s.router.add("PATCH", v + "/sobjects/([^/]+)/([^/]+)/?", "sobject.update", A::session,
               [&s](Call& c) { update(s, c); });
  s.router.add("DELETE", v + "/sobjects/([^/]+)/([^/]+)/?", "sobject.delete", A::session,
               [&s](Call& c) { destroy(s, c); });
  s.router.add("PATCH", v + "/sobjects/([^/]+)/([^/]+)/(.+)", "sobject.upsert", A::session,
               [&s](Call& c) { upsert(s, c); });
}

}  // namespace crmsync::sandbox::salesforce
