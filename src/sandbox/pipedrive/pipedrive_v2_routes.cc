// The v2 API: persons, organizations, deals, activities and products (CRUD
// with cursor paging;
// pipelines and stages: pipedrive_pipeline_routes.cc). Token costs from the
// OpenAPI spec's x-token-cost.
#include <algorithm>

#include "core/json.h"
#include "sandbox/common/json_object.h"
#include "sandbox/pipedrive/pipedrive_context.h"
#include "sandbox/pipedrive/pipedrive_entities.h"
#include "sandbox/pipedrive/pipedrive_envelope.h"
#include "sandbox/pipedrive/pipedrive_input.h"
#include "sandbox/pipedrive/pipedrive_render.h"

namespace crmsync::sandbox::pipedrive {

namespace {
constexpr const char* kCollection = "/api/v2/(persons|organizations|deals|activities|products)";
constexpr const char* kItem = "/api/v2/(persons|organizations|deals|activities|products)/(\\d+)";

void list(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  Entity entity = entity_from_plural(req.matches[1]);
  auto limit = limit_param(req, res);
  if (!limit) return;
  std::string sort_by = req.query_param("sort_by").value_or("id");
  std::string direction = req.query_param("sort_direction").value_or("asc");
  if (sort_by != "id" || (direction != "asc" && direction != "desc")) {
    answer_error(res, 400, "Validation failed: sort_by: the sandbox sorts by id (asc|desc) only");
    return;
  }
  std::optional<int64_t> after;
  if (auto cursor = req.query_param("cursor"); cursor && !cursor->empty()) {
    after = read_cursor(*cursor);
    if (!after) {
      answer_error(res, 400, "Validation failed: cursor: Invalid cursor");
      return;
    }
  }
  std::string error;
  PipedriveStore::Window window{after.value_or(0), static_cast<size_t>(*limit) + 1,
                                direction == "desc"};
  auto records = filter_v2_list(ctx.store, entity, req, error, window);
  if (!error.empty()) {
    answer_error(res, 400, error);
    return;
  }
  // One record more than the page tells whether there is a next page.
  bool more = records.size() > static_cast<size_t>(*limit);
  if (more) records.pop_back();
  Array page;
  for (const auto& r : records) page.push_back(render_v2(entity, r));
  Value next = more ? Value(make_cursor(records.back().id)) : Value();
  answer_ok(res, Value(std::move(page)), Value(Object{{"next_cursor", next}}));
}

void get_one(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  Entity entity = entity_from_plural(req.matches[1]);
  auto record = ctx.store.get(entity, std::stoll(req.matches[2]));
  if (!record) return answer_not_found(res);
  answer_ok(res, render_v2(entity, *record));
}

void create(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  Entity entity = entity_from_plural(req.matches[1]);
  auto body = json_body(req, res);
  if (!body) return;
  auto input = parse_v2_body(entity, *body, ctx.store, true);
  if (!input.ok()) return answer_error(res, 400, input.error().message);
  StoredRecord record = ctx.store.create(entity, std::move(input->data), std::move(input->custom));
  answer_ok(res, render_v2(entity, record));  // every v2 POST answers 200
}

void update(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  Entity entity = entity_from_plural(req.matches[1]);
  auto body = json_body(req, res);
  if (!body) return;
  int64_t id = std::stoll(req.matches[2]);
  auto existing = ctx.store.get(entity, id);
  if (!existing || existing->is_deleted) return answer_not_found(res);
  auto input = parse_v2_body(entity, *body, ctx.store, false);
  if (!input.ok()) return answer_error(res, 400, input.error().message);
  auto record = ctx.store.update(entity, id, input->data, input->custom);
  if (!record) return answer_not_found(res);
  answer_ok(res, render_v2(entity, *record));
}

void remove(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  Entity entity = entity_from_plural(req.matches[1]);
  int64_t id = std::stoll(req.matches[2]);
  if (!ctx.store.mark_deleted(entity, id)) return answer_not_found(res);
  answer_ok(res, Value(Object{{"id", id}}));
}

}  // namespace

void register_v2_routes(Context& ctx) {
  auto bind = [&ctx](RouteFn fn) { return bind_route(ctx, fn); };
  auto& s = ctx.server;
  s.on("GET", kCollection, ctx.guarded(10, false, bind(list)));
  s.on("GET", kItem, ctx.guarded(1, false, bind(get_one)));
  s.on("POST", kCollection, ctx.guarded(5, false, bind(create)));
  s.on("PATCH", kItem, ctx.guarded(5, false, bind(update)));
  s.on("DELETE", kItem, ctx.guarded(3, false, bind(remove)));
  // Changes "as a user in the Pipedrive UI": same bodies and answers, no
  // token, no limits, not counted against crmsync.
  auto as_user = [&ctx](RouteFn fn) {
    return [&ctx, fn](const net::HttpRequest& req, net::HttpResponse& res) {
      AsUserScope scope;  // webhooks then say change_source "app"
      fn(ctx, req, res);
    };
  };
  const std::string admin = "/__admin/(persons|organizations|deals|activities|products)";
  s.on("POST", admin, as_user(create));
  s.on("PATCH", admin + "/(\\d+)", as_user(update));
  s.on("DELETE", admin + "/(\\d+)", as_user(remove));
}

}  // namespace crmsync::sandbox::pipedrive
