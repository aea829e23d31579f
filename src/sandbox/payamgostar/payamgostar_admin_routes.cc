// /__admin: reset, request log, counters, faults, licences, token expiry,
// and the records as a test oracle (edits as a user in the CRM's UI; they
// fire webhooks like any change). No token; never faulted.
#include "core/json.h"
#include "sandbox/common/json_object.h"
#include "sandbox/payamgostar/payamgostar_context.h"

namespace crmsync::sandbox::payamgostar {

namespace {
using RouteFn = void (*)(Context&, const net::HttpRequest&, net::HttpResponse&);

std::optional<Kind> kind_of(const std::string& name) {
  for (Kind k : {Kind::person, Kind::organization, Kind::quote, Kind::product})
    if (name == kind_name(k)) return k;
  return std::nullopt;
}

void reset(Context& ctx, const net::HttpRequest&, net::HttpResponse& res) {
  ctx.webhooks.clear();  // first: re-seeding must not notify old subscriptions
  ctx.store.reset();
  ctx.auth.clear();
  if (ctx.options.seed_records > 0) seed_records(ctx.store, ctx.options.seed_records);
  ctx.log.clear();
  res.body = R"({"reset":true})";
}

void requests(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  size_t limit = 1000;
  if (auto text = req.query_param("limit");
      text && !text->empty() && text->find_first_not_of("0123456789") == std::string::npos &&
      text->size() < 9)
    limit = std::stoul(*text);
  res.body = ctx.log.requests_json(limit);
}

void counters(Context& ctx, const net::HttpRequest&, net::HttpResponse& res) {
  res.body = ctx.log.counters_json();
}

void get_faults(Context& ctx, const net::HttpRequest&, net::HttpResponse& res) {
  res.body = to_json(ctx.faults.config());
}

void set_faults(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  auto config = parse_fault_config(req.body);
  if (!config.ok()) return answer_error(res, ApiError{400, "BadFaults", config.error().message});
  ctx.faults.set(*config);
  res.body = to_json(*config);
}

void licence_json(Context& ctx, net::HttpResponse& res) {
  Array off;
  for (const std::string& m : ctx.unlicensed()) off.emplace_back(m);
  res.body = to_json(Value(Object{{"unlicensed", Value(std::move(off))}}));
}

void get_licence(Context& ctx, const net::HttpRequest&, net::HttpResponse& res) {
  licence_json(ctx, res);
}

// {"MobileApp": false, "quote": false}: which modules the licence covers.
void set_licence(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  auto body = object_body(req, res);
  if (!body) return;
  for (const Member& m : *body) {
    if (!m.value.is_bool())
      return answer_error(res, ApiError{400, "BadLicence", m.key + " must be true or false"});
    ctx.set_licensed(m.key, m.value.as_bool());
  }
  licence_json(ctx, res);
}

void expire_tokens(Context& ctx, const net::HttpRequest&, net::HttpResponse& res) {
  ctx.auth.expire_all();
  res.body = R"({"tokens_expired":true})";
}

void list_records(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  Array all;
  for (Value& v : ctx.store.list(*kind_of(req.matches[1]))) all.push_back(std::move(v));
  res.body = to_json(Value(std::move(all)));
}

void get_record(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  auto record = ctx.store.get(*kind_of(req.matches[1]), req.matches[2]);
  if (!record) return answer_error(res, ApiError{404, "NotFound", "no " + req.matches[2]});
  res.body = to_json(*record);
}

void write_record(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  auto body = object_body(req, res);
  if (!body) return;
  Kind kind = *kind_of(req.matches[1]);
  auto outcome = req.method == "POST" ? ctx.store.create(kind, *body)
                                      : ctx.store.update(kind, req.matches[2], *body);
  if (const auto* error = std::get_if<ApiError>(&outcome)) return answer_error(res, *error);
  res.status = req.method == "POST" ? 201 : 200;
  res.body = to_json(*ctx.store.get(kind, std::get<std::string>(outcome)));
}

void delete_record(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  if (!ctx.store.remove(*kind_of(req.matches[1]), req.matches[2]))
    return answer_error(res, ApiError{404, "NotFound", "no " + req.matches[2]});
  res.body = R"({"deleted":true})";
}
}  // namespace

void register_admin_routes(Context& ctx) {
  auto bind = [&ctx](RouteFn fn) {
    return [&ctx, fn](const net::HttpRequest& req, net::HttpResponse& res) { fn(ctx, req, res); };
  };
  auto& s = ctx.server;
  s.on("POST", "/__admin/reset", bind(reset));
  s.on("GET", "/__admin/requests", bind(requests));
  s.on("GET", "/__admin/counters", bind(counters));
  s.on("GET", "/__admin/faults", bind(get_faults));
  s.on("POST", "/__admin/faults", bind(set_faults));
  s.on("GET", "/__admin/licence", bind(get_licence));
  s.on("POST", "/__admin/licence", bind(set_licence));
  s.on("POST", "/__admin/tokens/expire", bind(expire_tokens));
  const std::string kinds = "/__admin/(person|organization|quote|product)";
  s.on("GET", kinds, bind(list_records));
  s.on("POST", kinds, bind(write_record));
  s.on("GET", kinds + "/([^/]+)", bind(get_record));
  s.on("PATCH", kinds + "/([^/]+)", bind(write_record));
  s.on("DELETE", kinds + "/([^/]+)", bind(delete_record));
}

}  // namespace crmsync::sandbox::payamgostar
