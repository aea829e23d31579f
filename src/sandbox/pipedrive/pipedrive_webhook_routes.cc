// /v1/webhooks: create (201), list, delete. Webhooks do not count against
// the rate limits, as in the real service, but need the token.
#include "core/json.h"
#include "sandbox/pipedrive/pipedrive_context.h"
#include "sandbox/pipedrive/pipedrive_envelope.h"
#include "sandbox/pipedrive/pipedrive_webhooks.h"

namespace crmsync::sandbox::pipedrive {

namespace {
void answer_status_ok(net::HttpResponse& res, const Value& data, int status) {
  res.status = status;
  res.body = R"({"status":"ok","success":true,"data":)" + to_json(data) + "}";
}

void create(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  auto body = json_body(req, res);
  if (!body) return;
  auto hook = ctx.webhooks.add(*body);
  if (!hook.ok()) {
    bool limit = hook.error().message == "Webhooks limit reached";
    return answer_error(res, limit ? 422 : 400, hook.error().message);
  }
  answer_status_ok(res, render_webhook(*hook), 201);
}

void list(Context& ctx, const net::HttpRequest&, net::HttpResponse& res) {
  Array out;
  for (const auto& h : ctx.webhooks.list()) out.push_back(render_webhook(h));
  answer_status_ok(res, Value(std::move(out)), 200);
}

void remove(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  if (!ctx.webhooks.remove(std::stoll(req.matches[1])))
    return answer_error(res, 404, "Webhook not found");
  res.body = R"({"status":"ok","success":true})";
}

void deliveries(Context& ctx, const net::HttpRequest&, net::HttpResponse& res) {
  Array out;
  DeliveryLog log = ctx.webhooks.deliveries();
  for (const auto& a : log.attempts)
    out.push_back(Value(Object{{"webhook_id", a.webhook_id},
                               {"attempt", a.attempt},
                               {"status", a.status},
                               {"delivered", a.delivered},
                               {"dropped", a.dropped},
                               {"duplicate", a.duplicate},
                               {"event_id", a.event.id},
                               {"object", a.event.object},
                               {"record_id", a.event.record_id},
                               {"action", a.event.action},
                               {"sent_at_micros", a.sent_at_micros},
                               {"answered_at_micros", a.answered_at_micros}}));
  res.body = to_json(Value(Object{{"deliveries", Value(std::move(out))},
                                  {"queued", Value(static_cast<int64_t>(log.queued))}}));
}

void get_delivery(Context& ctx, const net::HttpRequest&, net::HttpResponse& res) {
  res.body = to_json(ctx.webhooks.controls());
}

void set_delivery(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  auto controls = parse_delivery_controls(req.body, ctx.webhooks.controls());
  if (!controls.ok()) return answer_error(res, 400, controls.error().message);
  ctx.webhooks.set_controls(*controls);
  res.body = to_json(*controls);
}
}  // namespace

void register_webhook_routes(Context& ctx) {
  auto& s = ctx.server;
  s.on("POST", "/v1/webhooks", ctx.guarded(0, false, bind_route(ctx, create)));
  s.on("GET", "/v1/webhooks", ctx.guarded(0, false, bind_route(ctx, list)));
  s.on("DELETE", "/v1/webhooks/(\\d+)", ctx.guarded(0, false, bind_route(ctx, remove)));
  s.on("GET", "/__admin/webhook_deliveries", bind_route(ctx, deliveries));
  s.on("GET", "/__admin/webhook_delivery", bind_route(ctx, get_delivery));
  s.on("POST", "/__admin/webhook_delivery", bind_route(ctx, set_delivery));
}

}  // namespace crmsync::sandbox::pipedrive
