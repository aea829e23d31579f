// The v1 API: persons, organizations, deals, activities, products and notes
// with offset paging, and users/me (pipelines and stages:
// pipedrive_pipeline_routes.cc). v1 POST answers 201, but notes 200.
// Lists filter by the parameters each endpoint documents (deal_id,
// person_id, org_id, user_id; activities type and done; products ids) and
// sort by one of id, add_time, update_time (ASC or DESC), which is how v1
// clients read notes changed since a time.
#include <algorithm>
#include <cctype>
#include <set>

#include "sandbox/common/json_object.h"
#include "sandbox/pipedrive/pipedrive_context.h"
#include "sandbox/pipedrive/pipedrive_entities.h"
#include "sandbox/pipedrive/pipedrive_envelope.h"
#include "sandbox/pipedrive/pipedrive_input.h"
#include "sandbox/pipedrive/pipedrive_render.h"

namespace crmsync::sandbox::pipedrive {

namespace {
constexpr const char* kCollection = "/v1/(persons|organizations|deals|notes|activities|products)";
constexpr const char* kItem = "/v1/(persons|organizations|deals|notes|activities|products)/(\\d+)";

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
  for (const char* key : {"deal_id", "person_id", "org_id", "user_id", "type"})
    if (auto v = req.query_param(key)) links.emplace_back(key, *v);
  std::optional<bool> done;
  if (auto d = req.query_param("done"); d && entity == Entity::activity) done = *d == "1";
  std::string sort_key = "id";
  bool descending = false;
  if (auto sort = req.query_param("sort"); sort && !sort->empty()) {
    size_t space = sort->find(' ');
    sort_key = sort->substr(0, space);
    std::string dir = space == std::string::npos ? "ASC" : sort->substr(space + 1);
    for (char& c : dir) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if ((sort_key != "id" && sort_key != "add_time" && sort_key != "update_time") ||
        (dir != "ASC" && dir != "DESC"))
      return answer_error(res, 400,
                          "sort: the sandbox sorts by id, add_time or update_time (ASC|DESC)");
    descending = dir == "DESC";
  }
  std::set<std::string> ids;
  if (auto i = req.query_param("ids"); i && entity == Entity::product) ids = split_list(*i);
  auto records = ctx.store.list(
      entity,
      [&](const StoredRecord& r) {
        if (r.is_deleted) return false;
        if (!ids.empty() && !ids.count(std::to_string(r.id))) return false;
        if (done) {
          const Value* v = member(r.data, "done");
          if (v == nullptr || !v->is_bool() || v->as_bool() != *done) return false;
        }
        for (const auto& [key, value] : links) {
          const Value* v = member(r.data, key == std::string("user_id") ? "owner_id" : key);
          if (v == nullptr || v->to_text() != value) return false;
        }
        return true;
      },
      sort_key == "id"
          ? PipedriveStore::Window{0, static_cast<size_t>(*start + *limit + 1), descending}
          : PipedriveStore::Window{});
  if (sort_key != "id") {
    auto time_of = [&](const StoredRecord& r) {
      return sort_key == "add_time" ? r.add_time : r.update_time;
    };
    std::stable_sort(records.begin(), records.end(),
                     [&](const StoredRecord& a, const StoredRecord& b) {
                       return descending ? time_of(a) > time_of(b) : time_of(a) < time_of(b);
                     });
  }
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
  // Notes exist in v1 only: edited "as a user" with v1 bodies.
  auto as_user = [&ctx](RouteFn fn) {
    return [&ctx, fn](const net::HttpRequest& req, net::HttpResponse& res) {
      AsUserScope scope;
      fn(ctx, req, res);
    };
  };
  s.on("POST", "/__admin/(notes)", as_user(create));
  s.on("PUT", "/__admin/(notes)/(\\d+)", as_user(update));
  s.on("DELETE", "/__admin/(notes)/(\\d+)", as_user(remove));
}

}  // namespace crmsync::sandbox::pipedrive
