// POST /api/v2/crmobject/<type>/<op>: person, organization, quote/sales and
// product with create, get, find, update and delete; identity/search.
#include "core/json.h"
#include "sandbox/common/json_object.h"
#include "sandbox/payamgostar/payamgostar_context.h"
#include "sandbox/payamgostar/payamgostar_find.h"

namespace crmsync::sandbox::payamgostar {

namespace {
std::string id_of(const Object& body, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    const Value* v = member(body, key);
    if (v && v->is_string() && !v->as_string().empty()) return v->as_string();
  }
  return "";
}

Value crm_id(const std::string& id) {
  return Value(Object{{"crmId", Value(id)}});
}

void operate(Context& ctx, Kind kind, const std::string& op, const net::HttpRequest& req,
             net::HttpResponse& res) {
  auto body = object_body(req, res);
  if (!body) return;
  auto answer = [&](const std::variant<std::string, ApiError>& outcome) {
    if (const auto* error = std::get_if<ApiError>(&outcome)) return answer_error(res, *error);
    res.body = to_json(crm_id(std::get<std::string>(outcome)));
  };
  if (op == "create") return answer(ctx.store.create(kind, *body));
  if (op == "find") {
    auto found = find_records(ctx.store.list(kind), *body);
    if (const auto* error = std::get_if<ApiError>(&found)) return answer_error(res, *error);
    res.body = to_json(std::get<Value>(found));
    return;
  }
  // get and delete take {"id"} (not identityId); update names the record
  // by crmId (or id) among the fields it writes.
  std::string id = op == "update" ? id_of(*body, {"crmId", "id"}) : id_of(*body, {"id"});
  if (id.empty())
    return answer_error(res, ApiError{400, "ValidationError",
                                      op == "update" ? "crmId is required" : "id is required"});
  if (op == "update") return answer(ctx.store.update(kind, id, *body));
  if (op == "get") {
    auto record = ctx.store.get(kind, id);
    if (!record)
      return answer_error(
          res, ApiError{404, "NotFound", std::string("no ") + kind_name(kind) + " with id " + id});
    res.body = to_json(*record);
    return;
  }
  if (!ctx.store.remove(kind, id))
    return answer_error(
        res, ApiError{404, "NotFound", std::string("no ") + kind_name(kind) + " with id " + id});
  res.body = "{}";
}

void search(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  auto body = object_body(req, res);
  if (!body) return;
  auto found = search_identities(ctx.store.identities(), *body);
  if (const auto* error = std::get_if<ApiError>(&found)) return answer_error(res, *error);
  res.body = to_json(std::get<Value>(found));
}
}  // namespace

void register_crm_routes(Context& ctx) {
  auto& s = ctx.server;
  const std::string ops = "(create|get|find|update|delete)";
  for (Kind kind : {Kind::person, Kind::organization, Kind::quote, Kind::product}) {
    std::string path = std::string("/api/v2/crmobject/") + kind_name(kind) +
                       (kind == Kind::quote ? "/sales/" : "/") + ops;
    s.on("POST", path,
         ctx.guarded(kind_name(kind),
                     [&ctx, kind](const net::HttpRequest& req, net::HttpResponse& res) {
                       operate(ctx, kind, req.matches[1], req, res);
                     }));
  }
  s.on("POST", "/api/v2/crmobject/identity/search",
       ctx.guarded("identity", [&ctx](const net::HttpRequest& req, net::HttpResponse& res) {
         search(ctx, req, res);
       }));
}

}  // namespace crmsync::sandbox::payamgostar
