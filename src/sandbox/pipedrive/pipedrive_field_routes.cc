// Custom field definitions: v1 /v1/{person,organization,deal,product}Fields
// by numeric id with `key`, v2 /api/v2/...Fields by `field_code`. Activity
// fields can only be read (the real API has no activity custom fields).
#include <set>

#include "sandbox/common/json_object.h"
#include "sandbox/pipedrive/pipedrive_context.h"
#include "sandbox/pipedrive/pipedrive_entities.h"
#include "sandbox/pipedrive/pipedrive_envelope.h"
#include "sandbox/pipedrive/pipedrive_render.h"

namespace crmsync::sandbox::pipedrive {

namespace {
constexpr const char* kV1 = "/v1/(personFields|organizationFields|dealFields|productFields)";
constexpr const char* kV1Item =
    "/v1/(personFields|organizationFields|dealFields|productFields)/(\\d+)";
constexpr const char* kV2 = "/api/v2/(personFields|organizationFields|dealFields|productFields)";
constexpr const char* kV2Item =
    "/api/v2/(personFields|organizationFields|dealFields|productFields)/([A-Za-z0-9_]+)";
constexpr const char* kV1Read =
    "/v1/(personFields|organizationFields|dealFields|productFields|activityFields)";
constexpr const char* kV1ReadItem =
    "/v1/(personFields|organizationFields|dealFields|productFields|activityFields)/(\\d+)";
constexpr const char* kV2Read =
    "/api/v2/(personFields|organizationFields|dealFields|productFields|activityFields)";
constexpr const char* kV2ReadItem =
    "/api/v2/(personFields|organizationFields|dealFields|productFields|activityFields)/"
    "([A-Za-z0-9_]+)";

const std::set<std::string> kFieldTypes = {
    "varchar",   "varchar_auto", "text", "double", "monetary", "date", "daterange", "time",
    "timerange", "enum",         "set",  "phone",  "address",  "user", "org",       "people"};

Entity entity_of(const net::HttpRequest& req) {
  return *entity_from_fields_path(req.matches[1]);
}

// Option labels from [{"label":"A"}, ...] or ["A", ...]; false when malformed.
bool option_labels(const Value* options, std::vector<std::string>& out) {
  if (options == nullptr || options->is_null()) return true;
  if (!options->is_array()) return false;
  for (const auto& o : options->as_array()) {
    if (o.is_string()) {
      out.push_back(o.as_string());
    } else if (o.is_object() && member(o.as_object(), "label") &&
               member(o.as_object(), "label")->is_string()) {
      out.push_back(member(o.as_object(), "label")->as_string());
    } else {
      return false;
    }
  }
  return true;
}

// Shared by both versions: validates and adds the field, or answers 400.
std::optional<FieldDef> add(Context& ctx, Entity entity, const Value& body, const char* name_key,
                            net::HttpResponse& res) {
  const Value* name = member(body.as_object(), name_key);
  const Value* type = member(body.as_object(), "field_type");
  std::vector<std::string> labels;
  if (name == nullptr || !name->is_string() || name->as_string().empty()) {
    answer_error(res, 400, std::string(name_key) + " must be given");
  } else if (type == nullptr || !type->is_string() || !kFieldTypes.count(type->as_string())) {
    answer_error(res, 400, "field_type must be one of the supported field types");
  } else if (!option_labels(member(body.as_object(), "options"), labels)) {
    answer_error(res, 400, "options must be an array of {label}");
  } else if ((type->as_string() == "enum" || type->as_string() == "set") && labels.empty()) {
    answer_error(res, 400, "options must be given for enum and set fields");
  } else {
    return ctx.store.add_field(entity, name->as_string(), type->as_string(), labels);
  }
  return std::nullopt;
}

std::optional<FieldDef> edit(Context& ctx, Entity entity, const std::string& key, const Value& body,
                             const char* name_key, net::HttpResponse& res) {
  const Value* name = member(body.as_object(), name_key);
  std::vector<std::string> labels;
  if (name != nullptr && (!name->is_string() || name->as_string().empty())) {
    answer_error(res, 400, std::string(name_key) + " must be a non-empty string");
    return std::nullopt;
  }
  if (!option_labels(member(body.as_object(), "options"), labels)) {
    answer_error(res, 400, "options must be an array of {label}");
    return std::nullopt;
  }
  std::optional<std::string> new_name;
  if (name) new_name = name->as_string();
  auto field = ctx.store.update_field(entity, key, new_name, labels);
  if (!field) answer_error(res, 404, "Field not found");
  return field;
}

void v1_list(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  auto fields = ctx.store.fields(entity_of(req));
  Array out;
  int order = 0;
  for (const auto& f : fields) out.push_back(render_field_v1(f, order++));
  Object pagination{{"start", 0}, {"limit", 500}, {"more_items_in_collection", false}};
  answer_ok(res, Value(std::move(out)),
            Value(Object{{"pagination", Value(std::move(pagination))}}));
}

void v1_get(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  auto field = ctx.store.field_by_id(entity_of(req), std::stoll(req.matches[2]));
  if (!field) return answer_error(res, 404, "Field not found");
  answer_ok(res, render_field_v1(*field, 0));
}

void v1_create(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  auto body = json_body(req, res);
  if (!body) return;
  if (auto field = add(ctx, entity_of(req), *body, "name", res))
    answer_ok(res, render_field_v1(*field, 0));
}

void v1_update(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  auto body = json_body(req, res);
  if (!body) return;
  auto existing = ctx.store.field_by_id(entity_of(req), std::stoll(req.matches[2]));
  if (!existing) return answer_error(res, 404, "Field not found");
  if (auto field = edit(ctx, entity_of(req), existing->key, *body, "name", res))
    answer_ok(res, render_field_v1(*field, 0));
}

void v1_delete(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  int64_t id = std::stoll(req.matches[2]);
  auto existing = ctx.store.field_by_id(entity_of(req), id);
  if (!existing || !ctx.store.delete_field(entity_of(req), existing->key))
    return answer_error(res, 404, "Field not found");
  answer_ok(res, Value(Object{{"id", id}}));
}

void v2_list(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  auto limit = limit_param(req, res);
  if (!limit) return;
  int64_t after = 0;
  if (auto cursor = req.query_param("cursor"); cursor && !cursor->empty()) {
    auto decoded = read_cursor(*cursor);
    if (!decoded) return answer_error(res, 400, "Validation failed: cursor: Invalid cursor");
    after = *decoded;
  }
  auto fields = ctx.store.fields(entity_of(req));
  Array out;
  int64_t index = 0;  // cursors count positions: field ids are not ordered
  for (; index < static_cast<int64_t>(fields.size()) && static_cast<int>(out.size()) < *limit;
       ++index)
    if (index >= after) out.push_back(render_field_v2(fields[index]));
  Value next = index < static_cast<int64_t>(fields.size()) ? Value(make_cursor(index)) : Value();
  answer_ok(res, Value(std::move(out)), Value(Object{{"next_cursor", next}}));
}

void v2_get(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  auto field = ctx.store.field_by_key(entity_of(req), req.matches[2]);
  if (!field) return answer_not_found(res);
  answer_ok(res, render_field_v2(*field));
}

void v2_create(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  auto body = json_body(req, res);
  if (!body) return;
  if (auto field = add(ctx, entity_of(req), *body, "field_name", res))
    answer_ok(res, render_field_v2(*field));
}

void v2_update(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  auto body = json_body(req, res);
  if (!body) return;
  if (auto field = edit(ctx, entity_of(req), req.matches[2], *body, "field_name", res))
    answer_ok(res, render_field_v2(*field));
}

void v2_delete(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  auto field = ctx.store.field_by_key(entity_of(req), req.matches[2]);
  if (!field || !ctx.store.delete_field(entity_of(req), field->key)) return answer_not_found(res);
  answer_ok(res, render_field_v2(*field));
}
}  // namespace

void register_field_routes(Context& ctx) {
  auto bind = [&ctx](RouteFn fn) { return bind_route(ctx, fn); };
  auto& s = ctx.server;
  s.on("GET", kV1Read, ctx.guarded(20, false, bind(v1_list)));
  s.on("GET", kV1ReadItem, ctx.guarded(2, false, bind(v1_get)));
  s.on("POST", kV1, ctx.guarded(10, false, bind(v1_create)));
  s.on("PUT", kV1Item, ctx.guarded(10, false, bind(v1_update)));
  s.on("DELETE", kV1Item, ctx.guarded(6, false, bind(v1_delete)));
  s.on("GET", kV2Read, ctx.guarded(10, false, bind(v2_list)));
  s.on("GET", kV2ReadItem, ctx.guarded(1, false, bind(v2_get)));
  s.on("POST", kV2, ctx.guarded(5, false, bind(v2_create)));
  s.on("PATCH", kV2Item, ctx.guarded(5, false, bind(v2_update)));
  s.on("DELETE", kV2Item, ctx.guarded(3, false, bind(v2_delete)));
}

}  // namespace crmsync::sandbox::pipedrive
