// The v1 API: persons, organizations, deals and notes with offset paging,
// and users/me (pipelines and stages: pipedrive_pipeline_routes.cc). v1 POST
// of persons, organizations and deals answers 201; notes 200.
#include <algorithm>

#include "sandbox/common/json_object.h"
#include "sandbox/pipedrive/pipedrive_context.h"
#include "sandbox/pipedrive/pipedrive_entities.h"
#include "sandbox/pipedrive/pipedrive_envelope.h"
#include "sandbox/pipedrive/pipedrive_input.h"
#include "sandbox/pipedrive/pipedrive_render.h"

namespace crmsync::sandbox::pipedrive {

namespace {
constexpr const char* kCollection = "/v1/(persons|organizations|deals|notes)";
constexpr const char* kItem = "/v1/(persons|organizations|deals|notes)/(\\d+)";

void not_found(Entity entity, net::HttpResponse& res) {
  answer_error(res, 404, entity_title(entity) + " not found");
}

std::optional<int64_t> start_param(const net::HttpRequest& req, net::HttpResponse& res) {
  auto text = req.query_param("start");
  if (!text) return 0;
  if (text->empty() || text->size() > 9 ||
      text->find_first_not_of("0123456789") != std::string::npos) {
    answer_error(res, 400, "start must be a non-negative integer");
    return std::nullopt;
  }
  return std::stoll(*text);
}

void list(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  Entity entity = entity_from_plural(req.matches[1]);
  auto limit = limit_param(req, res);
  auto start = limit ? start_param(req, res) : std::nullopt;
  if (!limit || !start) return;
  std::vector<std::pair<const char*, std::string>> links;
  for (const char* key : {"deal_id", "person_id", "org_id", "user_id"})
    if (auto v = req.query_param(key)) links.emplace_back(key, *v);
  auto records = ctx.store.list(
      entity,
      [&](const StoredRecord& r) {
        if (r.is_deleted) return false;
        for (const auto& [key, value] : links) {
          const Value* v = member(r.data, key == std::string("user_id") ? "owner_id" : key);
          if (v == nullptr || v->to_text() != value) return false;
        }
        return true;
      },
      PipedriveStore::Window{0, static_cast<size_t>(*start + *limit + 1), false});
  Array page;
  size_t i = static_cast<size_t>(*start);
  for (; i < records.size() && static_cast<int>(page.size()) < *limit; ++i)
    page.push_back(render_v1(entity, records[i], ctx.store));
  Object pagination{
      {"start", *start}, {"limit", *limit}, {"more_items_in_collection", i < records.size()}};
  if (i < records.size()) put(pagination, "next_start", static_cast<int64_t>(i));
  // An empty v1 list answers data: null, as the real API does.
  Value data = page.empty() ? Value() : Value(std::move(page));
  answer_ok_v1(res, data, Value(Object{{"pagination", Value(std::move(pagination))}}));
}

void get_one(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  Entity entity = entity_from_plural(req.matches[1]);
  auto record = ctx.store.get(entity, std::stoll(req.matches[2]));
  if (!record) return not_found(entity, res);
  answer_ok_v1(res, render_v1(entity, *record, ctx.store));
}

void create(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  Entity entity = entity_from_plural(req.matches[1]);
  auto body = json_body(req, res);
  if (!body) return;
  auto input = parse_v1_body(entity, *body, ctx.store, true);
  if (!input.ok()) return answer_error(res, 400, input.error().message);
  StoredRecord record = ctx.store.create(entity, std::move(input->data), std::move(input->custom));
  answer_ok_v1(res, render_v1(entity, record, ctx.store), Value(),
               entity == Entity::note ? 200 : 201);
}

void update(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  Entity entity = entity_from_plural(req.matches[1]);
  auto body = json_body(req, res);
  if (!body) return;
  int64_t id = std::stoll(req.matches[2]);
  auto existing = ctx.store.get(entity, id);
  if (!existing || existing->is_deleted) return not_found(entity, res);
  auto input = parse_v1_body(entity, *body, ctx.store, false);
  if (!input.ok()) return answer_error(res, 400, input.error().message);
  auto record = ctx.store.update(entity, id, input->data, input->custom);
  if (!record) return not_found(entity, res);
  answer_ok_v1(res, render_v1(entity, *record, ctx.store));
}

void remove(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  Entity entity = entity_from_plural(req.matches[1]);
  int64_t id = std::stoll(req.matches[2]);
  if (!ctx.store.mark_deleted(entity, id)) return not_found(entity, res);
  answer_ok(res, Value(Object{{"id", id}}));
}

void me(Context&, const net::HttpRequest&, net::HttpResponse& res) {
  answer_ok(res, render_user());
}

}  // namespace

void register_v1_routes(Context& ctx) {
  auto bind = [&ctx](RouteFn fn) { return bind_route(ctx, fn); };
  auto& s = ctx.server;
  s.on("GET", kCollection, ctx.guarded(20, false, bind(list)));
  s.on("GET", kItem, ctx.guarded(2, false, bind(get_one)));
  s.on("POST", kCollection, ctx.guarded(10, false, bind(create)));
  s.on("PUT", kItem, ctx.guarded(10, false, bind(update)));
  s.on("DELETE", kItem, ctx.guarded(6, false, bind(remove)));
  s.on("GET", "/v1/users/me", ctx.guarded(2, false, bind(me)));
}

}  // namespace crmsync::sandbox::pipedrive
