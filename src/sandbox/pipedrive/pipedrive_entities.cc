#include "sandbox/pipedrive/pipedrive_entities.h"

#include <set>

#include "sandbox/common/json_object.h"

namespace crmsync::sandbox::pipedrive {

Entity entity_from_plural(const std::string& plural) {
  if (plural == "persons") return Entity::person;
  if (plural == "organizations") return Entity::organization;
  if (plural == "deals") return Entity::deal;
  if (plural == "activities") return Entity::activity;
  if (plural == "products") return Entity::product;
  return Entity::note;
}

std::optional<Entity> entity_from_fields_path(const std::string& name) {
  if (name == "personFields") return Entity::person;
  if (name == "organizationFields") return Entity::organization;
  if (name == "dealFields") return Entity::deal;
  if (name == "noteFields") return Entity::note;
  if (name == "activityFields") return Entity::activity;
  if (name == "productFields") return Entity::product;
  return std::nullopt;
}

std::string entity_title(Entity entity) {
  std::string name(entity_name(entity));
  name[0] = static_cast<char>(std::toupper(name[0]));
  return name;
}

namespace {
std::optional<int64_t> int_param(const net::HttpRequest& request, const std::string& name,
                                 std::string& error) {
  auto text = request.query_param(name);
  if (!text) return std::nullopt;
  if (text->empty() || text->size() > 18 ||
      text->find_first_not_of("0123456789") != std::string::npos) {
    error = "Validation failed: " + name + ": Expected number";
    return std::nullopt;
  }
  return std::stoll(*text);
}

}  // namespace

std::set<std::string> split_list(const std::string& text) {
  std::set<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) out.insert(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

std::vector<StoredRecord> filter_v2_list(const PipedriveStore& store, Entity entity,
                                         const net::HttpRequest& request, std::string& error,
                                         PipedriveStore::Window window) {
  struct IdFilter {
    const char* key;
    std::optional<int64_t> value;
  };
  std::vector<IdFilter> id_filters;
  for (const char* key :
       {"owner_id", "org_id", "person_id", "deal_id", "stage_id", "pipeline_id"}) {
    auto value = int_param(request, key, error);
    if (!error.empty()) return {};
    if (value) id_filters.push_back({key, value});
  }
  int64_t since = -1, until = -1;
  if (auto s = request.query_param("updated_since")) {
    since = parse_rfc3339(*s);
    if (since < 0) error = "Validation failed: updated_since: Invalid RFC3339 datetime";
  }
  if (auto u = request.query_param("updated_until")) {
    until = parse_rfc3339(*u);
    if (until < 0) error = "Validation failed: updated_until: Invalid RFC3339 datetime";
  }
  std::optional<bool> done;
  if (auto d = request.query_param("done")) {
    // The SDK sends booleans as true/false; 1/0 as older clients do.
    if (*d == "true" || *d == "1")
      done = true;
    else if (*d == "false" || *d == "0")
      done = false;
    else
      error = "Validation failed: done: Expected boolean";
  }
  std::set<std::string> ids, statuses;
  if (auto i = request.query_param("ids")) ids = split_list(*i);
  if (auto s = request.query_param("status")) statuses = split_list(*s);
  if (!error.empty()) return {};
  bool with_deleted = entity == Entity::deal && statuses.count("deleted") > 0;
  return store.list(
      entity,
      [&](const StoredRecord& r) {
        if (r.is_deleted && !with_deleted) return false;
        if (since >= 0 && r.update_time < since) return false;
        if (until >= 0 && r.update_time >= until) return false;
        if (!ids.empty() && !ids.count(std::to_string(r.id))) return false;
        for (const auto& f : id_filters) {
          const Value* v = member(r.data, f.key);
          if (v == nullptr || !v->is_int() || v->as_int() != *f.value) return false;
        }
        if (done) {
          const Value* v = member(r.data, "done");
          if (v == nullptr || !v->is_bool() || v->as_bool() != *done) return false;
        }
        if (!statuses.empty()) {
          if (r.is_deleted) return true;  // asked for with "deleted"
          const Value* status = member(r.data, "status");
          if (status == nullptr || !statuses.count(status->to_text())) return false;
        }
        return true;
      },
      window);
}

}  // namespace crmsync::sandbox::pipedrive
