// /__admin: reset, request log, per-endpoint counters, fault injection and
// limits. No token needed; never rate limited or faulted.
#include "core/json.h"
#include "sandbox/common/json_object.h"
#include "sandbox/pipedrive/pipedrive_context.h"
#include "sandbox/pipedrive/pipedrive_envelope.h"

namespace crmsync::sandbox::pipedrive {

namespace {
void reset(Context& ctx, const net::HttpRequest&, net::HttpResponse& res) {
  ctx.webhooks.clear();  // first: re-seeding must not notify old subscriptions
  ctx.store.reset();
  ctx.oauth.clear();
  ctx.set_api_token(ctx.options.api_token);
  if (ctx.options.seed_records > 0) seed_records(ctx.store, ctx.options.seed_records);
  ctx.burst.clear();
  ctx.search_burst.clear();
  ctx.budget.clear();
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
  if (!config.ok()) return answer_error(res, 400, config.error().message);
  ctx.faults.set(*config);
  res.body = to_json(*config);
}

// As a user regenerating the company's API token in Pipedrive's settings:
// the new one works at once, the old one is refused from then on.
void set_api_token(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  auto body = json_body(req, res);
  if (!body) return;
  const Value* token = body->find("api_token");
  if (token == nullptr || !token->is_string() || token->as_string().empty())
    return answer_error(res, 400, "api_token must be a non-empty string");
  ctx.set_api_token(token->as_string());
  res.body = R"({"api_token_changed":true})";
}

void set_limits(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  auto body = json_body(req, res);
  if (!body) return;
  for (const auto& [key, value] : body->as_object()) {
    if (!value.is_int() || value.as_int() < 0)
      return answer_error(res, 400, key + " must be a whole number >= 0");
    if (key == "burst_limit") {
      ctx.burst.set_limit(value.as_int());
    } else if (key == "search_burst_limit") {
      ctx.search_burst.set_limit(value.as_int());
    } else if (key == "daily_budget") {
      ctx.budget.set_budget(value.as_int());
    } else {
      return answer_error(res, 400, "unknown limit " + key);
    }
  }
  ctx.burst.clear();
  ctx.search_burst.clear();
  res.body = "{\"burst_limit\":" + std::to_string(ctx.burst.limit()) +
             ",\"search_burst_limit\":" + std::to_string(ctx.search_burst.limit()) + "}";
}
}  // namespace

void register_admin_routes(Context& ctx) {
  auto bind = [&ctx](RouteFn fn) { return bind_route(ctx, fn); };
  auto& s = ctx.server;
  s.on("POST", "/__admin/reset", bind(reset));
  s.on("GET", "/__admin/requests", bind(requests));
  s.on("GET", "/__admin/counters", bind(counters));
  s.on("GET", "/__admin/faults", bind(get_faults));
  s.on("POST", "/__admin/faults", bind(set_faults));
  s.on("POST", "/__admin/limits", bind(set_limits));
  s.on("POST", "/__admin/api_token", bind(set_api_token));
}

}  // namespace crmsync::sandbox::pipedrive
