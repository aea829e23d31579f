// /__admin/webhooks: the webhook settings an admin makes in the CRM's UI
// (Payamgostar has no API for them), the delivery log and controls.
#include "core/json.h"
#include "sandbox/common/json_object.h"
#include "sandbox/payamgostar/payamgostar_context.h"

namespace crmsync::sandbox::payamgostar {

namespace {
void list_hooks(Context& ctx, net::HttpResponse& res) {
  std::string body = "[";
  for (const PgWebhook& h : ctx.webhooks.list()) body += (body.size() > 1 ? "," : "") + to_json(h);
  res.body = body + "]";
}

void add_hook(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  auto hook = ctx.webhooks.add(req.body);
  if (!hook.ok()) return answer_error(res, ApiError{400, "BadWebhook", hook.error().message});
  res.status = 201;
  res.body = to_json(*hook);
}

void deliveries(Context& ctx, net::HttpResponse& res) {
  // One read of both: a delivery ending between two reads was in neither.
  DeliveryLog log = ctx.webhooks.dispatcher().log();
  Array out;
  for (const DeliveryAttempt& a : log.attempts)
    out.emplace_back(Object{{"webhook_id", Value(a.webhook_id)},
                            {"attempt", Value(a.attempt)},
                            {"status", Value(a.status)},
                            {"delivered", Value(a.delivered)},
                            {"dropped", Value(a.dropped)},
                            {"duplicate", Value(a.duplicate)},
                            {"event", Value(a.event.action)},
                            {"object", Value(a.event.object)},
                            {"record_id", Value(a.event.record_id)}});
  res.body = to_json(Value(Object{{"deliveries", Value(std::move(out))},
                                  {"queued", Value(static_cast<int64_t>(log.queued))}}));
}

void set_controls(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  auto& d = ctx.webhooks.dispatcher();
  auto controls = parse_delivery_controls(req.body, d.controls());
  if (!controls.ok())
    return answer_error(res, ApiError{400, "BadControls", controls.error().message});
  d.set_controls(*controls);
  res.body = to_json(*controls);
}
}  // namespace

void register_webhook_admin_routes(Context& ctx) {
  auto& s = ctx.server;
  s.on("GET", "/__admin/webhooks",
       [&ctx](const net::HttpRequest&, net::HttpResponse& res) { list_hooks(ctx, res); });
  s.on("POST", "/__admin/webhooks",
       [&ctx](const net::HttpRequest& req, net::HttpResponse& res) { add_hook(ctx, req, res); });
  s.on("DELETE", "/__admin/webhooks/(\\d+)",
       [&ctx](const net::HttpRequest& req, net::HttpResponse& res) {
         if (req.matches[1].size() > 15 || !ctx.webhooks.remove(std::stoll(req.matches[1])))
           return answer_error(res, ApiError{404, "NotFound", "no webhook " + req.matches[1]});
         res.body = R"({"deleted":true})";
       });
  s.on("GET", "/__admin/webhook_deliveries",
       [&ctx](const net::HttpRequest&, net::HttpResponse& res) { deliveries(ctx, res); });
  s.on("GET", "/__admin/webhook_delivery", [&ctx](const net::HttpRequest&, net::HttpResponse& res) {
    res.body = to_json(ctx.webhooks.dispatcher().controls());
  });
  s.on(
      "POST", "/__admin/webhook_delivery",
      [&ctx](const net::HttpRequest& req, net::HttpResponse& res) { set_controls(ctx, req, res); });
}

}  // namespace crmsync::sandbox::payamgostar
